"""The year-end proposal round, linked to the year's registration round: its forms, and each proposal checked
against what was registered (an error up to 2023, a warning from 2024 unless the local rule is kept)."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import collective, consolidated, person
from python_calamine import CalamineWorkbook

from thidua_xlsx import Campaign
from thidua_xlsx.cli import cli
from thidua_xlsx.errors import CampaignError


def _registration_round(make_campaign, filled_return, year: int) -> Campaign:
    campaign = make_campaign(year=year, name=f"dang-ky-{year}")
    consolidated(campaign, filled_return(campaign, "VP", [
        collective("HTXSNV", "LDTT LDXS"), person("Nguyễn Văn An", "HTXSNV", "LDTT CSTD_CS"),
        person("Trần Thị Bình", "HTTNV", "LDTT"), person("Lê Văn Cường", "HTTNV", "LDTT")], name=f"dk-VP-{year}.xlsx"),
        filled_return(campaign, "KHTC", [collective("HTXSNV", "LDTT"), person("Phạm Chi", "HTTNV", "LDTT")],
                      name=f"dk-KHTC-{year}.xlsx"))
    campaign.report()
    return campaign


def _proposal_round(registration: Campaign, filled_return, tmp_path, year: int, keep_rule: bool | None = None):
    root = tmp_path / f"de-nghi-{year}"
    campaign = Campaign.init(root, year=year, stage="de-nghi", registrations=registration.root)
    if keep_rule is not None:
        toml = root / "campaign.toml"
        text = toml.read_text(encoding="utf-8")
        toml.write_text(text.replace(f"require_registration = {'true' if year <= 2023 else 'false'}",
                                     f"require_registration = {'true' if keep_rule else 'false'}"), encoding="utf-8")
        campaign = Campaign.load(root)
    campaign.generate()
    result = consolidated(campaign, filled_return(campaign, "VP", [
        collective("HTXSNV", "LDTT"),
        person("Nguyễn Văn An", "HTXSNV", "LDTT CSTD_CS", note="Sáng kiến: số hóa hồ sơ"),
        person("Trần Thị Bình", "HTXSNV", "LDTT CSTD_CS", note="Hoàn thành xuất sắc, có sáng kiến"),
        person("Đỗ Thị Dung", "HTTNV", "LDTT")], name=f"dn-VP-{year}.xlsx"),
        received_at=f"{year}-12-10T09:00:00+07:00")
    return campaign, result


def _proposal_findings(result):
    return [(f.code, f.severity, f.unit_code, f.name, f.message) for f in result.report.findings
            if f.code in ("DE_NGHI_CHUA_DANG_KY", "DANG_KY_KHONG_DE_NGHI")]


def test_a_2022_proposal_round_checks_every_proposal_against_the_registrations(make_campaign, filled_return,
                                                                              tmp_path):
    registration = _registration_round(make_campaign, filled_return, 2022)
    campaign, result = _proposal_round(registration, filled_return, tmp_path, 2022)
    assert (campaign.stage, campaign.registrations, campaign.require_registration) == (
        "de-nghi", registration.root.resolve(), True)
    form = openpyxl.load_workbook(campaign.workbooks_dir / "VP.xlsx")["B. Cá nhân"]
    assert "ĐỀ NGHỊ KHEN THƯỞNG NĂM 2022" in [c.value for row in form.iter_rows(max_row=6) for c in row]
    basis = "Nghị định 91/2017/NĐ-CP: không đăng ký thi đua thì không được xét tặng danh hiệu"
    vp_file = next(r["source_file"] for r in _csv_rows(registration) if r["unit_code"] == "VP")
    assert _proposal_findings(result) == [
        ("DE_NGHI_CHUA_DANG_KY", "error", "VP", "Trần Thị Bình",
         f"Đề nghị Chiến sĩ thi đua cơ sở nhưng đầu năm không đăng ký ({basis})."),
        ("DE_NGHI_CHUA_DANG_KY", "error", "VP", "Đỗ Thị Dung",
         f"Đề nghị Lao động tiên tiến nhưng đầu năm không đăng ký ({basis})."),
        ("DANG_KY_KHONG_DE_NGHI", "info", "VP", "Văn phòng Sở",
         f"Đầu năm đã đăng ký Tập thể LĐXS (tệp {vp_file}, sheet A. Tập thể, dòng 10) nhưng không có trong đề nghị "
         "cuối năm của đơn vị."),
        ("DANG_KY_KHONG_DE_NGHI", "info", "VP", "Lê Văn Cường",
         f"Đầu năm đã đăng ký Lao động tiên tiến (tệp {vp_file}, sheet B. Cá nhân, dòng 13) nhưng không có trong "
         "đề nghị cuối năm của đơn vị.")]
    council = CalamineWorkbook.from_path(str(campaign.report(result)["council"]))
    assert council.get_sheet_by_name("Cá nhân").to_python()[1][0] == "TỔNG HỢP ĐỀ NGHỊ KHEN THƯỞNG NĂM 2022"


def _csv_rows(campaign):
    import csv

    with campaign.report_paths["registrations"].open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(("keep_rule", "severity"), [(None, "warning"), (True, "error")])
def test_from_2024_an_unregistered_proposal_is_a_warning_unless_the_local_rule_is_kept(
        make_campaign, filled_return, tmp_path, keep_rule, severity):
    registration = _registration_round(make_campaign, filled_return, 2024)
    _, result = _proposal_round(registration, filled_return, tmp_path, 2024, keep_rule)
    found = [(code, sev, name) for code, sev, _, name, _ in _proposal_findings(result) if code.startswith("DE_")]
    assert found == [("DE_NGHI_CHUA_DANG_KY", severity, "Trần Thị Bình"),
                     ("DE_NGHI_CHUA_DANG_KY", severity, "Đỗ Thị Dung")]
    message = next(m for c, _, _, n, m in _proposal_findings(result) if n == "Đỗ Thị Dung")
    assert message.endswith("(quy định của đơn vị: đăng ký thi đua là điều kiện xét tặng).") if keep_rule else \
        message.endswith("(từ năm 2024 đăng ký không còn là điều kiện chung (Luật 06/2022/QH15); đề nghị xem lại).")


def test_init_a_proposal_round_from_the_command_line(make_campaign, tmp_path):
    registration = make_campaign(name="dk", generate=False)
    runner = CliRunner()
    target = tmp_path / "dn"
    result = runner.invoke(cli, ["init", str(target), "--year", "2022", "--stage", "de-nghi", "--registrations",
                                 str(registration.root)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"Đã tạo chiến dịch dn (SỞ CÔNG THƯƠNG QUẢNG NGÃI, năm 2022, hạn " \
                                            f"15/12/2022) tại {target}"
    text = (target / "campaign.toml").read_text(encoding="utf-8")
    assert 'title = "ĐỀ NGHỊ KHEN THƯỞNG NĂM 2022"' in text and 'stage = "de-nghi"' in text
    missing = runner.invoke(cli, ["init", str(tmp_path / "x"), "--stage", "de-nghi"])
    assert missing.exit_code == 1
    assert "Lỗi: Đợt đề nghị khen thưởng cần --registrations: thư mục chiến dịch đăng ký của năm." in missing.output
    (target / "campaign.toml").write_text(text.replace(str(registration.root.resolve()), str(tmp_path / "khong-co")),
                                          encoding="utf-8")
    with pytest.raises(CampaignError) as err:
        Campaign.load(target)
    assert str(err.value) == ("campaign.toml: khóa [campaign].registrations: không tìm thấy chiến dịch đăng ký tại "
                              f"{tmp_path / 'khong-co'}.")
