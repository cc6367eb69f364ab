"""Reading one returned file into registration rows, whatever its shape (python-calamine, no re-saving)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Callable

from xlsxwriter.utility import xl_rowcol_to_cell

from thidua_xlsx.catalogue import COMPLETION_LEVELS, KINDS, Catalogue
from thidua_xlsx.files import file_hash
from thidua_xlsx.findings import Finding, finding
from thidua_xlsx.headings import HeadingIndex, folded, is_signature_key, is_total_key, name_heading_kind, section_kind
from thidua_xlsx.sources import Grid, Unreadable, open_grids
from thidua_xlsx.text import clean, fix_legacy, fold_many, has_legacy_words

READER_VERSION = 2
_SEP = "\n\x00\n"  # joins a column's cells: whitespace on both sides, so no word or mark spans two cells
_SPACES = re.compile(r"\s+")
_UNSEEN = object()
_BLANK = frozenset(("", None))
_TEXTS: dict[str, tuple[str, str | None]] = {}  # cell text -> (clean text, legacy encoding): text(), per process
TICKS = frozenset({"x", "✓", "✔", "1", "v", "có", "co", "√", "☑", "yes", "true"})
BLANKS = frozenset({"", "0", "không", "khong", "false"})
CLASSES = {"nhat": "Nhất", "hang nhat": "Nhất", "i": "Nhất", "hang i": "Nhất",
           "nhi": "Nhì", "hang nhi": "Nhì", "ii": "Nhì", "hang ii": "Nhì",
           "ba": "Ba", "hang ba": "Ba", "iii": "Ba", "hang iii": "Ba"}
UNIT_LINE_PREFIXES = ("phong don vi", "don vi", "co quan don vi", "ten don vi", "phong", "co quan")


@dataclass
class Rows:
    """The registrants of one return, column by column (cheap to pickle and to turn into a frame): kind, sheet,
    Excel row, name, completion code, note, collective type, and per item code its values (1/0 or a class)."""

    kind: list[str] = field(default_factory=list)
    sheet: list[str] = field(default_factory=list)
    row: list[int] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    completion: list[str] = field(default_factory=list)
    note: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    items: dict[str, list] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.name)

    def count(self, kind: str) -> int:
        """How many rows of one kind."""
        return self.kind.count(kind)

    def first_name(self, kind: str) -> str:
        """The first non-empty name of a kind (a collective return's own line), or ""."""
        return next((n for k, n in zip(self.kind, self.name) if k == kind and n), "")


@dataclass
class ParsedReturn:
    """Everything one file says: its rows, what identifies its unit, and the findings met while reading."""

    file: str
    sha256: str
    rows: Rows = field(default_factory=Rows)
    meta: dict[str, str] = field(default_factory=dict)
    unit_lines: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True

    def rows_of(self, kind: str) -> int:
        """How many rows of one kind the return holds."""
        return self.rows.count(kind)


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
    _Reader(parsed, catalogue).read(book.grids)
    return parsed


@lru_cache(maxsize=8)
def _indexes(catalogue: Catalogue) -> dict[str, HeadingIndex]:
    """Heading indexes per kind, built once per catalogue (catalogues are frozen, hence hashable)."""
    return {kind: HeadingIndex(catalogue, kind) for kind in KINDS}


class _Reader:
    def __init__(self, parsed: ParsedReturn, catalogue: Catalogue) -> None:
        parsed.rows = Rows(items={code: [] for code in catalogue.codes})
        self.parsed = parsed
        self.catalogue = catalogue
        self.indexes = _indexes(catalogue)
        self.converted: dict[str, int] = {}
        self._converted_cells: set[str] = set()
        self._ticks: dict[object, int | None] = {}
        self._class_marks: dict[object, str | int | None] = {}
        self._levels: dict[object, str | None] = {}
        self.tables = 0
        self.unread_sheets: list[tuple[str, int]] = []

    # --- text -------------------------------------------------------------------------------------------
    def text(self, value: object) -> str:
        """A cell as clean NFC text, legacy encodings converted (cached per distinct value)."""
        if value is None or value == "":
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, str):
            return str(value)
        try:
            result, encoding = _TEXTS[value]
        except KeyError:
            if len(_TEXTS) > 100_000:  # headings and marks repeat across returns; names do not: keep it bounded
                _TEXTS.clear()
            fixed, encoding = fix_legacy(value)
            result = clean(fixed)
            _TEXTS[value] = result, encoding
        if encoding and value not in self._converted_cells:  # each distinct converted text counted once a file
            self._converted_cells.add(value)
            self.converted[encoding] = self.converted.get(encoding, 0) + 1
        return result

    def texts(self, values: list) -> list[str]:
        """text() of a whole column: one NFC pass and one legacy check over the joined cells when they are all
        good Unicode (the usual case); cell by cell otherwise."""
        strings = [v for v in values if isinstance(v, str) and v]
        joined = _SEP.join(strings)
        if "\x00" in joined.replace(_SEP, "") or not strings:
            return [self.text(v) for v in values]
        nfc = unicodedata.normalize("NFC", joined)
        if has_legacy_words(nfc):
            return [self.text(v) for v in values]
        cleaned = iter(_SPACES.sub(" ", nfc).split("\x00"))
        return [next(cleaned).strip() if isinstance(v, str) and v else self.text(v) for v in values]

    # --- whole book -------------------------------------------------------------------------------------
    def read(self, grids: list[Grid]) -> None:
        """Every visible sheet; _meta read apart; file-level findings at the end."""
        for grid in grids:
            if folded(grid.name) == "meta":
                self.parsed.meta = {clean(str(r[0])): self.text(r[1]) for r in grid.rows if len(r) >= 2 and r[0]}
                continue
            if grid.hidden:
                continue
            self.read_grid(grid)
        if self.converted:
            self.parsed.findings.append(finding(
                "MA_CU_DA_CHUYEN", source_file=self.parsed.file, cells=sum(self.converted.values()),
                encodings=", ".join(sorted(self.converted))))
        if not self.tables:
            self.parsed.findings.append(finding("TEP_KHONG_NHAN_DANG", source_file=self.parsed.file))
            return
        for name, count in self.unread_sheets:
            self.parsed.findings.append(finding("TRANG_TINH_KHONG_NHAN_DANG", source_file=self.parsed.file,
                                                source_sheet=name, rows=count))

    def read_grid(self, grid: Grid) -> None:
        """Find the tables of one sheet by their headings (and section titles) and read each."""
        rows = grid.rows
        starts = []
        section: tuple[int, str] | None = None
        for r, row in enumerate(rows):
            if row and row[0].__class__ in (int, float):
                continue  # a data or numbering row (TT first), the common case: the test below, made cheap
            first = next((v for v in row if v != "" and v is not None), None)
            if first is None or (isinstance(first, (int, float)) and not isinstance(first, bool)):
                continue  # empty, or a data or numbering row (TT first): never a heading, title or unit line
            strings = [v for v in row if isinstance(v, str) and v.strip()]
            if not strings:
                continue
            if r < 12 or section is None:
                self._unit_line(strings)
            kind = next((k for k in map(section_kind, strings[:2]) if k), None)
            if kind and len(strings) <= 2:
                section = (r, kind)
                continue
            name_col = self._name_column(row)
            if name_col is not None:
                sec_kind = section[1] if section and r - section[0] <= 3 else None
                starts.append((r, name_col, sec_kind or name_heading_kind(self.text(row[name_col])) or "tap_the"))
        for n, (r, name_col, kind) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(rows)
            self.read_table(grid, r, end, name_col, kind)
        if not starts:
            filled = sum(1 for row in rows if sum(v not in ("", None) for v in row) >= 2)
            if filled >= 2:  # a table we could not recognise, next to ones we could: say so
                self.unread_sheets.append((grid.name, filled))

    def _unit_line(self, strings: list[str]) -> None:
        for value in strings[:3]:
            text = self.text(value)
            if ":" not in text:
                continue
            label, _, rest = text.partition(":")
            rest = rest.strip(" .…")
            if rest and folded(label) in UNIT_LINE_PREFIXES:
                self.parsed.unit_lines.append(rest)

    def _name_column(self, row: list) -> int | None:
        """The column of a name heading, when this row is a table heading (it also has a TT or item heading)."""
        name_col = None
        others = 0
        for c, value in enumerate(row):
            if not isinstance(value, str) or not value.strip():
                continue
            if name_col is None and name_heading_kind(value):
                name_col = c
            elif folded(value) in ("tt", "stt", "so tt", "ghi chu") or "dang ky" in folded(value) \
                    or "muc do hoan thanh" in folded(value):
                others += 1
        return name_col if name_col is not None and others else None

    # --- one table --------------------------------------------------------------------------------------
    def read_table(self, grid: Grid, head: int, end: int, name_col: int, kind: str) -> None:
        """Map the columns of one table from its one- or two-level headings, then read its rows."""
        rows = grid.rows
        index = self.indexes[kind]
        top = [self.text(v) for v in rows[head]]
        sub_row = rows[head + 1] if head + 1 < end else []
        sub = [self.text(v) for v in sub_row]
        is_sub = (not (name_col < len(sub) and sub[name_col] and name_heading_kind(sub[name_col]) is None and
                       index.classify(sub[name_col]) is None)
                  and any(index.classify(s) for s in sub if s))
        columns: dict[int, tuple[str, str, str]] = {}
        unknown: dict[int, str] = {}
        width = max(len(top), len(sub) if is_sub else 0)
        for c in range(width):
            label_sub = sub[c] if is_sub and c < len(sub) else ""
            label_top = top[c] if c < len(top) else ""
            hit = index.classify(label_sub) if label_sub else None
            label = label_sub
            if hit is None and label_top:
                hit, label = index.classify(label_top), label_top
            if c == name_col:
                hit, label = ("name", ""), label_top
            if hit and hit[0] != "name" or c == name_col:
                columns[c] = (hit[0], hit[1], label)
            elif label_sub or (label_top and not folded(label_top).startswith("dang ky")):
                unknown[c] = label_sub or label_top
        self.tables += 1
        data = head + (2 if is_sub else 1)
        while data < end and _is_numbering(rows[data]):
            data += 1
        self._read_rows(grid, kind, data, end, name_col, columns, unknown)

    def _read_rows(self, grid: Grid, kind: str, start: int, end: int, name_col: int,
                   columns: dict[int, tuple[str, str, str]], unknown: dict[int, str]) -> None:
        """Classify each row (data, blank, Tổng cộng, signature), then read the data rows column by column:
        the hot loop of a consolidation, so names are cleaned and folded a column at a time."""
        seg = grid.rows[start:end]
        width = [len(row) for row in seg]
        wide = max([max(columns, default=0) + 1, *width])
        by_column = list(zip(*(row + [None] * (wide - len(row)) if len(row) < wide else row for row in seg))) \
            or [()] * wide  # the table transposed once: every column below is a slice of it

        def column(c: int, rows: list[int]) -> list:
            cells = by_column[c]
            if rows and rows[-1] - rows[0] + 1 == len(rows):  # a run of rows, the usual case: a slice
                return list(cells[rows[0]:rows[-1] + 1])
            return [cells[i] for i in rows]

        labels = self.texts(list(by_column[name_col]))
        keys = fold_many(labels)
        tt_col = next((c for c, (role, _, _) in columns.items() if role == "tt"), None)
        tts = by_column[tt_col] if tt_col is not None else [None] * len(seg)
        marks = [by_column[c] for c, (role, _, _) in columns.items() if role not in ("tt", "name", "note", "info")]
        marked = [not _BLANK.issuperset(cells) for cells in zip(*marks)] if marks else [False] * len(seg)
        totals = {i for i, key in enumerate(keys) if is_total_key(key)}
        totals.update(i for i, tt in enumerate(tts) if isinstance(tt, str) and tt and is_total_key(folded(tt)))
        declared: list[int] = []
        data: list[int] = []
        after_total = False
        stop = len(seg)
        for i, key in enumerate(keys):
            if i in totals:
                declared.append(i)
                after_total = True
            elif not labels[i] and any(
                    isinstance(v, str) and v.strip() and is_signature_key(folded(self.text(v))) for v in seg[i]):
                stop = i
                break
            elif marked[i]:
                data.append(i)
            elif key and is_signature_key(key):
                stop = i
                break
            elif labels[i] and not after_total:
                data.append(i)  # blank lines skipped; after Tổng cộng only rows with marks are registrations
        counted = self._read_data(grid, kind, start, data, [labels[i] for i in data], columns, column)
        for c in unknown:  # cells under an unknown heading, on every row read before the signature block
            count = sum(1 for i, v in enumerate(by_column[c][:stop]) if v not in ("", None) and i not in totals)
            if count:
                self.parsed.findings.append(finding("COT_KHONG_NHAN_DANG", kind=kind, source_file=self.parsed.file,
                                                    source_sheet=grid.name, column=unknown[c], cells=count))
        for i in declared:
            cells = {c: (seg[i][c] if c < width[i] else "") for c in columns}
            self._check_totals(grid, kind, start + i, cells, columns, counted)

    def _mark(self, value: object, is_class: bool) -> object:
        """A tick or class cell's value, memoised per distinct cell value (returns repeat a handful of marks)."""
        cache = self._class_marks if is_class else self._ticks
        try:
            return cache[value]
        except KeyError:
            parsed = cache[value] = _class_value(value) if is_class else _tick(value)
            return parsed

    def _completion(self, value: object) -> str | None:
        """A completion cell's level code ("" when blank), memoised per distinct cell value."""
        if value is None or value == "":
            return ""
        try:
            return self._levels[value]
        except KeyError:
            level = self._levels[value] = _level(self.text(value))
            return level

    def _read_data(self, grid: Grid, kind: str, start: int, data: list[int], names: list[str],
                   columns: dict[int, tuple[str, str, str]],
                   column: Callable[[int, list[int]], list]) -> dict[int, int]:
        """Append the data rows to the return's columns; returns the count of marks per column (for Tổng cộng).
        Findings of the table come out in row then column order, as a reader of the sheet meets them."""
        n = len(data)
        excel_rows = [start + i + 1 for i in data]
        found: list[tuple[int, int, Finding]] = []
        counted: dict[int, int] = {c: 0 for c in columns}

        def where(j: int) -> dict:
            return {"kind": kind, "name": names[j], "source_file": self.parsed.file, "source_sheet": grid.name,
                    "source_row": excel_rows[j]}

        def unclear(j: int, c: int, label: str, value: object) -> None:
            found.append((j, c, finding("GIA_TRI_KHONG_RO", cell=xl_rowcol_to_cell(excel_rows[j] - 1, c),
                                        column=label, value=self.text(value), **where(j))))

        items: dict[str, list] = {}
        levels: list[tuple[str, list]] = []
        completion = [""] * n
        note = [""] * n
        type_ = [""] * n
        for c, (role, code, label) in columns.items():
            if role in ("tt", "name", "info"):
                continue
            values = column(c, data)
            if role == "note":
                note = self.texts(values)
            elif role == "type":
                type_ = self.texts(values)
            elif role == "completion":
                completion = [self._completion(v) for v in values]
                counted[c] = sum(1 for v, level in zip(values, completion) if level is not None and v not in ("", None))
                for j in (j for j, level in enumerate(completion) if level is None):
                    unclear(j, c, label, values[j])
                    completion[j] = ""
            else:
                base, _, fixed = code.partition("=")  # "HC_LD=Ba": a column per class, ticked
                is_class = role == "item" and not fixed and self.indexes[kind].item_kinds.get(base) == "class"
                known = (self._class_marks if is_class else self._ticks).get
                marks = list(map(known, values, repeat(_UNSEEN)))
                if _UNSEEN in marks:
                    marks = [self._mark(v, is_class) for v in values]
                if None in marks:
                    for j in (j for j, m in enumerate(marks) if m is None):
                        unclear(j, c, label, values[j])
                        marks[j] = 0
                if fixed:
                    marks = [fixed if m == 1 else m for m in marks]
                counted[c] = n - marks.count(0)
                if role == "level":
                    levels.append((base, marks))
                elif base in items:  # two columns for one item (a class per column): the later mark wins
                    items[base] = [m if m != 0 else old for old, m in zip(items[base], marks)]
                else:
                    items[base] = marks
        if levels:
            level_codes = [code for code, _ in levels]
            for j, row_marks in enumerate(zip(*(marks for _, marks in levels))):
                ticked = len(row_marks) - row_marks.count(0)
                if ticked == 1 and not completion[j]:
                    completion[j] = level_codes[row_marks.index(1)]
                elif ticked > 1:
                    codes = [code for code, m in zip(level_codes, row_marks) if m != 0]
                    found.append((j, 1 << 20, finding("HOAN_THANH_KEP", levels=", ".join(codes), **where(j))))
        for j in (j for j, name in enumerate(names) if not name):
            found.append((j, 1 << 21, finding("THIEU_TEN", **where(j))))
        self.parsed.findings.extend(f for _, _, f in sorted(found, key=lambda x: x[:2]))
        rows = self.parsed.rows
        rows.kind.extend([kind] * n)
        rows.sheet.extend([grid.name] * n)
        rows.row.extend(excel_rows)
        rows.name.extend(names)
        rows.completion.extend(completion)
        rows.note.extend(note)
        rows.type.extend(type_)
        for code, values in rows.items.items():
            values.extend(items.get(code, [0] * n))
        return counted

    def _check_totals(self, grid: Grid, kind: str, r: int, cells: dict, columns: dict,
                      counted: dict[int, int]) -> None:
        for c, value in cells.items():
            role, _, label = columns[c]
            if role not in ("item", "level", "completion"):
                continue
            if isinstance(value, str):
                value = value.strip()
                if not value.isdigit():
                    continue
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                continue
            declared = float(value)
            if declared != counted[c]:
                self.parsed.findings.append(finding(
                    "TONG_CONG_LECH", kind=kind, source_file=self.parsed.file, source_sheet=grid.name,
                    source_row=r + 1, column=label, declared=_num(declared), counted=counted[c]))


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _is_numbering(row: list) -> bool:
    """The numbered-columns row under the headings: 1, 2, 3, ... (or (1), (2), ...), in any order."""
    values = [v for v in row if v not in ("", None)]
    if len(values) < 3:
        return False
    try:
        numbers = [int(float(str(v).strip("() "))) for v in values]
    except ValueError:
        return False
    return sorted(numbers) == list(range(min(numbers), min(numbers) + len(numbers)))  # columns may have moved


