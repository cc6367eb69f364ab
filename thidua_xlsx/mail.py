"""Email: send each unit its form, remind late units, and collect returns from an IMAP mailbox."""

from __future__ import annotations

import imaplib
import os
import smtplib
import socket
import ssl
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from thidua_xlsx.config import VN_TZ
from thidua_xlsx.errors import CampaignError, ThiduaError
from thidua_xlsx.files import read_csv_rows
from thidua_xlsx.mail_log import MAIL_LOG, MAIL_LOG_FIELDS, sent_log

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig, Unit
    from thidua_xlsx.returns import CollectResult
    from thidua_xlsx.status import UnitStatus

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
SECURITIES = ("none", "starttls", "ssl")
IMAP_SEEN = "imap-seen.csv"
IMAP_OTHER = "imap-khong-dinh-kem.csv"
ENV = {  # setting -> environment variable that overrides it
    "smtp_host": "THIDUA_SMTP_HOST", "smtp_port": "THIDUA_SMTP_PORT", "smtp_security": "THIDUA_SMTP_SECURITY",
    "smtp_user": "THIDUA_SMTP_USER", "smtp_password": "THIDUA_SMTP_PASSWORD", "from": "THIDUA_MAIL_FROM",
    "smtp_cafile": "THIDUA_SMTP_CAFILE", "imap_host": "THIDUA_IMAP_HOST", "imap_port": "THIDUA_IMAP_PORT",
    "imap_security": "THIDUA_IMAP_SECURITY", "imap_user": "THIDUA_IMAP_USER",
    "imap_password": "THIDUA_IMAP_PASSWORD", "imap_folder": "THIDUA_IMAP_FOLDER", "imap_cafile": "THIDUA_IMAP_CAFILE",
}
DEFAULTS = {
    "smtp_host": "localhost", "smtp_port": 25, "smtp_security": "none", "smtp_user": "", "from": "",
    "reply_to": "", "smtp_cafile": "", "imap_host": "localhost", "imap_port": 143, "imap_security": "none",
    "imap_user": "", "imap_folder": "INBOX", "imap_cafile": "", "contact": "",
    "send_subject": "[{issuer}] Đăng ký thi đua, khen thưởng năm {year} - {unit}",
    "send_body": ("Kính gửi: {unit},\n\n{office} gửi kèm biểu đăng ký danh hiệu thi đua và hình thức khen thưởng "
                  "năm {year} của đơn vị. Đề nghị đơn vị điền vào biểu (không đổi tên sheet, không xóa cột) và "
                  "gửi lại bằng cách trả lời thư này trước ngày {deadline}.\n\nMọi thắc mắc xin liên hệ: "
                  "{contact}.\n\nTrân trọng,\n{office} - {issuer}"),
    "remind_subject": "[{issuer}] Nhắc nộp đăng ký thi đua năm {year} (hạn {deadline}) - {unit}",
    "remind_body": ("Kính gửi: {unit},\n\nĐến nay {office} chưa nhận được biểu đăng ký thi đua, khen thưởng năm "
                    "{year} của đơn vị (hạn nộp: {deadline}). Đề nghị đơn vị hoàn thành và gửi lại biểu đính kèm "
                    "trong thời gian sớm nhất.\n\nMọi thắc mắc xin liên hệ: {contact}.\n\nTrân trọng,\n"
                    "{office} - {issuer}"),
    "return_subject": "[{issuer}] Đề nghị sửa, bổ sung {form} năm {year} - {unit}",
    "return_body": ("Kính gửi: {unit},\n\n{office} đã nhận {form} năm {year} của đơn vị "
                    "(tệp {file}, nhận lúc {received_at}). Khi kiểm tra, biểu có {count} lỗi cần sửa:\n\n{findings}"
                    "\n\nDanh sách các lỗi được gửi kèm (tệp bảng tính). Đề nghị đơn vị sửa trực tiếp trên biểu đã "
                    "nộp và gửi lại toàn bộ biểu bằng cách trả lời thư này trước ngày {fix_deadline}.\n\nMọi thắc "
                    "mắc xin liên hệ: {contact}.\n\nTrân trọng,\n{office} - {issuer}"),
}


class MailError(ThiduaError):
    """The mail server could not be reached, refused TLS or refused the login."""


@dataclass(frozen=True)
class MailSettings:
    """Mail settings after defaults and environment overrides; passwords only from the environment."""

    values: dict[str, object]

    def __getitem__(self, key: str) -> object:
        return self.values[key]

    @property
    def smtp_password(self) -> str:
        """THIDUA_SMTP_PASSWORD, or empty."""
        return str(self.values.get("smtp_password") or "")

    @property
    def imap_password(self) -> str:
        """THIDUA_IMAP_PASSWORD, or empty."""
        return str(self.values.get("imap_password") or "")


