"""One action at a time on a campaign: a lock file in its folder that the CLI commands and the web page both take,
so that two writers never interleave (a collect during a report, two sends at once)."""

from __future__ import annotations

import json
import os
import socket
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from thidua_xlsx.errors import ThiduaError

LOCK_NAME = ".thidua.lock"


class LockedError(ThiduaError):
    """Another action holds the campaign's lock."""


def lock_path(root: Path | str) -> Path:
    """Where a campaign's lock file lives."""
    return Path(root) / LOCK_NAME


def holder(root: Path | str) -> dict | None:
    """Who holds the lock (pid, host, action, since), or None when nobody does or the file is unreadable."""
    try:
        return json.loads(lock_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def busy_message(root: Path | str, info: dict | None) -> str:
    """The sentence a waiting clerk reads: what runs, since when, where, and what to do."""
    if not info:
        return f"Chiến dịch đang bận (tệp khóa {lock_path(root)}). Hãy đợi việc đang chạy xong rồi thử lại."
    since = datetime.fromisoformat(info["since"]).strftime("%H:%M:%S %d/%m/%Y")
    return (f"Chiến dịch đang bận: {info['action']} (từ {since}, tiến trình {info['pid']} trên máy {info['host']}). "
            f"Hãy đợi việc đó xong rồi thử lại; nếu chắc chắn nó không còn chạy, xóa tệp {lock_path(root)}.")


def _alive(info: dict) -> bool:
    """False only when the holder is known dead: same machine and no such process."""
    if info.get("host") != socket.gethostname():
        return True
    try:
        os.kill(int(info["pid"]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError, KeyError):
        return True
    return True


def _try_take(root: Path, action: str) -> bool:
    try:
        fd = os.open(lock_path(root), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    info = {"pid": os.getpid(), "host": socket.gethostname(), "action": action,
            "since": datetime.now().astimezone().isoformat(timespec="seconds")}
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(info, fh, ensure_ascii=False)
    return True


def acquire(root: Path | str, action: str, wait: float = 0, notify: Callable[[str], None] | None = None) -> bool:
    """Take the campaign's lock for an action, waiting up to `wait` seconds (notify is told once why); a lock left
    by a dead process on this machine is taken over. False when the folder does not exist (nothing to guard)."""
    root = Path(root)
    if not root.is_dir():
        return False
    deadline = time.monotonic() + wait
    told = False
    while not _try_take(root, action):
        info = holder(root)
        if info is not None and not _alive(info):
            lock_path(root).unlink(missing_ok=True)
            continue
        if time.monotonic() >= deadline:
            raise LockedError(busy_message(root, info))
        if notify and not told:
            notify(busy_message(root, info).split(" Hãy đợi")[0] + f" Đang đợi (tối đa {wait:.0f} giây)...")
            told = True
        time.sleep(0.2)
    return True


def release(root: Path | str) -> None:
    """Give the lock back (only a lock this process holds)."""
    info = holder(root)
    if info and info.get("pid") == os.getpid() and info.get("host") == socket.gethostname():
        lock_path(root).unlink(missing_ok=True)


@contextmanager
def campaign_lock(root: Path | str, action: str, wait: float = 0,
                  notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the campaign's lock while the block runs."""
    taken = acquire(root, action, wait, notify)
    try:
        yield
    finally:
        if taken:
            release(root)
