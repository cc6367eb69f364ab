"""Multi-year checks against the history store (DOMAIN.md section 8)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

import pandas as pd

from thidua_xlsx.findings import Finding, row_finding
from thidua_xlsx.rule_registry import rule, ticked
from thidua_xlsx.text import name_key

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

GOOD = ("HTXSNV", "HTTNV")


# The article each multi-year rule rests on, by regime: up to 2023 the Law of 2003 as amended in 2013 and Nghị
# định 91/2017 with their own numbering (NĐ 91/2017 Art 38 Bằng khen Thủ tướng, Art 39 Bằng khen bộ/tỉnh; the law's
# Art 21/22 for the CSTĐ titles and Art 45/46 for the Huân chương: confidence M), from 2024 Luật 06/2022.
ARTICLES: dict[str, tuple[str, str]] = {
    "CSTD_TINH": ("Luật TĐKT 2003/2013 Điều 22, Nghị định 91/2017", "Điều 22"),
    "CSTD_TQ": ("Luật TĐKT 2003/2013 Điều 21, Nghị định 91/2017", "Điều 21"),
    "BK_TINH": ("Luật TĐKT 2003/2013, Nghị định 91/2017 Điều 39", "Điều 74"),
    "BK_TTG": ("Luật TĐKT 2003/2013, Nghị định 91/2017 Điều 38", "Điều 73"),
    "HC_LD=Ba": ("Luật TĐKT 2003/2013 Điều 46, Nghị định 91/2017", "Điều 44"),
    "HC_LD=Nhì": ("Luật TĐKT 2003/2013 Điều 45, Nghị định 91/2017", "Điều 43"),
}


def basis(rule: str, year: int) -> str:
    """The texts and article a finding of this rule cites for a campaign year (DOMAIN.md section 8)."""
    old, article = ARTICLES[rule]
    if year <= 2023:
        return old
    return f"Luật TĐKT 06/2022/QH15 {article}, Nghị định {'98/2023' if year == 2024 else '152/2025'}"


@dataclass
class Past:
    """One person's known years: year -> (completion, set of honours such as "CSTD_CS" or "HC_LD=Ba")."""

    years: dict[int, tuple[str, set[str]]]
    available: set[int]

    def has(self, year: int, code: str) -> bool:
        """Whether the person had this honour (or this code with any class) that year."""
        return any(h == code or h.startswith(code + "=") for h in self.years.get(year, ("", set()))[1])

    def level(self, year: int) -> str:
        """The person's completion level that year ('' when unknown)."""
        return self.years.get(year, ("", set()))[0]

    def missing(self, years) -> list[int]:
        """The years among these that the store has no results for."""
        return [y for y in years if y not in self.available]


def _years(years) -> str:
    years = sorted(years)
    return ", ".join(str(y) for y in years) if years else "(chưa có năm nào)"


PastRows = list[tuple[int, str, str, str]]  # (year, unit_code, completion, honours) of one name key


def _load(campaign: "CampaignConfig", keys: set[str]) -> tuple[dict[str, PastRows], set[int]]:
    """The individuals' past grouped by name key, and the years the store holds."""
    from thidua_xlsx.history_store import HistoryStore

    store = HistoryStore.for_campaign(campaign, create=False)
    if store is None:
        return {}, set()
    return (store.pasts(campaign.issuer, keys, "ca_nhan") if keys else {}), store.years(campaign.issuer)


NEEDS_HISTORY = ("CSTD_TINH", "CSTD_TQ", "BK_UBND_TINH", "BK_BO", "BK_TTG", "HC_LD")


@rule("LICH_SU_CSTD_TINH", "LICH_SU_CSTD_TQ", "LICH_SU_BK_TINH", "LICH_SU_BK_TTG", "LICH_SU_HCLD",
      "LICH_SU_KHONG_DU", "LICH_SU_KHAC_DON_VI", "LICH_SU_NHAP_NHANG")
def history_rules(campaign: "CampaignConfig", frame: pd.DataFrame) -> Iterator[Finding]:
    """Each individual registering a title or award that looks back, checked against the years in the store
    (the candidates' past is fetched once, grouped by name key)."""
    mask = pd.Series(False, index=frame.index)
    for code in NEEDS_HISTORY:
        mask |= ticked(frame, code)
    candidates = frame[mask & frame["kind"].eq("ca_nhan") & frame["name"].ne("")]  # a few rows, not a copy of all
    if candidates.empty:
        return
    keys = [name_key(str(n)) for n in candidates["name"]]
    past, available = _load(campaign, set(keys))
    for rec, key in zip(candidates.to_dict("records"), keys):
        person, note = _identify(rec, past.get(key, []), available)
        if note is not None:
            yield note
            if person is None:
                continue
        yield from _check(campaign, rec, person)


