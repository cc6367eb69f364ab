"""Consolidation: every logged return read (cached by content hash), matched to its unit, into one DataFrame."""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pandas as pd

from thidua_xlsx.catalogue import Catalogue
from thidua_xlsx.findings import Finding, Report, finding
from thidua_xlsx.reader import READER_VERSION, ParsedReturn, read_return
from thidua_xlsx.returns import LogEntry, read_log
from thidua_xlsx.text import fold

if TYPE_CHECKING:
    from thidua_xlsx.campaign import Campaign

BASE_COLUMNS = ("unit_code", "kind", "name", "completion")
PER_WORKER = 16  # below this many unread files per worker, a process pool costs more than it saves
TAIL_COLUMNS = ("note", "source_file", "source_sheet", "source_row")


@dataclass
class ReturnInfo:
    """One collected file after reading: its unit, how it was identified, and whether it is the current one."""

    entry: LogEntry
    parsed: ParsedReturn
    unit_code: str
    identified_by: str
    current: bool = False


@dataclass
class Consolidation:
    """The result of consolidation: the registrations frame, the findings, and each return's fate."""

    frame: pd.DataFrame
    report: Report
    returns: list[ReturnInfo] = field(default_factory=list)

    def current(self, unit_code: str) -> ReturnInfo | None:
        """The unit's latest readable return, if any."""
        return next((r for r in self.returns if r.current and r.unit_code == unit_code), None)

    def versions(self, unit_code: str) -> list[ReturnInfo]:
        """Every collected file identified as this unit's."""
        return [r for r in self.returns if r.unit_code == unit_code]


def registration_columns(campaign: "Campaign") -> list[str]:
    """The columns of registrations.csv (DOMAIN.md section 5), plus collective_type when the form has types."""
    extra = ["collective_type"] if campaign.catalogue.has_types else []
    return [*BASE_COLUMNS, *campaign.catalogue.codes, *TAIL_COLUMNS, *extra]


@lru_cache(maxsize=1)
def _reader_fingerprint() -> str:
    """The reader's version and source: any change to how returns are read invalidates the parse cache."""
    from thidua_xlsx import headings, reader, sources, text

    digest = hashlib.sha256(str(READER_VERSION).encode())
    for module in (reader, headings, sources, text):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def _cache_names(campaign: "Campaign") -> Callable[[str], Path]:
    """sha256 -> the parse cache file of those bytes, for this reader and this catalogue."""
    fingerprint = hashlib.sha256((_reader_fingerprint() + repr(campaign.catalogue)).encode()).hexdigest()[:12]
    folder = campaign.root / ".cache" / "parsed"
    return lambda sha256: folder / f"{sha256}-{fingerprint}.pickle"


def _cached(cache: Path, entry: LogEntry) -> ParsedReturn | None:
    if not cache.is_file():
        return None
    try:
        with cache.open("rb") as fh:
            parsed = pickle.load(fh)
    except Exception:  # a damaged cache entry is simply read again
        cache.unlink(missing_ok=True)
        return None
    return dataclasses.replace(parsed, file=entry.file, findings=[
        dataclasses.replace(f, source_file=entry.file) for f in parsed.findings])


