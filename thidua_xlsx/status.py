"""Where each unit stands: received when, on time or late or missing, how many versions, rows and findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from thidua_xlsx.mail_log import returned_at

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig
    from thidua_xlsx.consolidate import Consolidation

ON_TIME, LATE, MISSING = "Đúng hạn", "Muộn", "Chưa nộp"
AWAITING = "Chờ bổ sung"  # asked to correct its return (`thidua return`), no newer return since
UNKNOWN = "Không xác định"  # a current return that names no unit of units.csv


@dataclass(frozen=True)
class UnitStatus:
    """One unit's line of `thidua status` and of the council workbook's "Tình hình nộp"."""

    code: str
    name: str
    received_at: datetime | None
    state: str
    versions: int
    rows: dict[str, int]
    errors: int
    warnings: int
    infos: int
    file: str = ""


def unit_statuses(campaign: "CampaignConfig", consolidation: "Consolidation") -> list[UnitStatus]:
    """One status per unit in units.csv order, then one per return whose unit is unknown."""
    asked = returned_at(campaign)
    out = []
    by_unit: dict[str, list] = {}
    for f in consolidation.report.findings:
        by_unit.setdefault(f.unit_code, []).append(f)
    for unit in campaign.units:
        current = consolidation.current(unit.code)
        found = by_unit.get(unit.code, [])
        counts = {s: sum(1 for f in found if f.severity == s) for s in ("error", "warning", "info")}
        if current is None:
            out.append(UnitStatus(unit.code, unit.name, None, MISSING, len(consolidation.versions(unit.code)),
                                  {}, counts["error"], counts["warning"], counts["info"]))
            continue
        at = current.entry.received_at
        state = LATE if at > campaign.deadline_end else ON_TIME
        if unit.code in asked and asked[unit.code] > at:
            state = AWAITING
        rows = {k: current.parsed.rows_of(k) for k in ("tap_the", "ca_nhan", "gia_dinh")}
        out.append(UnitStatus(unit.code, unit.name, at, state, len(consolidation.versions(unit.code)), rows,
                              counts["error"], counts["warning"], counts["info"], current.entry.file))
    for info in consolidation.returns:
        if info.current and not info.unit_code:
            found = [f for f in by_unit.get("", []) if f.source_file == info.entry.file]
            rows = {k: info.parsed.rows_of(k) for k in ("tap_the", "ca_nhan", "gia_dinh")}
            counts = {s: sum(f.severity == s for f in found) for s in ("error", "warning", "info")}
            out.append(UnitStatus("", UNKNOWN, info.entry.received_at, UNKNOWN, 1, rows,
                                  counts["error"], counts["warning"], counts["info"], info.entry.file))
    return out
