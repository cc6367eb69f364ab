"""The returns folder: every collected file kept under a unique name, and the log of when and whence it came."""

from __future__ import annotations

import csv
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from thidua_xlsx.config import VN_TZ
from thidua_xlsx.errors import WriteError
from thidua_xlsx.files import append_csv, copy_hashed, exclusive, not_written, sync_file
from thidua_xlsx.findings import Finding, finding

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".htm", ".html")
LOG_NAME = "log.csv"
LOG_FIELDS = ("received_at", "file", "source", "sha256", "bytes")
NAME_BYTES = 224  # a stored name's own part: 255 bytes (ext4, NTFS) less the stamp, the hash and a counter
_UNSAFE = re.compile(r"[^\w\u0300-\u036f.\- ()]+", re.UNICODE)
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class LogEntry:
    """One collected file: when it was received, its name in returns/, where it came from."""

    received_at: datetime
    file: str
    source: str
    sha256: str
    bytes: int

    def row(self) -> list[object]:
        """The entry as a line of returns/log.csv."""
        return [self.received_at.isoformat(timespec="seconds"), self.file, self.source, self.sha256, self.bytes]


@dataclass
class CollectResult:
    """What a collect run did: files added, exact duplicates, files skipped and why, files that could not be
    stored (a source that cannot be read, a folder that cannot be written to: the command then fails)."""

    added: list[LogEntry] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, file already in returns/)
    skipped: list[tuple[str, str]] = field(default_factory=list)     # (source, reason)
    failed: list[tuple[str, str]] = field(default_factory=list)      # (source, reason)


def safe_name(name: str, max_bytes: int = NAME_BYTES) -> str:
    """A file name that cannot leave returns/ or hide: NFC (as Windows and Linux write names; macOS sends NFD), no
    separators, no leading dots, at most max_bytes of UTF-8 with its extension kept."""
    base = Path(unicodedata.normalize("NFC", name).replace("\\", "/")).name
    base = _UNSAFE.sub("_", base).strip(" ._") or "tep"
    stem, dot, suffix = base.rpartition(".")
    if not dot or len(suffix) > 10:
        stem, suffix = base, ""
    tail = "." + suffix if suffix else ""
    room = max_bytes - len(tail.encode())
    if len(stem.encode()) > room:  # cut at a character boundary, never inside one
        stem = stem.encode()[:room].decode("utf-8", "ignore").rstrip(" ._") or "tep"
    return stem + tail


def read_log_lines(campaign: "CampaignConfig") -> tuple[list[LogEntry], list[Finding]]:
    """The entries of returns/log.csv in the order files were collected, and a finding for each line that is not
    an entry (torn by a crash or a full disk, edited by hand): it is skipped, the others are used."""
    path = campaign.returns_dir / LOG_NAME
    if not path.is_file():
        return [], []
    entries: list[LogEntry] = []
    damaged: list[Finding] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.reader(fh)
        line = 1
        while True:
            try:
                record = next(reader)
                header = line == 1 and tuple(record) == LOG_FIELDS
                entry = None if header or not record else _entry(record)
            except StopIteration:
                break
            except csv.Error:
                damaged.append(_damaged(path, line, "dòng dài bất thường, quá giới hạn một ô CSV"))
            except ValueError as exc:
                damaged.append(_damaged(path, line, str(exc)))
            else:
                if entry is not None:
                    entries.append(entry)
            line = reader.line_num + 1
    return entries, damaged


def _damaged(path: Path, line: int, reason: str) -> Finding:
    """The finding on a log line that is not an entry, quoting the line as it is in the file."""
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        text = next((t for n, t in enumerate(fh, 1) if n == line), "").rstrip("\r\n").replace("\x00", "\\x00")
    return finding("NHAT_KY_HONG", source_file=LOG_NAME, source_row=line, line=line, reason=reason,
                   text=text[:120] + ("…" if len(text) > 120 else ""))


def _entry(record: list[str]) -> LogEntry:
    """A log line as an entry; ValueError (in Vietnamese) saying what is wrong with it."""
    if len(record) != len(LOG_FIELDS):
        raise ValueError(f"có {len(record)} trường, cần {len(LOG_FIELDS)}")
    received, name, source, sha, size = record
    try:
        when = datetime.fromisoformat(received)
    except ValueError:
        raise ValueError(f"thời điểm nhận '{received[:40]}' không hợp lệ") from None
    if when.tzinfo is None:
        raise ValueError("thời điểm nhận thiếu múi giờ")
    if not name or name != Path(name).name or name.startswith("."):
        raise ValueError("tên tệp không hợp lệ")
    if not _SHA256.fullmatch(sha):
        raise ValueError("mã SHA-256 không hợp lệ")
    if not size.isdigit():
        raise ValueError(f"số byte '{size[:20]}' không hợp lệ")
    return LogEntry(when, name, source, sha, int(size))


def read_log(campaign: "CampaignConfig") -> list[LogEntry]:
    """The entries of returns/log.csv, in the order files were collected (damaged lines left out)."""
    return read_log_lines(campaign)[0]


