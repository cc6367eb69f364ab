"""Mail on real protocols: aiosmtpd receives what `send` and `remind` send; Dovecot holds the returns."""

from __future__ import annotations

import imaplib
import io
from datetime import datetime, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import collective, consolidated, person
from mailservers import dovecot, self_signed, smtp_server

from thidua_xlsx.cli import cli
from thidua_xlsx.mail import MailError, send_forms, sent_log

FROM = "Văn phòng Sở Công Thương <vanphong@sct.example.org>"


@pytest.fixture
def smtp_env(monkeypatch):
    def configure(port, security="none", user="", password="", cafile=""):
        monkeypatch.setenv("THIDUA_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("THIDUA_SMTP_PORT", str(port))
        monkeypatch.setenv("THIDUA_SMTP_SECURITY", security)
        monkeypatch.setenv("THIDUA_SMTP_USER", user)
        monkeypatch.setenv("THIDUA_SMTP_PASSWORD", password)
        monkeypatch.setenv("THIDUA_SMTP_CAFILE", cafile)
    return configure


def _meta_unit(payload: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(payload))
    return {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True)}["unit_code"]


def test_send_one_message_per_unit_with_its_own_workbook(campaign, smtp_env):
    with smtp_server() as (port, inbox):
        smtp_env(port)
        result = send_forms(campaign)
        again = send_forms(campaign)
    assert len(inbox.messages) == len(campaign.units) == len(result.sent)
    assert again.sent == [] and len(again.already) == len(campaign.units), "a re-run sends nothing twice"
    by_email = {u.email: u for u in campaign.units}
    for rcpt, msg, raw in inbox.messages:
        unit = by_email[rcpt[0]]
        assert msg["From"] == FROM and msg["To"] == unit.email
        assert msg["Subject"] == f"[SỞ CÔNG THƯƠNG QUẢNG NGÃI] Đăng ký thi đua, khen thưởng năm 2022 - {unit.name}"
        assert msg["Message-ID"] and msg["Date"]
        assert "15/03/2022" in msg.get_body(("plain",)).get_content()
        [attachment] = list(msg.iter_attachments())
        assert attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert attachment.get_filename() == f"Đăng ký thi đua 2022 - {unit.name}.xlsx"
        assert b"filename*=utf-8''" in raw, "non-ASCII file name encoded per RFC 2231"
        assert _meta_unit(attachment.get_content()) == unit.code
    assert [r["unit_code"] for r in sent_log(campaign)] == [u.code for u in campaign.units]


def test_an_interrupted_round_resumes_with_only_what_is_missing(campaign, smtp_env):
    with smtp_server() as (port, inbox):
        smtp_env(port)
        send_forms(campaign, ["VP", "KHTC", "QLCN"])
        result = send_forms(campaign)
    assert sorted(result.already) == ["KHTC", "QLCN", "VP"]
    assert sorted(rcpt[0] for rcpt, _, _ in inbox.messages) == sorted(u.email for u in campaign.units)


def test_units_without_email_are_listed_and_the_others_still_go(make_campaign, smtp_env):
    campaign = make_campaign()
    units = campaign.root / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace("vanphong@sct.example.org", ""), encoding="utf-8")
    with smtp_server() as (port, inbox):
        smtp_env(port)
        result = CliRunner().invoke(cli, ["send", str(campaign.root)])
    assert result.exit_code == 0, result.output
    assert "- VP: chưa có địa chỉ thư trong units.csv" in result.output
    assert result.output.splitlines()[-1] == ("Đã gửi 12 thư; 0 đã gửi trước đó, 1 đơn vị thiếu địa chỉ, "
                                              "0 bị từ chối.")
    assert len(inbox.messages) == 12


def test_auth_refused_leaves_the_log_unchanged(campaign, smtp_env):
    with smtp_server(user="vanphong", password="dung") as (port, inbox):
        smtp_env(port, user="vanphong", password="sai")
        with pytest.raises(MailError) as err:
            send_forms(campaign)
        assert str(err.value).startswith(f"Máy chủ thư 127.0.0.1:{port} từ chối đăng nhập của 'vanphong' (535)")
        assert "sai" not in str(err.value), "the password is never shown"
        assert sent_log(campaign) == [] and inbox.messages == []
        smtp_env(port, user="vanphong", password="dung")
        assert len(send_forms(campaign).sent) == len(campaign.units)