def _tick(value: object) -> int | None:
    """1 for a tick, 0 for blank, None for anything else."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return {1: 1, 0: 0}.get(value) if value in (0, 1) else None
    key = "".join(unicodedata.normalize("NFC", str(value)).split()).lower()
    if key in TICKS:
        return 1
    if key in BLANKS:
        return 0
    return None


def _class_value(value: object) -> str | int | None:
    """Huân chương: its class (Nhất/Nhì/Ba), "1" when ticked without class, 0 when blank, None when unclear."""
    tick = _tick(value)
    if tick == 1:
        return "1"
    if tick == 0:
        return 0
    key = folded(str(value))
    if key.startswith("hang "):
        key = key[5:]
    return CLASSES.get(key) or CLASSES.get(key.replace("hang ", ""))


def _level(text: str) -> str | None:
    """Completion level code from a code, a full label or a short form."""
    key = folded(text)
    if not key:
        return ""
    for code, label in COMPLETION_LEVELS.items():
        if key in (code.lower(), folded(label)):
            return code
    words = set(key.split())
    for code, short in (("KHTNV", {"khtnv", "khong"}), ("HTXSNV", {"htxsnv", "htxs", "xsnv", "xs"}),
                        ("HTTNV", {"httnv", "htt", "tnv"}), ("HTNV", {"htnv"})):
        if words & short:
            return code
    if "khong hoan thanh" in key:
        return "KHTNV"
    if "xuat sac" in key:
        return "HTXSNV"
    if "tot" in key.split():
        return "HTTNV"
    if "hoan thanh" in key:
        return "HTNV"
    return None
