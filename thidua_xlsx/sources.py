"""Opening a returned file safely: sniffing its real type, refusing bombs and encrypted files, reading grids."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
MAX_RATIO = 200
MAX_CELLS = 4_000_000  # cells of a sheet's grid, from A1 to its farthest value: a return has thousands
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Unreadable(Exception):
    """The file cannot be read; code is the finding to report (TEP_HONG, TEP_MA_HOA, TEP_QUA_LON, ...)."""

    def __init__(self, code: str, reason: str = "") -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class Grid:
    """One sheet as rows of Python values, positions as Excel shows them (row 0 is Excel row 1)."""

    name: str
    rows: list[list]
    hidden: bool = False


@dataclass
class Workbook:
    """The sheets of one file, and whether it carries macros."""

    grids: list[Grid]
    macros: bool = False
    notes: list[str] = field(default_factory=list)


def open_grids(path: Path) -> Workbook:
    """Read every sheet of a spreadsheet (xlsx, xlsm, xls, ods, or HTML/CSV disguised as .xls)."""
    size = path.stat().st_size
    if size == 0:
        raise Unreadable("TEP_HONG", "tệp rỗng (0 byte)")
    if size > MAX_FILE_BYTES:
        raise Unreadable("TEP_QUA_LON", f"tệp nặng {size // 1048576} MB, tối đa {MAX_FILE_BYTES // 1048576} MB")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF"):
        raise Unreadable("TEP_HONG", "đây là tệp PDF, không phải bảng tính; đề nghị đơn vị gửi tệp Excel")
    if head.startswith(b"PK\x03\x04"):
        macros = _check_zip(path)
        return Workbook(_calamine(path), macros=macros or path.suffix.lower() == ".xlsm")
    if head == OLE_MAGIC:
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise Unreadable("TEP_MA_HOA")
        check_biff(path, len(data))
        return Workbook(_calamine(path))
    return Workbook(_text_grids(path))


def _check_zip(path: Path) -> bool:
    """Refuse zip bombs before any parsing; detect encrypted ODS; return whether the package holds macros."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise Unreadable("TEP_QUA_LON", f"{len(infos)} phần trong gói, tối đa {MAX_ZIP_ENTRIES}")
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED:
                raise Unreadable("TEP_QUA_LON", f"giải nén ra {total // 1048576} MB, tối đa "
                                                f"{MAX_UNCOMPRESSED // 1048576} MB")
            for info in infos:
                if info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise Unreadable("TEP_QUA_LON", f"phần {info.filename} nén với tỷ lệ bất thường")
            names = {i.filename for i in infos}
            if any(n.startswith("word/") for n in names):
                raise Unreadable("TEP_HONG", "đây là tệp Word (.docx), không phải bảng tính")
            if "META-INF/manifest.xml" in names and b"encryption-data" in zf.read("META-INF/manifest.xml"):
                raise Unreadable("TEP_MA_HOA")
            check_extent(zf, names)
            return any(n.lower().endswith("vbaproject.bin") for n in names)
    except zipfile.BadZipFile as exc:
        raise Unreadable("TEP_HONG", f"gói nén hỏng hoặc bị cắt cụt ({exc})") from None


def check_extent(zf: zipfile.ZipFile, names: set[str]) -> None:
    """Refuse a sheet whose grid (A1 to its farthest value) is too big to lay out, before calamine allocates it:
    one stray value at XFD1048576 in a 13 KB file is 17 billion cells."""
    from thidua_xlsx.extent import number, ods_extent, xlsx_extent

    if "content.xml" in names and "xl/workbook.xml" not in names:
        extents = [ods_extent(zf.open("content.xml"))]
    else:
        extents = [xlsx_extent(zf.open(n)) for n in sorted(names)
                   if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    for extent in extents:
        if extent.cells > MAX_CELLS:
            raise Unreadable("TEP_QUA_LON", f"{extent.describe()}, tối đa {number(MAX_CELLS)} ô")


def check_biff(path: Path, size: int) -> None:
    """Refuse an .xls whose workbook stream runs past the end of the file (a truncated copy makes calamine
    panic) or whose grid is too big to lay out."""
    from thidua_xlsx.extent import Truncated, biff_extent, number

    try:
        extent = biff_extent(path, size)
    except Truncated as exc:
        raise Unreadable("TEP_HONG", str(exc)) from None
    if extent is not None and extent.cells > MAX_CELLS:
        raise Unreadable("TEP_QUA_LON", f"{extent.describe()}, tối đa {number(MAX_CELLS)} ô")


def _calamine(path: Path) -> list[Grid]:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        hidden = {m.name for m in wb.sheets_metadata if str(m.visible) != "SheetVisibleEnum.Visible"}
        grids = []
        for name in wb.sheet_names:
            if name in hidden and name != "_meta":  # hidden sheets are not read (our _lists, a unit's old data)
                grids.append(Grid(name, [], True))
                continue
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            grids.append(Grid(name, rows, name in hidden))
        return grids
    except pc.PasswordError:
        raise Unreadable("TEP_MA_HOA") from None
    except Exception as exc:  # calamine raises several unrelated types for broken files
        text = str(exc)
        if "password" in text.lower() or "encrypt" in text.lower():
            raise Unreadable("TEP_MA_HOA") from None
        detail = text.splitlines()[0][:200] if text else type(exc).__name__
        raise Unreadable("TEP_HONG", f"nội dung hỏng hoặc không phải bảng tính (chi tiết: {detail})") from None


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
            if "\x00" not in text:
                return text
        except UnicodeDecodeError:
            continue
    return data.decode("cp1258", errors="replace")


def _text_grids(path: Path) -> list[Grid]:
    """A ".xls" that is really an HTML page or a CSV file, as Excel opens them."""
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable("TEP_HONG", "không phải bảng tính (định dạng nhị phân không rõ)")
    text = _decode(data)
    lowered = text[:4096].lower()
    if "<table" in text.lower() or lowered.lstrip().startswith(("<html", "<!doctype")):
        parser = _TableParser()
        parser.feed(text)
        parser.close()
        return [Grid(f"Bảng {n}", rows) for n, rows in enumerate(parser.tables, 1) if rows]
    # The delimiter used most across the first lines (csv.Sniffer gives up on a title line above the table).
    lines = text.splitlines()[:50]
    delimiter = max(",;\t", key=lambda d: sum(line.count(d) for line in lines))
    return [Grid(path.stem, [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)])]


class _TableParser(HTMLParser):
    """Rows of every <table>, with colspan and rowspan laid out as Excel does (value in the top-left cell)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list]] = []
        self._spans: dict[tuple[int, int], str] = {}
        self._row: list | None = None
        self._cell: list[str] | None = None
        self._cell_span = (1, 1)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
            self._spans = {}
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._cell_span = (_int(a.get("rowspan")), _int(a.get("colspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            r = len(self.tables[-1])
            self._skip_spanned(r)
            rowspan, colspan = self._cell_span
            c = len(self._row)
            self._row.append(" ".join("".join(self._cell).split()))
            for dc in range(1, colspan):
                self._row.append("")
            for dr in range(1, rowspan):
                for dc in range(colspan):
                    self._spans[(r + dr, c + dc)] = ""
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._skip_spanned(len(self.tables[-1]))
            self.tables[-1].append(self._row)
            self._row = None

    def _skip_spanned(self, r: int) -> None:
        while (r, len(self._row)) in self._spans:
            self._row.append(self._spans.pop((r, len(self._row))))


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
