"""Real mail servers on 127.0.0.1 for the tests: aiosmtpd (plain, AUTH, STARTTLS) and a private Dovecot."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from contextlib import contextmanager
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default),
                              envelope.content))
        return "250 OK"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made now with openssl, and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
    return cert, key


@contextmanager
def smtp_server(user: str | None = None, password: str | None = None, tls: tuple[Path, Path] | None = None,
                implicit_tls: bool = False):
    """An SMTP server on 127.0.0.1, with AUTH when user is given and STARTTLS required when tls is given (or TLS
    from the first byte with implicit_tls)."""
    inbox = Inbox()
    kwargs = {}
    if user:
        def check(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and \
                auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535
        kwargs.update(authenticator=check, auth_required=True, auth_require_tls=bool(tls))
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
        if implicit_tls:
            kwargs.update(ssl_context=context)
        else:
            kwargs.update(tls_context=context, require_starttls=True)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


@contextmanager
def dovecot(user: str, password: str):
    """A private Dovecot IMAP server (plain login) on a loopback port, in its own temp folder, started and
    stopped here. The folder is world-traversable: Dovecot's auth and mail processes drop root."""
    exe = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not os.path.exists(exe):
        raise RuntimeError("dovecot is required: scripts/test installs dovecot-imapd")
    folder = Path(tempfile.mkdtemp(prefix="thidua-dovecot-"))
    folder.chmod(0o755)
    port = free_port()
    mail = folder / "mail"
    mail.mkdir(parents=True)
    if os.getuid() == 0:  # Dovecot refuses uid 0 for mail: use its own unprivileged user
        account = pwd.getpwnam("dovecot")
        uid, gid = account.pw_uid, account.pw_gid
        os.chown(mail, uid, gid)
    else:
        uid, gid = os.getuid(), os.getgid()
    (folder / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n", encoding="utf-8")
    conf = folder / "dovecot.conf"
    conf.write_text("\n".join([
        f"base_dir = {folder}/run", f"state_dir = {folder}/state", f"log_path = {folder}/dovecot.log",
        "protocols = imap", "listen = 127.0.0.1", "ssl = no", "disable_plaintext_auth = no",
        "auth_mechanisms = plain login", f"first_valid_uid = {min(uid, 100)}",
        f"mail_location = maildir:{mail}/%u",
        "passdb {", "  driver = passwd-file", f"  args = {folder}/passwd", "}",
        "userdb {", "  driver = static", f"  args = uid={uid} gid={gid} home={mail}/%u", "}",
        "service imap-login {", "  inet_listener imap {", "    address = 127.0.0.1", f"    port = {port}", "  }",
        "  inet_listener imaps {", "    port = 0", "  }", "}",
        "service stats {", "  unix_listener stats-writer {", "    mode = 0666", "  }", "}", ""]),
        encoding="utf-8")
    # The daemon keeps the descriptors it inherits: no pipes here, or run() would wait for it forever.
    subprocess.run([exe, "-c", str(conf)], check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        subprocess.run([shutil.which("doveadm") or "/usr/bin/doveadm", "-c", str(conf), "stop"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)
