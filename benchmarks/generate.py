"""Benchmark: generate N unit workbooks with thidua-xlsx against bare xlsxwriter writing the same cells.

Run: .venv/bin/python benchmarks/generate.py [N]   (default 1,000). Prints both times and the ratio (target ≤ 1.5×).
The baseline writes every cell, merge, validation and format of the form with plain xlsxwriter calls and no
project code, so the ratio measures what the project's layer costs on top of the writer.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import xlsxwriter
from common import units_csv

from thidua_xlsx import Campaign


def bare_xlsxwriter(campaign: Campaign, out: Path) -> None:
    """The same sheets, cells, merges and validations as the form, written directly."""
    from thidua_xlsx.template import first_data_row, sheet_columns

    specs = [(spec, sheet_columns(campaign, spec), first_data_row(spec)) for spec in campaign.catalogue.sheets]
    for unit in campaign.units:
        wb = xlsxwriter.Workbook(str(out / f"{unit.code}.xlsx"))
        head = wb.add_format({"bold": True, "border": 1, "text_wrap": True, "font_name": "Times New Roman"})
        cell = wb.add_format({"border": 1, "locked": False, "font_name": "Times New Roman"})
        for spec, cols, first in specs:
            ws = wb.add_worksheet(spec.name)
            n = len(cols)
            ws.merge_range(0, 0, 0, 3, campaign.issuer, head)
            ws.merge_range(1, 0, 1, 3, unit.name, head)
            ws.merge_range(0, 4, 0, n - 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", head)
            ws.merge_range(1, 4, 1, n - 1, "Độc lập - Tự do - Hạnh phúc", head)
            ws.merge_range(3, 0, 3, n - 1, campaign.title, head)
            ws.merge_range(4, 0, 4, n - 1, campaign.movement, head)
            for c, col in enumerate(cols):
                ws.set_column(c, c, col.width)
                ws.write(7, c, col.group or col.heading, head)
                ws.write(8, c, col.heading, head)
                ws.data_validation(first, c, first + spec.rows - 1, c,
                                   {"validate": "list", "source": ["x"], "input_title": "x", "input_message": "x"})
            for r in range(first, first + spec.rows):
                ws.write_number(r, 0, r - first + 1, cell)
                for c in range(1, n):
                    ws.write_blank(r, c, None, cell)
            for c in range(2, n):
                ws.write_formula(first + spec.rows, c, f"=COUNTA(A{first + 1}:A{first + spec.rows})", head, 0)
            ws.protect("", {"insert_rows": True})
        meta = wb.add_worksheet("_meta")
        meta.write(0, 0, unit.code)
        wb.close()


def main(n: int = 1000) -> None:
    work = Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    try:
        campaign = Campaign.init(work / "c", preset="so-cong-thuong", year=2022)
        (work / "c" / "units.csv").write_text(units_csv(n), encoding="utf-8")
        campaign = Campaign.load(work / "c")
        start = time.perf_counter()
        campaign.generate()
        ours = time.perf_counter() - start
        base_dir = work / "bare"
        base_dir.mkdir()
        start = time.perf_counter()
        bare_xlsxwriter(campaign, base_dir)
        bare = time.perf_counter() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{n} workbooks: thidua generate {ours:.2f} s ({ours / n * 1000:.1f} ms each), "
          f"bare xlsxwriter {bare:.2f} s ({bare / n * 1000:.1f} ms each)")
    print(f"ratio {ours / bare:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1000, help="workbooks to generate")
    main(parser.parse_args().n)
