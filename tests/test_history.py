"""History across years on SQLite and on a real PostgreSQL: store, import/record/show, and the multi-year rules."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import collective, consolidated, person
from pgserver import postgres
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from thidua_xlsx.cli import cli
from thidua_xlsx.frame import registration_columns
from thidua_xlsx.history_store import SCHEMA_VERSION, HistoryStore, _v1, schema_version


@pytest.fixture(scope="module")
def pg_url():
    with postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path, monkeypatch):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'lich-su.sqlite'}"
    else:
        url = request.getfixturevalue("pg_url")
        with create_engine(url, poolclass=NullPool).begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS results, imports, schema_version"))
    monkeypatch.setenv("THIDUA_HISTORY_URL", url)
    return url


def write_year(campaign, path, rows: list[dict]):
    columns = registration_columns(campaign)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            full = {c: "0" for c in campaign.catalogue.codes}
            full.update({"kind": "ca_nhan", "completion": "HTTNV", "note": "", "source_file": "",
                         "source_sheet": "", "source_row": "0", **row})
            writer.writerow(full)
    return path


def past(campaign, tmp_path, years: dict[int, list[dict]]):
    for year, rows in years.items():
        result = CliRunner().invoke(cli, ["history", "import", str(campaign.root),
                                          str(write_year(campaign, tmp_path / f"{year}.csv", rows)),
                                          "--year", str(year)])
        assert result.exit_code == 0, result.output


def history_findings(result):
    return [(f.code, f.name, f.message) for f in result.report.findings if f.code.startswith("LICH_SU")]


def vo(**codes: str) -> dict:
    return {"unit_code": "VP", "name": "Võ Thị Hồng", **codes}


def test_schema_is_versioned_and_migrated(store_url):
    engine = create_engine(store_url, poolclass=NullPool)
    with engine.begin() as conn:  # a store left at version 1 by an older release
        schema_version.create(conn)
        _v1(conn)
        conn.execute(schema_version.insert().values(version=1))
    store = HistoryStore(store_url)
    assert store.version() == SCHEMA_VERSION == 2
    assert HistoryStore(store_url).migrate() == 2, "a second open applies nothing"


def test_import_validates_and_replaces_a_year(campaign, store_url, tmp_path):
    runner = CliRunner()
    bad = write_year(campaign, tmp_path / "bad.csv", [vo(kind="nhan_vien"), vo(LDTT="có")])
    result = runner.invoke(cli, ["history", "import", str(campaign.root), str(bad), "--year", "2021"])
    assert result.exit_code == 1
    assert result.output == ("Lỗi: bad.csv: dòng 2: kind 'nhan_vien' không hợp lệ (tap_the, ca_nhan, gia_dinh); "
                             "dòng 3: cột LDTT ghi 'có' (chỉ 0, 1 hoặc Nhất/Nhì/Ba).\n")
    good = write_year(campaign, tmp_path / "2021.csv", [vo(LDTT="1", CSTD_CS="1"), vo(name="Lê Văn Tám")])
    first = runner.invoke(cli, ["history", "import", str(campaign.root), str(good), "--year", "2021"])
    assert first.output == "Đã nhập 2 dòng kết quả năm 2021.\n"
    again = runner.invoke(cli, ["history", "import", str(campaign.root), str(good), "--year", "2021"])
    assert again.output == "Đã nhập 2 dòng kết quả năm 2021 (thay 2 dòng đã có của năm 2021).\n"
    shown = CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["history", "show", str(campaign.root), "võ thị hồng"])
    assert shown.exit_code == 0
    assert "2021" in shown.output and "Lao động tiên tiến, Chiến sĩ thi đua cơ sở" in shown.output


@pytest.mark.parametrize("history, expected", [
    ({2020: [vo(CSTD_CS="1", LDTT="1")], 2021: [vo(CSTD_CS="1", LDTT="1")]}, []),
    ({2020: [vo(CSTD_CS="1", LDTT="1")], 2021: [vo(LDTT="1")]}, [
        ("LICH_SU_CSTD_TINH", "Đăng ký Chiến sĩ thi đua cấp tỉnh nhưng không là Chiến sĩ thi đua cơ sở năm 2021 "
                              "(đã xem các năm 2020, 2021; Luật TĐKT 2003/2013 Điều 22, Nghị định 91/2017).")]),
    ({2021: [vo(CSTD_CS="1", LDTT="1")]}, [
        ("LICH_SU_KHONG_DU", "Chưa kiểm tra được Chiến sĩ thi đua cấp tỉnh (3 năm liền CSTĐCS): kho lịch sử "
                             "thiếu kết quả năm 2020.")]),
], ids=["three-in-a-row", "gap-last-year", "store-lacks-a-year"])
def test_provincial_fighter(campaign, filled_return, store_url, tmp_path, history, expected):
    past(campaign, tmp_path, history)
    result = consolidated(campaign, filled_return(campaign, "VP", [
        person("Võ Thị Hồng", "HTXSNV", "LDTT CSTD_CS CSTD_TINH", note="Sáng kiến cấp tỉnh")]))
    assert [(c, m) for c, _, m in history_findings(result)] == expected


@pytest.mark.parametrize("history, expected", [
    ({y: [vo(LDTT="1", CSTD_CS="1", **({"CSTD_TINH": "1"} if y in (2016, 2019) else {}))]
      for y in range(2016, 2022)}, []),
    # Issue 16: this year's registration of CSTĐ cấp tỉnh is the second term, so one term in 2019 is enough.
    ({y: [vo(LDTT="1", CSTD_CS="1", **({"CSTD_TINH": "1"} if y == 2019 else {}))] for y in range(2016, 2022)}, []),
    ({y: [vo(LDTT="1", CSTD_CS="1", **({"CSTD_TINH": "1"} if y == 2018 else {}))] for y in range(2016, 2022)}, [
        ("LICH_SU_CSTD_TQ", "Đăng ký Chiến sĩ thi đua toàn quốc nhưng chưa có hai lần liên tục Chiến sĩ thi đua "
                            "cấp tỉnh (đã xem các năm 2019, 2022; Luật TĐKT 2003/2013 Điều 21, Nghị định 91/2017).")]),
], ids=["two-terms", "one-term-and-this-year", "one-term-too-early"])
def test_national_fighter(campaign, filled_return, store_url, tmp_path, history, expected):
    past(campaign, tmp_path, history)
    result = consolidated(campaign, filled_return(campaign, "VP", [
        person("Võ Thị Hồng", "HTXSNV", "LDTT CSTD_CS CSTD_TINH CSTD_TQ", note="Sáng kiến")]))
    found = [(c, m) for c, _, m in history_findings(result) if c != "LICH_SU_CSTD_TINH"]
    assert found == expected


@pytest.mark.parametrize("history, expected", [
    # Issue 16: the two years are last year and this one (registered HTXSNV, not CSTĐCS).
    ({2020: [vo(CSTD_CS="1")], 2021: [vo(CSTD_CS="1")]}, [
        ("LICH_SU_BK_TINH", "Đăng ký Bằng khen Chủ tịch UBND tỉnh nhưng không có hai năm liên tục Chiến sĩ thi đua "
                            "cơ sở hoặc Hoàn thành xuất sắc nhiệm vụ (đã xem các năm 2021, 2022); có thể xét theo "
                            "tiêu chí khác (Luật TĐKT 2003/2013, Nghị định 91/2017 Điều 39).")]),
    ({2020: [vo(completion="HTXSNV")], 2021: [vo(completion="HTXSNV")]}, []),
    ({2020: [vo(CSTD_CS="1")], 2021: [vo(completion="HTXSNV")]}, []),
], ids=["two-fighter-years-then-not", "two-excellent-years", "mixed-then-excellent"])
def test_provincial_award(campaign, filled_return, store_url, tmp_path, history, expected):
    past(campaign, tmp_path, history)
    result = consolidated(campaign, filled_return(campaign, "VP", [
        person("Võ Thị Hồng", "HTXSNV", "LDTT BK_UBND_TINH")]))
    assert [(c, m) for c, _, m in history_findings(result)] == expected


def _service(bk_year: int, fighters: set[int], levels: dict[int, str] | None = None, extra: dict | None = None):
    years = {}
    for y in range(bk_year, 2022):
        codes = {"LDTT": "1"}
        if y == bk_year:
            codes.update(extra or {"BK_UBND_TINH": "1"})
        if y in fighters:
            codes["CSTD_CS"] = "1"
        years[y] = [vo(completion=(levels or {}).get(y, "HTTNV"), **codes)]
    return years


@pytest.mark.parametrize("history, expected", [
    (_service(2016, {2017, 2019, 2021}), []),
    (_service(2016, {2017, 2019}), [
        ("LICH_SU_BK_TTG", "Đăng ký Bằng khen Thủ tướng Chính phủ nhưng chỉ có 2/3 lần Chiến sĩ thi đua cơ sở trong "
                           "thời gian đó (đã xem các năm 2016, 2017, 2018, 2019, 2020, 2021, 2022; Luật TĐKT "
                           "2003/2013, Nghị định 91/2017 Điều 38).")]),
    (_service(2016, {2017, 2019, 2021}, {2020: "HTNV"}), [
        ("LICH_SU_BK_TTG", "Đăng ký Bằng khen Thủ tướng Chính phủ nhưng năm 2020 không đạt Hoàn thành tốt nhiệm vụ "
                           "trở lên (đã xem các năm 2016, 2017, 2018, 2019, 2020, 2021, 2022; Luật TĐKT 2003/2013, "
                           "Nghị định 91/2017 Điều 38).")]),
], ids=["eligible", "two-fighter-years", "a-weak-year"])
def test_prime_minister_award(campaign, filled_return, store_url, tmp_path, history, expected):
    past(campaign, tmp_path, history)
    result = consolidated(campaign, filled_return(campaign, "VP", [
        person("Võ Thị Hồng", "HTXSNV", "LDTT BK_TTG")]))
    assert [(c, m) for c, _, m in history_findings(result)] == expected


def _with_order_on_b(text_: str) -> str:
    return text_ + ('\n[[items]]\ncode = "HC_LD"\nsheet = "B"\ngroup = "award"\nkind = "class"\n'
                    'label = "Huân chương Lao động hạng..."\n')


@pytest.mark.parametrize("cls, history, expected", [
    ("Ba", _service(2016, {2017, 2018, 2020}, {2019: "HTXSNV"}, {"BK_TTG": "1"}), []),
    ("Ba", _service(2016, {2017, 2018, 2020}, None, {"BK_TTG": "1"}), []),  # issue 16: this year is HTXSNV
    ("Nhì", _service(2016, set(), {2017: "HTXSNV", 2020: "HTXSNV"}, {"HC_LD": "Ba"}), [
        ("LICH_SU_HCLD", "Đăng ký Huân chương Lao động hạng Nhì nhưng chỉ có 0/1 lần Chiến sĩ thi đua cấp tỉnh "
                         "trong thời gian đó (đã xem các năm 2016, 2017, 2018, 2019, 2020, 2021, 2022; Luật TĐKT "
                         "2003/2013 Điều 45, Nghị định 91/2017).")]),
], ids=["ba-eligible", "ba-excellent-this-year", "nhi-without-provincial"])
def test_labour_order(make_campaign, filled_return, store_url, tmp_path, cls, history, expected):
    campaign = make_campaign(edit=_with_order_on_b)
    past(campaign, tmp_path, history)
    result = consolidated(campaign, filled_return(campaign, "VP", [person("Võ Thị Hồng", "HTXSNV",
                                                                          f"LDTT HC_LD={cls}")]))
    assert [(c, m) for c, _, m in history_findings(result)] == expected


def test_identity_across_units(campaign, filled_return, store_url, tmp_path):
    past(campaign, tmp_path, {2020: [vo(unit_code="KHTC", CSTD_CS="1"), {"unit_code": "QLCN", "name": "Lê Văn Tám"},
                                     {"unit_code": "TTRA", "name": "Lê Văn Tám"}],
                              2021: [vo(unit_code="KHTC", CSTD_CS="1")]})
    result = consolidated(campaign, filled_return(campaign, "VP", [
        person("Võ Thị Hồng", "HTXSNV", "LDTT CSTD_CS CSTD_TINH", note="Sáng kiến"),
        person("Lê Văn Tám", "HTXSNV", "LDTT BK_UBND_TINH")]))
    assert history_findings(result) == [
        ("LICH_SU_KHAC_DON_VI", "Võ Thị Hồng", "Lịch sử của \"Võ Thị Hồng\" được tìm thấy ở đơn vị KHTC (năm 2020, "
                                               "2021), không phải đơn vị hiện tại; đã dùng để kiểm tra, đề nghị xác "
                                               "nhận là cùng một người."),
        ("LICH_SU_NHAP_NHANG", "Lê Văn Tám", "Kho lịch sử có nhiều người tên \"Lê Văn Tám\" (QLCN: 2020; TTRA: 2020); "
                                             "không tự ghép nên chưa kiểm tra được lịch sử.")]


def test_a_department_with_three_years_gets_history_findings_in_report(campaign, filled_return, store_url, tmp_path):
    past(campaign, tmp_path, {
        2019: [vo(CSTD_CS="1"), {"unit_code": "KHTC", "name": "Lê Văn Tín", "CSTD_CS": "1"}],
        2020: [vo(CSTD_CS="1"), {"unit_code": "KHTC", "name": "Lê Văn Tín"}],
        2021: [vo(CSTD_CS="1"), {"unit_code": "KHTC", "name": "Lê Văn Tín", "CSTD_CS": "1"}]})
    campaign.collect([filled_return(campaign, "VP", [person("Võ Thị Hồng", "HTXSNV", "LDTT CSTD_CS CSTD_TINH",
                                                            note="Sáng kiến")]),
                      filled_return(campaign, "KHTC", [person("Lê Văn Tín", "HTXSNV", "LDTT CSTD_CS CSTD_TINH",
                                                              note="Sáng kiến")])])
    assert CliRunner().invoke(cli, ["report", str(campaign.root)]).exit_code == 0
    with (campaign.reports_dir / "findings.csv").open(encoding="utf-8") as fh:
        rows = [(r["code"], r["unit_code"], r["name"]) for r in csv.DictReader(fh) if r["code"].startswith("LICH")]
    assert rows == [("LICH_SU_CSTD_TINH", "KHTC", "Lê Văn Tín")]


def test_record_stores_what_the_council_passed(campaign, filled_return, store_url, tmp_path):
    consolidated(campaign, filled_return(campaign, "VP", [
        collective("HTXSNV", "LDTT"), person("Võ Thị Hồng", "HTXSNV", "LDTT CSTD_CS", note="Sáng kiến"),
        person("Lê Văn Tám", "HTTNV", "LDTT")]))
    runner = CliRunner()
    assert runner.invoke(cli, ["report", str(campaign.root)]).exit_code == 0
    path = campaign.reports_dir / "tong-hop-2022.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Cá nhân"]
    for row in ws.iter_rows(min_row=1):
        if row[1].value == "Võ Thị Hồng":
            row[8].value = "Đạt" if row[9].value == "LDTT" else "Không đạt"
        elif row[1].value == "Lê Văn Tám":
            row[8].value = "??"
    wb.save(path)
    result = runner.invoke(cli, ["history", "record", str(campaign.root)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "? Cá nhân: Lê Văn Tám (Văn phòng Sở) ghi \"??\": không hiểu kết quả, coi như chưa đạt",
        "Đã ghi 3 dòng kết quả năm 2022."]
    store = HistoryStore(store_url)
    stored = store.people("SỞ CÔNG THƯƠNG QUẢNG NGÃI")
    assert sorted(zip(stored["name"], stored["completion"], stored["honours"])) == sorted([
        ("Lê Văn Tám", "HTTNV", ""), ("Văn phòng Sở", "HTXSNV", ""), ("Võ Thị Hồng", "HTXSNV", "LDTT")])
    everything = runner.invoke(cli, ["history", "record", str(campaign.root), "--all-registered"])
    assert everything.output == "Đã ghi 3 dòng kết quả năm 2022 (thay 3 dòng đã ghi trước đó).\n"


def test_record_applies_a_unit_list_passed_as_a_whole(make_campaign, filled_return, tmp_path, monkeypatch):
    monkeypatch.setenv("THIDUA_HISTORY_URL", f"sqlite:///{tmp_path / 'lich-su.sqlite'}")
    campaign = make_campaign(edit=lambda t: t.replace("council_list_limit = 1000", "council_list_limit = 2"))
    consolidated(campaign, filled_return(campaign, "VP", [
        collective("HTXSNV", "LDTT"), person("An", "HTXSNV", "LDTT"), person("Bình", "HTTNV", "LDTT"),
        person("Chi", "HTTNV", "LDTT"), person("Dung", "HTNV", "LDTT")]))  # Dung: LDTT_MUC_DO_THAP, listed alone
    runner = CliRunner()
    assert runner.invoke(cli, ["report", str(campaign.root)]).exit_code == 0
    path = campaign.reports_dir / "tong-hop-2022.xlsx"
    wb = openpyxl.load_workbook(path)
    lines = {row[1].value: row for row in wb["Cá nhân"].iter_rows() if row[9].value == "LDTT"}
    assert sorted(lines) == ["Danh sách 3 cá nhân", "Dung"]
    lines["Danh sách 3 cá nhân"][8].value = "Đạt"
    wb.save(path)
    result = runner.invoke(cli, ["history", "record", str(campaign.root)])
    assert result.output == "Đã ghi 5 dòng kết quả năm 2022.\n"
    stored = HistoryStore.for_campaign(campaign).people("SỞ CÔNG THƯƠNG QUẢNG NGÃI")
    assert sorted(zip(stored["name"], stored["honours"])) == [
        ("An", "LDTT"), ("Bình", "LDTT"), ("Chi", "LDTT"), ("Dung", ""), ("Văn phòng Sở", "")]
