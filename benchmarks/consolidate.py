"""Benchmark: consolidate N returns (1 collective + 150 individuals each, the seed-003 form) three ways.

Run: .venv/bin/python benchmarks/consolidate.py [N] [REPEAT]   (default 1,000 returns, best of 2; the README uses 3)

In the same run it times, each REPEAT times and keeping the best (this machine's speed drifts by a third from
minute to minute; the minimum is the steadiest estimate, and every contender gets the same number of tries):
  1. `thidua collect` + `thidua report` end to end on a fresh campaign (subprocesses; peak RSS measured);
  2. a hand-written loop of pandas.read_excel(engine="openpyxl") over every sheet of every file;
  3. the calamine bound: python-calamine reading every sheet of every file into Python lists.
and prints seconds, rows per second, peak memory and the two ratios (targets: ≥ 10x faster than 2, ≤ 3x of 3).
The filled returns are made once with the project's generator and an openpyxl filler, and cached in
benchmarks/.cache/returns-<N>/.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from common import units_csv

HERE = Path(__file__).resolve().parent
PEOPLE = 150


def _campaign(root: Path, n: int):
    from thidua_xlsx import Campaign

    Campaign.init(root, preset="so-cong-thuong", year=2022)
    toml = root / "campaign.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("rows = 40", f"rows = {PEOPLE}"), encoding="utf-8")
    (root / "units.csv").write_text(units_csv(n), encoding="utf-8")
    return Campaign.load(root)


def _fill(args: tuple[str, str, str]) -> None:
    from thidua_xlsx import Campaign
    from thidua_xlsx.demo import fill_workbook

    root, code, target = args
    campaign = Campaign.load(root)
    i = int(code[2:])
    rows = [{"sheet": "A", "name": "", "completion": "HTXSNV", "marks": "LDTT LDXS"}]
    for p in range(PEOPLE):
        level = "HTXSNV" if p % 10 == 0 else "HTTNV"
        marks = "LDTT CSTD_CS" if p % 10 == 0 else ("LDTT" if p % 7 else "GK_GD_SO")
        rows.append({"sheet": "B", "name": f"Nguyễn Văn Cán Bộ {i}-{p}", "completion": level, "marks": marks,
                     "note": "Sáng kiến" if p % 10 == 0 else ""})
    fill_workbook(campaign, code, rows, Path(target))


def filled_returns(n: int) -> Path:
    """N filled returns, made once and cached."""
    cache = HERE / ".cache" / f"returns-{n}"
    if cache.is_dir() and len(list(cache.glob("*.xlsx"))) == n:
        return cache
    shutil.rmtree(cache, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix="thidua-fill-"))
    try:
        campaign = _campaign(work / "c", n)
        campaign.generate()
        tmp = cache.with_name(cache.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        jobs = [(str(campaign.root), u.code, str(tmp / f"{u.code}.xlsx")) for u in campaign.units]
        print(f"filling {n} returns once (cached in {cache}) ...", flush=True)
        with ProcessPoolExecutor(os.cpu_count()) as pool:
            list(pool.map(_fill, jobs, chunksize=8))
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


def end_to_end(files_dir: Path, n: int) -> tuple[float, float, int, dict[str, float]]:
    """collect + report as a clerk runs them; returns (seconds, peak MB of the subprocesses, rows, phases)."""
    work = Path(tempfile.mkdtemp(prefix="thidua-e2e-"))
    try:
        _campaign(work / "c", n)
        exe = [sys.executable, "-m", "thidua_xlsx"]
        start = time.perf_counter()
        subprocess.run([*exe, "collect", str(work / "c"), str(files_dir), "--received-at", "2022-03-10T08:00"],
                       check=True, stdout=subprocess.DEVNULL)
        collected = time.perf_counter()
        subprocess.run([*exe, "report", str(work / "c")], check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with (work / "c" / "reports" / "registrations.csv").open(encoding="utf-8") as fh:
            rows = sum(1 for _ in fh) - 1
        phases = {"collect": collected - start, "report": seconds - (collected - start)}
        phases.update(_report_phases(work / "c"))
        return seconds, peak, rows, phases
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _report_phases(root: Path) -> dict[str, float]:
    """Where `report` spends its time, measured in this process on the same campaign (parse cache warm)."""
    from thidua_xlsx import Campaign
    from thidua_xlsx.council import write_council_workbook

    campaign = Campaign.load(root)
    start = time.perf_counter()
    result = campaign.consolidate()
    consolidated = time.perf_counter()
    write_council_workbook(campaign, result, root / "reports" / "again.xlsx")
    return {"consolidate (cached parse)": consolidated - start, "council workbook": time.perf_counter() - consolidated}


def _timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main(n: int = 1000, repeat: int = 2) -> None:
    files_dir = filled_returns(n)
    files = sorted(files_dir.glob("*.xlsx"))
    e2e, peak, rows, phases = min((end_to_end(files_dir, n) for _ in range(repeat)), key=lambda run: run[0])
    t_open = min(_timed(openpyxl_loop, files)[0] for _ in range(repeat))
    t_cal = min(_timed(calamine_bound, files)[0] for _ in range(repeat))
    print(f"{n} returns, {rows} registration rows ({os.cpu_count()} cores, best of {repeat})")
    print(f"  thidua collect + report : {e2e:7.2f} s  {rows / e2e:9.0f} rows/s  peak {peak:.0f} MB")
    print("    " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    print(f"  openpyxl read_excel loop: {t_open:7.2f} s  {rows / t_open:9.0f} rows/s")
    print(f"  calamine read bound     : {t_cal:7.2f} s  {rows / t_cal:9.0f} rows/s")
    print(f"  speed-up over openpyxl loop: {t_open / e2e:.1f}x (target >= 10x)")
    print(f"  cost over calamine bound:    {e2e / t_cal:.1f}x (target <= 3x)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
