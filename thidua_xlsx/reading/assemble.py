"""Reading one table into the return's rows, a column at a time: names, kinds, marks, completion, items written
as text, descriptive columns; then the findings of the table and its Tổng cộng check."""

from __future__ import annotations

from itertools import repeat
from typing import Sequence

from xlsxwriter.utility import xl_rowcol_to_cell

from thidua_xlsx.findings import Finding, finding
from thidua_xlsx.reading import decode
from thidua_xlsx.reading.context import Context
from thidua_xlsx.reading.describe import describe
from thidua_xlsx.reading.layout import lay_out
from thidua_xlsx.reading.locate import Spot
from thidua_xlsx.reading.plan import Column, Plan
from thidua_xlsx.sources import Grid

LAST = 1 << 20  # findings of a whole row come after those of its cells


class TableReader:
    """One table of one sheet, read into ctx.parsed.rows."""

    def __init__(self, ctx: Context, grid: Grid, spot: Spot, plan: Plan) -> None:
        self.ctx, self.grid, self.spot, self.plan = ctx, grid, spot, plan
        self.start = plan.data
        seg = grid.rows[plan.data:spot.end]
        wide = max([max((*(col.c for col in plan.columns), *plan.unknown), default=0) + 1, *map(len, seg)])
        self.seg = seg
        if set(map(len, seg)) == {wide}:  # a rectangle (as calamine lays a sheet out): no row to pad
            self.by_column = list(zip(*seg))  # the body transposed once
        else:
            self.by_column = list(zip(*(row + [None] * (wide - len(row)) if len(row) < wide else row
                                        for row in seg))) or [()] * wide
        self.found: list[tuple[int, int, Finding]] = []

    def read(self) -> None:
        """Sort the rows, decode each column over the data rows, append them, then say what was met."""
        labels = self._names()
        layout = lay_out(self.seg, self.by_column, labels, self.plan, self.spot.kind)
        if layout.merged:
            self._merge(layout.merged)
        self.layout = layout
        data = layout.data
        if data and data[-1] - data[0] + 1 == len(data):  # a run of rows, the usual case: a slice
            self.names = labels[data[0]:data[-1] + 1]
            self.rows_at = list(range(self.start + data[0] + 1, self.start + data[-1] + 2))
        else:
            self.names = [labels[i] for i in data]
            self.rows_at = [self.start + i + 1 for i in data]
        described = describe(self)  # before the marks: it takes honorifics out of the names findings show
        counted, values = self._marks()
        values.update(described)
        for j in layout.late:
            self.found.append((j, LAST + 2, finding("DONG_SAU_CHU_KY", **self.where(j))))
        if "" in self.names:
            for j in (j for j, name in enumerate(self.names) if not name):
                self.found.append((j, LAST + 1, finding("THIEU_TEN", **self.where(j))))
        self.ctx.parsed.findings.extend(f for _, _, f in sorted(self.found, key=lambda x: x[:2]))
        self.ctx.append(self.grid.name, self.rows_at, self.names, layout.kinds, values)
        self._unknown()
        for i in layout.totals:
            self._check_totals(i, counted)

    def where(self, j: int) -> dict:
        """Where data row j is, for its findings."""
        return {"kind": self.layout.kinds[j], "name": self.names[j], "source_file": self.ctx.parsed.file,
                "source_sheet": self.grid.name, "source_row": self.rows_at[j]}

    def column(self, c: int) -> Sequence:
        """The cells of column c on the data rows."""
        cells, data = self.by_column[c], self.layout.data
        if data and data[-1] - data[0] + 1 == len(data):  # a run of rows, the usual case: a slice
            return cells[data[0]:data[-1] + 1]
        return [cells[i] for i in data]

    def unclear(self, j: int, col: Column, value: object, hint: str) -> None:
        """A cell (or a part of one) that says nothing the reader knows: GIA_TRI_KHONG_RO with the line to teach."""
        cell = xl_rowcol_to_cell(self.rows_at[j] - 1, col.c)
        self.found.append((j, col.c, finding("GIA_TRI_KHONG_RO", cell=cell, column=col.label, value=value,
                                             hint=hint, **self.where(j))))

    def _names(self) -> list[str]:
        """Each body row's name: the name column, or the parts of a split name joined in order."""
        parts = sorted(self.plan.of("name_part"), key=lambda col: (col.code, col.c))
        if not parts:
            name = self.plan.of("name")
            return self.ctx.texts.column(self.by_column[name[0].c]) if name else [""] * len(self.seg)
        columns = [self.ctx.texts.column(self.by_column[col.c]) for col in parts]
        return [" ".join(p for p in row if p) for row in zip(*columns)]

    def _merge(self, merged: dict[int, int]) -> None:
        """A person's second Excel row completes the first: its cells fill the first row's blanks."""
        self.by_column = [list(cells) for cells in self.by_column]
        for i, parent in merged.items():
            for cells in self.by_column:
                if cells[parent] in ("", None) and cells[i] not in ("", None):
                    cells[parent] = cells[i]

    def _marks(self) -> tuple[dict[int, int], dict[str, list]]:
        """Item, level and completion columns decoded; the count of marks per column, when a Tổng cộng row will
        be checked against it."""
        n = len(self.layout.data)
        counted: dict[int, int] = {}
        items: dict[str, list] = {}
        levels: list[tuple[str, list]] = []
        completion = [""] * n
        columns = self.plan.of("item", "level", "completion", "items")
        cells = {col.c: self.column(col.c) for col in columns}
        tables = _Tables(self.ctx, [cells[col.c] for col in columns if col.role in ("item", "level")])
        for col in columns:
            values = cells[col.c]
            if col.role == "completion":
                completion = self._completion(col, values)
                if self.layout.totals:
                    counted[col.c] = n - completion.count("")
            elif col.role == "items":
                for code, marks in self._items_text(col, values).items():
                    _merge_item(items, code, marks)
            else:
                marks = self._ticks(col, values, tables)
                if self.layout.totals:
                    counted[col.c] = n - marks.count(0)
                if col.role == "level":
                    levels.append((col.code, marks))
                else:
                    _merge_item(items, col.code.partition("=")[0], marks)
        if levels:
            self._levels(levels, completion)
        return counted, {"completion": completion, "items": items}

    def _ticks(self, col: Column, values: Sequence, tables: _Tables) -> list:
        """A tick or class column: 1/0 or a class per row; an unclear cell is a finding and counts as blank."""
        base, _, fixed = col.code.partition("=")  # "HC_LD=Ba": a column per class, ticked
        is_class = col.role == "item" and not fixed and self.ctx.indexes[""].item_kinds.get(base) == "class"
        table = tables.of(is_class)
        if fixed:
            table = {value: fixed if m == 1 else m for value, m in table.items()}
        marks = list(map(table.__getitem__, values))
        if None in table.values():
            for j in (j for j, m in enumerate(marks) if m is None):
                text = self.ctx.texts.text(values[j])
                self.unclear(j, col, text, self.ctx.teach_mark(text))
                marks[j] = 0
        return marks

    def _completion(self, col: Column, values: Sequence) -> list[str]:
        """A completion column (text, short form or score): level codes ("" where a cell says none)."""
        table = {value: self.ctx.level(value) for value in dict.fromkeys(values)}  # first seen first, as read
        levels = list(map(table.__getitem__, values))
        if None in table.values():
            for j in (j for j, code in enumerate(levels) if code is None):
                text = self.ctx.texts.text(values[j])
                self.unclear(j, col, text, self.ctx.teach_mark(text))
                levels[j] = ""
        return levels

    def _levels(self, levels: list[tuple[str, list]], completion: list[str]) -> None:
        """Completion as two tick columns: one tick gives the level, two are a finding."""
        codes = [code for code, _ in levels]
        ticks = list(zip(*(marks for _, marks in levels)))
        one = {tuple(int(k == n) for k in range(len(codes))): code for n, code in enumerate(codes)}  # one tick
        picked = list(map(one.get, ticks, repeat("")))
        if completion.count("") == len(completion):  # no completion column besides: the ticks say it all
            completion[:] = picked
        else:
            completion[:] = [done or level for done, level in zip(completion, picked)]
        blank = (0,) * len(codes)
        if set(ticks).issubset(one.keys() | {blank}):
            return  # no row ticked twice
        for j in (j for j, row_marks in enumerate(ticks) if row_marks not in one and row_marks != blank):
            both = ", ".join(code for code, m in zip(codes, ticks[j]) if m != 0)
            self.found.append((j, LAST, finding("HOAN_THANH_KEP", levels=both, **self.where(j))))

    def _items_text(self, col: Column, values: list) -> dict[str, list]:
        """Titles and awards written as text: each part mapped through the vocabulary; a part that maps to
        nothing, or to an item of the other kind, is a finding."""
        n = len(values)
        found: dict[str, list] = {}
        for j, value in enumerate(values):
            raw = value if isinstance(value, str) else self.ctx.texts.text(value)
            for part in map(self.ctx.texts.text, decode.item_parts(raw) if raw else ()):
                kind = self.layout.kinds[j]
                codes = self.ctx.items_in(part, kind)
                if codes is None:
                    self.unclear(j, col, part, self.ctx.teach_item(part, kind))
                    continue
                for code in codes:
                    base, _, cls = code.partition("=")
                    if base not in self.ctx.indexes[kind].own_codes and kind in self.ctx.kinds_with_sheet:
                        self.found.append((j, col.c, finding(
                            "MUC_KHAC_LOAI", item=part, column=col.label, **self.where(j))))
                        continue
                    found.setdefault(base, [0] * n)[j] = cls or 1
        return found

    def _unknown(self) -> None:
        """Cells under an unknown heading, on every row before the signature block, counted in one finding."""
        totals = set(self.layout.totals)
        for c, label in self.plan.unknown.items():
            cells = self.by_column[c][:self.layout.stop]
            count = sum(1 for i, v in enumerate(cells) if v not in ("", None) and i not in totals)
            if count:
                self.ctx.parsed.findings.append(finding(
                    "COT_KHONG_NHAN_DANG", kind=self.spot.kind, source_file=self.ctx.parsed.file,
                    source_sheet=self.grid.name, column=label, cells=count, hint=self.ctx.teach_heading(label)))

    def _check_totals(self, i: int, counted: dict[int, int]) -> None:
        """A Tổng cộng row's numbers against the marks counted in its columns."""
        for col in self.plan.of("item", "level", "completion"):
            value = self.by_column[col.c][i]
            if isinstance(value, str):
                value = value.strip()
                if not value.isdigit():
                    continue
            if isinstance(value, bool) or not isinstance(value, (int, float, str)) or col.c not in counted:
                continue
            declared = float(value)
            if declared != counted[col.c]:
                shown = str(int(declared)) if declared.is_integer() else str(declared)
                self.ctx.parsed.findings.append(finding(
                    "TONG_CONG_LECH", kind=self.spot.kind, source_file=self.ctx.parsed.file,
                    source_sheet=self.grid.name, source_row=self.start + i + 1, column=col.label,
                    declared=shown, counted=counted[col.c]))


def _merge_item(items: dict[str, list], code: str, marks: list) -> None:
    """Two columns for one item (a class per column, or ticks and text): a mark wins over a blank."""
    if code in items:
        items[code] = [m if m != 0 else old for old, m in zip(items[code], marks)]
    else:
        items[code] = marks


class _Tables:
    """The value of every distinct cell of a table's tick and class columns, worked out once for all of them."""

    def __init__(self, ctx: Context, columns: list[Sequence]) -> None:
        self.ctx = ctx
        self.values = set().union(*columns)
        self.tables: dict[bool, dict] = {}

    def of(self, is_class: bool) -> dict:
        """Cell value -> tick (1/0) or class ("Nhất", "1", 0); None for a cell neither says."""
        if is_class not in self.tables:
            self.tables[is_class] = {value: self.ctx.mark(value, is_class) for value in self.values}
        return self.tables[is_class]
