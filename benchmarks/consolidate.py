"""Benchmark: consolidate N returns (1 collective + 150 individuals each, the seed-003 form) against two baselines.

Run: .venv/bin/python benchmarks/consolidate.py [N] [--repeat R] [--corpus meta|no-meta|both] [--no-meta]
     (default 1,000 returns, best of 3, the corpus with _meta; --no-meta is --corpus no-meta)

Two corpora, each made once and cached in benchmarks/.cache/:
  meta     the project's generated forms filled with openpyxl (identified by their hidden _meta sheet);
  no-meta  the same cells written from the seed-003 layout with xlsxwriter, no _meta sheet: identified by their
           "PHÒNG/ĐƠN VỊ: …" header line, as most returns sent by hand are.
For each corpus, in the same run and each REPEAT times keeping the best (every contender gets as many tries):
  1. `thidua collect` + `thidua report` end to end on a fresh campaign (subprocesses; peak RSS of the largest);
  2. a hand-written loop of pandas.read_excel(engine="openpyxl") over every sheet of every file (skipped above
     2,000 returns: the targets there are against the bound only);
  3. the calamine bound: python-calamine reading every sheet of every file into Python lists;
  4. `thidua status` on the reported campaign;
then where the report's time goes, phase by phase, measured in this process on the same campaign (cold parse).
Targets (issue 14): 1,000 returns ≥ 10× faster than 2 and ≤ 3× of 3; 10,000 returns ≤ 3× of 3 with peak memory
under 1.5 GB; status of 10,000 units under 2 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from common import PEOPLE, best_of, make_campaign, person_row, print_phases

HERE = Path(__file__).resolve().parent
EXE = [sys.executable, "-m", "thidua_xlsx"]


def _rows(i: int) -> list[dict]:
    return [{"sheet": "A", "name": "", "completion": "HTXSNV", "marks": "LDTT LDXS"},
            *(person_row(i, p) for p in range(PEOPLE))]


def _fill_meta(args: tuple[str, str, str]) -> None:
    from thidua_xlsx import Campaign
    from thidua_xlsx.demo import fill_workbook

    root, code, target = args
    fill_workbook(Campaign.load(root), code, _rows(int(code[2:])), Path(target))


_LAYOUT: dict[str, list] = {}  # per worker process: the form's heading block, read once


def _layout(campaign) -> list:
    """[(spec, first data row, [(row, col, value, merge end or None)])] of one generated form: every unit's form
    has the same heading block but for the unit's name, written here as {unit}."""
    import openpyxl

    from thidua_xlsx.template import first_data_row

    if "form" not in _LAYOUT:
        model = campaign.units[0]
        form = openpyxl.load_workbook(campaign.workbooks_dir / f"{model.code}.xlsx")
        out = []
        for spec in campaign.catalogue.sheets:
            src, first, cells = form[spec.name], first_data_row(spec), []
            merged = {(m.min_row - 1, m.min_col - 1): (m.max_row - 1, m.max_col - 1)
                      for m in src.merged_cells.ranges if m.max_row <= first}
            for r, line in enumerate(src.iter_rows(max_row=first, values_only=True)):
                cells += [(r, c, v.replace(model.name, "{unit}") if isinstance(v, str) else v, merged.get((r, c)))
                          for c, v in enumerate(line) if v is not None]
            out.append((spec, first, cells))
        _LAYOUT["form"] = out
    return _LAYOUT["form"]


