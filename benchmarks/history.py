"""Benchmark: the multi-year rules over ten years of history of N units (default 1,000 units × 151 rows a year).

Run: .venv/bin/python benchmarks/history.py [N] [--repeat R]   (default 1,000 units, best of 3)

Ten years (2012-2021) are imported once with `HistoryStore.import_year` into a SQLite store cached in
benchmarks/.cache/history-<N>.sqlite (the import is timed the first time). The campaign year 2022 registers, per
unit, the 150 individuals of the consolidation benchmark, four of whom register a title or award that looks back
(CSTĐ cấp tỉnh, Bằng khen tỉnh, Bằng khen Thủ tướng, Huân chương Lao động hạng Ba): 4 candidates per unit.
In the same run, best of R each:
  1. the history rules as `thidua report` runs them (store query + one grouped pass);
  2. the store query alone (the bound: fetching the candidates' past);
  3. the scan the rules did before: the loaded past filtered once per candidate (the baseline).
Target (issue 14): the history rules under 2 s for 1,000 units.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from common import PEOPLE, best_of, make_campaign, person_row

HERE = Path(__file__).resolve().parent
YEARS = range(2012, 2022)
CLAIMS = {0: "LDTT CSTD_CS CSTD_TINH", 40: "LDTT BK_UBND_TINH", 80: "LDTT BK_TTG", 120: "LDTT HC_LD=Ba"}


def _year_frame(campaign, n: int, year: int):
    """One past year's results: everyone HTTNV or better, every tenth person CSTĐCS, some awards."""
    import pandas as pd

    from thidua_xlsx.frame import registration_columns

    blank = {code: "0" for code in campaign.catalogue.codes} | {"note": "", "source_file": "", "source_sheet": "",
                                                                 "source_row": 0}
    records = []
    for i in range(n):
        records.append(blank | {"unit_code": f"DV{i:05d}", "kind": "tap_the", "name": f"Phòng Nghiệp vụ số {i}",
                                "completion": "HTXSNV", "LDTT": "1"})
        for p in range(PEOPLE):
            row = blank | {"unit_code": f"DV{i:05d}", "kind": "ca_nhan", "name": f"Nguyễn Văn Cán Bộ {i}-{p}",
                           "completion": "HTXSNV" if (p + year) % 3 == 0 else "HTTNV", "LDTT": "1"}
            if p % 10 == 0 and (year + i) % 4:
                row["CSTD_CS"] = "1"
            if p == 80 and year == 2014:
                row["BK_UBND_TINH"] = "1"
            if p == 120 and year == 2015:
                row["BK_TTG"] = "1"
            records.append(row)
    return pd.DataFrame(records, columns=registration_columns(campaign))


def history_store(campaign, n: int) -> str:
    """The URL of a store holding ten years of n units, made once."""
    from thidua_xlsx.history_store import HistoryStore

    path = HERE / ".cache" / f"history-{n}.sqlite"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        store = HistoryStore(f"sqlite:///{tmp}")
        start = time.perf_counter()
        for year in YEARS:
            store.import_year(campaign.issuer, year, _year_frame(campaign, n, year), campaign.catalogue.codes,
                              f"benchmark {year}")
        print(f"imported {len(YEARS)} years of {n} units once in {time.perf_counter() - start:.1f} s "
              f"(cached in {path})", flush=True)
        tmp.rename(path)
    return f"sqlite:///{path}"


def this_year(campaign, n: int):
    """The registrations frame of the campaign year, built as consolidation builds it."""
    from thidua_xlsx.frame import DESCRIPTIVE_COLUMNS, build_frame
    from thidua_xlsx.reader import Rows

    current = []
    for i in range(n):
        rows = Rows()
        people = [person_row(i, p) | ({"marks": CLAIMS[p], "completion": "HTXSNV"} if p in CLAIMS else {})
                  for p in range(PEOPLE)]
        for r, person in enumerate(people):
            rows.kind.append("ca_nhan")
            rows.sheet.append("B. Cá nhân")
            rows.row.append(r + 11)
            rows.name.append(person["name"])
            rows.completion.append(person["completion"])
            rows.note.append(person["note"])
            rows.type.append("")
            for column in DESCRIPTIVE_COLUMNS:  # what returns say of a person besides the registration: nothing here
                getattr(rows, column).append("")
        marks = [dict(m.split("=") if "=" in m else (m, 1) for m in p["marks"].split()) for p in people]
        for item in campaign.catalogue.items:
            rows.items[item.code] = [m.get(item.code, "0" if item.kind == "class" else 0) for m in marks]
        current.append((f"DV{i:05d}", f"DV{i:05d}.xlsx", rows))
    return build_frame(campaign, current)


def scan_per_candidate(campaign, frame) -> int:
    """The baseline: the candidates' past loaded, then filtered once per candidate (what the rules did)."""
    from thidua_xlsx.history_rules import NEEDS_HISTORY
    from thidua_xlsx.history_store import HistoryStore
    from thidua_xlsx.rule_registry import ticked
    from thidua_xlsx.text import name_key

    mask = sum((ticked(frame, code) for code in NEEDS_HISTORY), start=frame["name"].eq("#"))
    keys = frame[mask.astype(bool)]["name"].map(name_key)
    past = HistoryStore.for_campaign(campaign).people(campaign.issuer, set(keys))
    return sum(len(past[past["name_key"].eq(k)]) for k in keys)


def query_bound(campaign, frame) -> int:
    from thidua_xlsx.history_rules import NEEDS_HISTORY
    from thidua_xlsx.history_store import HistoryStore
    from thidua_xlsx.rule_registry import ticked
    from thidua_xlsx.text import name_key

    mask = sum((ticked(frame, code) for code in NEEDS_HISTORY), start=frame["name"].eq("#"))
    keys = {name_key(n) for n in frame[mask.astype(bool)]["name"]}
    return sum(map(len, HistoryStore.for_campaign(campaign).pasts(campaign.issuer, keys, "ca_nhan").values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="thidua-history-"))
    try:
        campaign = make_campaign(work / "c", args.n)
        os.environ["THIDUA_HISTORY_URL"] = history_store(campaign, args.n)
        from thidua_xlsx.history_rules import history_rules

        frame = this_year(campaign, args.n)
        t_rules, findings = best_of(args.repeat, lambda: list(history_rules(campaign, frame)))
        t_query, fetched = best_of(args.repeat, query_bound, campaign, frame)
        t_scan, _ = best_of(args.repeat, scan_per_candidate, campaign, frame)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.code] = counts.get(f.code, 0) + 1
    candidates = args.n * len(CLAIMS)
    print(f"{args.n} units, {len(YEARS)} years in the store, {candidates} candidates, {fetched} past rows fetched "
          f"(best of {args.repeat})")
    print(f"  history rules (query + grouped pass): {t_rules:7.3f} s  (target < 2 s)")
    print(f"  store query alone (bound)           : {t_query:7.3f} s  -> rules cost {t_rules / t_query:.1f}x "
          "the query")
    print(f"  per-candidate scan (before)         : {t_scan:7.3f} s  -> {t_scan / t_rules:.1f}x slower than "
          "the rules")
    print("  findings: " + ", ".join(f"{code} {count}" for code, count in sorted(counts.items())))


if __name__ == "__main__":
    main()
