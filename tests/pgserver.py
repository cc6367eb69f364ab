"""A private PostgreSQL cluster on a loopback port, in a temp folder, started and stopped by the tests."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from mailservers import free_port


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    if not found[-1]:
        raise RuntimeError("PostgreSQL is required: scripts/test installs the Debian package postgresql")
    return found[-1]


@contextmanager
def postgres():
    """Yield a SQLAlchemy URL of a fresh cluster; the server runs as the 'postgres' user when we are root."""
    folder = Path(tempfile.mkdtemp(prefix="thidua-pg-"))
    folder.chmod(0o755)
    data, port = folder / "data", free_port()
    prefix: list[str] = []
    if os.getuid() == 0:  # PostgreSQL refuses to run as root
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    quiet = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run([*prefix, _bin("initdb"), "-D", str(data), "-A", "trust", "-U", "thidua", "-E", "UTF8",
                    "--locale=C"], check=True, **quiet)
    subprocess.run([*prefix, _bin("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                    f"-p {port} -k {folder} -h 127.0.0.1", "start"], check=True, **quiet)
    try:
        yield f"postgresql+psycopg://thidua@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, _bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], **quiet)
        shutil.rmtree(folder, ignore_errors=True)
