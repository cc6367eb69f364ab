"""A year-end proposal round checked against the year's registrations (DOMAIN.md section 8, "the year's two
rounds"): proposed but not registered, and registered but not proposed. People are matched as the history store
matches them: the same unit and name key first, else one unit elsewhere."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Iterator

import pandas as pd

from thidua_xlsx.errors import CampaignError
from thidua_xlsx.findings import Finding, finding, row_finding
from thidua_xlsx.rule_registry import rule, ticked
from thidua_xlsx.text import name_key

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

RULE_2017 = "Nghị định 91/2017/NĐ-CP: không đăng ký thi đua thì không được xét tặng danh hiệu"
LOCAL_RULE = "quy định của đơn vị: đăng ký thi đua là điều kiện xét tặng"
SINCE_2024 = "từ năm 2024 đăng ký không còn là điều kiện chung (Luật 06/2022/QH15); đề nghị xem lại"


def registered(campaign: "CampaignConfig") -> pd.DataFrame:
    """The registration campaign's registrations.csv (its `thidua report` output)."""
    from thidua_xlsx.config import CampaignConfig

    source = CampaignConfig.load(campaign.registrations)
    path = source.report_paths["registrations"]
    if not path.is_file():
        raise CampaignError(f"Chưa có {path} của chiến dịch đăng ký; chạy thidua report {source.root} trước.")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _key(frame: pd.DataFrame) -> pd.Series:
    """kind and name key of each row (columns may be categorical: compared as text)."""
    return frame["kind"].astype(str) + "\t" + frame["name"].astype(str).map(name_key)


def _match(keys: pd.Series, units: pd.Series, reg: pd.DataFrame) -> list[int | None]:
    """For each proposal row, the index of its registration: same unit and key, else the only one elsewhere."""
    own = {(u, k): i for i, u, k in zip(reg.index, reg["unit_code"], _key(reg))}
    elsewhere: dict[str, list[int]] = {}
    for i, k in zip(reg.index, _key(reg)):
        elsewhere.setdefault(k, []).append(i)
    out = []
    for unit, key in zip(units, keys):
        hit = own.get((unit, key))
        others = elsewhere.get(key, [])
        out.append(hit if hit is not None else (others[0] if len(others) == 1 else None))
    return out


@rule("DE_NGHI_CHUA_DANG_KY", "DANG_KY_KHONG_DE_NGHI")
def proposals_against_registrations(campaign: "CampaignConfig", frame: pd.DataFrame) -> Iterator[Finding]:
    """Each title or award proposed without a registration; each title registered but not proposed."""
    if not campaign.proposal or frame.empty:
        return
    reg = registered(campaign)
    codes = [c for c in campaign.catalogue.codes if c in frame.columns and c in reg.columns]
    titles = {i.code for i in campaign.catalogue.items if i.group == "title"}
    basis = RULE_2017 if campaign.year <= 2023 else LOCAL_RULE if campaign.require_registration else SINCE_2024
    matched = _match(_key(frame), frame["unit_code"], reg)
    label = campaign.catalogue.label
    asked = {c: ticked(frame, c) for c in codes}
    had = {c: ticked(reg, c) for c in codes}
    for pos, (idx, rec) in enumerate(frame.iterrows()):
        found = matched[pos]
        missing = [c for c in codes if asked[c][idx] and (found is None or not had[c][found])]
        if missing:
            f = row_finding("DE_NGHI_CHUA_DANG_KY", rec, items=", ".join(label(c, rec["kind"]) for c in missing),
                           basis=basis)
            yield f if campaign.require_registration else replace(f, severity="warning")
    reg_keys = (reg["unit_code"].astype(str) + "\t" + _key(reg)).tolist()
    asked_of: dict[str, set[str]] = {}  # a registration's unit and key -> codes its matched proposals ask for
    for pos, found in enumerate(matched):
        if found is not None:
            asked_of.setdefault(reg_keys[reg.index.get_loc(found)], set()).update(
                c for c in codes if asked[c].iat[pos])
    units = set(frame["unit_code"])
    for (i, rec), key in zip(reg.iterrows(), reg_keys):
        if rec["unit_code"] not in units:
            continue
        dropped = [c for c in codes if c in titles and had[c][i] and c not in asked_of.get(key, set())]
        if dropped:
            yield finding("DANG_KY_KHONG_DE_NGHI", unit_code=rec["unit_code"], kind=rec["kind"], name=rec["name"],
                          items=", ".join(label(c, rec["kind"]) for c in dropped), file=rec["source_file"],
                          sheet=rec["source_sheet"], row_registered=rec["source_row"])
