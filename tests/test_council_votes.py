"""The council's vote: settings per item, votes typed into the council workbook, results by live formulas that
LibreOffice recalculates, and `thidua history record` storing what passed."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import collective, consolidated, libreoffice, person
from python_calamine import CalamineWorkbook

from thidua_xlsx import Campaign
from thidua_xlsx.cli import cli
from thidua_xlsx.errors import CampaignError
from thidua_xlsx.history_store import HistoryStore

RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


@pytest.fixture(scope="module")
def recalc(tmp_path_factory):
    """recalc(xlsx, outdir) -> the workbook opened by LibreOffice with every formula recalculated, saved as xlsx."""
    profile = tmp_path_factory.mktemp("lo-recalc")
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC, encoding="utf-8")
    convert = libreoffice(profile)
    return lambda src, outdir: convert(src, "xlsx:Calc MS Excel 2007 XML", outdir)


def test_vote_settings_default_to_the_law_and_are_validated(make_campaign):
    campaign = make_campaign(generate=False)
    rules = campaign.votes
    assert [(c, r.method, r.threshold, r.strict) for c, r in rules.items() if c.startswith("CSTD")] == [
        ("CSTD_CS", "kin", 0.5, True), ("CSTD_TINH", "kin", 0.9, False), ("CSTD_TQ", "kin", 0.9, False)]
    assert (rules["LDTT"].method, rules["BK_TTG"].method) == ("gio_tay", "gio_tay")
    assert rules["CSTD_TINH"].passes(9, 10) and not rules["CSTD_TINH"].passes(9, 11)
    assert rules["LDTT"].passes(6, 11) and not rules["LDTT"].passes(5, 10)
    edited = make_campaign(name="own", generate=False, edit=lambda t: t.replace(
        "\n[mail]", '\n[votes.LDTT]\nvote = "khong"\n[votes.CSTD_CS]\nthreshold = 0.75\n\n[mail]'))
    assert edited.votes["LDTT"].method == "khong" and not edited.votes["LDTT"].voted
    assert (edited.votes["CSTD_CS"].threshold, edited.votes["CSTD_CS"].strict) == (0.75, False)
    toml = campaign.root / "campaign.toml"
    original = toml.read_text(encoding="utf-8")
    for bad, message in (('[votes.LDTT]\nvote = "bo phieu"', 'khóa [votes].LDTT.vote phải là "kin", "gio_tay" '
                                                               'hoặc "khong", đang là \'bo phieu\'.'),
                         ("[votes.LDTT]\nthreshold = 1.5", "khóa [votes].LDTT.threshold phải là tỷ lệ"),
                         ("[votes.XYZ]\nvote = \"kin\"", "khóa [votes].XYZ: không có mục mã 'XYZ' trong [[items]]."),
                         ("[votes.LDTT]\nnguong = 0.5", "khóa [votes].LDTT.nguong không được hỗ trợ")):
        toml.write_text(original.replace("\n[mail]", f"\n{bad}\n\n[mail]", 1), encoding="utf-8")
        with pytest.raises(CampaignError) as err:
            Campaign.load(campaign.root)
        assert message in str(err.value)


def test_votes_typed_in_give_results_by_formula_and_history_records_them(campaign, filled_return, recalc, tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv("THIDUA_HISTORY_URL", f"sqlite:///{tmp_path / 'lich-su.sqlite'}")
    consolidated(campaign, filled_return(campaign, "VP", [
        collective("HTXSNV", "LDTT"), person("An", "HTXSNV", "LDTT CSTD_CS CSTD_TINH"),
        person("Bình", "HTXSNV", "LDTT CSTD_CS CSTD_TINH"), person("Chi", "HTTNV", "LDTT")]))
    runner = CliRunner()
    assert runner.invoke(cli, ["report", str(campaign.root)]).exit_code == 0
    path = campaign.reports_dir / "tong-hop-2022.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Cá nhân"]
    votes = {("An", "LDTT"): 11, ("Bình", "LDTT"): 6, ("Chi", "LDTT"): 5, ("An", "CSTD_CS"): 9,
             ("Bình", "CSTD_CS"): 8, ("An", "CSTD_TINH"): 9, ("Bình", "CSTD_TINH"): 9}
    for row in ws.iter_rows():
        if (row[1].value, row[9].value) in votes:
            row[6].value = votes[(row[1].value, row[9].value)]
        elif isinstance(row[0].value, str) and "CHIẾN SĨ THI ĐUA CẤP TỈNH" in row[0].value:
            row[6].value = 10  # one member absent and not voting in writing: the threshold is on all members
    ws = wb["Tập thể"]
    for row in ws.iter_rows():
        if row[9].value == "LDTT" and row[1].value == "Văn phòng Sở":
            row[6].value = 7
    wb.save(path)
    out = tmp_path / "recalculated"
    out.mkdir()
    recalculated = recalc(path, out)
    sheet = CalamineWorkbook.from_path(str(recalculated)).get_sheet_by_name("Cá nhân").to_python()
    lines = sorted((r[1], r[9], r[6], round(r[7], 4), r[8]) for r in sheet if (r[1], r[9]) in votes)
    assert lines == [
        ("An", "CSTD_CS", 9.0, round(9 / 11, 4), "Đạt"), ("An", "CSTD_TINH", 9.0, 0.9, "Đạt"),
        ("An", "LDTT", 11.0, 1.0, "Đạt"), ("Bình", "CSTD_CS", 8.0, round(8 / 11, 4), "Đạt"),
        ("Bình", "CSTD_TINH", 9.0, 0.9, "Đạt"), ("Bình", "LDTT", 6.0, round(6 / 11, 4), "Đạt"),
        ("Chi", "LDTT", 5.0, round(5 / 11, 4), "Không đạt")]
    shutil.copyfile(recalculated, path)
    result = runner.invoke(cli, ["history", "record", str(campaign.root)])
    assert result.output == "Đã ghi 4 dòng kết quả năm 2022.\n"
    stored = HistoryStore.for_campaign(campaign).people("SỞ CÔNG THƯƠNG QUẢNG NGÃI")
    assert sorted(zip(stored["name"], stored["honours"])) == [
        ("An", "LDTT CSTD_CS CSTD_TINH"), ("Bình", "LDTT CSTD_CS CSTD_TINH"), ("Chi", ""), ("Văn phòng Sở", "LDTT")]


def test_nine_of_eleven_is_short_of_ninety_percent(campaign, filled_return, recalc, tmp_path):
    consolidated(campaign, filled_return(campaign, "VP", [
        collective("HTXSNV", "LDTT"), person("An", "HTXSNV", "LDTT CSTD_CS CSTD_TINH")]))
    path = campaign.report(campaign.consolidate())["council"]
    wb = openpyxl.load_workbook(path)
    for row in wb["Cá nhân"].iter_rows():
        if row[1].value == "An":
            row[6].value = {"LDTT": 6, "CSTD_CS": 5, "CSTD_TINH": 9}[row[9].value]
    wb.save(path)
    out = tmp_path / "recalculated"
    out.mkdir()
    sheet = CalamineWorkbook.from_path(str(recalc(path, out))).get_sheet_by_name("Cá nhân").to_python()
    assert sorted((r[9], r[8]) for r in sheet if r[1] == "An") == [
        ("CSTD_CS", "Không đạt"), ("CSTD_TINH", "Không đạt"), ("LDTT", "Đạt")]


def test_an_item_the_council_does_not_vote_on_takes_a_typed_result(make_campaign, filled_return, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setenv("THIDUA_HISTORY_URL", f"sqlite:///{tmp_path / 'lich-su.sqlite'}")
    campaign = make_campaign(edit=lambda t: t.replace("\n[mail]", '\n[votes.LDTT]\nvote = "khong"\n\n[mail]'))
    consolidated(campaign, filled_return(campaign, "VP", [collective("HTXSNV", "LDTT"),
                                                          person("An", "HTXSNV", "LDTT"), person("Bình", "HTTNV")]))
    path = campaign.report(campaign.consolidate())["council"]
    wb = openpyxl.load_workbook(path)
    ws = wb["Cá nhân"]
    heading = next(r for r in ws.iter_rows() if str(r[0].value).startswith("I. LAO ĐỘNG TIÊN TIẾN"))
    assert heading[0].value.split("\n")[1] == "Không biểu quyết: Hội đồng ghi kết quả"
    assert heading[8].value == "Ghi kết quả"
    lines = {r[1].value: r for r in ws.iter_rows() if r[9].value == "LDTT"}
    assert [(c.value, c.protection.locked) for c in lines["An"][6:9]] == [(None, True), (None, True), (None, False)]
    lines["An"][8].value = "Đạt"
    lines["Bình"][8].value = "Không đạt"
    wb.save(path)
    assert CliRunner().invoke(cli, ["history", "record", str(campaign.root)]).exit_code == 0
    stored = HistoryStore.for_campaign(campaign).people("SỞ CÔNG THƯƠNG QUẢNG NGÃI")
    assert sorted(zip(stored["name"], stored["honours"])) == [("An", "LDTT"), ("Bình", ""), ("Văn phòng Sở", "")]
