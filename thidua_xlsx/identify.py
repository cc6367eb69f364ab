"""Which unit sent a return: its _meta sheet, its unit line or own row, the sender's address, its file name."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from thidua_xlsx.text import fold

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig
    from thidua_xlsx.reader import ParsedReturn
    from thidua_xlsx.returns import LogEntry


def _match(campaign: "CampaignConfig", text: str, whole: bool) -> str | None:
    """The unit whose name, code or alias is this text (whole) or, failing that, appears in it as words."""
    key = fold(text)
    if not key:
        return None
    exact = {u.code for u in campaign.units if key in u.keys}
    if len(exact) == 1:
        return exact.pop()
    if whole:
        return None
    padded = f" {key} "
    found: dict[str, int] = {}
    for unit in campaign.units:
        for k in unit.keys:
            if (len(k) >= 4 or " " not in k) and f" {k} " in padded:
                found[unit.code] = max(found.get(unit.code, 0), len(k))
    if not found:
        return None
    best = max(found.values())
    winners = [code for code, length in found.items() if length == best]
    return winners[0] if len(winners) == 1 else None


def identify(campaign: "CampaignConfig", parsed: "ParsedReturn", file_name: str, sender: str = "") -> tuple[str, str]:
    """(unit_code, how) from, in order: the _meta sheet, the unit line or own row, the sender's address (mail),
    the file name."""
    codes = {u.code for u in campaign.units}
    meta_code = parsed.meta.get("unit_code", "")
    if meta_code in codes:
        return meta_code, "_meta"
    for line in parsed.unit_lines:
        code = _match(campaign, line, whole=False)
        if code:
            return code, "tiêu đề"
    own = parsed.rows.first_name("tap_the")
    code = _match(campaign, own, whole=True) if own else None
    if code:
        return code, "dòng tập thể"
    by_mail = [u.code for u in campaign.units if sender and u.email.lower() == sender.lower()]
    if len(by_mail) == 1:
        return by_mail[0], "địa chỉ thư"
    stem = Path(file_name).stem
    code = _match(campaign, stem, whole=False)
    return (code, "tên tệp") if code else ("", "")


def original_name(entry: "LogEntry") -> str:
    """The name a stored file had when it was collected (stored names begin with a stamp and a hash)."""
    parts = entry.file.split("_", 2)
    return parts[2] if len(parts) == 3 else entry.file