def _identify(rec: dict, rows: PastRows, available: set[int]) -> tuple[Past | None, Finding | None]:
    """The person's past: same unit first; one other unit with a warning; several candidates: not guessed."""
    if not rows:
        return Past({}, available), None
    chosen, note = [r for r in rows if r[1] == rec["unit_code"]], None
    if not chosen:
        units = sorted({r[1] for r in rows})
        if len(units) > 1:
            where = "; ".join(f"{u}: {_years(r[0] for r in rows if r[1] == u)}" for u in units)
            return None, row_finding("LICH_SU_NHAP_NHANG", rec, where=where)
        chosen = rows
        note = row_finding("LICH_SU_KHAC_DON_VI", rec, other=units[0], years=_years(r[0] for r in rows))
    seen = Counter(r[0] for r in chosen)
    if len(seen) < len(chosen):  # two namesakes in one unit and year
        where = f"{chosen[0][1]}: " + _years(r[0] for r in chosen if seen[r[0]] > 1)
        return None, row_finding("LICH_SU_NHAP_NHANG", rec, where=where)
    years = {int(year): (completion, set(str(honours).split())) for year, _, completion, honours in chosen}
    return Past(years, available), note


def _check(campaign: "CampaignConfig", rec: dict, past: Past) -> Iterator[Finding]:
    y = campaign.year
    if _registers(rec, "CSTD_TINH"):
        yield from _three_grassroots(rec, past, y)
    if _registers(rec, "CSTD_TQ"):
        yield from _two_provincial(rec, past, y)
    past = _with_claim(campaign, rec, past)
    for award in ("BK_UBND_TINH", "BK_BO"):
        if _registers(rec, award):
            yield from _provincial_award(campaign, rec, past, y, award)
    if _registers(rec, "BK_TTG"):
        yield from _long_service(rec, past, y, "BK_TTG", ("BK_UBND_TINH", "BK_BO"), "Bằng khen Thủ tướng Chính phủ",
                                 min_excellent=0, grassroots=3, provincial=0)
    cls = str(rec.get("HC_LD", "0"))
    if cls in ("Ba", "Nhì"):
        yield from _long_service(rec, past, y, f"HC_LD={cls}", ("BK_TTG",) if cls == "Ba" else ("HC_LD=Ba",),
                                 f"Huân chương Lao động hạng {cls}", min_excellent=1 if cls == "Ba" else 2,
                                 grassroots=3 if cls == "Ba" else 0, provincial=int(cls == "Nhì"), cls=cls)


def _registers(rec: dict, code: str) -> bool:
    return str(rec.get(code, "0")) not in ("0", "")


def _with_claim(campaign: "CampaignConfig", rec: dict, past: Past) -> Past:
    """The campaign year closes every window: its registration (completion and items) is the claim for it."""
    claimed = {code if str(rec[code]) == "1" else f"{code}={rec[code]}" for code in campaign.catalogue.codes
               if _registers(rec, code)}
    years = {**past.years, campaign.year: (str(rec.get("completion") or ""), claimed)}
    return Past(years, past.available | {campaign.year})


def _not_enough(rec, check: str, missing: list[int]) -> Finding:
    return row_finding("LICH_SU_KHONG_DU", rec, check=check, missing=_years(missing))


def _three_grassroots(rec, past: Past, y: int) -> Iterator[Finding]:
    """CSTĐ cấp tỉnh: CSTĐCS in the two years before (the store) and this year (the same-year rule)."""
    needed = [y - 2, y - 1]
    lacking = [yr for yr in needed if yr in past.available and not past.has(yr, "CSTD_CS")]
    if lacking:
        yield row_finding("LICH_SU_CSTD_TINH", rec, missing=_years(lacking), years=_years(needed),
                          basis=basis("CSTD_TINH", y))
    elif past.missing(needed):
        yield _not_enough(rec, "Chiến sĩ thi đua cấp tỉnh (3 năm liền CSTĐCS)", past.missing(needed))


