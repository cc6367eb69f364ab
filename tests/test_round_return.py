"""Back to the unit: `thidua return` sends each unit with errors the list of what to fix (through a real SMTP
server on 127.0.0.1), once a day unless forced, and the unit shows "Chờ bổ sung" until a newer return arrives."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from email import message_from_bytes, policy

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import collective, consolidated, person
from mailservers import smtp_server
from python_calamine import CalamineWorkbook

from thidua_xlsx.cli import cli
from thidua_xlsx.config import VN_TZ
from thidua_xlsx.status import AWAITING


@pytest.fixture
def smtp_env(monkeypatch):
    def configure(port):
        monkeypatch.setenv("THIDUA_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("THIDUA_SMTP_PORT", str(port))
        monkeypatch.setenv("THIDUA_SMTP_SECURITY", "none")
    return configure


def test_units_with_errors_get_their_list_once_a_day_and_wait_for_a_newer_return(campaign, filled_return,
                                                                                  smtp_env, tmp_path):
    vp = [collective("HTXSNV", "LDTT"), person("Nguyễn Văn An", "HTXSNV", "CSTD_CS"),
          person("Trần Thị Bình", "HTTNV", "LDTT=2")]
    consolidated(campaign, filled_return(campaign, "VP", vp, name="Đăng ký VP.xlsx"),
                 filled_return(campaign, "KHTC", [collective("HTXSNV", "LDTT"), person("Lê Chi", "HTTNV", "LDTT")]))
    with smtp_server() as (port, inbox):
        smtp_env(port)
        first = campaign.send_back(fix_by=datetime(2022, 3, 25).date())
        again = campaign.send_back()
        forced = campaign.send_back(force=True)
    assert [c for c, _ in first.sent] == ["VP"] and again.sent == [] and again.already == ["VP"]
    assert [c for c, _ in forced.sent] == ["VP"] and len(inbox.messages) == 2
    rcpt, msg, _ = inbox.messages[0]
    assert rcpt == [campaign.unit("VP").email]
    assert str(msg["Subject"]) == ("[SỞ CÔNG THƯƠNG QUẢNG NGÃI] Đề nghị sửa, bổ sung biểu đăng ký thi đua, khen thưởng "
                                   "năm 2022 - Văn phòng Sở")
    body = msg.get_body(("plain",)).get_content()
    assert "(tệp Đăng ký VP.xlsx, nhận lúc 09:00 10/03/2022). Khi kiểm tra, biểu có 2 lỗi cần sửa:" in body
    lines = body.split("cần sửa:\n\n", 1)[1].split("\n\nDanh sách", 1)[0].splitlines()
    assert lines[0] == ("1. Sheet B. Cá nhân, dòng 11 (Nguyễn Văn An): Đăng ký Chiến sĩ thi đua cơ sở nhưng không "
                        "đăng ký Lao động tiên tiến.")
    assert lines[1] == "   Cách sửa: Đăng ký cả Lao động tiên tiến, hoặc bỏ Chiến sĩ thi đua cơ sở."
    assert lines[2:] == ["2. Sheet B. Cá nhân, dòng 12, ô E12 (Trần Thị Bình): Ô E12 (cột \"Lao động tiên tiến\") "
                         "ghi \"2\": không phải dấu đăng ký, không được tính.",  # the clerk's hint is not for units
                         "   Cách sửa: Ghi dấu x vào ô đăng ký, hoặc để trống nếu không đăng ký."]
    assert "trước ngày 25/03/2022" in body
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "Các lỗi cần sửa - Văn phòng Sở.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))["Cần sửa"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    assert rows[0] == ["TT", "Sheet", "Dòng", "Ô", "Họ và tên / Tập thể", "Lỗi", "Nội dung", "Cách sửa"]
    assert rows[1] == [1, "B. Cá nhân", 11, None, "Nguyễn Văn An", "CSTĐCS thiếu LĐTT",
                       "Đăng ký Chiến sĩ thi đua cơ sở nhưng không đăng ký Lao động tiên tiến.",
                       "Đăng ký cả Lao động tiên tiến, hoặc bỏ Chiến sĩ thi đua cơ sở."]
    assert rows[2][:6] == [2, "B. Cá nhân", 12, "E12", "Trần Thị Bình", "Giá trị không rõ"] and len(rows) == 3
    assert rows[2][6] == "Ô E12 (cột \"Lao động tiên tiến\") ghi \"2\": không phải dấu đăng ký, không được tính."

    states = {s.code: s.state for s in campaign.statuses()}
    assert (states["VP"], states["KHTC"]) == (AWAITING, "Đúng hạn")
    shown = CliRunner().invoke(cli, ["status", str(campaign.root)], env={"COLUMNS": "200"}).output
    assert "2 đã nộp (0 muộn, 1 chờ bổ sung), 11 chưa nộp" in shown
    assert [line.split("│")[4].strip() for line in shown.splitlines() if "│ VP " in line] == ["Chờ bổ sung"]
    paths = campaign.report()
    status = CalamineWorkbook.from_path(str(paths["council"])).get_sheet_by_name("Tình hình nộp").to_python()
    assert [r[4] for r in status if r[1] == "VP"] == ["Chờ bổ sung"]

    fixed = [collective("HTXSNV", "LDTT"), person("Nguyễn Văn An", "HTXSNV", "LDTT CSTD_CS"),
             person("Trần Thị Bình", "HTTNV", "LDTT")]
    later = (datetime.now(VN_TZ) + timedelta(minutes=1)).isoformat()
    result = consolidated(campaign, filled_return(campaign, "VP", fixed, name="VP sửa.xlsx"), received_at=later)
    assert not [f for f in result.report.errors if f.unit_code == "VP"]
    assert {s.code: s.state for s in campaign.statuses()}["VP"] == "Muộn", "checked again, as any late return"


def test_the_return_command_dry_run_and_a_named_unit(campaign, filled_return):
    consolidated(campaign, filled_return(campaign, "VP", [collective("HTXSNV", "LDXS")]),
                 filled_return(campaign, "KHTC", [collective("HTXSNV", "LDTT")]))
    runner = CliRunner()
    result = runner.invoke(cli, ["return", str(campaign.root), "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "+ VP" and lines[1].startswith("Chạy thử: 1 thư đã ghi vào ")
    named = runner.invoke(cli, ["return", str(campaign.root), "--dry-run", "--unit", "KHTC"])
    assert named.output.splitlines()[0] == "+ KHTC"
    eml = message_from_bytes(sorted((campaign.root / "outbox").glob("*/KHTC.eml"))[-1].read_bytes(),
                             policy=policy.default)
    assert "biểu có 0 lỗi cần sửa:\n\n(không có lỗi; đơn vị được đề nghị rà soát lại biểu)" in \
        eml.get_body(("plain",)).get_content()
    missing = runner.invoke(cli, ["return", str(campaign.root), "--dry-run", "--unit", "QLCN"])
    assert missing.exit_code == 1
    assert "Lỗi: Đơn vị QLCN chưa có biểu nào đọc được để trả lại; dùng thidua remind." in missing.output
    assert not (campaign.root / "mail-log.csv").exists(), "a dry run logs nothing"
