"""The returns folder: every collected file kept under a unique name, and the log of when and whence it came."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from thidua_xlsx.config import VN_TZ
from thidua_xlsx.files import append_csv, copy_hashed, sync_file

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".htm", ".html")
LOG_NAME = "log.csv"
LOG_FIELDS = ("received_at", "file", "source", "sha256", "bytes")
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


@dataclass(frozen=True)
class LogEntry:
    """One collected file: when it was received, its name in returns/, where it came from."""

    received_at: datetime
    file: str
    source: str
    sha256: str
    bytes: int


@dataclass
class CollectResult:
    """What a collect run did: files added, exact duplicates, files skipped and why."""

    added: list[LogEntry] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, file already in returns/)
    skipped: list[tuple[str, str]] = field(default_factory=list)     # (source, reason)


def safe_name(name: str) -> str:
    """A file name that cannot leave returns/ or hide: no separators, no leading dots, bounded length."""
    base = Path(name.replace("\\", "/")).name
    base = _UNSAFE.sub("_", base).strip(" ._") or "tep"
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    return (stem[:80] + ("." + suffix[:10] if suffix else "")).strip()


def read_log(campaign: "CampaignConfig") -> list[LogEntry]:
    """The entries of returns/log.csv, in the order files were collected."""
    path = campaign.returns_dir / LOG_NAME
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [LogEntry(datetime.fromisoformat(r["received_at"]), r["file"], r["source"], r["sha256"],
                         int(r["bytes"])) for r in csv.DictReader(fh)]


def _expand(paths: Iterable[Path], result: CollectResult) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SPREADSHEET_SUFFIXES and not child.name.startswith(("~$", ".")):
                    files.append(child)
                else:
                    result.skipped.append((str(child), "không phải bảng tính"))
        elif path.is_file():
            if path.name.startswith("~$"):
                result.skipped.append((str(path), "tệp khóa tạm của Excel"))
            elif path.suffix.lower() in SPREADSHEET_SUFFIXES:
                files.append(path)
            else:
                result.skipped.append((str(path), "không phải bảng tính (.xlsx, .xls, .ods...)"))
        else:
            result.skipped.append((str(path), "không tìm thấy"))
    return files


def store(campaign: "CampaignConfig", source: Path, received_at: datetime, origin: str | None = None,
          result: CollectResult | None = None, display_name: str | None = None,
          known: dict[str, str] | None = None, sync: bool = True) -> LogEntry | None:
    """Copy one file into returns/ under a new name and log it; None when the same content is already there.

    known maps the SHA-256 of every logged file to its name; pass it when storing many files (it is updated).
    sync=False leaves syncing the log to the caller, once for a batch.
    """
    result = result or CollectResult()
    campaign.returns_dir.mkdir(parents=True, exist_ok=True)
    tmp, sha = copy_hashed(source, campaign.returns_dir)
    known = known if known is not None else {e.sha256: e.file for e in read_log(campaign)}
    if sha in known:
        tmp.unlink()
        result.duplicates.append((origin or str(source), known[sha]))
        return None
    stamp = received_at.strftime("%Y%m%d-%H%M%S")
    name = f"{stamp}_{sha[:8]}_{safe_name(display_name or source.name)}"
    target = campaign.returns_dir / name
    n = 1
    while target.exists():  # never overwrite, even a file that is not in the log
        n += 1
        target = campaign.returns_dir / f"{stamp}_{sha[:8]}_{n}_{safe_name(display_name or source.name)}"
    tmp.rename(target)
    entry = LogEntry(received_at, target.name, origin or str(source.resolve()), sha, target.stat().st_size)
    append_csv(campaign.returns_dir / LOG_NAME, LOG_FIELDS, [entry.received_at.isoformat(timespec="seconds"),
                                                             entry.file, entry.source, entry.sha256, entry.bytes],
               sync=sync)
    known[sha] = entry.file
    result.added.append(entry)
    return entry


def collect(campaign: "CampaignConfig", paths: list[Path], received_at: datetime | None = None) -> CollectResult:
    """Collect files and folders (recursively) into returns/; exact duplicates and non-spreadsheets are listed."""
    result = CollectResult()
    when = received_at or datetime.now(VN_TZ)
    if when.tzinfo is None:
        when = when.replace(tzinfo=VN_TZ)
    known = {e.sha256: e.file for e in read_log(campaign)}
    try:
        for path in _expand(paths, result):
            try:
                store(campaign, path, when, result=result, known=known, sync=False)
            except OSError as exc:  # one unreadable file never stops the others
                result.skipped.append((str(path), f"không đọc được tệp ({exc.strerror or exc})"))
    finally:
        sync_file(campaign.returns_dir / LOG_NAME)  # once for the batch; every row was flushed as it was logged
    return result