def mail_settings(campaign: "CampaignConfig", environ: dict[str, str] | None = None) -> MailSettings:
    """campaign.toml [mail] with defaults, then THIDUA_* environment variables on top (passwords only there)."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {**DEFAULTS, **campaign.mail}
    for key, var in ENV.items():
        if environ.get(var):
            values[key] = environ[var]
    for key in ("smtp_port", "imap_port"):
        try:
            values[key] = int(values[key])
        except (TypeError, ValueError):
            raise CampaignError(f"Cổng thư '{key}' phải là số, đang là {values[key]!r}.") from None
    for key in ("smtp_security", "imap_security"):
        if values[key] not in SECURITIES:
            raise CampaignError(f"'{key}' là {values[key]!r}, phải là một trong: {', '.join(SECURITIES)}.")
    return MailSettings(values)


def _fields(campaign: "CampaignConfig", settings: MailSettings, unit: "Unit") -> dict[str, object]:
    return {"unit": unit.name, "code": unit.code, "year": campaign.year, "issuer": campaign.issuer,
            "office": campaign.office, "deadline": campaign.deadline.strftime("%d/%m/%Y"),
            "contact": settings["contact"] or campaign.office}


def build_message(campaign: "CampaignConfig", settings: MailSettings, unit: "Unit", template: str,
                  now: datetime | None = None, extra: "Extra | None" = None) -> MIMEMultipart:
    """One message to one unit, with its own workbook attached (Vietnamese file name per RFC 2231); extra gives
    more fields for the template and another attachment (the findings of a return sent back to the unit).

    Built with the compat32 API on purpose: its Header encoder keeps the spaces of a long Vietnamese subject
    inside the encoded words, where the default policy's folder (CPython 3.11) drops them ("Đăngký").
    """
    if not settings["from"]:
        raise CampaignError("Chưa khai báo địa chỉ gửi: khóa [mail].from hoặc biến THIDUA_MAIL_FROM.")
    workbook = campaign.workbooks_dir / f"{unit.code}.xlsx"
    if extra is None and not workbook.is_file():
        raise CampaignError(f"Chưa có biểu {workbook}; chạy: thidua generate {campaign.root}")
    fields = {**_fields(campaign, settings, unit), **(extra.fields if extra else {})}
    msg = MIMEMultipart()
    msg["From"] = _address(str(settings["from"]))
    msg["To"] = unit.email
    if settings["reply_to"]:
        msg["Reply-To"] = _address(str(settings["reply_to"]))
    msg["Subject"] = Header(str(settings[f"{template}_subject"]).format(**fields), "utf-8")
    msg["Date"] = format_datetime(now or datetime.now(VN_TZ))
    domain = parseaddr(str(settings["from"]))[1].rpartition("@")[2] or "thidua.local"
    msg["Message-ID"] = make_msgid(idstring=f"{campaign.id}.{unit.code}", domain=domain)
    msg.attach(MIMEText(str(settings[f"{template}_body"]).format(**fields), "plain", "utf-8"))
    content, name = ((extra.attachment, extra.filename) if extra else
                     (workbook.read_bytes(), f"Đăng ký thi đua {campaign.year} - {unit.name}.xlsx"))
    part = MIMEApplication(content, _subtype=XLSX_TYPE[1])
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
    msg.attach(part)
    return msg


@dataclass(frozen=True)
class Extra:
    """What a message of its own kind adds: template fields and the workbook attached instead of the form."""

    fields: dict[str, object]
    attachment: bytes
    filename: str


def _address(value: str) -> str:
    """A "Name <address>" header with a Vietnamese display name encoded once, as one encoded word."""
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address


@dataclass
class SendResult:
    """What a send or remind run did, unit by unit."""

    sent: list[tuple[str, str]] = field(default_factory=list)       # (unit code, message id)
    already: list[str] = field(default_factory=list)                # sent in an earlier run of the same batch
    no_email: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)    # (unit code, server's answer)
    outbox: Path | None = None


def _log_path(campaign: "CampaignConfig") -> Path:
    return campaign.root / MAIL_LOG


def _append_sent(campaign: "CampaignConfig", batch: str, unit: "Unit", message_id: str, at: datetime) -> None:
    from thidua_xlsx.files import append_csv

    append_csv(_log_path(campaign), MAIL_LOG_FIELDS,
               [[batch, unit.code, unit.email, message_id, at.isoformat(timespec="seconds")]])


def _context(cafile: object) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cafile) if cafile else None)


def _connect(settings: MailSettings, password: str) -> smtplib.SMTP:
    host, port, security = str(settings["smtp_host"]), int(settings["smtp_port"]), settings["smtp_security"]
    server = None
    try:
        if security == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=30, context=_context(settings["smtp_cafile"]))
        else:
            server = smtplib.SMTP(host, port, timeout=30)
            if security == "starttls":
                server.starttls(context=_context(settings["smtp_cafile"]))
        if settings["smtp_user"]:
            server.login(str(settings["smtp_user"]), password)
        return server
    except BaseException:
        if server is not None:
            server.close()
        raise


def _smtp(settings: MailSettings, password: str) -> smtplib.SMTP:
    """A connected, logged-in SMTP session; refusals become a MailError that names host, port and cause."""
    host, port, security = str(settings["smtp_host"]), int(settings["smtp_port"]), settings["smtp_security"]
    try:
        return _connect(settings, password)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"Máy chủ thư {host}:{port} từ chối đăng nhập của '{settings['smtp_user']}' "
                        f"({exc.smtp_code}); kiểm tra tên đăng nhập và THIDUA_SMTP_PASSWORD.") from None
    except (ssl.SSLError, smtplib.SMTPNotSupportedError, ssl.CertificateError) as exc:
        raise MailError(f"Không thiết lập được kết nối bảo mật ({security}) với {host}:{port}: {exc}. "
                        "Kiểm tra smtp_security và chứng chỉ (THIDUA_SMTP_CAFILE).") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"Không kết nối được máy chủ thư {host}:{port}: {exc}.") from None


def send_batch(campaign: "CampaignConfig", units: Iterable["Unit"], template: str, batch: str, dry_run: bool = False,
               password: str | None = None, progress: Callable[[int], None] | None = None,
               extras: dict[str, Extra] | None = None) -> SendResult:
    """Send one message per unit, logging each only once the server accepted it; skip what the batch sent.
    extras: per unit code, the fields and attachment of a message of its own (see Extra)."""
    extras = extras or {}
    settings = mail_settings(campaign)
    result = SendResult()
    done = {row["unit_code"] for row in sent_log(campaign) if row["batch"] == batch}
    todo = []
    for unit in units:
        if not unit.email:
            result.no_email.append(unit.code)
        elif unit.code in done and not dry_run:
            result.already.append(unit.code)
        else:
            todo.append(unit)
    if dry_run:
        result.outbox = Path(tempfile.mkdtemp(prefix=datetime.now().strftime("%Y%m%d-%H%M%S-"),
                                              dir=_mkdir(campaign.root / "outbox")))
        for unit in todo:
            msg = build_message(campaign, settings, unit, template, extra=extras.get(unit.code))
            (result.outbox / f"{unit.code}.eml").write_bytes(msg.as_bytes())
            result.sent.append((unit.code, msg["Message-ID"]))
        return result
    if not todo:
        return result
    server = _smtp(settings, password if password is not None else settings.smtp_password)
    try:
        for unit in todo:
            msg = build_message(campaign, settings, unit, template, extra=extras.get(unit.code))
            try:
                server.send_message(msg)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                result.refused.append((unit.code, str(exc)))
                continue
            except (OSError, smtplib.SMTPException) as exc:
                raise MailError(f"Mất kết nối máy chủ thư khi gửi cho {unit.code}: {exc}. Các thư đã gửi được "
                                "ghi trong mail-log.csv; chạy lại lệnh để gửi phần còn thiếu.") from None
            _append_sent(campaign, batch, unit, msg["Message-ID"], datetime.now(VN_TZ))
            result.sent.append((unit.code, msg["Message-ID"]))
            if progress:
                progress(1)
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return result


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def send_forms(campaign: "CampaignConfig", codes: Iterable[str] | None = None, dry_run: bool = False,
               password: str | None = None, progress: Callable[[int], None] | None = None) -> SendResult:
    """Send every unit (or the given codes) its registration workbook, once."""
    units = [campaign.unit(c) for c in codes] if codes else campaign.units
    return send_batch(campaign, units, "send", "send", dry_run, password, progress)


def remind(campaign: "CampaignConfig", statuses: Iterable["UnitStatus"], late: bool = False, dry_run: bool = False,
           password: str | None = None, progress: Callable[[int], None] | None = None) -> SendResult:
    """Remind the units these statuses show without a return (and late ones with late=True); one reminder per
    unit and day."""
    from thidua_xlsx.status import LATE, MISSING

    states = {MISSING, LATE} if late else {MISSING}
    units = [campaign.unit(s.code) for s in statuses if s.code and s.state in states]
    batch = f"remind-{datetime.now(VN_TZ):%Y-%m-%d}"
    return send_batch(campaign, units, "remind", batch, dry_run, password, progress)


# --- collecting from a mailbox ------------------------------------------------------------------------------

def _seen(campaign: "CampaignConfig") -> set[tuple[str, str]]:
    return {(r["uidvalidity"], r["uid"]) for r in read_csv_rows(campaign.returns_dir / IMAP_SEEN)}


def messages_without_returns(campaign: "CampaignConfig") -> list[dict[str, str]]:
    """Messages fetched from the mailbox that carried no spreadsheet: for `thidua status`."""
    return read_csv_rows(campaign.returns_dir / IMAP_OTHER)


def collect_imap(campaign: "CampaignConfig", password: str | None = None) -> "CollectResult":
    """Fetch new messages since the campaign start; spreadsheet attachments go to returns/ like folder collect."""
    from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted
    from imap_tools.errors import MailboxLoginError

    from thidua_xlsx.files import append_csv, exclusive
    from thidua_xlsx.returns import SPREADSHEET_SUFFIXES, CollectResult, collect_lock, read_log, repair

    settings = mail_settings(campaign)
    host, port, security = str(settings["imap_host"]), int(settings["imap_port"]), settings["imap_security"]
    folder = str(settings["imap_folder"])
    result = CollectResult()
    seen = _seen(campaign)
    box = None
    try:
        if security == "ssl":
            box = MailBox(host, port, timeout=30, ssl_context=_context(settings["imap_cafile"]))
        elif security == "starttls":
            box = MailBoxStartTls(host, port, timeout=30, ssl_context=_context(settings["imap_cafile"]))
        else:
            box = MailBoxUnencrypted(host, port, timeout=30)
        mailbox = box.login(str(settings["imap_user"]), password if password is not None else settings.imap_password,
                            initial_folder=folder)
    except MailboxLoginError:
        box.client.shutdown()
        raise MailError(f"Hộp thư {host}:{port} từ chối đăng nhập của '{settings['imap_user']}'; kiểm tra "
                        "THIDUA_IMAP_PASSWORD.") from None
    except (OSError, imaplib.IMAP4.error, socket.timeout, ssl.SSLError) as exc:
        raise MailError(f"Không kết nối được hộp thư {host}:{port} ({security}): {exc}.") from None
    with mailbox, exclusive(collect_lock(campaign)):
        repair(campaign)
        known = {e.sha256: e.file for e in read_log(campaign)}
        uidvalidity = str(mailbox.folder.status(folder)["UIDVALIDITY"])
        uids = [u for u in mailbox.uids(AND(date_gte=campaign.start)) if (uidvalidity, u) not in seen]
        for msg in mailbox.fetch(uid_list=uids, mark_seen=False, bulk=50) if uids else []:
            received = _internaldate(mailbox.client, msg.uid)
            sender = parseaddr(msg.from_)[1].lower()
            sheets = [a for a in msg.attachments if Path(a.filename or "").suffix.lower() in SPREADSHEET_SUFFIXES]
            stored = all([_store_attachment(campaign, att, received, f"imap:{sender} uid={uidvalidity}/{msg.uid}",
                                            result, known) for att in sheets])
            if not sheets:
                append_csv(campaign.returns_dir / IMAP_OTHER, ("received_at", "sender", "subject", "uid"),
                            [[received.isoformat(timespec="seconds"), sender, msg.subject, msg.uid]])
            if stored:  # a message with an attachment that could not be stored is fetched again next time
                append_csv(campaign.returns_dir / IMAP_SEEN, ("uidvalidity", "uid", "sender", "received_at"),
                            [[uidvalidity, msg.uid, sender, received.isoformat(timespec="seconds")]])
    return result


def _store_attachment(campaign: "CampaignConfig", att: object, received: datetime, origin: str,
                      result: "CollectResult", known: dict[str, str]) -> bool:
    """Store one attachment like a collected file; False (and listed in result.failed) when it could not be, so
    one attachment never stops the messages after it."""
    from thidua_xlsx.returns import store

    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "tep"
            path.write_bytes(att.payload)
            store(campaign, path, received, origin=origin, result=result, display_name=att.filename, known=known)
    except (OSError, ThiduaError) as exc:
        result.failed.append((f"{origin} {att.filename}", str(exc)))
        return False
    return True


def _internaldate(client: imaplib.IMAP4, uid: str) -> datetime:
    """The server's INTERNALDATE of a message: when it arrived, which is what the deadline is judged on."""
    status, data = client.uid("FETCH", uid, "(INTERNALDATE)")
    raw = next((d for d in data if isinstance(d, bytes) and b"INTERNALDATE" in d), b"")
    parsed = imaplib.Internaldate2tuple(raw)
    if status != "OK" or parsed is None:
        return datetime.now(VN_TZ)
    import time

    return datetime.fromtimestamp(time.mktime(parsed), VN_TZ)
