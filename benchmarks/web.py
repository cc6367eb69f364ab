"""Benchmark: the web page's status and findings pages on a campaign of N units, next to `thidua status`.

Run: .venv/bin/python benchmarks/web.py [N] [REPEAT]   (default 1,000 units, best of 3; target: under 300 ms a page)

The returns are the ones benchmarks/consolidate.py makes (1 collective + 150 individuals each, cached in
benchmarks/.cache/returns-<N>/), collected with `thidua collect`: a third of them after the deadline, a tenth of the
units never (NOP_MUON and CHUA_NOP findings to list). In the same run it times:
  1. `thidua status` as a clerk runs it (a subprocess; the parse cache is warm after the first run);
  2. the status page and the findings page served by the app in this process: the first request (the page
     consolidates, parse cache warm) and then the best of REPEAT requests (the page reuses its consolidation while
     nothing it read has changed).
and prints milliseconds and the ratio of each page to `thidua status`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import make_campaign
from consolidate import filled_returns

EXE = [sys.executable, "-m", "thidua_xlsx"]


def _best(fn, repeat: int) -> float:  # noqa: ANN001 - a callable
    """The fastest of repeat runs, in seconds (this machine drifts; the minimum is the steadiest)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _get(client, url: str) -> None:  # noqa: ANN001 - a TestClient
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)


def main(n: int = 1000, repeat: int = 3) -> None:
    from starlette.testclient import TestClient

    from thidua_xlsx.web.app import create_app

    files = filled_returns(n, "meta")
    work = Path(tempfile.mkdtemp(prefix="thidua-web-bench-"))
    try:
        make_campaign(work / "c", n)
        paths = sorted(str(p) for p in files.glob("*.xlsx"))
        late = len(paths) // 3  # a third arrive after the deadline, and a tenth never: findings to list
        for part, when in ((paths[:-late - n // 10], "2022-03-10T08:00"), (paths[-late:], "2022-03-20T08:00")):
            subprocess.run([*EXE, "collect", str(work / "c"), *part, "--received-at", when], check=True,
                           stdout=subprocess.DEVNULL)
        status = [*EXE, "status", str(work / "c")]
        start = time.perf_counter()
        subprocess.run(status, check=True, stdout=subprocess.DEVNULL)
        cli_cold = time.perf_counter() - start
        cli = _best(lambda: subprocess.run(status, check=True, stdout=subprocess.DEVNULL), repeat)
        client = TestClient(create_app(work, "127.0.0.1", 8765), base_url="http://127.0.0.1:8765")
        rows = []
        for label, url in (("trang Tình hình nộp", "/c/c"), ("trang Phát hiện", "/c/c/phat-hien"),
                           ("Phát hiện, lọc mức lỗi", "/c/c/phat-hien?muc=error")):
            start = time.perf_counter()
            _get(client, url)
            first = time.perf_counter() - start
            rows.append((label, first, _best(lambda: _get(client, url), repeat)))
        findings = client.get("/c/c/phat-hien").text.count("<tr class=\"sev-")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{n} đơn vị, {len(paths) - n // 10} tệp đã thu; best of {repeat}")
    print(f"  thidua status (lần đầu, đọc mọi tệp)      {cli_cold * 1000:8.0f} ms")
    print(f"  thidua status (lần sau, trạng thái đã lưu)  {cli * 1000:8.0f} ms")
    for label, first, best in rows:
        print(f"  {label:26} lần đầu {first * 1000:8.0f} ms, sau đó {best * 1000:6.1f} ms "
              f"({cli / best:5.1f}x nhanh hơn thidua status; mục tiêu < 300 ms)")
    print(f"  (trang Phát hiện hiện {findings} dòng đầu tiên, 200 mỗi trang)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1000, help="units of the campaign")
    parser.add_argument("repeat", nargs="?", type=int, default=3, help="requests timed, the best kept")
    args = parser.parse_args()
    main(args.n, args.repeat)
