"""The same-year rules: one small function per check over the registrations frame (DOMAIN.md section 6)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Iterator

import pandas as pd

from thidua_xlsx.catalogue import COMPLETION_LEVELS
from thidua_xlsx.findings import Finding, row_finding
from thidua_xlsx.rule_registry import RuleFn, rule, ticked
from thidua_xlsx.text import fold_many, name_key

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

TITLES = ("LDTT", "LDXS", "CSTD_CS", "CSTD_TINH", "CSTD_TQ")
_INITIATIVE = re.compile(r"sáng kiến|đề tài|giải pháp|công trình", re.IGNORECASE)


def _labels(frame: pd.DataFrame, campaign: "CampaignConfig", mask: pd.Series, codes: Iterable[str]) -> pd.Series:
    """For each masked row, the labels of the given items it registers, joined."""
    out = pd.Series("", index=frame.index)
    for code in (c for c in codes if c in frame):
        for kind in frame.loc[mask, "kind"].unique():
            hit = mask & frame["kind"].eq(kind) & ticked(frame, code)
            label = campaign.catalogue.label(code, kind)
            out[hit] = out[hit].where(out[hit] == "", out[hit] + ", ") + label
    return out


def _rows(frame: pd.DataFrame, mask: pd.Series) -> Iterator[pd.Series]:
    for _, rec in frame[mask].iterrows():
        yield rec


def _completion_sheets(campaign: "CampaignConfig", frame: pd.DataFrame) -> pd.Series:
    kinds = {s.kind for s in campaign.catalogue.sheets if s.completion != "none"}
    return frame["kind"].isin(kinds)


@rule("HUAN_CHUONG_THIEU_HANG")
def order_without_class(campaign: "CampaignConfig", frame: pd.DataFrame) -> Iterator[Finding]:
    """Huân chương ticked without its class."""
    for item in {i.code for i in campaign.catalogue.items if i.kind == "class"}:
        for rec in _rows(frame, frame[item].eq("1")):
            yield row_finding("HUAN_CHUONG_THIEU_HANG", rec)


@rule("DANH_HIEU_KHONG_MUC_DO")
def registration_without_level(campaign: "CampaignConfig", frame: pd.DataFrame) -> Iterator[Finding]:
    """A title or award on a sheet that asks for a completion level, without one."""
    codes = campaign.catalogue.codes
    any_item = pd.Series(False, index=frame.index)
    for code in codes:
        any_item |= ticked(frame, code)
    mask = any_item & frame["completion"].eq("") & _completion_sheets(campaign, frame)
    labels = _labels(frame, campaign, mask, codes)
    for idx, rec in frame[mask].iterrows():
        yield row_finding("DANH_HIEU_KHONG_MUC_DO", rec, items=labels[idx])


@rule("LDTT_MUC_DO_THAP")
def title_with_low_level(campaign: "CampaignConfig", frame: pd.DataFrame) -> Iterator[Finding]:
    """A title with completion HTNV or KHTNV (titles need HTTNV or better)."""
    titled = pd.Series(False, index=frame.index)
    for code in TITLES:
        titled |= ticked(frame, code)
    mask = titled & frame["completion"].isin(["HTNV", "KHTNV"])
    labels = _labels(frame, campaign, mask, TITLES)
    for idx, rec in frame[mask].iterrows():
        yield row_finding("LDTT_MUC_DO_THAP", rec, items=labels[idx], completion=COMPLETION_LEVELS[rec["completion"]])


def _requires(code: str, needs: str, finding_code: str, kind: str) -> RuleFn:
    def check(campaign: "CampaignConfig", frame: pd.DataFrame) -> Iterator[Finding]:
        if code not in frame:
            return
        for rec in _rows(frame, frame["kind"].eq(kind) & ticked(frame, code) & ~ticked(frame, needs)):
            yield row_finding(finding_code, rec)
    check.__name__ = f"{code.lower()}_needs_{needs.lower()}"
    return check


rule("LDXS_KHONG_LDTT")(_requires("LDXS", "LDTT", "LDXS_KHONG_LDTT", "tap_the"))
rule("CSTDCS_KHONG_LDTT")(_requires("CSTD_CS", "LDTT", "CSTDCS_KHONG_LDTT", "ca_nhan"))
rule("CSTD_TINH_KHONG_CSTDCS")(_requires("CSTD_TINH", "CSTD_CS", "CSTD_TINH_KHONG_CSTDCS", "ca_nhan"))
rule("CSTD_TQ_KHONG_CSTD_TINH")(_requires("CSTD_TQ", "CSTD_TINH", "CSTD_TQ_KHONG_CSTD_TINH", "ca_nhan"))


@rule("CSTDCS_CAN_SANG_KIEN")
def grassroots_fighter_needs_initiative(campaign: "CampaignConfig", frame: pd.DataFrame) -> Iterator[Finding]:
    """CSTĐCS below HTXSNV is valid only with a recognised initiative: say so unless the note names one."""
    below = frame[ticked(frame, "CSTD_CS") & frame["completion"].isin(["HTTNV"])]
    for rec in _rows(below, ~below["note"].str.contains(_INITIATIVE, na=False)):
        yield row_finding("CSTDCS_CAN_SANG_KIEN", rec, completion=COMPLETION_LEVELS[rec["completion"]])


@rule("TRUNG_TEN_TRONG_DON_VI", "TRUNG_TEN_GIUA_DON_VI")
def duplicate_names(campaign: "CampaignConfig", frame: pd.DataFrame) -> Iterator[Finding]:
    """The same person twice in a unit (error), or the same name in two units (warning)."""
    people = frame[frame["kind"].ne("tap_the") & frame["name"].ne("")]
    if people.empty:
        return
    # A cheap key first (no marks, case or punctuation at all, one pass over the column): only names that
    # collide on it need the exact key.
    rough = pd.Series(fold_many(people["name"].tolist()), index=people.index)
    people = people[rough.duplicated(keep=False)]
    people = people.assign(key=people["name"].map(name_key))
    people = people[people.duplicated(["kind", "key"], keep=False)]
    for _, group in people.groupby(["kind", "key"], sort=False):
        first_in_unit: dict[str, pd.Series] = {}
        for _, rec in group.iterrows():
            unit = rec["unit_code"]
            if unit in first_in_unit:
                yield row_finding("TRUNG_TEN_TRONG_DON_VI", rec, other_row=int(first_in_unit[unit]["source_row"]))
            else:
                first_in_unit[unit] = rec
        if len(first_in_unit) > 1:
            units = list(first_in_unit)
            for unit, rec in first_in_unit.items():
                others = ", ".join(u or "(không xác định)" for u in units if u != unit)
                yield row_finding("TRUNG_TEN_GIUA_DON_VI", rec, other_unit=others)


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _per_unit(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per identified unit: its own collective line (index into frame) and counts over its people."""
    known = frame[frame["unit_code"].ne("")]
    own = known[known["kind"].eq("tap_the")].groupby("unit_code", sort=False).head(1)
    people = known[known["kind"].eq("ca_nhan")]
    counts = pd.DataFrame({"people": True, "ldtt": ticked(people, "LDTT"), "cstd": ticked(people, "CSTD_CS"),
                           "failing": people["completion"].eq("KHTNV")}, index=people.index)
    stats = counts.groupby(people["unit_code"], sort=False).sum().astype(int)
    return stats.join(pd.Series(own.index, index=own["unit_code"], name="own"), how="left")


