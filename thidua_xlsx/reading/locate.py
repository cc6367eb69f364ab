"""Finding the tables of a sheet: heading rows with a name column, the sections above them, the unit line."""

from __future__ import annotations

from dataclasses import dataclass

from thidua_xlsx.headings import folded, name_heading_kind, section_kind
from thidua_xlsx.reading.cells import Texts
from thidua_xlsx.reading.memo import Memo, row_key

UNIT_LINE_PREFIXES = ("phong don vi", "don vi", "co quan don vi", "ten don vi", "phong", "co quan")
# Words that, beside a name heading, make a row a table's heading.
HEADING_WORDS = ("dang ky", "muc do hoan thanh", "khen thuong", "danh hieu", "xep loai", "chuc vu", "phan loai",
                 "nam sinh", "thi dua")
# A name heading of a table of people wins over "Đơn vị" in the same row (then the person's unit).
_KIND_RANK = {"": 0, "ca_nhan": 1, "gia_dinh": 2, "tap_the": 3}


@dataclass
class Spot:
    """One table: its heading row, the row after its last, its name column, its kind ("" when sections or a kind
    column give each row's kind)."""

    head: int
    end: int
    name_col: int
    kind: str


def find_tables(rows: list[list], texts: Texts, unit_lines: list[str]) -> list[Spot]:
    """The tables of one sheet in order; unit lines ("Đơn vị: …") met on the way are appended to unit_lines."""
    starts: list[tuple[int, int, str]] = []
    section: tuple[int, str] | None = None
    for r, row in enumerate(rows):
        if row and row[0].__class__ in (int, float):
            continue  # a data or numbering row (TT first), the common case: the test below, made cheap
        facts = _FACTS.of(row_key(row), lambda: _row_facts(row))
        if facts is None:
            continue
        strings, kind, found = facts
        if r < 12 or section is None:
            unit_lines.extend(_unit_line(strings, texts))
        if kind:
            section = (r, kind)
            continue
        if found is not None:
            name_col, name_kind = found
            sec_kind = section[1] if section and r - section[0] <= 3 else None
            starts.append((r, name_col, sec_kind or name_kind))
    return [Spot(r, starts[n + 1][0] if n + 1 < len(starts) else len(rows), c, kind)
            for n, (r, c, kind) in enumerate(starts)]


_FACTS = Memo(4096)  # row_key -> _row_facts: headings, titles and sections repeat across returns


def _row_facts(row: list) -> tuple[tuple[str, ...], str | None, tuple[int, str] | None] | None:
    """What a row that may head a table says: its texts, the kind of section it opens, its name heading (column,
    kind); None for an empty row or a data or numbering row (a number first), never a heading, title or unit line."""
    first = next((v for v in row if v != "" and v is not None), None)
    if first is None or (isinstance(first, (int, float)) and not isinstance(first, bool)):
        return None
    strings = tuple(v for v in row if isinstance(v, str) and v.strip())
    if not strings:
        return None
    kind = next((k for k in map(section_kind, strings[:2]) if k), None)
    if kind and len(strings) <= 2:
        return strings, kind, None
    return strings, None, _name_column(row)


def _unit_line(strings: tuple[str, ...], texts: Texts) -> list[str]:
    found = []
    for value in strings[:3]:
        text = texts.text(value)
        if ":" not in text:
            continue
        label, _, rest = text.partition(":")
        rest = rest.strip(" .…")
        if rest and folded(label) in UNIT_LINE_PREFIXES:
            found.append(rest)
    return found


def _name_column(row: list) -> tuple[int, str] | None:
    """(column, kind) of the name heading, when this row is a table heading (it also has a TT or item heading)."""
    names: list[tuple[int, int, str]] = []
    others = 0
    for c, value in enumerate(row):
        if not isinstance(value, str) or not value.strip():
            continue
        key = folded(value)
        kind = name_heading_kind(value)
        if kind is not None:
            names.append((_KIND_RANK[kind], c, kind))
        elif key in ("tt", "stt", "so tt", "ghi chu") or any(word in key for word in HEADING_WORDS):
            others += 1
    if not names or not (others or len(names) > 1):
        return None
    _, c, kind = min(names)
    return c, kind
