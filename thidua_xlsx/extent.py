"""How big a sheet's grid is, read from the file's structure without laying the grid out: the farthest cell that
holds a value in each format (xlsx cell references, ods repeat counts, xls BIFF cell records). calamine lays a sheet
out from A1 to that cell, so this is what it would allocate; a few milliseconds here refuse a bomb that would take
gigabytes there."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import iterparse

# A row or a cell, its attributes, and "/" when it is self-closed (<c r="XFD1048576" s="1"/> holds no value).
_XLSX_TAG = re.compile(rb'<(?:\w+:)?(row|c)((?:\s[^>]*?)?)(/?)>')
_XLSX_REF = re.compile(rb'\br="([A-Z]{0,3})([0-9]{0,7})"')
# A cell written otherwise than <c r="A1".."AZ9999" ...>: past column AZ or row 9999, without a reference, or with
# its attributes in another order. Without one, a sheet is under 52 × 9999 cells and needs no closer look (one
# search at C speed; the exact scan below costs more and is only needed for big or unusual sheets).
_XLSX_UNUSUAL = re.compile(rb'<c(?! r="A?[A-Z][0-9]{1,4}+")[\s>/]')  # (digits end at a non-digit: no backtracking)
# A cell or a sheetData with a namespace prefix (<x:c ...>): calamine reads a cell by its local name, whatever the
# prefix, so a prefixed cell escapes _XLSX_UNUSUAL and needs the exact scan.
_XLSX_PREFIXED = re.compile(rb':(?:c[\s>/]|sheetData)')
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_CHUNK = 1 << 24


class Truncated(ValueError):
    """The file ends before its own structure says it does."""


@dataclass(frozen=True)
class Extent:
    """The farthest row and column (1-based) holding a value in one sheet."""

    rows: int = 0
    columns: int = 0

    @property
    def cells(self) -> int:
        """Cells of the grid from A1 to the farthest value."""
        return self.rows * self.columns

    def describe(self) -> str:
        """In Vietnamese: the far corner of the grid and how big that makes the sheet."""
        return (f"dữ liệu trải tới ô {_column_name(self.columns)}{self.rows} ({number(self.columns)} cột × "
                f"{number(self.rows)} dòng)")


def number(n: int) -> str:
    """An integer as Vietnamese writes it: 1.048.576."""
    return f"{n:,}".replace(",", ".")


def _column_name(n: int) -> str:
    name = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name or "A"


def _column_number(letters: bytes) -> int:
    n = 0
    for b in letters:
        n = n * 26 + b - 64
    return n


def xlsx_extent(part: IO[bytes]) -> Extent:
    """The extent of one worksheet part of an xlsx package, streamed (a chunk's tail is kept for the next one);
    a small upper bound at once for the usual sheet, written the usual way and nowhere near a limit."""
    with part:
        head = part.read(_CHUNK)
        if len(head) < _CHUNK and not _XLSX_PREFIXED.search(head) and not _XLSX_UNUSUAL.search(head):
            return Extent(9999, 52)
        return _scan(head, part)


def _scan(head: bytes, part: IO[bytes]) -> Extent:
    """Walk the rows and cells as calamine places them: a cell's reference when it has one, else the column after
    the previous cell, in the row its <row r=…> (or the count of rows) says."""
    rows = columns = row = column = 0
    data = head
    while data:
        end = data.rfind(b">") + 1
        for tag, attrs, closed in _XLSX_TAG.findall(data[:end]):
            ref = _XLSX_REF.search(attrs)
            if tag == b"row":
                row = int(ref.group(2)) if ref else row + 1
                column = 0
                continue
            if ref:
                row, column = int(ref.group(2)) if ref.group(2) else row, _column_number(ref.group(1))
            else:
                column += 1
            if not closed:
                rows, columns = max(rows, row), max(columns, column)
        more = part.read(_CHUNK)
        data = data[end:] + more if more else b""
    return Extent(rows, columns)


def ods_extent(content: IO[bytes]) -> Extent:
    """The largest extent among the tables of an ods content.xml, repeat counts multiplied out."""
    widest = Extent()
    rows = columns = row = column = last = 0
    with content:
        for event, element in iterparse(content, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_TABLE}table":
                    rows = columns = row = 0
                elif tag == f"{_TABLE}table-row":
                    column = last = 0
                continue
            if tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                column += int(element.get(f"{_TABLE}number-columns-repeated", "1"))
                if element.get(f"{_OFFICE}value-type") or element.get(f"{_TABLE}formula") or len(element):
                    last = column
                element.clear()
            elif tag == f"{_TABLE}table-row":
                repeat = int(element.get(f"{_TABLE}number-rows-repeated", "1"))
                row += repeat
                if last:
                    rows, columns = row, max(columns, last)
                element.clear()
            elif tag == f"{_TABLE}table":
                widest = max(widest, Extent(rows, columns), key=lambda e: e.cells)
                element.clear()
    return widest


# BIFF8 records holding a value: (first column, last column) offsets in the record body; MULRK spans columns.
_BIFF_CELLS = {0x0006: None, 0x00D6: None, 0x00FD: None, 0x0203: None, 0x0204: None, 0x0205: None, 0x027E: None,
               0x00BD: -2}
_BOF, _EOF = 0x0809, 0x000A


def biff_extent(path: Path, size: int) -> Extent | None:
    """The largest extent among the sheets of an .xls (None for an OLE file that holds no workbook). Truncated
    when the workbook stream or one of its records runs past the end of the file."""
    data = _workbook_stream(path, size)
    if data is None:
        return None
    widest = Extent()
    rows = columns = 0
    pos, end = 0, len(data)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", data, pos)
        body = pos + 4
        if body + length > end:
            raise Truncated("bản ghi cuối của bảng tính bị cắt cụt")
        if kind in _BIFF_CELLS and length >= 4:
            row, first = struct.unpack_from("<HH", data, body)
            last = first
            if _BIFF_CELLS[kind] is not None and length >= 6:
                last = struct.unpack_from("<H", data, body + length + _BIFF_CELLS[kind])[0]
            rows, columns = max(rows, row + 1), max(columns, first + 1, last + 1)
        elif kind in (_BOF, _EOF):
            widest = max(widest, Extent(rows, columns), key=lambda e: e.cells)
            rows = columns = 0
        pos = body + length
    return max(widest, Extent(rows, columns), key=lambda e: e.cells)


def _workbook_stream(path: Path, size: int) -> bytes | None:
    """The Workbook stream of an OLE file, after checking that every sector in use lies inside the file."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                return None
            for sector, following in enumerate(ole.fat):  # every sector in use must lie inside the file
                if following != olefile.FREESECT and (sector + 2) * ole.sectorsize > size:
                    raise Truncated("tệp bị cắt cụt: cấu trúc tệp trỏ tới phần vượt quá cuối tệp")
            return ole.openstream(name).read()
    except Truncated:
        raise
    except Exception as exc:  # olefile raises several types for a damaged container
        raise Truncated(f"vỏ tệp .xls hỏng hoặc bị cắt cụt (chi tiết: {exc})") from None
