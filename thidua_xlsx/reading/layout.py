"""Which rows of a table are registrants: data rows, a person's second Excel row, section rows, Tổng cộng, the
signature block and notes (and any registrant typed after them), each data row with its own kind."""

from __future__ import annotations

from dataclasses import dataclass, field

from thidua_xlsx.headings import folded, is_note_key, is_signature_key, is_total_key, may_be_total, section_kind
from thidua_xlsx.reading import decode
from thidua_xlsx.reading.decode import kind_of
from thidua_xlsx.reading.memo import Memo, row_key
from thidua_xlsx.reading.plan import Plan, is_numbering
from thidua_xlsx.text import fold
from thidua_xlsx.vocabulary import COLLECTIVE_WORDS

_BLANK = frozenset(("", None))
MARK_ROLES = frozenset({"item", "level", "completion", "items"})


@dataclass
class Layout:
    """Row positions within the table body (0 = its first data row)."""

    data: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    late: list[int] = field(default_factory=list)  # positions in data of rows typed after the signature block
    totals: list[int] = field(default_factory=list)
    stop: int = 0  # where the signature block or the notes begin
    merged: dict[int, int] = field(default_factory=dict)  # a person's second Excel row -> its first


def lay_out(seg: list[list], by_column: list, labels: list[str], plan: Plan, table_kind: str) -> Layout:
    """Sort the rows of a table body; a mark is any value in a column that registers something. A row's label is
    folded only when it may be a Tổng cộng (may_be_total) or the row is not the usual numbered, named one."""
    marks = [by_column[col.c] for col in plan.columns if col.role in MARK_ROLES]
    tt_col = next((col.c for col in plan.of("tt")), None)
    tts = by_column[tt_col] if tt_col is not None else [None] * len(seg)
    kind_col = next((col.c for col in plan.of("kind")), None)
    names = {col.c for col in plan.of("name", "name_part")}
    ticks = [by_column[col.c] for col in plan.of("item", "level")]
    layout = Layout(stop=len(seg))
    kind, after_total, footer = table_kind, False, False
    for i, label in enumerate(labels):
        tt = tts[i]
        if (tt.__class__ in _NUMBERS and label and label[0] not in _NUMBERING_STARTS and kind_col is None
                and not (may_be_total(label) and is_total_key(fold(label)))):
            if footer:  # the usual row, as the steps below would take it: numbered, named, no Tổng cộng
                layout.late.append(len(layout.data))
            layout.data.append(i)
            layout.kinds.append(kind or _guess_kind(label))
            continue
        key = fold(label) if label else ""
        if is_total_key(key) or (isinstance(tt, str) and tt and is_total_key(folded(tt))):
            layout.totals.append(i)
            after_total = True
            continue
        if (not label or label[0] in _NUMBERING_STARTS) and is_numbering(seg[i]):
            continue  # the numbered-columns row, wherever it is
        numbered = isinstance(tt, (int, float)) and not isinstance(tt, bool)
        marked = not _BLANK.issuperset([cells[i] for cells in marks])
        section = None if marked or numbered else _section(seg[i], label)
        if section:
            kind = section
            continue
        if not numbered and ((not marked and _footer_label(label, key)) or _footer_cells(seg[i], names)):
            footer, layout.stop = True, min(layout.stop, i)
            continue
        if footer and not ((label and (numbered or _has_number(marks, i)))
                           or any(decode.tick(cells[i]) == 1 for cells in ticks)):
            continue  # the signature block: signers' names, titles; a registrant typed below it is read
        if marked and not label and tt in _BLANK and _continues(layout, i, marks):
            layout.merged[i] = layout.data[-1]
        elif marked or (label and (numbered or not after_total)) or footer:
            if footer:
                layout.late.append(len(layout.data))
            layout.data.append(i)
            row_kind = kind_of(str(by_column[kind_col][i] or "")) if kind_col is not None else None
            layout.kinds.append(row_kind or kind or _guess_kind(label))
    return layout


_NUMBERS = (int, float)  # a number, exactly (bool is not one)
_NUMBERING_STARTS = "(0123456789"


_SECTION_WORDS = ("thể", "nhân", "đình", "the", "nhan", "dinh")  # of every section title, accented or not


def _section(row: list, label: str) -> str | None:
    """The kind a section row names ("I. TẬP THỂ", "Cá nhân:"), in its name cell or its first text."""
    if not label:
        strings = [v for v in row if isinstance(v, str) and v.strip()]
        label = strings[0] if len(strings) == 1 else ""
    if len(label) >= 40 or not any(word in label.lower() for word in _SECTION_WORDS):
        return None  # the cheap test first: most unmarked rows are people's names
    return section_kind(label)


def _has_number(marks: list, i: int) -> bool:
    """Whether a row holds a number where marks go: a signature block never does (its dates are text or dates),
    a registrant whose number column was read as an item does."""
    return any(cells[i].__class__ in _NUMBERS for cells in marks)


def _footer_cells(row: list, names: set[int]) -> bool:
    """A row one of whose texts (its name aside) is a signature line, a date line or a note (the rows of a form's
    footer repeat across returns: worked out once per process)."""
    return _FOOTERS.of((row_key(row), frozenset(names)), lambda: any(
        isinstance(v, str) and c not in names and v.strip() and _footer_label(v.strip(), folded(v))
        for c, v in enumerate(row)))


_FOOTERS = Memo(4096)


def _footer_label(label: str, key: str) -> bool:
    return bool(key) and (is_signature_key(key) or is_note_key(key) or label.startswith("*"))


def _continues(layout: Layout, i: int, marks: list) -> bool:
    """A row with marks but no name and no number, right under a data row whose cells it only completes: the
    second Excel row of a person whose name cell is merged over two."""
    if not layout.data or layout.data[-1] not in (i - 1, layout.merged.get(i - 1)):
        return False
    parent = layout.data[-1]
    return all(cells[parent] in _BLANK for cells in marks if cells[i] not in _BLANK)


_COLLECTIVE_STARTS = tuple(w + " " for w in COLLECTIVE_WORDS)


def _guess_kind(label: str) -> str:
    """A row of a table of both kinds with no section and no kind column: a collective when its name begins like
    one ("Phòng …", "Tổ …", "Trường …"), else a person."""
    return "tap_the" if label.lower().startswith(_COLLECTIVE_STARTS) else "ca_nhan"
