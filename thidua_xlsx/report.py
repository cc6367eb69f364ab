"""Writing the outputs the council and scripts rely on: the two CSVs and the council workbook (DOMAIN.md 5, 7).

The three are one set: they are written into a hidden staging folder beside them and moved into place together,
so a crash or a full disk leaves the previous set whole (never the CSVs of a new run beside the workbook of the old
one). CSV cells that a spreadsheet would run as a formula are neutralised (see neutral()).
"""

from __future__ import annotations

import csv
import gc
import os
import re
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from thidua_xlsx.council import write_council_workbook
from thidua_xlsx.errors import OverwriteError, WriteError
from thidua_xlsx.files import not_written
from thidua_xlsx.findings import FINDING_FIELDS, Report
from thidua_xlsx.processes import Beside

if TYPE_CHECKING:
    import pandas as pd

    from thidua_xlsx.config import CampaignConfig
    from thidua_xlsx.consolidate import Consolidation

STAGING = ".dang-ghi"  # the next set of reports, being written
READY = "READY"        # in the staging folder once the set is whole: from then on it is moved in, even after a crash
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP "CSV injection": what a spreadsheet may run as a formula
LIKE_FORMULA = re.compile("\n[" + re.escape("".join(FORMULA_START)) + "]")  # a cell so started, in cells "\n"-joined
CHUNK = 1 << 16  # rows of registrations.csv made into Python lists at a time


def neutral(value: object) -> object:
    """A CSV cell that Excel or LibreOffice would read as a formula, prefixed with ' so it is shown as text."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def write_findings_csv(report: Report, fh: TextIO) -> None:
    """findings.csv rows, sorted by severity then unit, to an open text stream (cells neutralised)."""
    writer = csv.DictWriter(fh, fieldnames=FINDING_FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in report.as_dicts():
        writer.writerow({k: ("" if v is None else neutral(v)) for k, v in row.items()})


def write_reports(campaign: "CampaignConfig", consolidation: "Consolidation", force: bool = False) -> dict[str, Path]:
    """Write the reports as one set; an existing report is replaced only when asked (force). A folder that cannot
    be written to raises WriteError and leaves the previous set as it was."""
    paths = campaign.report_paths
    folder = campaign.reports_dir
    finish_swap(folder)
    existing = [p for p in paths.values() if p.exists()]
    if existing and not force:
        raise OverwriteError(f"Đã có {existing[0]}; dùng --force để ghi lại báo cáo.")
    staging = folder / STAGING
    failure = _stage(campaign, consolidation, staging)
    if failure is not None:
        raise failure
    finish_swap(folder)
    return paths


def _stage(campaign: "CampaignConfig", consolidation: "Consolidation", staging: Path) -> WriteError | None:
    """Write the whole set into the staging folder and mark it ready; on a failure to write, remove it and
    return the WriteError to raise. xlsxwriter leaves a half-written zip to the garbage collector, which would
    print its own failure to close it: that is collected here, quietly, once the error is gone."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        try:
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            staged = {key: staging / path.name for key, path in campaign.report_paths.items()}
            _write_set(campaign, consolidation, staged)
            (staging / READY).write_text("\n".join(p.name for p in staged.values()), encoding="utf-8")
            return None
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            cause = _os_error(exc)
            if cause is None:
                raise
            failure = not_written(staging.parent, cause)
            del cause
        gc.collect()
        return failure
    finally:
        sys.unraisablehook = hook


def _write_set(campaign: "CampaignConfig", consolidation: "Consolidation", staged: dict[str, Path]) -> None:
    # Two cores, two independent outputs: a forked child writes the CSVs (it inherits the frame, nothing is
    # pickled) while this process writes the council workbook.
    csvs = Beside(lambda: _write_csvs(consolidation, staged))
    try:
        write_council_workbook(campaign, consolidation, staged["council"])
    except BaseException:
        csvs.kill()
        raise
    csvs.join()


def finish_swap(folder: Path) -> None:
    """Move a whole staged set into place (also one a crash interrupted); drop a set that was never finished."""
    staging = folder / STAGING
    if not staging.is_dir():
        return
    ready = staging / READY
    if ready.is_file():
        for name in ready.read_text(encoding="utf-8").splitlines():
            if (staging / name).is_file():
                os.replace(staging / name, folder / name)
    shutil.rmtree(staging, ignore_errors=True)


def _os_error(exc: BaseException) -> OSError | None:
    """The operating system's error behind a failure to write (xlsxwriter wraps it; the CSV child sends it as
    a WriteError of its own, which is passed on as it is)."""
    if isinstance(exc, WriteError):
        return None
    for candidate in (exc, *getattr(exc, "args", ())[:1], exc.__cause__, exc.__context__):
        if isinstance(candidate, OSError) and candidate.errno:
            return candidate
    return None


def _write_csvs(consolidation: "Consolidation", paths: dict[str, Path]) -> None:
    try:
        with paths["registrations"].open("w", encoding="utf-8", newline="") as fh:
            _write_registrations(consolidation.frame, fh)
        with paths["findings"].open("w", encoding="utf-8", newline="") as fh:
            write_findings_csv(consolidation.report, fh)
    except OSError as exc:
        raise not_written(paths["findings"].parent.parent, exc) from None


def _write_registrations(frame: "pd.DataFrame", fh: TextIO) -> None:
    """registrations.csv: the same bytes as DataFrame.to_csv (cells neutralised), by the csv module, which is
    faster; CHUNK rows at a time, so the rows made into Python lists never hold the whole frame twice."""
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(frame.columns)
    text = {c for c in frame.columns if frame[c].dtype.kind not in "biufcmM"}  # numbers are never run as formulas
    for start in range(0, len(frame), CHUNK):
        part = frame.iloc[start:start + CHUNK]
        writer.writerows(zip(*(_neutral_all(part[c].tolist()) if c in text else part[c].tolist()
                               for c in frame.columns)))


def _neutral_all(values: list) -> list:
    """neutral() over a text column; a column none of whose cells starts like a formula (nearly every column) is
    found so in one pass over its cells joined, not by a call per cell."""
    try:
        plain = not LIKE_FORMULA.search("\n" + "\n".join(values))
    except TypeError:  # a cell that is not text
        plain = False
    return values if plain else [neutral(v) for v in values]