def _fill_no_meta(args: tuple[str, str, str]) -> None:
    """The generated form's visible sheets rewritten cell by cell with xlsxwriter (headings, merges, the unit
    line), filled like _fill_meta, without the _meta and _lists sheets."""
    import xlsxwriter

    from thidua_xlsx import Campaign
    from thidua_xlsx.catalogue import COMPLETION_LEVELS
    from thidua_xlsx.template import sheet_columns

    root, code, target = args
    campaign = _LAYOUT.get("campaign") or _LAYOUT.setdefault("campaign", Campaign.load(root))
    unit = campaign.unit(code)
    wb = xlsxwriter.Workbook(target)
    rows = _rows(int(code[2:]))
    for spec, first, cells in _layout(campaign):
        ws = wb.add_worksheet(spec.name)
        for r, c, value, end in cells:
            value = value.replace("{unit}", unit.name) if isinstance(value, str) else value
            if end:
                ws.merge_range(r, c, *end, value)
            else:
                ws.write(r, c, value)
        cols = sheet_columns(campaign, spec)
        for n, row in enumerate(r for r in rows if r["sheet"] == spec.key):
            marks = set((row.get("marks") or "").split())
            for c, col in enumerate(cols):
                value = {"tt": n + 1, "name": row["name"] or unit.name, "note": row.get("note") or None}.get(col.role)
                if col.role == "completion":
                    value = COMPLETION_LEVELS[row["completion"]]
                elif (col.role == "level" and row["completion"] == col.code) or \
                        (col.role == "item" and col.code in marks):
                    value = "x"
                if value is not None:
                    ws.write(first + n, c, value)
    wb.close()


def filled_returns(n: int, corpus: str) -> Path:
    """N filled returns of a corpus, made once and cached."""
    cache = HERE / ".cache" / f"returns-{n}" if corpus == "meta" else HERE / ".cache" / f"returns-{n}-{corpus}"
    if cache.is_dir() and len(list(cache.glob("*.xlsx"))) == n:
        return cache
    shutil.rmtree(cache, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix="thidua-fill-"))
    try:
        campaign = make_campaign(work / "c", n)
        campaign.generate(None if corpus == "meta" else [campaign.units[0].code])  # no-meta: one form, the layout
        tmp = cache.with_name(cache.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        jobs = [(str(campaign.root), u.code, str(tmp / f"{u.code}.xlsx")) for u in campaign.units]
        print(f"filling {n} returns ({corpus}) once, cached in {cache} ...", flush=True)
        with ProcessPoolExecutor(os.cpu_count()) as pool:
            list(pool.map(_fill_meta if corpus == "meta" else _fill_no_meta, jobs, chunksize=8))
        tmp.rename(cache)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return cache


def openpyxl_loop(files: list[Path]) -> int:
    import pandas as pd

    rows = 0
    for path in files:
        for frame in pd.read_excel(path, sheet_name=None, engine="openpyxl", header=None).values():
            rows += len(frame)
    return rows


def calamine_bound(files: list[Path]) -> int:
    from python_calamine import CalamineWorkbook

    rows = 0
    for path in files:
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            rows += len(wb.get_sheet_by_name(name).to_python())
    return rows


def end_to_end(files_dir: Path, n: int, work: Path) -> tuple[float, float]:
    """collect + report as a clerk runs them, on a fresh campaign: (seconds of collect, seconds of report)."""
    shutil.rmtree(work, ignore_errors=True)
    make_campaign(work, n)
    start = time.perf_counter()
    subprocess.run([*EXE, "collect", str(work), str(files_dir), "--received-at", "2022-03-10T08:00"],
                   check=True, stdout=subprocess.DEVNULL)
    collected = time.perf_counter()
    subprocess.run([*EXE, "report", str(work)], check=True, stdout=subprocess.DEVNULL)
    return collected - start, time.perf_counter() - collected


def status(root: Path) -> None:
    subprocess.run([*EXE, "status", str(root)], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "COLUMNS": "200"})


