"""Every rule of the round, same-year and multi-year, run over the registrations frame."""

from __future__ import annotations

from typing import TYPE_CHECKING

from thidua_xlsx import history_rules, proposal_rules, rules  # noqa: F401 - a rule module registers its rules
from thidua_xlsx.findings import Finding
from thidua_xlsx.rule_registry import RULES

if TYPE_CHECKING:
    import pandas as pd

    from thidua_xlsx.config import CampaignConfig

__all__ = ["RULES", "run_rules"]


def run_rules(campaign: "CampaignConfig", frame: "pd.DataFrame") -> list[Finding]:
    """Every registered rule over the frame; rules needing columns the catalogue lacks yield nothing."""
    return [f for r in RULES for f in r.check(campaign, frame)]
