"""The multi-year rules at the edges of their windows (DOMAIN.md section 8, "Windows"): the campaign year closes
every window with its own registration, the store gives the years before, and each finding cites the articles of
its year's regime."""

from __future__ import annotations

import pandas as pd
import pytest

from thidua_xlsx.frame import registration_columns
from thidua_xlsx.history_rules import history_rules
from thidua_xlsx.history_store import HistoryStore

NAME = "Võ Thị Hồng"


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'lich-su.sqlite'}"
    monkeypatch.setenv("THIDUA_HISTORY_URL", url)
    return HistoryStore(url)


def _frame(campaign, rows: list[dict]) -> pd.DataFrame:
    full = []
    for n, row in enumerate(rows):
        base = {c: 0 for c in campaign.catalogue.codes} | {"HC_LD": "0"}
        full.append(base | {"unit_code": "VP", "kind": "ca_nhan", "name": NAME, "completion": "HTTNV", "note": "",
                            "source_file": "VP.xlsx", "source_sheet": "B. Cá nhân", "source_row": 11 + n} | row)
    return pd.DataFrame(full, columns=registration_columns(campaign))


def findings(campaign, store, past: dict[int, dict], **registered) -> list[tuple[str, str]]:
    """The history findings of one person registering `registered` this year, with `past` in the store (each
    year: completion and the honours granted, as 'LDTT CSTD_CS')."""
    for year, result in past.items():
        honours = dict.fromkeys(result.get("honours", "").split(), "1")
        store.import_year(campaign.issuer, year, _frame(campaign, [
            {"completion": result.get("completion", "HTTNV"), **honours}]), campaign.catalogue.codes, "test")
    marks = registered.pop("marks").split()
    row = {m.split("=")[0]: (m.split("=")[1] if "=" in m else 1) for m in marks} | registered
    return [(f.code, f.message) for f in history_rules(campaign, _frame(campaign, [row]))]


def years(first: int, last: int, **by_year: str) -> dict[int, dict]:
    """Past years first..last, HTTNV and LĐTT, with y<year>="COMPLETION HONOURS" overrides."""
    out = {}
    for y in range(first, last + 1):
        level, _, honours = by_year.get(f"y{y}", "HTTNV LDTT").partition(" ")
        out[y] = {"completion": level, "honours": honours}
    return out


@pytest.fixture
def camp(make_campaign):
    return make_campaign(generate=False)


# --- CSTĐ cấp tỉnh: CSTĐCS in the two years before, this year by the same-year rule ---------------------------
@pytest.mark.parametrize("past, expected", [
    (years(2020, 2021, y2020="HTXSNV LDTT CSTD_CS", y2021="HTXSNV LDTT CSTD_CS"), []),
    (years(2020, 2021, y2021="HTXSNV LDTT CSTD_CS"), [
        ("LICH_SU_CSTD_TINH", "Đăng ký Chiến sĩ thi đua cấp tỉnh nhưng không là Chiến sĩ thi đua cơ sở năm 2020 "
                              "(đã xem các năm 2020, 2021; Luật TĐKT 2003/2013 Điều 22, Nghị định 91/2017).")]),
    (years(2020, 2021, y2020="HTXSNV LDTT CSTD_CS"), [
        ("LICH_SU_CSTD_TINH", "Đăng ký Chiến sĩ thi đua cấp tỉnh nhưng không là Chiến sĩ thi đua cơ sở năm 2021 "
                              "(đã xem các năm 2020, 2021; Luật TĐKT 2003/2013 Điều 22, Nghị định 91/2017).")]),
    (years(2021, 2021, y2021="HTXSNV LDTT CSTD_CS"), [
        ("LICH_SU_KHONG_DU", "Chưa kiểm tra được Chiến sĩ thi đua cấp tỉnh (3 năm liền CSTĐCS): kho lịch sử thiếu "
                             "kết quả năm 2020.")]),
], ids=["exactly-three", "a-year-short", "a-gap-last-year", "store-lacks-a-year"])
def test_provincial_fighter_window(camp, store, past, expected):
    assert findings(camp, store, past, marks="LDTT CSTD_CS CSTD_TINH", completion="HTXSNV") == expected


