"""The `thidua` command end to end with CliRunner: exit codes and whole messages."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import collective, person

from thidua_xlsx.cli import cli
from thidua_xlsx.presets import PRESETS


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_presets_lists_every_preset():
    result = invoke("presets")
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == list(PRESETS)


def test_init_then_generate(tmp_path):
    result = invoke("init", tmp_path / "sct", "--preset", "so-cong-thuong", "--year", "2022")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (f"Đã tạo chiến dịch sct (SỞ CÔNG THƯƠNG QUẢNG NGÃI, năm 2022, "
                                             f"hạn 15/03/2022) tại {tmp_path / 'sct'}")
    result = invoke("generate", tmp_path / "sct", "--unit", "VP", "--unit", "TTRA")
    assert result.exit_code == 0
    assert result.output == f"Đã tạo 2 biểu đăng ký trong {tmp_path / 'sct' / 'workbooks'}\n"
    assert sorted(p.name for p in (tmp_path / "sct" / "workbooks").iterdir()) == ["TTRA.xlsx", "VP.xlsx"]
    result = invoke("generate", tmp_path / "sct", "--unit", "XYZ")
    assert result.exit_code == 1 and result.output == "Lỗi: Không có đơn vị mã 'XYZ' trong units.csv.\n"


@pytest.fixture
def collected(campaign, filled_return):
    good = filled_return(campaign, "VP", [collective("HTXSNV", "LDTT"), person("Võ Văn Rân", "HTTNV", "LDTT")])
    bad = filled_return(campaign, "KHTC", [person("Lê Văn Tín", "HTXSNV", "CSTD_CS")])
    result = invoke("collect", campaign.root, good, bad, "--received-at", "2022-03-10T08:30")
    assert result.exit_code == 0, result.output
    return campaign


def test_collect_reports_each_file(campaign, filled_return, tmp_path):
    good = filled_return(campaign, "VP", [collective()])
    result = invoke("collect", campaign.root, good, tmp_path / "missing.xlsx", "--received-at", "2022-03-10T08:30")
    lines = result.output.splitlines()
    assert lines[0].startswith(f"+ {good} -> returns/20220310-083000_")
    assert lines[1] == f"- {tmp_path / 'missing.xlsx'}: không tìm thấy, bỏ qua"
    assert lines[2] == "Đã thu 1 tệp mới, 0 tệp trùng, 1 tệp bỏ qua."
    again = invoke("collect", campaign.root, good)
    assert again.exit_code == 0 and "trùng nội dung" in again.output
    none = invoke("collect", campaign.root, tmp_path / "missing.xlsx")
    assert none.exit_code == 1
    bad_time = invoke("collect", campaign.root, good, "--received-at", "hôm qua")
    assert bad_time.exit_code == 2 and "không phải thời điểm" in bad_time.output


def test_check_exit_code_and_formats(collected):
    result = invoke("check", collected.root, "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.output)
    errors = [(f["code"], f["unit_code"], f["name"]) for f in findings if f["severity"] == "error"]
    assert errors == [("CSTDCS_KHONG_LDTT", "KHTC", "Lê Văn Tín")]
    as_csv = invoke("check", collected.root, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert as_csv.exit_code == 1 and len(rows) == len(findings)
    assert list(rows[0]) == ["code", "severity", "unit_code", "kind", "name", "source_file", "source_sheet",
                             "source_row", "message"]
    table = CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["check", str(collected.root)])
    assert table.exit_code == 1
    assert "CSTDCS_KHONG_LDTT" in table.output and "Lê Văn Tín" in table.output
    assert "KHTC Phòng Kế hoạch" in table.output


def test_check_exits_0_without_errors(campaign, filled_return):
    good = filled_return(campaign, "VP", [collective("HTXSNV", "LDTT"), person("Võ Văn Rân", "HTTNV", "LDTT")])
    invoke("collect", campaign.root, good)
    assert invoke("check", campaign.root, "--format", "json").exit_code == 0


def test_status_shows_each_unit(collected):
    result = CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["status", str(collected.root)])
    assert result.exit_code == 0
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") > 5}
    assert "Đúng hạn" in lines["VP"] and "10:30" not in lines["VP"] and "08:30 10/03/2022" in lines["VP"]
    assert "Chưa nộp" in lines["DL_QNG"]
    assert "2 đã nộp (0 muộn), 11 chưa nộp" in result.output


def test_report_writes_the_csv_contract_and_never_overwrites(collected):
    result = invoke("report", collected.root)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "4 dòng đăng ký; 1 lỗi, 11 cảnh báo, 0 thông tin."
    with (collected.reports_dir / "registrations.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["unit_code", "kind", "name", "completion", "LDTT", "LDXS", "GK_GD_SO", "BK_UBND_TINH",
                             "BK_BO", "BK_TTG", "HC_LD", "CSTD_CS", "CSTD_TINH", "CSTD_TQ", "note", "source_file",
                             "source_sheet", "source_row", "honorific", "birth_year", "gender", "position",
                             "sub_unit", "staff_id", "headcount"]
    assert [(r["unit_code"], r["kind"], r["name"], r["LDTT"], r["CSTD_CS"], r["source_row"]) for r in rows] == [
        ("VP", "tap_the", "Văn phòng Sở", "1", "0", "10"), ("VP", "ca_nhan", "Võ Văn Rân", "1", "0", "11"),
        ("KHTC", "tap_the", "Phòng Kế hoạch - Tài chính - Tổng hợp", "0", "0", "10"),
        ("KHTC", "ca_nhan", "Lê Văn Tín", "0", "1", "11")]
    again = invoke("report", collected.root)
    assert again.exit_code == 1 and again.output.startswith("Lỗi: Đã có ")
    assert invoke("report", collected.root, "--force").exit_code == 0


def test_demo_runs_the_whole_cycle(tmp_path):
    result = invoke("demo", tmp_path / "demo")
    assert result.exit_code == 0, result.output
    root = tmp_path / "demo" / "so-cong-thuong-2022"
    with (root / "reports" / "findings.csv").open(encoding="utf-8") as fh:
        codes = {r["code"] for r in csv.DictReader(fh)}
    assert {"CHUA_NOP", "NOP_MUON", "TEP_CU_BI_THAY", "MA_CU_DA_CHUYEN", "LDXS_KHONG_LDTT", "CSTDCS_KHONG_LDTT",
            "HUAN_CHUONG_THIEU_HANG", "TRUNG_TEN_TRONG_DON_VI", "TRUNG_TEN_GIUA_DON_VI"} <= codes
    assert str(root / "reports" / "registrations.csv") in result.output
    assert invoke("demo", tmp_path / "demo").exit_code == 1, "a used demo folder is never overwritten"


def test_every_command_has_help_and_python_m_works():
    for name, command in cli.commands.items():
        assert command.help, name
        assert invoke(name, "--help").exit_code == 0
    result = subprocess.run([sys.executable, "-m", "thidua_xlsx", "presets"], capture_output=True, text=True,
                            check=True)
    assert result.stdout.startswith("so-cong-thuong")


def test_cli_does_not_import_pandas_for_light_commands():
    code = "import sys; from thidua_xlsx.cli import main; sys.argv=['thidua','presets']\n" \
           "try:\n    main()\nexcept SystemExit:\n    pass\nprint('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False")


def test_usage_errors_are_said_in_vietnamese_with_exit_2(tmp_path):
    run = [sys.executable, "-m", "thidua_xlsx"]
    missing = subprocess.run([*run, "collect"], capture_output=True, text=True)
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[-1] == "Lỗi: Thiếu tham số CAMPAIGN."
    assert "Xem: thidua collect --help" in missing.stderr
    bad = subprocess.run([*run, "init", str(tmp_path / "x"), "--year", "abc"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.splitlines()[-1].startswith("Lỗi: Giá trị không hợp lệ cho --year:")
    unknown = subprocess.run([*run, "bao-cao"], capture_output=True, text=True)
    assert unknown.returncode == 2 and unknown.stderr.splitlines()[-1] == "Lỗi: Không có lệnh 'bao-cao'."
    library = subprocess.run([*run, "generate", str(tmp_path / "none")], capture_output=True, text=True)
    assert library.returncode == 1 and library.stderr.startswith("Lỗi: Không tìm thấy")
    assert "Traceback" not in missing.stderr + bad.stderr + unknown.stderr + library.stderr


def test_check_json_keeps_the_fields_of_each_finding(campaign, filled_return):
    odd = filled_return(campaign, "VP", [collective(), person("Võ Văn Rân", "", "LDTT", tick="??")])
    invoke("collect", campaign.root, odd)
    findings = json.loads(invoke("check", campaign.root, "--format", "json").output)
    unclear = [f for f in findings if f["code"] == "GIA_TRI_KHONG_RO"]
    stored = next((campaign.root / "returns").glob("*_VP.xlsx")).name
    assert unclear == [{
        "code": "GIA_TRI_KHONG_RO", "severity": "error", "unit_code": "VP", "kind": "ca_nhan", "name": "Võ Văn Rân",
        "source_file": stored, "source_sheet": "B. Cá nhân", "source_row": 11,
        "message": "Ô E11 (cột \"Lao động tiên tiến\") ghi \"??\": không phải dấu đăng ký, không được tính. Để đọc "
                   "được, thêm vào campaign.toml, dưới [marks], dòng: \"??\" = \"tick\".",
        "fields": {"cell": "E11", "column": "Lao động tiên tiến", "value": "??",
                   "hint": "Để đọc được, thêm vào campaign.toml, dưới [marks], dòng: \"??\" = \"tick\"."}}]
