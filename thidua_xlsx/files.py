"""File plumbing every step may use: content hashes, hashed copies, and append-only CSV logs."""

from __future__ import annotations

import csv
import hashlib
import os
import secrets
from pathlib import Path
from typing import BinaryIO


def _sha256(src: BinaryIO, copy_to: BinaryIO | None = None) -> str:
    """SHA-256 of a stream read in chunks, each also written to copy_to when given."""
    h = hashlib.sha256()
    while chunk := src.read(1 << 20):
        h.update(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return h.hexdigest()


def file_hash(path: Path) -> str:
    """SHA-256 of a file."""
    with path.open("rb") as fh:
        return _sha256(fh)


def copy_hashed(source: Path, folder: Path) -> tuple[Path, str]:
    """Copy a file to a hidden temporary name in folder, hashing it on the way: its bytes are read once. The copy
    gets the usual permissions (the office's shared folder), and nothing is left behind if the copy fails."""
    tmp = folder / f".{secrets.token_hex(8)}.tmp"
    try:
        with source.open("rb") as src, tmp.open("xb") as dst:
            return tmp, _sha256(src, copy_to=dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def append_csv(path: Path, header: tuple[str, ...], row: list[object], sync: bool = True) -> None:
    """Append one row to a CSV log (writing its header first), flushed, and synced to disk unless the caller
    syncs a batch itself: logs are what re-runs trust."""
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        if new:
            writer.writerow(header)
        writer.writerow(row)
        fh.flush()
        if sync:
            os.fsync(fh.fileno())


def sync_file(path: Path) -> None:
    """fsync a file that exists (a log appended to without syncing each row)."""
    if path.exists():
        with path.open("rb") as fh:
            os.fsync(fh.fileno())