# --- CSTĐ toàn quốc: CSTĐ cấp tỉnh three years ago and this year ------------------------------------------------
@pytest.mark.parametrize("past, expected", [
    (years(2016, 2021, y2019="HTXSNV LDTT CSTD_CS CSTD_TINH"), []),
    (years(2016, 2021, y2020="HTXSNV LDTT CSTD_CS CSTD_TINH"), [
        ("LICH_SU_CSTD_TQ", "Đăng ký Chiến sĩ thi đua toàn quốc nhưng chưa có hai lần liên tục Chiến sĩ thi đua cấp "
                            "tỉnh (đã xem các năm 2019, 2022; Luật TĐKT 2003/2013 Điều 21, Nghị định 91/2017).")]),
    (years(2016, 2021, y2018="HTXSNV LDTT CSTD_CS CSTD_TINH"), [
        ("LICH_SU_CSTD_TQ", "Đăng ký Chiến sĩ thi đua toàn quốc nhưng chưa có hai lần liên tục Chiến sĩ thi đua cấp "
                            "tỉnh (đã xem các năm 2019, 2022; Luật TĐKT 2003/2013 Điều 21, Nghị định 91/2017).")]),
    ({2020: {"honours": "CSTD_CS"}, 2021: {"honours": "CSTD_CS"}}, [
        ("LICH_SU_KHONG_DU", "Chưa kiểm tra được Chiến sĩ thi đua toàn quốc (2 lần liên tục CSTĐ cấp tỉnh): kho "
                             "lịch sử thiếu kết quả năm 2019.")]),
], ids=["three-years-apart", "a-year-short", "a-gap", "store-lacks-the-year"])
def test_national_fighter_window(camp, store, past, expected):
    found = findings(camp, store, past, marks="LDTT CSTD_CS CSTD_TINH CSTD_TQ", completion="HTXSNV")
    assert [f for f in found if f[0] != "LICH_SU_CSTD_TINH"] == expected


# --- Bằng khen tỉnh/bộ: two consecutive years CSTĐCS or HTXSNV, last year and this year ----------------------------
BK_2022 = ("LICH_SU_BK_TINH", "Đăng ký Bằng khen Chủ tịch UBND tỉnh nhưng không có hai năm liên tục Chiến sĩ thi đua "
                              "cơ sở hoặc Hoàn thành xuất sắc nhiệm vụ (đã xem các năm 2021, 2022); có thể xét theo "
                              "tiêu chí khác (Luật TĐKT 2003/2013, Nghị định 91/2017 Điều 39).")


@pytest.mark.parametrize("past, registered, expected", [
    (years(2021, 2021, y2021="HTXSNV LDTT"), {"completion": "HTXSNV", "marks": "LDTT BK_UBND_TINH"}, []),
    (years(2021, 2021, y2021="HTTNV LDTT CSTD_CS"), {"completion": "HTTNV", "marks": "LDTT CSTD_CS BK_UBND_TINH"},
     []),
    (years(2020, 2021, y2020="HTXSNV LDTT", y2021="HTXSNV LDTT"), {"completion": "HTTNV",
                                                                    "marks": "LDTT BK_UBND_TINH"}, [BK_2022]),
    (years(2020, 2021, y2020="HTXSNV LDTT"), {"completion": "HTXSNV", "marks": "LDTT BK_UBND_TINH"}, [BK_2022]),
    (years(2020, 2020, y2020="HTXSNV LDTT"), {"completion": "HTXSNV", "marks": "LDTT BK_UBND_TINH"}, [
        ("LICH_SU_KHONG_DU", "Chưa kiểm tra được Bằng khen Chủ tịch UBND tỉnh: kho lịch sử thiếu kết quả năm 2021.")]),
], ids=["excellent-last-year-and-this", "fighter-last-year-and-this", "this-year-short", "a-gap-last-year",
        "store-lacks-last-year"])
def test_provincial_award_window(camp, store, past, registered, expected):
    assert findings(camp, store, past, **registered) == expected