def repair(campaign: "CampaignConfig") -> list[LogEntry]:
    """Finish what a collect cut short (a crash, kill -9, power cut): copies stored with their intent noted but
    not yet logged are logged (renamed into place first if need be); copies never noted are removed. Run under the
    collect lock (no other collect is copying). Returns the entries logged now."""
    folder = campaign.returns_dir
    if not folder.is_dir():
        return []
    logged = {e.file for e in read_log(campaign)}
    done = []
    for intent in sorted([*folder.glob(".*.row"), *folder.glob(".*.rows")]):
        for tmp, entry in _intended(intent):
            target = folder / entry.file
            if not target.exists() and tmp.exists():
                tmp.rename(target)  # the copy was whole before its intent was written
            if target.exists() and entry.file not in logged:
                append_csv(folder / LOG_NAME, LOG_FIELDS, [entry.row()])
                logged.add(entry.file)
                done.append(entry)
            tmp.unlink(missing_ok=True)
        intent.unlink()
    for tmp in folder.glob(".*.tmp"):  # a copy cut short: its source is still where it came from
        tmp.unlink(missing_ok=True)
    return done


def _intended(intent: Path) -> list[tuple[Path, LogEntry]]:
    """The (temporary copy, entry) pairs an intent file notes: a batch (.rows, [[tmp name, row], ...]) or, as
    written by earlier versions, one copy (.row, its row; the copy beside it under the same stem)."""
    try:
        data = json.loads(intent.read_text(encoding="utf-8"))
        if intent.suffix == ".row":
            return [(intent.with_suffix(".tmp"), _entry([str(v) for v in data]))]
        return [(intent.parent / Path(str(tmp)).name, _entry([str(v) for v in row])) for tmp, row in data]
    except (ValueError, TypeError, OSError):
        return []


def _expand(paths: Iterable[Path], result: CollectResult) -> list[tuple[Path, str]]:
    """The spreadsheets among paths (folders walked), each with where it came from as the log says it: its
    absolute path (a folder is resolved once, not each file in it)."""
    files: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            base = path.resolve()
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SPREADSHEET_SUFFIXES and not child.name.startswith(("~$", ".")):
                    files.append((child, str(base / child.relative_to(path))))
                else:
                    result.skipped.append((str(child), "không phải bảng tính"))
        elif path.is_file():
            if path.name.startswith("~$"):
                result.skipped.append((str(path), "tệp khóa tạm của Excel"))
            elif path.suffix.lower() in SPREADSHEET_SUFFIXES:
                files.append((path, str(path.resolve())))
            else:
                result.skipped.append((str(path), "không phải bảng tính (.xlsx, .xls, .ods...)"))
        else:
            result.skipped.append((str(path), "không tìm thấy"))
    return files


class _Batch:
    """Copies made under temporary names, then stored together: one intent file notes them all, each is renamed
    to its name, their rows go to the log in one write, the intent is removed. A crash at any point leaves what
    repair() finishes or removes; a batch costs two file creations per copy instead of five."""

    def __init__(self, folder: Path, known: dict[str, str], result: CollectResult) -> None:
        self.folder, self.known, self.result = folder, known, result
        self.staged: list[tuple[Path, LogEntry, str]] = []  # (temporary copy, its entry, the source as given)
        self.twins: list[tuple[str, str, str]] = []  # (hash, origin, source as given) of a staged copy's duplicate
        self.taken: set[str] = set()  # names given in this batch, not yet on disk

    def add(self, source: Path, received_at: datetime, origin: str, label: str,
            display_name: str | None = None) -> bool:
        """Copy one file in (OSError if it cannot be read, WriteError if the folder cannot be written to); False
        when the same content is already stored (listed as a duplicate)."""
        tmp, sha = copy_hashed(source, self.folder)
        if sha in self.known:
            tmp.unlink(missing_ok=True)
            self.result.duplicates.append((origin, self.known[sha]))
            if any(entry.sha256 == sha for _, entry, _ in self.staged):  # a duplicate of a copy not stored yet
                self.twins.append((sha, origin, label))
            return False
        name = self._free_name(received_at, sha, display_name or source.name)
        self.known[sha] = name
        self.staged.append((tmp, LogEntry(received_at, name, origin, sha, tmp.stat().st_size), label))
        return True

    def _free_name(self, received_at: datetime, sha: str, name: str) -> str:
        """A name no file in returns/ has: never overwrite, even a file that is not in the log."""
        stamp = received_at.strftime("%Y%m%d-%H%M%S")
        target, n = f"{stamp}_{sha[:8]}_{safe_name(name)}", 1
        while target in self.taken or (self.folder / target).exists():
            n += 1
            target = f"{stamp}_{sha[:8]}_{n}_{safe_name(name)}"
        self.taken.add(target)
        return target

    def commit(self, sync: bool = True) -> list[tuple[str, WriteError]]:
        """Store the staged copies; when the disk cannot take them all (the intent or the log rows do not fit),
        the last copies are given up one by one until the rest is stored. Returns those given up and why."""
        given_up: list[tuple[str, WriteError]] = []
        lost: dict[str, tuple[str, WriteError]] = {}  # hash -> (name it would have had, why it was given up)
        while self.staged:
            try:
                self._store_all(sync)
                break
            except WriteError as exc:
                tmp, entry, label = self.staged.pop()
                tmp.unlink(missing_ok=True)
                self.known.pop(entry.sha256, None)
                given_up.append((label, exc))
                lost[entry.sha256] = (entry.file, exc)
        for sha, origin, label in self.twins:  # the same content twice in the batch: not stored either time
            if sha in lost:
                name, exc = lost[sha]
                self.result.duplicates.remove((origin, name))
                given_up.append((label, exc))
        self.result.added.extend(entry for _, entry, _ in self.staged)
        self.staged, self.twins = [], []
        return given_up

    def _store_all(self, sync: bool) -> None:
        """Intent, renames, log rows; on a failure to write, everything undone (copies back under their temporary
        names, the log cut back by append_csv) and WriteError raised. Anything else (Ctrl-C) leaves the intent for
        repair() to finish."""
        intent = self.folder / f".{secrets.token_hex(8)}.rows"
        moved: list[tuple[Path, Path]] = []
        try:
            rows = [[tmp.name, entry.row()] for tmp, entry, _ in self.staged]
            intent.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
            for tmp, entry, _ in self.staged:
                tmp.rename(self.folder / entry.file)
                moved.append((self.folder / entry.file, tmp))
            append_csv(self.folder / LOG_NAME, LOG_FIELDS, [entry.row() for _, entry, _ in self.staged], sync=sync)
        except (OSError, WriteError) as exc:  # append_csv says WriteError itself
            for target, tmp in reversed(moved):
                target.rename(tmp)
            intent.unlink(missing_ok=True)
            if isinstance(exc, WriteError):
                raise
            raise not_written(self.folder, exc) from None
        intent.unlink()


