"""Writing the outputs the council and scripts rely on: the two CSVs and the council workbook (DOMAIN.md 5, 7)."""

from __future__ import annotations

import csv
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from thidua_xlsx.consolidate import fork_context
from thidua_xlsx.council import write_council_workbook
from thidua_xlsx.errors import OverwriteError
from thidua_xlsx.findings import FINDING_FIELDS, Report

if TYPE_CHECKING:
    from thidua_xlsx.campaign import Campaign
    from thidua_xlsx.consolidate import Consolidation


def report_paths(campaign: "Campaign") -> dict[str, Path]:
    """The output files of `thidua report`, by name."""
    out = campaign.reports_dir
    return {"registrations": out / "registrations.csv", "findings": out / "findings.csv",
            "council": out / f"tong-hop-{campaign.year}.xlsx"}


def write_findings_csv(report: Report, fh: TextIO) -> None:
    """findings.csv rows, sorted by severity then unit, to an open text stream."""
    writer = csv.DictWriter(fh, fieldnames=FINDING_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in report.as_dicts():
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def write_reports(campaign: "Campaign", consolidation: "Consolidation", force: bool = False) -> dict[str, Path]:
    """Write the reports; an existing report is replaced only when asked (force)."""
    paths = report_paths(campaign)
    existing = [p for p in paths.values() if p.exists()]
    if existing and not force:
        raise OverwriteError(f"Đã có {existing[0]}; dùng --force để ghi lại báo cáo.")
    campaign.reports_dir.mkdir(parents=True, exist_ok=True)
    # The CSVs are written by a forked child while this process writes the council workbook: two cores, two
    # independent outputs. The child finds the data in its copy of _FORKED (arguments would be pickled); its
    # exceptions come back through the future.
    global _FORKED
    _FORKED = (consolidation, paths)
    try:
        context = fork_context()
        if context is None:  # no fork (Windows): one after the other
            _write_csvs()
            write_council_workbook(campaign, consolidation, paths["council"])
            return paths
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            csvs = pool.submit(_write_csvs)
            write_council_workbook(campaign, consolidation, paths["council"])
            csvs.result()
    finally:
        _FORKED = None
    return paths


_FORKED: tuple["Consolidation", dict[str, Path]] | None = None


def _write_csvs() -> None:
    assert _FORKED is not None
    consolidation, paths = _FORKED
    frame = consolidation.frame
    tmp = paths["registrations"].with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")  # faster than DataFrame.to_csv, same bytes
        writer.writerow(frame.columns)
        writer.writerows(zip(*(frame[c].tolist() for c in frame.columns)))
    tmp.replace(paths["registrations"])
    tmp = paths["findings"].with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        write_findings_csv(consolidation.report, fh)
    tmp.replace(paths["findings"])
