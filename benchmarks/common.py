"""Helpers shared by the benchmarks: units, campaigns, best-of-N timing and the phase table."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Callable

PEOPLE = 150  # individuals per return; each return also has its collective's own line


def units_csv(n: int) -> str:
    """A units.csv of n units with distinct codes, names and addresses."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "email", "aliases"])
    for i in range(n):
        writer.writerow([f"DV{i:05d}", f"Phòng Nghiệp vụ số {i}", f"dv{i}@example.org", ""])
    return out.getvalue()


def make_campaign(root: Path, n: int, year: int = 2022):
    """A so-cong-thuong campaign of n units whose individual sheet has PEOPLE rows."""
    from thidua_xlsx import Campaign

    Campaign.init(root, preset="so-cong-thuong", year=year)
    toml = root / "campaign.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("rows = 40", f"rows = {PEOPLE}"), encoding="utf-8")
    (root / "units.csv").write_text(units_csv(n), encoding="utf-8")
    return Campaign.load(root)


def person_row(i: int, p: int) -> dict:
    """The p-th individual of unit i, as every benchmark corpus registers them."""
    level = "HTXSNV" if p % 10 == 0 else "HTTNV"
    marks = "LDTT CSTD_CS" if p % 10 == 0 else ("LDTT" if p % 7 else "GK_GD_SO")
    return {"sheet": "B", "name": f"Nguyễn Văn Cán Bộ {i}-{p}", "completion": level, "marks": marks,
            "note": "Sáng kiến" if p % 10 == 0 else ""}


def best_of(repeat: int, fn: Callable, *args):
    """(fastest seconds, result of that run) over repeat runs: this machine drifts by a third from minute to
    minute, and the minimum is the steadiest estimate."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args)
        runs.append((time.perf_counter() - start, result))
    return min(runs, key=lambda run: run[0])


def print_phases(phases: dict[str, float]) -> None:
    """One line per phase, so the next regression shows where it is."""
    width = max(map(len, phases))
    for name, seconds in phases.items():
        print(f"    {name:<{width}} {seconds:7.3f} s")
