"""The council workbook read back after the meeting: each section with its members' count, and each line with the
votes typed in, their share and the result (what the minutes report)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterator

from thidua_xlsx import council_layout as layout
from thidua_xlsx.errors import CampaignError
from thidua_xlsx.votes import default_rule

PASSED, FAILED = "Đạt", "Không đạt"  # what the council workbook's result formulas say

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig


@dataclass
class Line:
    """One line voted on: a candidate or a unit's whole list."""

    name: str
    unit: str
    votes: int | None
    share: float | None
    result: str


@dataclass
class Section:
    """One title or award of one candidate sheet, as the council decided it."""

    sheet: str
    code: str
    title: str
    wording: str
    members: int
    lines: list[Line] = field(default_factory=list)


def _number(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None


def candidate_rows(campaign: "CampaignConfig") -> Iterator[tuple[str, tuple[str, str, int], list, str]]:
    """(sheet, (section title, how it is decided, members), row, result) for each line of the candidate sheets.
    A result the workbook holds no value for (votes typed by a program that does not recalculate, such as
    openpyxl) is worked out from the votes as the formula would: the section's members and threshold."""
    from python_calamine import CalamineWorkbook

    path = campaign.report_paths["council"]
    if not path.is_file():
        raise CampaignError(f"Chưa có {path}; chạy thidua report trước.")
    book = CalamineWorkbook.from_path(str(path))
    for sheet in layout.CANDIDATE_SHEETS:
        if sheet not in book.sheet_names:
            continue
        heading: tuple[str, str, int] | None = None
        threshold: float | None = None
        for row in book.get_sheet_by_name(sheet).to_python():
            row = list(row) + [""] * (layout.CODES + 1 - len(row))
            first = str(row[0])
            if "\n" in first and not row[layout.SOURCE]:  # a section heading: title, then how it is decided
                title, _, wording = first.partition("\n")
                members = _number(row[layout.VOTES])
                heading = (title, wording, int(members) if members else campaign.council_size)
                threshold = _number(row[layout.SHARE])
                continue
            if heading is None or not row[layout.SOURCE] or row[layout.SOURCE] == layout.SOURCE_HEADING:
                continue
            result = str(row[layout.RESULT]).strip()
            votes = _number(row[layout.VOTES])
            if not result and votes is not None:
                code = str(row[layout.SECTION]).partition("=")[0]
                rule = campaign.votes.get(code) or default_rule(code)
                if threshold is not None:
                    rule = replace(rule, threshold=threshold)
                result = PASSED if rule.voted and rule.passes(int(votes), heading[2]) else FAILED
            yield sheet, heading, row, result


def read_sections(campaign: "CampaignConfig") -> list[Section]:
    """Every section of the candidate sheets that has lines, in workbook order."""
    out: list[Section] = []
    for sheet, (title, wording, members), row, result in candidate_rows(campaign):
        if not out or out[-1].sheet != sheet or out[-1].title != title:
            out.append(Section(sheet, str(row[layout.SECTION]), title, wording, members))
        votes, share = _number(row[layout.VOTES]), _number(row[layout.SHARE])
        if share is None and votes is not None:
            share = votes / members
        out[-1].lines.append(Line(str(row[layout.NAME]), str(row[layout.UNIT]),
                                  int(votes) if votes is not None else None, share, result))
    return out
