"""Writing the outputs the council and scripts rely on: the two CSVs and the council workbook (DOMAIN.md 5, 7)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from thidua_xlsx.council import write_council_workbook
from thidua_xlsx.errors import OverwriteError
from thidua_xlsx.findings import FINDING_FIELDS, Report
from thidua_xlsx.processes import Beside

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig
    from thidua_xlsx.consolidate import Consolidation


def write_findings_csv(report: Report, fh: TextIO) -> None:
    """findings.csv rows, sorted by severity then unit, to an open text stream."""
    writer = csv.DictWriter(fh, fieldnames=FINDING_FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in report.as_dicts():
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def write_reports(campaign: "CampaignConfig", consolidation: "Consolidation", force: bool = False) -> dict[str, Path]:
    """Write the reports; an existing report is replaced only when asked (force)."""
    paths = campaign.report_paths
    existing = [p for p in paths.values() if p.exists()]
    if existing and not force:
        raise OverwriteError(f"Đã có {existing[0]}; dùng --force để ghi lại báo cáo.")
    campaign.reports_dir.mkdir(parents=True, exist_ok=True)
    # Two cores, two independent outputs: a forked child writes the CSVs (it inherits the frame, nothing is
    # pickled) while this process writes the council workbook.
    csvs = Beside(lambda: _write_csvs(consolidation, paths))
    try:
        write_council_workbook(campaign, consolidation, paths["council"])
    except BaseException:
        csvs.kill()
        raise
    csvs.join()
    return paths


def _write_csvs(consolidation: "Consolidation", paths: dict[str, Path]) -> None:
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