def _two_provincial(rec, past: Past, y: int) -> Iterator[Finding]:
    """CSTĐ toàn quốc: two consecutive terms of CSTĐ cấp tỉnh, the second ending this year (its registration,
    required by the same-year rule), so the first awarded three years before."""
    if past.missing([y - 3]):
        yield _not_enough(rec, "Chiến sĩ thi đua toàn quốc (2 lần liên tục CSTĐ cấp tỉnh)", [y - 3])
    elif not past.has(y - 3, "CSTD_TINH"):
        yield row_finding("LICH_SU_CSTD_TQ", rec, years=_years([y - 3, y]), basis=basis("CSTD_TQ", y))


def _provincial_award(campaign, rec, past: Past, y: int, award: str) -> Iterator[Finding]:
    """Bằng khen of the province or ministry: two consecutive years CSTĐCS, or HTXSNV: last year and this year."""
    window = [y - 1, y]
    known = [yr for yr in window if yr in past.available]
    fighter = all(past.has(yr, "CSTD_CS") for yr in known)
    excellent = all(past.level(yr) == "HTXSNV" for yr in known)
    label = campaign.catalogue.label(award, "ca_nhan")
    if not fighter and not excellent:
        yield row_finding("LICH_SU_BK_TINH", rec, award=label, years=_years(window), basis=basis("BK_TINH", y))
    elif past.missing(window):
        yield _not_enough(rec, label, past.missing(window))


def _long_service(rec, past: Past, y: int, rule: str, prior: tuple[str, ...], label: str, *,
                  min_excellent: int, grassroots: int, provincial: int, cls: str = "") -> Iterator[Finding]:
    """A prior honour, then at least five consecutive years HTTNV or better ending this year (its registration),
    with counts of HTXSNV, CSTĐCS and CSTĐ cấp tỉnh in that time (L22 Art 73(1)(b), 44, 43)."""
    known = sorted(past.years)
    prior_years = [yr for yr in known if yr <= y - 5 and any(past.has(yr, p) or p in past.years[yr][1]
                                                              for p in prior)]
    span = list(range(y - 4, y + 1))
    problems = []
    if not prior_years:
        problems.append("chưa có " + " hoặc ".join(_honour_label(p) for p in prior) + " từ năm "
                        f"{y - 5} trở về trước")
    since = list(range(max(prior_years) + 1, y + 1)) if prior_years else span
    bad = [yr for yr in since if yr in past.available and past.level(yr) not in GOOD]
    if bad:
        problems.append(f"năm {_years(bad)} không đạt Hoàn thành tốt nhiệm vụ trở lên")
    counts = {"HTXSNV": sum(past.level(yr) == "HTXSNV" for yr in since),
              "CSTD_CS": sum(past.has(yr, "CSTD_CS") for yr in since),
              "CSTD_TINH": sum(past.has(yr, "CSTD_TINH") for yr in since)}
    complete = not past.missing(range(min(since + [y - 5]), y)) and bool(prior_years or not past.missing(span))
    if complete:
        for need, key, what in ((min_excellent, "HTXSNV", "năm Hoàn thành xuất sắc nhiệm vụ"),
                                (grassroots, "CSTD_CS", "lần Chiến sĩ thi đua cơ sở"),
                                (provincial, "CSTD_TINH", "lần Chiến sĩ thi đua cấp tỉnh")):
            if counts[key] < need:
                problems.append(f"chỉ có {counts[key]}/{need} {what} trong thời gian đó")
    fields = {"years": _years(sorted(set(known) | set(span))), "basis": basis(rule, y)}
    if cls:
        fields["cls"] = cls
    code = "LICH_SU_HCLD" if cls else "LICH_SU_BK_TTG"
    if problems and (complete or bad or not past.missing(span)):
        yield row_finding(code, rec, detail="; ".join(problems), **fields)
    elif not complete:
        missing = past.missing(range(min(since + [y - 5]), y)) or past.missing(span)
        yield _not_enough(rec, label, missing or [y - 6])


def _honour_label(code: str) -> str:
    return {"BK_UBND_TINH": "Bằng khen Chủ tịch UBND tỉnh", "BK_BO": "Bằng khen cấp bộ",
            "BK_TTG": "Bằng khen Thủ tướng Chính phủ", "HC_LD=Ba": "Huân chương Lao động hạng Ba"}.get(code, code)