@pytest.mark.parametrize("year, cited", [
    (2023, "Luật TĐKT 2003/2013, Nghị định 91/2017 Điều 39"),
    (2024, "Luật TĐKT 06/2022/QH15 Điều 74, Nghị định 98/2023"),
    (2026, "Luật TĐKT 06/2022/QH15 Điều 74, Nghị định 152/2025"),
])
def test_provincial_award_cites_its_years_regime(make_campaign, store, year, cited):
    campaign = make_campaign(year=year, generate=False)
    past = years(year - 1, year - 1, **{f"y{year - 1}": "HTTNV LDTT"})
    assert findings(campaign, store, past, completion="HTXSNV", marks="LDTT BK_UBND_TINH") == [
        ("LICH_SU_BK_TINH", "Đăng ký Bằng khen Chủ tịch UBND tỉnh nhưng không có hai năm liên tục Chiến sĩ thi đua cơ "
                            f"sở hoặc Hoàn thành xuất sắc nhiệm vụ (đã xem các năm {year - 1}, {year}); có thể xét "
                            f"theo tiêu chí khác ({cited}).")]


# --- Bằng khen Thủ tướng: a prior Bằng khen, then five years HTTNV or better ending this year -------------------
def _service_years(prior: int, **by_year: str) -> dict[int, dict]:
    out = years(prior, 2021, **{f"y{prior}": "HTTNV LDTT BK_UBND_TINH"})
    for key, value in by_year.items():
        level, _, honours = value.partition(" ")
        out[int(key[1:])] = {"completion": level, "honours": honours}
    return out


FIGHTERS = {"y2018": "HTTNV LDTT CSTD_CS", "y2020": "HTTNV LDTT CSTD_CS"}


@pytest.mark.parametrize("past, registered, expected", [
    (_service_years(2017, **FIGHTERS), "LDTT CSTD_CS BK_TTG", []),
    (_service_years(2018, **FIGHTERS) | {2016: {}, 2017: {}}, "LDTT CSTD_CS BK_TTG", [
        ("LICH_SU_BK_TTG", "Đăng ký Bằng khen Thủ tướng Chính phủ nhưng chưa có Bằng khen Chủ tịch UBND tỉnh hoặc "
                           "Bằng khen cấp bộ từ năm 2017 trở về trước (đã xem các năm 2016, 2017, 2018, 2019, 2020, "
                           "2021, 2022; Luật TĐKT 2003/2013, Nghị định 91/2017 Điều 38).")]),
    (_service_years(2017, **FIGHTERS), "LDTT BK_TTG", [
        ("LICH_SU_BK_TTG", "Đăng ký Bằng khen Thủ tướng Chính phủ nhưng chỉ có 2/3 lần Chiến sĩ thi đua cơ sở trong "
                           "thời gian đó (đã xem các năm 2017, 2018, 2019, 2020, 2021, 2022; Luật TĐKT 2003/2013, "
                           "Nghị định 91/2017 Điều 38).")]),
    ({y: r for y, r in _service_years(2017, **FIGHTERS).items() if y != 2019}, "LDTT CSTD_CS BK_TTG", [
        ("LICH_SU_KHONG_DU", "Chưa kiểm tra được Bằng khen Thủ tướng Chính phủ: kho lịch sử thiếu kết quả năm "
                             "2019.")]),
], ids=["prior-five-years-before", "prior-a-year-short", "this-years-claim-short", "a-gap-in-the-store"])
def test_prime_minister_award_window(camp, store, past, registered, expected):
    assert findings(camp, store, past, completion="HTTNV", marks=registered) == expected


# --- Huân chương Lao động hạng Ba: Bằng khen Thủ tướng, then five years with one HTXSNV and three CSTĐCS ---------
@pytest.mark.parametrize("completion, expected", [
    ("HTXSNV", []),
    ("HTTNV", [("LICH_SU_HCLD", "Đăng ký Huân chương Lao động hạng Ba nhưng chỉ có 0/1 năm Hoàn thành xuất sắc nhiệm "
                                "vụ trong thời gian đó (đã xem các năm 2017, 2018, 2019, 2020, 2021, 2022; Luật TĐKT "
                                "2003/2013 Điều 46, Nghị định 91/2017).")]),
], ids=["excellent-this-year", "never-excellent"])
def test_labour_order_counts_this_year(camp, store, completion, expected):
    past = years(2017, 2021, y2017="HTTNV LDTT BK_TTG", **FIGHTERS)
    assert findings(camp, store, past, completion=completion, marks="LDTT CSTD_CS HC_LD=Ba") == expected