def report_phases(root: Path) -> dict[str, float]:
    """Where `report` spends its time, phase by phase, in this process on the collected campaign (parse cold)."""
    from thidua_xlsx import Campaign
    from thidua_xlsx.cache import ParseCache
    from thidua_xlsx.checks import RULES
    from thidua_xlsx.consolidate import Consolidation, ReturnInfo, _choose_current, parse_entries
    from thidua_xlsx.council import write_council_workbook
    from thidua_xlsx.findings import Report
    from thidua_xlsx.frame import build_frame
    from thidua_xlsx.identify import UnitIndex, original_name
    from thidua_xlsx.report import _write_csvs, _write_set
    from thidua_xlsx.returns import read_log

    campaign = Campaign.load(root)
    entries = read_log(campaign)
    shutil.rmtree(ParseCache.for_campaign(campaign).path.parent, ignore_errors=True)
    clock = [time.perf_counter()]
    phases: dict[str, float] = {}

    def lap(name: str) -> None:
        clock.append(time.perf_counter())
        phases[name] = clock[-1] - clock[-2]

    parsed = parse_entries(campaign, entries)
    lap("parse (cold, all workers)")
    index = UnitIndex(campaign.units)
    infos = []
    for entry, one in zip(entries, parsed):
        found = index.identify(one, original_name(entry))
        infos.append(ReturnInfo(entry, one, found.unit_code, found.how, conflict=found.conflict))
    lap("identify")
    report = Report()
    _choose_current(campaign, infos, report)
    frame = build_frame(campaign, [(i.unit_code, i.entry.file, i.parsed.rows) for i in infos if i.current])
    lap("frame")
    for r in RULES:
        if r.name != "history_rules":
            report.extend(r.check(campaign, frame))
    lap("rules")
    report.extend(next(r for r in RULES if r.name == "history_rules").check(campaign, frame))
    lap("history (no store)")
    result = Consolidation(frame, report, infos)
    write_council_workbook(campaign, result, root / "reports" / "again.xlsx")
    lap("council workbook")
    staged = {"registrations": root / "reports" / "again.csv", "findings": root / "reports" / "f.csv",
              "council": root / "reports" / "again.xlsx"}
    _write_csvs(result, staged)
    lap("CSVs")
    _write_set(campaign, result, staged)
    lap("council workbook + CSVs side by side, as report writes them")
    return phases


def run(n: int, corpus: str, repeat: int) -> None:
    files_dir = filled_returns(n, corpus)
    files = sorted(files_dir.glob("*.xlsx"))
    work = Path(tempfile.mkdtemp(prefix="thidua-e2e-")) / "c"
    try:
        e2e, (t_collect, t_report) = best_of(repeat, end_to_end, files_dir, n, work)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with (work / "reports" / "registrations.csv").open(encoding="utf-8") as fh:
            rows = sum(1 for _ in fh) - 1
        t_status, _ = best_of(repeat, status, work)
        phases = report_phases(work)
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)
    t_open = best_of(repeat, openpyxl_loop, files)[0] if n <= 2000 else None
    t_cal, _ = best_of(repeat, calamine_bound, files)
    print(f"{n} returns ({corpus}), {rows} registration rows ({os.cpu_count()} cores, best of {repeat})")
    print(f"  thidua collect + report : {e2e:7.2f} s  {rows / e2e:9.0f} rows/s  peak {peak:.0f} MB"
          f"  (collect {t_collect:.2f} s, report {t_report:.2f} s)")
    print_phases(phases)
    print(f"  thidua status           : {t_status:7.2f} s  (target < 2 s at 10,000 units)")
    if t_open is not None:
        print(f"  openpyxl read_excel loop: {t_open:7.2f} s  {rows / t_open:9.0f} rows/s")
    print(f"  calamine read bound     : {t_cal:7.2f} s  {rows / t_cal:9.0f} rows/s")
    if t_open is not None:
        print(f"  speed-up over openpyxl loop: {t_open / e2e:.1f}x (target >= 10x)")
    print(f"  cost over calamine bound:    {e2e / t_cal:.1f}x (target <= 3x)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", choices=("meta", "no-meta", "both"), default="meta")
    parser.add_argument("--no-meta", action="store_true", help="the corpus without _meta (--corpus no-meta)")
    args = parser.parse_args()
    corpus = "no-meta" if args.no_meta else args.corpus
    for one in (("meta", "no-meta") if corpus == "both" else (corpus,)):
        run(args.n, one, args.repeat)


if __name__ == "__main__":
    main()
