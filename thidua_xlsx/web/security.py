"""What makes the page safe to serve: the Host check, the password and its rate limit, CSRF tokens, upload limits and
the security headers (Content-Security-Policy without inline script)."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import socket
import time
from collections import defaultdict, deque

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from thidua_xlsx.errors import ThiduaError

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin")]
MAX_UPLOAD_BYTES = 200 * 1024 * 1024   # one request: a few hundred returns of ordinary size
MAX_FILE_BYTES = 50 * 1024 * 1024      # one file (collect's own size checks apply again when it is read)
MAX_FILES = 500
LOGIN_TRIES, LOGIN_WINDOW = 5, 300     # failed attempts allowed per client and window (seconds)
OPEN_PATHS = ("/dang-nhap", "/static/")


class NeedsPassword(ThiduaError):
    """The page would be reachable from other machines without a password."""


class TooLarge(HTTPException):
    """An upload over the limits: 413 with a Vietnamese message."""

    def __init__(self, detail: str) -> None:
        super().__init__(413, detail)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1 and localhost: the only addresses served without a password."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def password_for(host: str, environ: dict[str, str]) -> str:
    """THIDUA_WEB_PASSWORD; refuses a non-loopback host without it."""
    password = environ.get("THIDUA_WEB_PASSWORD", "")
    if not password and not is_loopback(host):
        raise NeedsPassword(f"Phục vụ tại {host} thì máy khác cũng mở được trang: cần đặt mật khẩu bằng biến môi "
                            "trường THIDUA_WEB_PASSWORD (hoặc bỏ --host để chỉ dùng trên máy này).")
    return password


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host headers a request may carry: the served address (a DNS-rebinding page carries its own name)."""
    names = {host}
    if is_loopback(host):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    elif host in ("0.0.0.0", "::", ""):
        names |= {"127.0.0.1", "localhost", socket.gethostname(), socket.getfqdn()}
        try:
            names |= {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None)}
        except OSError:
            pass
    names = {f"[{n}]" if ":" in n and not n.startswith("[") else n for n in names}
    return {f"{n}:{port}".lower() for n in names} | ({n.lower() for n in names} if port in (80, 443) else set())


class Guard:
    """ASGI middleware: a wrong Host header gets 400 before anything else; every response gets the headers."""

    def __init__(self, app: ASGIApp, hosts: set[str]) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1").lower()
        if host not in self.hosts:
            return await PlainTextResponse("Địa chỉ không hợp lệ (Host).", 400)(scope, receive, send)

        async def with_headers(message) -> None:  # noqa: ANN001 - ASGI message
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)


class Gate:
    """ASGI middleware inside the session one: with a password set, every page but login asks for it."""

    def __init__(self, app: ASGIApp, password: str) -> None:
        self.app, self.password = app, password

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.password and not scope["path"].startswith(OPEN_PATHS):
            if not scope["session"].get("auth"):
                return await RedirectResponse("/dang-nhap", 303)(scope, receive, send)
        await self.app(scope, receive, send)


class LoginLimiter:
    """Failed password attempts per client address within a sliding window."""

    def __init__(self, tries: int = LOGIN_TRIES, window: float = LOGIN_WINDOW) -> None:
        self.tries, self.window = tries, window
        self.failures: dict[str, deque[float]] = defaultdict(deque)

    def wait(self, client: str) -> int:
        """Seconds this client must wait before trying again (0: may try now)."""
        now, seen = time.monotonic(), self.failures[client]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        return int(self.window - (now - seen[0])) + 1 if len(seen) >= self.tries else 0

    def failed(self, client: str) -> None:
        """Count one failed attempt."""
        self.failures[client].append(time.monotonic())


def check_password(given: str, password: str) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(given.encode(), password.encode())


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use); every form carries it in a hidden field."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def checked_form(request: Request, files: bool = False) -> FormData:
    """The POSTed form once its size is within limits and its CSRF token matches the session's (403 if not); the
    caller closes a form with files (their spooled copies)."""
    length = request.headers.get("content-length")
    limit = MAX_UPLOAD_BYTES if files else 1024 * 1024
    if length is None or not length.isdigit() or int(length) > limit:
        raise TooLarge(f"Dữ liệu gửi lên quá lớn (tối đa {limit // (1024 * 1024)} MB mỗi lần); hãy chia nhỏ.")
    try:
        form = await request.form(max_files=MAX_FILES if files else 0, max_fields=2000)
    except (MultiPartException, HTTPException):  # Starlette turns the parser's limits into a 400
        raise TooLarge(f"Quá nhiều tệp hoặc trường trong một lần gửi (tối đa {MAX_FILES} tệp).") from None
    given, token = str(form.get("csrf", "")), request.session.get("csrf", "")
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        await form.close()
        raise HTTPException(403, "Biểu mẫu đã hết hạn hoặc không hợp lệ (CSRF); hãy tải lại trang rồi gửi lại.")
    return form