def _store(cache: Path, parsed: ParsedReturn) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(cache.name + f".{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(parsed, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(cache)


def _read(job: tuple[Path, Path, Catalogue, str, str]) -> ParsedReturn:
    """Read one return and keep it in the parse cache (in the worker, so that pickling is spread too)."""
    cache, path, catalogue, name, sha256 = job
    parsed = read_return(path, catalogue, name=name, sha256=sha256)
    _store(cache, parsed)
    return parsed


def parse_entries(campaign: "Campaign", entries: list[LogEntry],
                  progress: Callable[[int, int], None] | None = None) -> list[ParsedReturn]:
    """Read the logged returns: from the parse cache when the same bytes were read by the same reader, the rest
    in a process pool of os.cpu_count() workers (serially when there are few)."""
    parsed: dict[int, ParsedReturn] = {}
    todo = []
    cache_of = _cache_names(campaign)
    for n, entry in enumerate(entries):
        hit = _cached(cache_of(entry.sha256), entry)
        if hit is None:
            todo.append(n)
        else:
            parsed[n] = hit
    done = len(parsed)
    jobs = [(cache_of(entries[n].sha256), campaign.returns_dir / entries[n].file, campaign.catalogue,
             entries[n].file, entries[n].sha256) for n in todo]
    workers = min(os.cpu_count() or 1, max(1, len(jobs) // PER_WORKER))
    if workers > 1:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        results = pool.map(_read, jobs, chunksize=max(1, len(jobs) // (workers * 8)))
    else:
        pool, results = None, map(_read, jobs)
    try:
        for n, result in zip(todo, results):
            parsed[n] = result
            done += 1
            if progress:
                progress(done, len(entries))
    finally:
        if pool:
            pool.shutdown()
    return [parsed[n] for n in range(len(entries))]


def _match(campaign: "Campaign", text: str, whole: bool) -> str | None:
    """The unit whose name, code or alias is this text (whole) or, failing that, appears in it as words."""
    key = fold(text)
    if not key:
        return None
    exact = {u.code for u in campaign.units if key in u.keys}
    if len(exact) == 1:
        return exact.pop()
    if whole:
        return None
    padded = f" {key} "
    found: dict[str, int] = {}
    for unit in campaign.units:
        for k in unit.keys:
            if (len(k) >= 4 or " " not in k) and f" {k} " in padded:
                found[unit.code] = max(found.get(unit.code, 0), len(k))
    if not found:
        return None
    best = max(found.values())
    winners = [code for code, length in found.items() if length == best]
    return winners[0] if len(winners) == 1 else None


def identify(campaign: "Campaign", parsed: ParsedReturn, original_name: str, sender: str = "") -> tuple[str, str]:
    """(unit_code, how) from, in order: the _meta sheet, the unit line or own row, the sender's address (mail),
    the file name."""
    codes = {u.code for u in campaign.units}
    meta_code = parsed.meta.get("unit_code", "")
    if meta_code in codes:
        return meta_code, "_meta"
    for line in parsed.unit_lines:
        code = _match(campaign, line, whole=False)
        if code:
            return code, "tiêu đề"
    own = next((r.name for r in parsed.rows if r.kind == "tap_the" and r.name), "")
    code = _match(campaign, own, whole=True) if own else None
    if code:
        return code, "dòng tập thể"
    by_mail = [u.code for u in campaign.units if sender and u.email.lower() == sender.lower()]
    if len(by_mail) == 1:
        return by_mail[0], "địa chỉ thư"
    stem = Path(original_name).stem
    code = _match(campaign, stem, whole=False)
    return (code, "tên tệp") if code else ("", "")


def _original_name(entry: LogEntry) -> str:
    parts = entry.file.split("_", 2)
    return parts[2] if len(parts) == 3 else entry.file


def consolidate(campaign: "Campaign", progress: Callable[[int, int], None] | None = None) -> Consolidation:
    """Read the returns, choose each unit's latest, build the registrations frame and run every rule."""
    from thidua_xlsx.rules import run_rules

    entries = read_log(campaign)
    infos: list[ReturnInfo] = []
    for entry, parsed in zip(entries, parse_entries(campaign, entries, progress)):
        sender = entry.source[5:].split(" ", 1)[0] if entry.source.startswith("imap:") else ""
        code, how = identify(campaign, parsed, _original_name(entry), sender)
        infos.append(ReturnInfo(entry, parsed, code, how))
    report = Report()
    _choose_current(campaign, infos, report)
    frame = _frame(campaign, [i for i in infos if i.current])
    report.extend(run_rules(campaign, frame))
    return Consolidation(frame, report, infos)


def _at(moment: datetime) -> str:
    from thidua_xlsx.campaign import VN_TZ

    return moment.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def _choose_current(campaign: "Campaign", infos: list[ReturnInfo], report: Report) -> None:
    by_unit: dict[str, list[ReturnInfo]] = {}
    for info in infos:
        usable = info.parsed.readable and bool(info.parsed.rows or not _file_error(info.parsed))
        if not usable:
            report.extend(_with_unit(info.parsed.findings, info.unit_code))
        elif not info.unit_code:
            info.current = True
        else:
            by_unit.setdefault(info.unit_code, []).append(info)
    deadline = campaign.deadline.strftime("%d/%m/%Y")
    for code, versions in by_unit.items():
        versions.sort(key=lambda i: i.entry.received_at)  # stable: log order breaks ties
        latest = versions[-1]
        latest.current = True
        for old in versions[:-1]:
            report.extend([finding("TEP_CU_BI_THAY", unit_code=code, source_file=old.entry.file,
                                   received_at=_at(old.entry.received_at), newer_at=_at(latest.entry.received_at),
                                   newer_file=latest.entry.file)])
        if latest.entry.received_at > campaign.deadline_end:
            report.extend([finding("NOP_MUON", unit_code=code, source_file=latest.entry.file,
                                   received_at=_at(latest.entry.received_at), deadline=deadline)])
    for info in infos:
        if info.current:
            report.extend(_with_unit(info.parsed.findings, info.unit_code))
            if not info.unit_code:
                report.extend([finding("DON_VI_KHONG_XAC_DINH", source_file=info.entry.file,
                                       rows=len(info.parsed.rows))])
    for unit in campaign.units:
        if unit.code not in by_unit:
            report.extend([finding("CHUA_NOP", unit_code=unit.code, name=unit.name, deadline=deadline)])


def _file_error(parsed: ParsedReturn) -> bool:
    return any(f.code == "TEP_KHONG_NHAN_DANG" for f in parsed.findings)


def _with_unit(findings: list[Finding], unit_code: str) -> list[Finding]:
    return [dataclasses.replace(f, unit_code=unit_code) for f in findings]


def _frame(campaign: "Campaign", current: list[ReturnInfo]) -> pd.DataFrame:
    """The registrations frame, built column by column from plain lists (no per-row pandas objects)."""
    codes = campaign.catalogue.codes
    class_codes = {i.code for i in campaign.catalogue.items if i.kind == "class"}
    rows = [row for info in current for row in info.parsed.rows]
    units = [info.unit_code for info in current for _ in info.parsed.rows]
    files = [info.entry.file for info in current for _ in info.parsed.rows]
    data: dict[str, object] = {
        "unit_code": units, "kind": [r.kind for r in rows], "name": [r.name for r in rows],
        "completion": [r.completion for r in rows]}
    for code in codes:
        values = [r.items.get(code, 0) for r in rows]
        data[code] = [str(v) for v in values] if code in class_codes else pd.array(values, dtype="int64")
    data.update({"note": [r.note for r in rows], "source_file": files, "source_sheet": [r.sheet for r in rows],
                 "source_row": pd.array([r.row for r in rows], dtype="int64")})
    if campaign.catalogue.has_types:
        data["collective_type"] = [r.type for r in rows]
    frame = pd.DataFrame(data, columns=registration_columns(campaign))
    text = [c for c in frame.columns if c not in codes and c != "source_row"] + sorted(class_codes)
    frame[text] = frame[text].astype(str)  # also gives an empty frame text columns
    return frame
