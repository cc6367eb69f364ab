"""Helpers shared by the benchmarks."""

from __future__ import annotations

import csv
import io


def units_csv(n: int) -> str:
    """A units.csv of n units with distinct codes, names and addresses."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "email", "aliases"])
    for i in range(n):
        writer.writerow([f"DV{i:04d}", f"Phòng Nghiệp vụ số {i}", f"dv{i}@example.org", ""])
    return out.getvalue()
