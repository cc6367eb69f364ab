"""What reading a return gives: its rows, column by column, and the return with its findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from thidua_xlsx.findings import Finding


@dataclass
class Rows:
    """The registrants of one return, column by column (cheap to store and to turn into a frame): kind, sheet,
    Excel row, name, completion code, note, collective type, descriptive columns (DOMAIN.md section 5), and per
    item code its values (1/0 or a class)."""

    kind: list[str] = field(default_factory=list)
    sheet: list[str] = field(default_factory=list)
    row: list[int] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    completion: list[str] = field(default_factory=list)
    note: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    items: dict[str, list] = field(default_factory=dict)
    honorific: list[str] = field(default_factory=list)
    birth_year: list[str] = field(default_factory=list)
    gender: list[str] = field(default_factory=list)
    position: list[str] = field(default_factory=list)
    sub_unit: list[str] = field(default_factory=list)
    staff_id: list[str] = field(default_factory=list)
    headcount: list[str] = field(default_factory=list)

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
