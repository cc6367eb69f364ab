"""One sheet: its tables located, planned and read; a sheet with no registration table is said."""

from __future__ import annotations

from thidua_xlsx.reading.assemble import TableReader
from thidua_xlsx.reading.context import Context
from thidua_xlsx.reading.locate import find_tables
from thidua_xlsx.reading.plan import plan_table
from thidua_xlsx.sources import Grid


def read_sheet(ctx: Context, grid: Grid) -> list[tuple[str, int]]:
    """Read every registration table of a sheet; [(sheet, filled rows)] when it has none but holds data (a
    payroll, a phone list, a table nobody can read)."""
    read = 0
    for spot in find_tables(grid.rows, ctx.texts, ctx.parsed.unit_lines):
        plan = plan_table(grid.rows, spot, ctx.indexes[spot.kind], ctx.texts)
        if not plan.is_registration:
            continue
        ctx.tables += 1
        read += 1
        TableReader(ctx, grid, spot, plan).read()
    if read:
        return []
    filled = sum(1 for row in grid.rows if sum(v not in ("", None) for v in row) >= 2)
    return [(grid.name, filled)] if filled >= 2 else []
