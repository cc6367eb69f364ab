"""What the pieces of the reader share while reading one file: the return, the catalogue's indexes and teaching,
memoised marks, and the hints that tell a clerk which campaign.toml line would teach the reader."""

from __future__ import annotations

import json
from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache

from thidua_xlsx.catalogue import COMPLETION_LEVELS, KINDS, Catalogue
from thidua_xlsx.headings import HeadingIndex, folded
from thidua_xlsx.reading import decode
from thidua_xlsx.reading.cells import Texts
from thidua_xlsx.reading.memo import Memo
from thidua_xlsx.reading.model import ParsedReturn, Rows
from thidua_xlsx.vocabulary import DESCRIPTIVE, DESCRIPTIVE_HEADINGS, DESCRIPTIVE_LABELS, ITEM_ALIASES


@dataclass(frozen=True)
class PerCatalogue:
    """What reading returns of one catalogue keeps from one return to the next, in this process: heading indexes
    per kind ("" for a table of both kinds), the values of tick and class cells met so far (taught marks decide
    some), and the hints given so far (finding the nearest label is the dearest step of reading a return, and
    the same unknown heading or mark comes back in return after return)."""

    indexes: dict[str, HeadingIndex]
    ticks: Memo
    class_marks: Memo
    hints: Memo


@lru_cache(maxsize=8)
def per_catalogue(catalogue: Catalogue) -> PerCatalogue:
    """Built once per catalogue (frozen, hashable): one look-up per return."""
    return PerCatalogue({kind: HeadingIndex(catalogue, kind) for kind in ("", *KINDS)}, Memo(4096), Memo(4096),
                        Memo(4096))


class Context:
    """The state of reading one file, shared by its tables."""

    def __init__(self, parsed: ParsedReturn, catalogue: Catalogue) -> None:
        parsed.rows = Rows(items={code: [] for code in catalogue.codes})
        self.parsed, self.catalogue = parsed, catalogue
        kept = per_catalogue(catalogue)
        self.indexes, self.ticks, self.class_marks, self.hints = kept.indexes, kept.ticks, kept.class_marks, kept.hints
        self.texts = Texts()
        self._levels: dict[object, str | None] = {}
        self._items: dict[tuple[str, str], tuple[str, ...] | None] = {}
        self.taught = dict(catalogue.marks)
        self.kinds_with_sheet = {s.kind for s in catalogue.sheets}
        self.tables = 0

    def mark(self, value: object, is_class: bool) -> object:
        """A tick or class cell's value (taught marks first), memoised per distinct cell value (per catalogue and
        process: it depends on nothing else, and "x" and "" are most of every return's cells)."""
        return (self.class_marks if is_class else self.ticks).of(value, lambda: self._mark(value, is_class))

    def _mark(self, value: object, is_class: bool) -> object:
        taught = self.taught.get(folded(value)) if isinstance(value, str) else None
        if taught in (("tick",), ("blank",)):
            return ("1" if is_class else 1) if taught == ("tick",) else 0
        return decode.class_value(value) if is_class else decode.tick(value)

    def level(self, value: object) -> str | None:
        """A completion cell's level code ("" when blank, None when unclear), memoised per distinct value."""
        if value is None or value == "":
            return ""
        if value not in self._levels:
            text = self.texts.text(value)
            taught = self.taught.get(folded(text), ())
            self._levels[value] = taught[0] if taught and taught[0] in COMPLETION_LEVELS else decode.level(value, text)
        return self._levels[value]

    def items_in(self, part: str, kind: str) -> tuple[str, ...] | None:
        """The item codes one part of a text cell stands for, on a row of this kind."""
        key = (part, kind)
        if key not in self._items:
            self._items[key] = decode.item_of(part, self.indexes[kind], self.taught)
        return self._items[key]

    def append(self, sheet: str, rows_at: list[int], names: list[str], kinds: list[str], values: dict) -> None:
        """Add a table's data rows to the return's columns."""
        rows, n = self.parsed.rows, len(names)
        rows.kind.extend(kinds)
        rows.sheet.extend([sheet] * n)
        rows.row.extend(rows_at)
        rows.name.extend(names)
        for name in ("completion", "note", "type", *DESCRIPTIVE):
            getattr(rows, name).extend(values[name])
        for code, column in rows.items.items():
            column.extend(values["items"].get(code, [0] * n))

    # --- hints: the campaign.toml line that would teach the reader -----------------------------------------
    def teach_mark(self, text: str) -> str:
        """For a cell no tick, class or level reads: the [marks] line, with the nearest level when close."""
        return self.hints.of(("mark", text), lambda: _teach_mark(text))

    def teach_item(self, part: str, kind: str) -> str:
        """For a part of a text cell that maps to nothing: the [marks] line, with the nearest item."""
        return self.hints.of(("item", part, kind), lambda: _teach_item(part, self.indexes[kind]))

    def teach_heading(self, heading: str) -> str:
        """For an unknown heading: the [headings] line, with the nearest item or descriptive column."""
        return self.hints.of(("heading", heading), lambda: _teach_heading(heading, self.indexes[""]))


def _teach_mark(text: str) -> str:
    near = get_close_matches(folded(text), [folded(label) for label in COMPLETION_LEVELS.values()], 1, 0.6)
    if near:
        code = next(c for c, label in COMPLETION_LEVELS.items() if folded(label) == near[0])
        return _hint("marks", text, code, COMPLETION_LEVELS[code])
    return _hint("marks", text, "tick", "")


def _teach_item(part: str, index: HeadingIndex) -> str:
    keys = {folded(label): code for code, label in index.labels.items() if code in index.own_codes}
    keys.update({alias: code for code in index.own_codes for alias in ITEM_ALIASES.get(code, ())})
    near = get_close_matches(folded(part), list(keys), 1, 0.5)
    code = keys[near[0]] if near else ""
    return _hint("marks", part, code, index.labels.get(code, ""))


def _teach_heading(heading: str, index: HeadingIndex) -> str:
    keys = {folded(label): code for code, label in index.labels.items()}
    keys.update({alias: code for code in index.labels for alias in ITEM_ALIASES.get(code, ())})
    keys.update({alias: field for field, aliases in DESCRIPTIVE_HEADINGS.items() for alias in aliases})
    near = get_close_matches(folded(heading), list(keys), 1, 0.6)
    target = keys[near[0]] if near else ""
    return _hint("headings", heading, target, index.labels.get(target) or DESCRIPTIVE_LABELS.get(target, ""))


def _hint(table: str, text: str, target: str, label: str) -> str:
    """'Có phải «label»? … dòng: "text" = "target".' (a TOML line: JSON strings are TOML basic strings)."""
    line = f"{json.dumps(text, ensure_ascii=False)} = \"{target or '<mã>'}\""
    ask = f"Có phải «{label}»? " if label else ""
    return f"{ask}Để đọc được, thêm vào campaign.toml, dưới [{table}], dòng: {line}."
