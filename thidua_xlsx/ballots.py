"""The ballots (phiếu bầu) for the council's secret vote: one per member, a section per item voted in secret."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from thidua_xlsx.catalogue import KINDS
from thidua_xlsx.council import sections
from thidua_xlsx.documents import render
from thidua_xlsx.errors import CampaignError
from thidua_xlsx.votes import default_rule

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

TEMPLATE = "phieu-bau.docx"


def registrations(campaign: "CampaignConfig") -> pd.DataFrame:
    """reports/registrations.csv, which ballots and papers are drawn from (written by `thidua report`)."""
    path = campaign.report_paths["registrations"]
    if not path.is_file():
        raise CampaignError(f"Chưa có {path}; chạy thidua report trước.")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def secret_sections(campaign: "CampaignConfig", frame: pd.DataFrame) -> list[dict[str, object]]:
    """Each item voted in secret with its candidates by name (a ballot lists every person, even in a long list)."""
    names = {u.code: u.name for u in campaign.units}
    out = []
    for spec in campaign.catalogue.sheets:
        for code, title, part in sections(campaign, spec.kind, frame):
            rule = campaign.votes.get(code.partition("=")[0]) or default_rule(code.partition("=")[0])
            if not rule.secret or part.empty:
                continue
            rows = [{"n": n, "name": name or names.get(unit, ""), "unit": names.get(unit, "Không xác định")}
                    for n, (name, unit) in enumerate(zip(part["name"], part["unit_code"]), 1)]
            out.append({"code": code, "kind": spec.kind, "title": f"{KINDS[spec.kind]}: {title}",
                        "wording": rule.wording(), "rows": rows})
    for n, section in enumerate(out, 1):
        section["title"] = f"{n}. {str(section['title']).upper()}"
    return out


def write_ballots(campaign: "CampaignConfig", copies: int | None = None, force: bool = False) -> tuple[Path, int]:
    """reports/phieu-bau-<year>.docx with one ballot per council member (or copies); returns (path, sections)."""
    copies = copies or campaign.council_size
    if copies < 1:
        raise CampaignError("Số bản phiếu bầu phải là số nguyên dương.")
    found = secret_sections(campaign, registrations(campaign))
    if not found:
        raise CampaignError("Không có mục nào bỏ phiếu kín có người đăng ký; không cần in phiếu bầu.")
    ballots = [{"number": n, "total": copies} for n in range(1, copies + 1)]
    target = campaign.reports_dir / f"phieu-bau-{campaign.year}.docx"
    return render(campaign, TEMPLATE, {"ballots": ballots, "sections": found}, target, force=force), len(found)
