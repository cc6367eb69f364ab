"""mail-log.csv: every message the campaign sent (forms, reminders, requests to correct), one row each, read by
`send` and `remind` to resume and by the statuses to show a unit waiting for its corrected return."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from thidua_xlsx.files import read_csv_rows

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

MAIL_LOG = "mail-log.csv"
MAIL_LOG_FIELDS = ("batch", "unit_code", "email", "message_id", "sent_at")
RETURN_BATCH = "return-"  # batches of `thidua return`: return-<date>, or return-<date>-<time> when forced


def sent_log(campaign: "CampaignConfig") -> list[dict[str, str]]:
    """Every message the campaign has sent, as logged."""
    return read_csv_rows(campaign.root / MAIL_LOG)


def returned_at(campaign: "CampaignConfig") -> dict[str, datetime]:
    """When each unit was last asked to correct its return (`thidua return`)."""
    out: dict[str, datetime] = {}
    for row in sent_log(campaign):
        if row["batch"].startswith(RETURN_BATCH):
            at = datetime.fromisoformat(row["sent_at"])
            out[row["unit_code"]] = max(at, out.get(row["unit_code"], at))
    return out
