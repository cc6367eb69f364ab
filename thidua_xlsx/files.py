"""File plumbing every step may use: content hashes, hashed copies, append-only CSV logs, and saying in Vietnamese
why a folder could not be written to."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import secrets
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Iterator

from thidua_xlsx.errors import WriteError

_WRITE_REASONS = {
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EDQUOT: "đã hết hạn mức dung lượng",
    errno.EROFS: "thư mục chỉ cho đọc (ổ đĩa gắn chế độ chỉ đọc)",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.EFBIG: "tệp vượt kích thước hệ thống cho phép",
    errno.ENAMETOOLONG: "tên tệp quá dài",
    errno.EIO: "lỗi vào/ra của ổ đĩa",
}


def not_written(folder: Path, exc: OSError) -> WriteError:
    """The error to raise when writing into folder failed: "Không ghi được vào <folder>: <reason>"."""
    reason = _WRITE_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    return WriteError(f"Không ghi được vào {folder}: {reason} ({exc.strerror or exc}).")


def _sha256(src: BinaryIO, copy_to: BinaryIO | None = None, folder: Path | None = None) -> str:
    """SHA-256 of a stream read in chunks, each also written to copy_to when given (a failed write is a
    WriteError naming folder; a failed read stays an OSError: the source is at fault)."""
    h = hashlib.sha256()
    while chunk := src.read(1 << 20):
        h.update(chunk)
        if copy_to is not None:
            try:
                copy_to.write(chunk)
            except OSError as exc:
                raise not_written(folder or Path("."), exc) from None
    return h.hexdigest()


@lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """A digest of the package's source: the reader, its vocabulary, the rules, the findings catalogue and its
    messages all shape what a cache keeps, so any change to the code invalidates the parse cache and the saved
    statuses (over-invalidating costs one re-read; a stale message would cost the clerk's trust)."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    """SHA-256 of a file."""
    with path.open("rb") as fh:
        return _sha256(fh)


def copy_hashed(source: Path, folder: Path) -> tuple[Path, str]:
    """Copy a file to a hidden temporary name in folder, hashing it on the way: its bytes are read once. The copy
    gets the usual permissions (the office's shared folder), and nothing is left behind if the copy fails. A
    source that cannot be read raises OSError; a folder that cannot be written to raises WriteError."""
    tmp = folder / f".{secrets.token_hex(8)}.tmp"
    with source.open("rb") as src:
        try:
            dst = tmp.open("xb", buffering=0)  # unbuffered: a full disk fails the write, not a later close
        except OSError as exc:
            raise not_written(folder, exc) from None
        try:
            with dst:
                return tmp, _sha256(src, copy_to=dst, folder=folder)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV log as dicts by its header; no rows when the log does not exist yet."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def append_csv(path: Path, header: tuple[str, ...], rows: list[list[object]], sync: bool = True) -> None:
    """Append rows to a CSV log (writing its header first) in one write, flushed, and synced to disk unless the
    caller syncs a batch itself: logs are what re-runs trust. The rows are written whole or not at all: a line torn
    by an earlier crash is ended first, and a failed write (a full disk) is cut off again and raised as WriteError."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    try:
        with path.open("ab", buffering=0) as fh:
            size = fh.seek(0, os.SEEK_END)
            if size == 0:
                writer.writerow(header)
            elif _last_byte(path, size) != b"\n":
                buffer.write("\r\n")
            writer.writerows(rows)
            try:
                data = memoryview(buffer.getvalue().encode("utf-8"))
                while data:
                    data = data[fh.write(data):]
                if sync:
                    os.fsync(fh.fileno())
            except OSError:
                fh.truncate(size)
                raise
    except OSError as exc:
        raise not_written(path.parent, exc) from None


def _last_byte(path: Path, size: int) -> bytes:
    with path.open("rb") as fh:
        fh.seek(size - 1)
        return fh.read(1)


@contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on a file for the block (POSIX flock; elsewhere no lock): one collect at a time per
    campaign, so one never mistakes another's copy in progress for a crash's leftover."""
    try:
        import fcntl

        lock.parent.mkdir(parents=True, exist_ok=True)
        fh = lock.open("a")
    except (ImportError, OSError):  # no flock here, or a folder we cannot write to: the step says why itself
        yield
        return
    with fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def sync_file(path: Path) -> None:
    """fsync a file that exists (a log appended to without syncing each row)."""
    if path.exists():
        with path.open("rb") as fh:
            os.fsync(fh.fileno())