def test_starttls_with_a_self_signed_certificate(campaign, smtp_env, tmp_path):
    cert, key = self_signed(tmp_path)
    with smtp_server(user="vanphong", password="dung", tls=(cert, key)) as (port, inbox):
        smtp_env(port, security="starttls", user="vanphong", password="dung")
        with pytest.raises(MailError) as err:
            send_forms(campaign, ["VP"])
        assert "Không thiết lập được kết nối bảo mật (starttls)" in str(err.value)
        assert sent_log(campaign) == []
        smtp_env(port, security="starttls", user="vanphong", password="dung", cafile=str(cert))
        send_forms(campaign, ["VP"])
    assert [rcpt for rcpt, _, _ in inbox.messages] == [["vanphong@sct.example.org"]]


def test_implicit_tls(campaign, smtp_env, tmp_path):
    cert, key = self_signed(tmp_path)
    with smtp_server(tls=(cert, key), implicit_tls=True) as (port, inbox):
        smtp_env(port, security="ssl", cafile=str(cert))
        send_forms(campaign, ["TTRA"])
    assert [rcpt for rcpt, _, _ in inbox.messages] == [["thanhtra@sct.example.org"]]


def test_dry_run_writes_eml_files_and_sends_nothing(campaign, smtp_env):
    with smtp_server() as (port, inbox):
        smtp_env(port)
        result = send_forms(campaign, dry_run=True)
    assert inbox.messages == [] and sent_log(campaign) == []
    files = sorted(p.name for p in result.outbox.iterdir())
    assert files == sorted(f"{u.code}.eml" for u in campaign.units)
    assert result.outbox.parent == campaign.root / "outbox"
    msg = message_from_bytes((result.outbox / "VP.eml").read_bytes(), policy=policy.default)
    assert msg["To"] == "vanphong@sct.example.org"


def test_remind_goes_to_units_without_a_return(campaign, smtp_env, filled_return):
    consolidated(campaign, filled_return(campaign, "VP", [collective()]))
    consolidated(campaign, filled_return(campaign, "KHTC", [collective()]), received_at="2022-03-20T08:00+07:00")
    with smtp_server() as (port, inbox):
        smtp_env(port)
        result = campaign.remind()
        again = campaign.remind()
        late = campaign.remind(late=True)
    missing = [u.code for u in campaign.units if u.code not in ("VP", "KHTC")]
    assert [c for c, _ in result.sent] == missing and again.sent == []
    assert [c for c, _ in late.sent] == ["KHTC"]
    _, msg, _ = inbox.messages[0]
    assert msg["Subject"].startswith("[SỞ CÔNG THƯƠNG QUẢNG NGÃI] Nhắc nộp đăng ký thi đua năm 2022 (hạn 15/03/2022)")
    assert "hạn nộp: 15/03/2022" in msg.get_body(("plain",)).get_content()


def _append(port: int, user: str, password: str, sender: str, when: datetime, attachments: dict[str, bytes],
            subject: str = "Đăng ký thi đua") -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "vanphong@sct.example.org", subject
    msg.set_content("Gửi Văn phòng Sở biểu đăng ký.")
    for name, payload in attachments.items():
        msg.add_attachment(payload, maintype="application", subtype="octet-stream", filename=name)
    box = imaplib.IMAP4("127.0.0.1", port)
    box.login(user, password)
    box.append("INBOX", None, imaplib.Time2Internaldate(when.timestamp()), bytes(msg))
    box.logout()