@rule("TT_LDTT_TY_LE", "TT_LDXS_TY_LE", "TT_LDXS_KHONG_CSTDCS")
def collective_against_members(campaign: "CampaignConfig", frame: pd.DataFrame) -> Iterator[Finding]:
    """The unit's own line on sheet A against its people on sheet B (thresholds are campaign settings)."""
    if "LDTT" not in frame:
        return
    ldtt_min = campaign.rules["tt_ldtt_min_ldtt_share"]
    ldxs_min = campaign.rules["tt_ldxs_min_ldtt_share"]
    units = _per_unit(frame).dropna(subset=["own"])
    owns = frame.loc[units["own"].astype(int)].to_dict("records")  # one lookup, not one per unit
    for unit, own in zip(units.itertuples(), owns):
        share = unit.ldtt / unit.people
        if own["LDTT"] == 1 and share <= ldtt_min:
            yield row_finding("TT_LDTT_TY_LE", own, ldtt=unit.ldtt, people=unit.people, share=_pct(share),
                      limit=_pct(ldtt_min))
        if "LDXS" in frame and own["LDXS"] == 1:
            problems = []
            if share < ldxs_min:
                problems.append(f"chỉ {unit.ldtt}/{unit.people} cá nhân đăng ký LĐTT ({_pct(share)}, "
                                f"cần từ {_pct(ldxs_min)})")
            if unit.failing:
                problems.append(f"{unit.failing} cá nhân không hoàn thành nhiệm vụ (cần 100% hoàn thành)")
            if problems:
                yield row_finding("TT_LDXS_TY_LE", own, detail="; ".join(problems))
            if not unit.cstd:
                yield row_finding("TT_LDXS_KHONG_CSTDCS", own)


@rule("CSTDCS_VUOT_TY_LE")
def grassroots_fighter_cap(campaign: "CampaignConfig", frame: pd.DataFrame) -> Iterator[Finding]:
    """CSTĐCS at most a share of the unit's LĐTT (old sector circulars; a local setting, 0 disables). A unit may
    always have one: a small unit's share would otherwise forbid any."""
    limit = campaign.rules["cstdcs_max_share_of_ldtt"]
    if not limit or "CSTD_CS" not in frame:
        return
    units = _per_unit(frame)
    allowed = (limit * units["ldtt"]).clip(lower=1)
    over = units[(units["ldtt"] > 0) & (units["cstd"] > allowed)]
    for code, unit in over.iterrows():
        if pd.notna(unit["own"]):
            anchor = frame.loc[int(unit["own"])]
        else:
            anchor = frame[frame["unit_code"].eq(code) & frame["kind"].eq("ca_nhan")].iloc[0]
        yield row_finding("CSTDCS_VUOT_TY_LE", anchor, cstdcs=int(unit["cstd"]), ldtt=int(unit["ldtt"]),
                  share=_pct(unit["cstd"] / unit["ldtt"]), limit=_pct(limit))
