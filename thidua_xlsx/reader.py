"""Reading one returned file into registration rows, whatever its shape (python-calamine, no re-saving).

The pipeline lives in thidua_xlsx.reading: locate tables and sections -> plan columns from headings -> sort the
rows (layout) -> decode each column by its kind -> assemble rows, each with its own kind -> totals and findings.
"""

from __future__ import annotations

from pathlib import Path

from thidua_xlsx.catalogue import Catalogue
from thidua_xlsx.files import file_hash
from thidua_xlsx.findings import finding
from thidua_xlsx.headings import folded
from thidua_xlsx.reading.context import Context
from thidua_xlsx.reading.model import ParsedReturn, Rows
from thidua_xlsx.reading.sheet import read_sheet
from thidua_xlsx.sources import Grid, Unreadable, open_grids
from thidua_xlsx.text import clean

READER_VERSION = 3
__all__ = ["READER_VERSION", "ParsedReturn", "Rows", "read_return"]


def read_return(path: Path, catalogue: Catalogue, name: str | None = None, sha256: str | None = None) -> ParsedReturn:
    """Read one return; never raises for bad input: unreadable files come back with a file-level finding."""
    shown = name or path.name
    parsed = ParsedReturn(file=shown, sha256=sha256 or file_hash(path))
    try:
        book = open_grids(path)
    except Unreadable as exc:
        parsed.readable = False
        parsed.findings.append(finding(exc.code, source_file=shown, reason=exc.reason))
        return parsed
    if book.macros:
        parsed.findings.append(finding("TEP_CO_MACRO", source_file=shown))
    _read_book(parsed, catalogue, book.grids)
    return parsed


def _read_book(parsed: ParsedReturn, catalogue: Catalogue, grids: list[Grid]) -> None:
    """Every visible sheet; _meta read apart; file-level findings at the end."""
    ctx = Context(parsed, catalogue)
    unread: list[tuple[str, int]] = []
    for grid in grids:
        if folded(grid.name) == "meta":
            parsed.meta = {clean(str(r[0])): ctx.texts.text(r[1]) for r in grid.rows if len(r) >= 2 and r[0]}
        elif not grid.hidden:
            unread.extend(read_sheet(ctx, grid))
    if ctx.texts.converted:
        parsed.findings.append(finding("MA_CU_DA_CHUYEN", source_file=parsed.file,
                                       cells=sum(ctx.texts.converted.values()),
                                       encodings=", ".join(sorted(ctx.texts.converted))))
    if not ctx.tables:
        parsed.findings.append(finding("TEP_KHONG_NHAN_DANG", source_file=parsed.file))
        return
    for sheet, count in unread:
        parsed.findings.append(finding("TRANG_TINH_KHONG_NHAN_DANG", source_file=parsed.file, source_sheet=sheet,
                                       rows=count))
