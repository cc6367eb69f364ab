"""The column plan of one table: what each column holds, from its one- or two-level headings."""

from __future__ import annotations

from dataclasses import dataclass, field

from thidua_xlsx.headings import HeadingIndex, folded, name_heading_kind
from thidua_xlsx.reading.cells import Texts
from thidua_xlsx.reading.decode import tick
from thidua_xlsx.reading.locate import Spot
from thidua_xlsx.reading.memo import Memo, row_key
from thidua_xlsx.vocabulary import GENDER_VALUES

# Roles that make a table a registration: without one of them a table of names is a payroll or a phone list.
REGISTRATION_ROLES = frozenset({"item", "level", "completion", "items", "kind"})


@dataclass
class Column:
    """One column: its role (item, level, completion, items, name, name_part, desc, kind, tt, note, type, info),
    the item code, level code, name part order or descriptive field it gives, its heading, and the gender of a
    "Nam | Nữ" sub-column."""

    c: int
    role: str
    code: str
    label: str
    gender: str = ""


@dataclass
class Plan:
    """The columns of a table, the headings nobody knows, and the row its data starts at."""

    columns: list[Column]
    unknown: dict[int, str] = field(default_factory=dict)
    data: int = 0

    def of(self, *roles: str) -> list[Column]:
        """The columns of some roles, left to right."""
        return [col for col in self.columns if col.role in roles]

    @property
    def is_registration(self) -> bool:
        """Whether a column registers something (else the table is not a registration)."""
        return any(col.role in REGISTRATION_ROLES for col in self.columns)


_PLANS = Memo(1024)  # (heading rows, name column, index) -> (columns, unknown headings, rows of headings)


def plan_table(rows: list[list], spot: Spot, index: HeadingIndex, texts: Texts) -> Plan:
    """Map the columns of one table from its heading row and, when it is one, the sub-heading row below (worked
    out once per process for the same headings, unless a heading needed converting from a legacy encoding: the
    return that holds it counts it)."""
    sub_row = rows[spot.head + 1] if spot.head + 1 < spot.end else []
    key = (row_key(rows[spot.head]), row_key(sub_row), spot.name_col, index)
    known = _PLANS.get(key)
    if known is None:
        legacy = texts.legacy
        known = _headings(rows[spot.head], sub_row, spot.name_col, index, texts)
        if texts.legacy == legacy:
            _PLANS.keep(key, known)
    columns, unknown, height = known
    plan = Plan(columns=list(columns), unknown=dict(unknown), data=spot.head + height)
    while plan.data < spot.end and is_numbering(rows[plan.data]):
        plan.data += 1
    return plan


def _headings(top_row: list, sub_row: list, name_col: int, index: HeadingIndex,
              texts: Texts) -> tuple[list[Column], dict[int, str], int]:
    """The columns, the unknown headings, and how many rows the headings take (1, or 2 with sub-headings)."""
    top = texts.column(top_row)
    sub = texts.column(sub_row)
    is_sub = _is_sub(sub_row, sub, name_col, index)
    columns: list[Column] = []
    unknown: dict[int, str] = {}
    group = ""
    for c in range(max(len(top), len(sub) if is_sub else 0)):
        label_top = top[c] if c < len(top) else ""
        label_sub = sub[c] if is_sub and c < len(sub) else ""
        group = label_top or group  # a merged heading over sub-columns: its text is in its first cell
        column = _column(c, label_top, label_sub, group, index, c == name_col)
        if column:
            columns.append(column)
        elif label_sub or (label_top and not folded(label_top).startswith("dang ky")):
            unknown[c] = label_sub or label_top
    return columns, unknown, 2 if is_sub else 1


def _column(c: int, top: str, sub: str, group: str, index: HeadingIndex, is_name: bool) -> Column | None:
    gender = GENDER_VALUES.get(folded(sub)) if sub else None
    if gender:  # "Năm sinh" over "Nam | Nữ": the year, and the column gives the gender; "Giới tính" over ticks
        field_ = "birth_year" if folded(group).startswith(("nam sinh", "ngay sinh", "ngay thang")) else "gender"
        return Column(c, "desc", field_, group, gender)
    hit = index.classify(sub) if sub else None
    label = sub
    if hit is None and top:
        hit, label = index.classify(top), top
    if is_name and (hit is None or hit[0] != "name_part"):
        return Column(c, "name", "", top)
    if hit is None or hit[0] == "name":
        return None
    return Column(c, hit[0], hit[1], label)


def _is_sub(sub_row: list, sub: list[str], name_col: int, index: HeadingIndex) -> bool:
    """A second heading row: its name cell is empty (merged) or a heading itself, no cell is a tick, and some
    cell is a heading."""
    name_cell = sub[name_col] if name_col < len(sub) else ""
    if name_cell and name_heading_kind(name_cell) is None and index.classify(name_cell) is None:
        return False
    if any(tick(v) == 1 for v in sub_row if not isinstance(v, str) or len(v) < 3):
        return False  # a tick: the first data row
    return any(index.classify(s) for s in sub if s) or any(folded(s) in GENDER_VALUES for s in sub if s)


def is_numbering(row: list) -> bool:
    """The numbered-columns row under the headings: 1, 2, 3, ... (or (1), (2), ...), in any order."""
    values = [v for v in row if v not in ("", None)]
    if len(values) < 3:
        return False
    try:
        numbers = [int(float(str(v).strip("() "))) for v in values]
    except ValueError:
        return False
    return sorted(numbers) == list(range(min(numbers), min(numbers) + len(numbers)))  # columns may have moved
