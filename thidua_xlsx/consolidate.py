"""Consolidation: every logged return read (cached by content hash), matched to its unit, into one DataFrame."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from thidua_xlsx.cache import ParseCache, decode
from thidua_xlsx.config import VN_TZ
from thidua_xlsx.findings import Finding, Report, finding
from thidua_xlsx.frame import build_frame
from thidua_xlsx.identify import UnitIndex, original_name
from thidua_xlsx.parsing import Job, read_isolated
from thidua_xlsx.reader import ParsedReturn
from thidua_xlsx.returns import LogEntry, read_log_lines

if TYPE_CHECKING:
    import pandas as pd

    from thidua_xlsx.config import CampaignConfig


FAULTS = ("LOI_DOC_TEP", "TEP_MAT", "NHAT_KY_HONG")
UNSETTLED = ("LOI_DOC_TEP", "TEP_QUA_LON")  # readings that failed in a worker: never cached, maybe not repeated


@dataclass
class ReturnInfo:
    """One collected file after reading: its unit, how it was identified, and whether it is the current one."""

    entry: LogEntry
    parsed: ParsedReturn
    unit_code: str
    identified_by: str
    current: bool = False
    conflict: tuple[str, str] | None = None  # (unit of the unit line, unit of the own row) when they differ


@dataclass
class Consolidation:
    """The result of consolidation: the registrations frame, the findings, and each return's fate."""

    frame: pd.DataFrame
    report: Report
    returns: list[ReturnInfo] = field(default_factory=list)
    _by_unit: dict[str, list[ReturnInfo]] | None = field(default=None, init=False, repr=False)

    @property
    def faults(self) -> list[Finding]:
        """Findings that are not a unit's doing: the program failed on a file, or the campaign's own files (the
        log, the stored copies) are damaged. `thidua report` still writes, and exits non-zero."""
        return [f for f in self.report.findings if f.code in FAULTS]

    @property
    def settled(self) -> bool:
        """Whether the next consolidation of the same files would give the same result: not when the program failed
        on a file or stopped reading it at a time or memory limit (such readings are not cached; the next one may
        succeed)."""
        return not any(f.code in UNSETTLED for f in self.report.findings)

    def current(self, unit_code: str) -> ReturnInfo | None:
        """The unit's latest readable return, if any."""
        return next((r for r in self.versions(unit_code) if r.current), None)

    def versions(self, unit_code: str) -> list[ReturnInfo]:
        """Every collected file identified as this unit's."""
        if self._by_unit is None:
            self._by_unit = {}
            for info in self.returns:
                self._by_unit.setdefault(info.unit_code, []).append(info)
        return self._by_unit.get(unit_code, [])


def _renamed(parsed: ParsedReturn, entry: LogEntry) -> ParsedReturn:
    """A parsed return under the name this copy was collected as (the cache keeps one reading per content)."""
    if parsed.file == entry.file:
        return parsed
    return dataclasses.replace(parsed, file=entry.file, findings=[
        dataclasses.replace(f, source_file=entry.file) for f in parsed.findings])


def _missing(entry: LogEntry) -> ParsedReturn:
    return ParsedReturn(file=entry.file, sha256=entry.sha256, readable=False,
                        findings=[finding("TEP_MAT", source_file=entry.file)])


def parse_entries(campaign: "CampaignConfig", entries: list[LogEntry],
                  progress: Callable[[int, int], None] | None = None,
                  meanwhile: Callable[[], object] | None = None) -> list[ParsedReturn]:
    """Read the logged returns: from the parse cache when the same bytes were read by the same reader, the rest
    each in a worker process under limits (parsing.read_isolated). A logged file missing from returns/ is a
    finding. meanwhile runs in this process once the workers have their jobs (consolidation imports pandas there,
    instead of before forking them)."""
    cache = ParseCache.for_campaign(campaign)
    parsed: dict[int, ParsedReturn] = {}
    present = {n for n, e in enumerate(entries) if (campaign.returns_dir / e.file).is_file()}
    hits = cache.get({entries[n].sha256 for n in present})
    jobs = []
    for n, entry in enumerate(entries):
        if n not in present:
            parsed[n] = _missing(entry)
            continue
        try:
            parsed[n] = _renamed(decode(hits[entry.sha256]), entry)
        except (KeyError, ValueError):  # not cached, or not what this version writes: read again
            jobs.append(Job(n, campaign.returns_dir / entry.file, entry.file, entry.sha256))
    done = len(parsed)
    fresh: list[tuple[str, bytes]] = []
    try:
        for job, result, data in read_isolated(jobs, campaign.catalogue, meanwhile):
            parsed[job.index] = result
            if data is not None:
                fresh.append((job.sha256, data))
            done += 1
            if progress:
                progress(done, len(entries))
    finally:
        cache.put(fresh)
    return [parsed[n] for n in range(len(entries))]


def consolidate(campaign: "CampaignConfig", progress: Callable[[int, int], None] | None = None) -> Consolidation:
    """Read the returns, choose each unit's latest, build the registrations frame and run every rule."""
    entries, damaged = read_log_lines(campaign)
    infos: list[ReturnInfo] = []
    index = UnitIndex(campaign.units)
    for entry, parsed in zip(entries, parse_entries(campaign, entries, progress, meanwhile=_import_rules)):
        sender = entry.source[5:].split(" ", 1)[0] if entry.source.startswith("imap:") else ""
        found = index.identify(parsed, original_name(entry), sender)
        infos.append(ReturnInfo(entry, parsed, found.unit_code, found.how, conflict=found.conflict))
    report = Report(damaged)
    _choose_current(campaign, infos, report)
    frame = build_frame(campaign, [(i.unit_code, i.entry.file, i.parsed.rows) for i in infos if i.current])
    from thidua_xlsx.checks import run_rules  # imported while the workers read

    report.extend(run_rules(campaign, frame))
    return Consolidation(frame, report, infos)


def _import_rules() -> None:
    """Import the rules, and with them pandas: the costliest import of a consolidation."""
    import thidua_xlsx.checks  # noqa: F401


def _at(moment: datetime) -> str:
    return moment.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def _choose_current(campaign: "CampaignConfig", infos: list[ReturnInfo], report: Report) -> None:
    by_unit: dict[str, list[ReturnInfo]] = {}
    for info in infos:
        usable = info.parsed.readable and bool(len(info.parsed.rows) or not _file_error(info.parsed))
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
            if info.conflict:
                report.extend([_conflict(campaign, info)])
            elif not info.unit_code:
                report.extend([finding("DON_VI_KHONG_XAC_DINH", source_file=info.entry.file,
                                       rows=len(info.parsed.rows))])
    for unit in campaign.units:
        if unit.code not in by_unit:
            report.extend([finding("CHUA_NOP", unit_code=unit.code, name=unit.name, deadline=deadline)])


def _conflict(campaign: "CampaignConfig", info: ReturnInfo) -> Finding:
    """The unit line names one unit and the own row another: neither unit's return is replaced by this one."""
    line_code, row_code = info.conflict or ("", "")
    return finding("DON_VI_MAU_THUAN", source_file=info.entry.file, rows=len(info.parsed.rows),
                   line_unit=f"{campaign.unit(line_code).name} ({line_code})",
                   row_unit=f"{campaign.unit(row_code).name} ({row_code})")


def _file_error(parsed: ParsedReturn) -> bool:
    return any(f.code == "TEP_KHONG_NHAN_DANG" for f in parsed.findings)


def _with_unit(findings: list[Finding], unit_code: str) -> list[Finding]:
    return [dataclasses.replace(f, unit_code=unit_code) for f in findings]