def test_collect_from_a_dovecot_mailbox(campaign, filled_return, tmp_path, monkeypatch):
    vp = filled_return(campaign, "VP", [collective(), person("Võ Văn Rân")]).read_bytes()
    anonymous = tmp_path / "x.xlsx"  # no _meta, no unit line: only the sender tells the unit
    from conftest import write_xlsx
    write_xlsx(anonymous, {"S": [["TT", "Họ và tên", "Lao động tiên tiến"], [1, "Phan Văn Khải", "x"]]})
    with dovecot("vanphong", "matkhau") as port:
        for var, value in {"THIDUA_IMAP_HOST": "127.0.0.1", "THIDUA_IMAP_PORT": str(port),
                           "THIDUA_IMAP_USER": "vanphong", "THIDUA_IMAP_PASSWORD": "matkhau"}.items():
            monkeypatch.setenv(var, value)
        on_time = datetime(2022, 3, 14, 9, 0, tzinfo=timezone.utc)
        late = datetime(2022, 3, 17, 9, 0, tzinfo=timezone.utc)
        _append(port, "vanphong", "matkhau", "Văn phòng <vanphong@sct.example.org>", on_time, {"VP.xlsx": vp})
        _append(port, "vanphong", "matkhau", "Thanh tra <thanhtra@sct.example.org>", late,
                {"../../../etc/dang ky.xlsx": anonymous.read_bytes()})
        _append(port, "vanphong", "matkhau", "Ai đó <ai@example.org>", on_time, {}, subject="Hỏi về biểu mẫu")
        runner = CliRunner()
        first = runner.invoke(cli, ["collect", str(campaign.root), "--imap"])
        assert first.exit_code == 0, first.output
        assert first.output.splitlines()[-1] == "Đã thu 2 tệp mới, 0 tệp trùng, 0 tệp bỏ qua."
        second = runner.invoke(cli, ["collect", str(campaign.root), "--imap"])
        assert second.output.splitlines()[-1] == "Đã thu 0 tệp mới, 0 tệp trùng, 0 tệp bỏ qua."
        status = CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["status", str(campaign.root)])
    stored = sorted(p.name for p in campaign.returns_dir.iterdir() if p.suffix == ".xlsx")
    assert [name.split("_", 2)[2] for name in stored] == ["VP.xlsx", "dang ky.xlsx"]
    assert all(p.parent == campaign.returns_dir for p in campaign.returns_dir.iterdir())
    assert stored[0].startswith("20220314-160000_"), "received time is the server's INTERNALDATE (Vietnam time)"
    result = campaign.consolidate()
    assert sorted(set(result.frame["unit_code"])) == ["TTRA", "VP"]
    assert [(f.code, f.unit_code) for f in result.report.findings if f.code == "NOP_MUON"] == [("NOP_MUON", "TTRA")]
    assert "Thư không có tệp bảng tính đính kèm (1):" in status.output and "ai@example.org" in status.output


def test_imap_login_refused_is_a_clear_error(campaign, tmp_path, monkeypatch):
    with dovecot("vanphong", "matkhau") as port:
        for var, value in {"THIDUA_IMAP_HOST": "127.0.0.1", "THIDUA_IMAP_PORT": str(port),
                           "THIDUA_IMAP_USER": "vanphong", "THIDUA_IMAP_PASSWORD": "sai"}.items():
            monkeypatch.setenv(var, value)
        result = CliRunner().invoke(cli, ["collect", str(campaign.root), "--imap"])
    assert result.exit_code == 1
    assert result.output == (f"Lỗi: Hộp thư 127.0.0.1:{port} từ chối đăng nhập của 'vanphong'; kiểm tra "
                             "THIDUA_IMAP_PASSWORD.\n")


def test_the_demo_sends_to_a_local_server(tmp_path, smtp_env, monkeypatch):
    from thidua_xlsx.demo import run_demo

    with smtp_server() as (port, inbox):
        smtp_env(port)
        outputs = run_demo(tmp_path / "demo", echo=lambda _: None)
    subjects = [str(msg["Subject"]) for _, msg, _ in inbox.messages]
    returned = [s for s in subjects if "Đề nghị sửa, bổ sung biểu đăng ký" in s]
    assert len(subjects) == 13 + 4 and len(returned) == 4, "the forms, then the returns with errors sent back"
    assert outputs["Nhật ký gửi thư"].is_file()
