"""One sheet: its tables located, planned and read; a sheet with no registration table is said."""

from __future__ import annotations

from thidua_xlsx.reading.assemble import TableReader
from thidua_xlsx.reading.context import Context
from thidua_xlsx.reading.locate import find_tables
from thidua_xlsx.reading.plan import plan_table
from thidua_xlsx.sources import Grid


def read_sheet(ctx: Context, grid: Grid) -> list[tuple[str, int]]:
    """Read every registration table of a sheet; [(sheet, filled rows not read)] when it has data outside them:
    no registration table at all, or a table of names with nothing a registration has (a payroll, a phone list)."""
    read = 0
    skipped = 0
    for spot in find_tables(grid.rows, ctx.texts, ctx.parsed.unit_lines):
        plan = plan_table(grid.rows, spot, ctx.indexes[spot.kind], ctx.texts)
        if not plan.is_registration:
            skipped += _filled(grid.rows[spot.head:spot.end])
            continue
        ctx.tables += 1
        read += 1
        TableReader(ctx, grid, spot, plan).read()
    filled = skipped if read else _filled(grid.rows)
    return [(grid.name, filled)] if filled >= 2 else []


def _filled(rows: list[list]) -> int:
    """Rows with at least two values: what a sheet or a table holds."""
    return sum(1 for row in rows if sum(v not in ("", None) for v in row) >= 2)
