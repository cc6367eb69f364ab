"""The benchmarks are scripts no test runs whole (they take minutes): each at least imports and shows its help,
so a renamed function of the package or of their shared helpers is caught here, not by the next person timing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.parametrize("script", sorted(p.name for p in BENCHMARKS.glob("*.py") if p.name != "common.py"))
def test_benchmark_imports_and_shows_its_help(script):
    shown = subprocess.run([sys.executable, script, "--help"], cwd=BENCHMARKS, capture_output=True, text=True,
                           timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("usage: "), shown.stdout
