"""`thidua web`: the whole round as a local web page over the same API the CLI uses (Starlette + Jinja2, uvicorn)."""

from __future__ import annotations

import os
import socket
import threading
import webbrowser
from pathlib import Path
from typing import Callable

from thidua_xlsx.errors import ThiduaError


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the server starts (a busy port gets a sentence, not a traceback)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ThiduaError(f"Không mở được {host}:{port} ({exc.strerror or exc}); chọn cổng khác bằng --port.") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(directory: Path | str, host: str = "127.0.0.1", port: int = 8765, browser: bool = True,
          echo: Callable[[str], None] = print) -> None:
    """Serve the page until Ctrl+C; say where once it accepts connections and open the browser there."""
    import uvicorn

    from thidua_xlsx.web.app import create_app
    from thidua_xlsx.web.security import password_for

    password = password_for(host, dict(os.environ))
    directory = Path(directory)
    if not directory.is_dir():
        raise ThiduaError(f"Không có thư mục '{directory}'.")
    sock = _bind(host, port)
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    app = create_app(directory, host=host, port=port, password=password)

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:  # noqa: ANN001 - uvicorn's signature
            await super().startup(sockets)
            if self.started:
                echo(f"Đang chạy tại {url} (Ctrl+C để dừng)")
                if browser:
                    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    server = Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down gracefully, then raises the Ctrl+C again for its caller
        pass
    echo("Đã dừng.")