def _returns_folder(campaign: "CampaignConfig") -> Path:
    folder = campaign.returns_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise not_written(folder.parent, exc) from None
    return folder


def store(campaign: "CampaignConfig", source: Path, received_at: datetime, origin: str | None = None,
          result: CollectResult | None = None, display_name: str | None = None,
          known: dict[str, str] | None = None) -> LogEntry | None:
    """Copy one file into returns/ under a new name and log it; None when the same content is already there.
    A source that cannot be read raises OSError; a folder that cannot be written to raises WriteError (nothing
    is left behind either way). known maps the SHA-256 of every logged file to its name (it is updated)."""
    result = result or CollectResult()
    known = known if known is not None else {e.sha256: e.file for e in read_log(campaign)}
    batch = _Batch(_returns_folder(campaign), known, result)
    origin = origin or str(source.resolve())
    if not batch.add(source, received_at, origin, origin, display_name):
        return None
    given_up = batch.commit()
    if given_up:
        raise given_up[0][1]
    return result.added[-1]


BATCH = 256  # copies stored at once by a collect: few enough that a crash leaves little for repair() to finish


def collect(campaign: "CampaignConfig", paths: list[Path], received_at: datetime | None = None) -> CollectResult:
    """Collect files and folders (recursively) into returns/; exact duplicates and non-spreadsheets are listed,
    files that could not be stored too (result.failed), and the others are collected all the same."""
    result = CollectResult()
    when = received_at or datetime.now(VN_TZ)
    if when.tzinfo is None:
        when = when.replace(tzinfo=VN_TZ)
    files = _expand(paths, result)
    with exclusive(collect_lock(campaign)):
        repair(campaign)
        known = {e.sha256: e.file for e in read_log(campaign)}
        try:
            batch = _Batch(_returns_folder(campaign), known, result)
        except WriteError as exc:
            result.failed.extend((str(path), str(exc)) for path, _ in files)
            return result
        try:
            for n, (path, origin) in enumerate(files, 1):
                try:
                    batch.add(path, when, origin, str(path))
                except WriteError as exc:
                    result.failed.append((str(path), str(exc)))
                except OSError as exc:  # one unreadable file never stops the others
                    result.failed.append((str(path), f"không đọc được tệp ({exc.strerror or exc})"))
                if n % BATCH == 0 or n == len(files):
                    result.failed.extend((label, str(exc)) for label, exc in batch.commit(sync=False))
        finally:
            sync_file(campaign.returns_dir / LOG_NAME)  # once for the collect; every row was flushed when logged
    order = {str(path): n for n, (path, _) in enumerate(files)}
    result.failed.sort(key=lambda failed: order.get(failed[0], -1))  # in the order the files were given
    return result


def collect_lock(campaign: "CampaignConfig") -> Path:
    """The lock a collect holds (outside returns/, which may be read-only or full)."""
    return campaign.root / ".cache" / "collect.lock"
