"""The registration workbook each unit receives, laid out like the official form and written with xlsxwriter."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from thidua_xlsx.catalogue import COMPLETION_LEVELS, GROUPS, ORDER_CLASSES, TICKED_LEVELS, SheetSpec
from thidua_xlsx.errors import OverwriteError
from thidua_xlsx.processes import pool_context

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig, Unit

TEMPLATE_VERSION = 1
PER_WORKER = 16  # below this many workbooks per core, starting processes costs more than it saves
META_SHEET = "_meta"
LISTS_SHEET = "_lists"
FONT = "Times New Roman"
# Row indexes (0-based) of the fixed parts of every sheet.
HEADING_ROW = 7          # first of the two heading rows
SUBHEADING_ROW = 8
NAME_TICK = "DS_DANH_DAU"
NAME_LEVELS = "DS_MUC_DO"
NAME_CLASSES = "DS_HANG"


@dataclass(frozen=True)
class Column:
    """One column of a form table: what it holds, its headings, and how it is filled."""

    role: str            # tt, name, type, completion, level, item, note
    heading: str         # lower heading (or the only one when group is empty)
    group: str = ""      # upper merged heading
    width: float = 12
    code: str = ""       # item code or completion level code
    kind: str = "tick"   # tick or class for items


def sheet_columns(campaign: "CampaignConfig", spec: SheetSpec) -> list[Column]:
    """The columns of one sheet, in form order."""
    cols = [Column("tt", "TT", width=5), Column("name", spec.name_heading, width=30)]
    if spec.types:
        cols.append(Column("type", "LOẠI TẬP THỂ", width=16))
    heading = (f"MỨC ĐỘ HOÀN THÀNH NHIỆM VỤ NĂM {campaign.year}" if campaign.proposal
               else "ĐĂNG KÝ MỨC ĐỘ HOÀN THÀNH NHIỆM VỤ")
    if spec.completion == "text":
        cols.append(Column("completion", heading, width=22))
    elif spec.completion == "ticks":
        cols += [Column("level", COMPLETION_LEVELS[c], heading, 13, code=c) for c in TICKED_LEVELS]
    for group in GROUPS:
        group_heading = GROUPS[group].replace("ĐĂNG KÝ", "ĐỀ NGHỊ", 1) if campaign.proposal else GROUPS[group]
        for item in campaign.catalogue.items_of(spec.key):
            if item.group == group:
                width = 14 if item.kind == "class" else 13
                cols.append(Column("item", item.label, group_heading, width, code=item.code, kind=item.kind))
    cols.append(Column("note", "GHI CHÚ", width=22))
    return cols


def first_data_row(spec: SheetSpec) -> int:
    """0-based index of the first input row: after the headings and, on individual sheets, the numbered row."""
    return SUBHEADING_ROW + (2 if spec.kind != "tap_the" else 1)


class _Formats:
    """The formats of one workbook, created once."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}

        def add(**props: object) -> object:
            return wb.add_format({**base, **props})

        self.bold_center = add(bold=True, align="center")
        self.motto = add(bold=True, align="center", underline=True)
        self.title = add(bold=True, align="center", font_size=14, text_wrap=True)
        self.italic_center = add(italic=True, align="center", text_wrap=True)
        self.section = add(bold=True)
        self.heading = add(bold=True, align="center", text_wrap=True, border=1, font_size=11)
        self.number = add(italic=True, align="center", border=1, font_size=10)
        self.tt = add(align="center", border=1)
        self.text_input = add(border=1, locked=False, text_wrap=True)
        self.mark_input = add(border=1, locked=False, align="center")
        self.total_label = add(bold=True, border=1, align="center")
        self.total = add(bold=True, border=1, align="center", num_format="0")
        self.meta = add()


def _write_header(ws, fmt: _Formats, campaign: "CampaignConfig", unit: "Unit", spec: SheetSpec, ncols: int) -> None:
    split = max(2, (ncols * 2) // 5)
    last = ncols - 1
    ws.merge_range(0, 0, 0, split - 1, campaign.issuer, fmt.bold_center)
    ws.merge_range(1, 0, 1, split - 1, f"{campaign.unit_label}: {unit.name}", fmt.bold_center)
    ws.merge_range(0, split, 0, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", fmt.bold_center)
    ws.merge_range(1, split, 1, last, "Độc lập - Tự do - Hạnh phúc", fmt.motto)
    ws.merge_range(3, 0, 3, last, campaign.title, fmt.title)
    ws.set_row(3, 36)
    if campaign.movement:
        ws.merge_range(4, 0, 4, last, campaign.movement, fmt.italic_center)
        ws.set_row(4, 32)
    ws.write(6, 0, spec.title, fmt.section)


def _write_headings(ws, fmt: _Formats, spec: SheetSpec, cols: Sequence[Column]) -> None:
    col = 0
    while col < len(cols):
        group = cols[col].group
        if not group:
            ws.merge_range(HEADING_ROW, col, SUBHEADING_ROW, col, cols[col].heading.upper()
                           if cols[col].role in ("tt", "note") else cols[col].heading, fmt.heading)
            col += 1
            continue
        end = col
        while end + 1 < len(cols) and cols[end + 1].group == group:
            end += 1
        if end > col:
            ws.merge_range(HEADING_ROW, col, HEADING_ROW, end, group, fmt.heading)
        else:
            ws.write(HEADING_ROW, col, group, fmt.heading)
        for c in range(col, end + 1):
            ws.write(SUBHEADING_ROW, c, cols[c].heading, fmt.heading)
        col = end + 1
    ws.set_row(HEADING_ROW, 36)
    ws.set_row(SUBHEADING_ROW, 80)
    if spec.kind != "tap_the":
        for c in range(len(cols)):
            ws.write_number(SUBHEADING_ROW + 1, c, c + 1, fmt.number)


def _validation(c: Column, types_name: str, proposal: bool = False) -> dict | None:
    if c.role in ("item", "level") and c.kind == "tick":
        what = c.heading
        return {"validate": "list", "source": f"={NAME_TICK}", "error_type": "warning",
                "input_title": "Đánh dấu x",
                "input_message": f"Chọn x nếu đăng ký: {what}. Để trống nếu không đăng ký."[:255],
                "error_title": "Giá trị không đúng", "error_message": "Chỉ đánh dấu x hoặc để trống."}
    if c.role == "item" and c.kind == "class":
        return {"validate": "list", "source": f"={NAME_CLASSES}", "error_type": "warning",
                "input_title": "Hạng Huân chương",
                "input_message": "Chọn hạng Nhất, Nhì hoặc Ba. Để trống nếu không đăng ký.",
                "error_title": "Giá trị không đúng", "error_message": "Chọn Nhất, Nhì hoặc Ba."}
    if c.role == "completion":
        return {"validate": "list", "source": f"={NAME_LEVELS}", "error_type": "warning",
                "input_title": "Mức độ hoàn thành",
                "input_message": "Chọn một trong 4 mức: xuất sắc, tốt, hoàn thành, không hoàn thành nhiệm vụ.",
                "error_title": "Giá trị không đúng", "error_message": "Chọn một mức trong danh sách."}
    if c.role == "type":
        return {"validate": "list", "source": f"={types_name}", "error_type": "warning",
                "input_title": "Loại tập thể", "input_message": "Chọn loại tập thể trong danh sách.",
                "error_title": "Giá trị không đúng", "error_message": "Chọn một loại trong danh sách."}
    if c.role == "name":
        return {"validate": "any", "input_title": "Tên", "input_message": "Ghi đầy đủ họ tên hoặc tên tập thể."}
    if c.role == "note" and proposal:
        return {"validate": "any", "input_title": "Tóm tắt thành tích",
                "input_message": "Tóm tắt thành tích trong năm: sáng kiến, đề tài, kết quả nổi bật."}
    if c.role == "note":
        return {"validate": "any", "input_title": "Ghi chú",
                "input_message": "Ghi sáng kiến, đề tài hoặc lý do đề nghị (nếu có)."}
    return None


def _write_sheet(wb, fmt: _Formats, campaign: "CampaignConfig", unit: "Unit", spec: SheetSpec) -> None:
    ws = wb.add_worksheet(spec.name)
    cols = sheet_columns(campaign, spec)
    ncols = len(cols)
    for c, col in enumerate(cols):
        ws.set_column(c, c, col.width)
    _write_header(ws, fmt, campaign, unit, spec, ncols)
    _write_headings(ws, fmt, spec, cols)
    first = first_data_row(spec)
    last = first + spec.rows - 1
    for r in range(first, last + 1):
        ws.write_number(r, 0, r - first + 1, fmt.tt)
        for c in range(1, ncols):
            ws.write_blank(r, c, None, fmt.text_input if cols[c].role in ("name", "note") else fmt.mark_input)
    if spec.kind == "tap_the":
        ws.write_string(first, 1, unit.name, fmt.text_input)
    types_name = f"DS_LOAI_{spec.key}"
    for c, col in enumerate(cols):
        rule = _validation(col, types_name, campaign.proposal)
        if rule:
            ws.data_validation(first, c, last, c, rule)
    total = last + 1
    ws.write_blank(total, 0, None, fmt.total_label)
    ws.write_string(total, 1, "Tổng cộng", fmt.total_label)
    for c in range(2, ncols):
        if cols[c].role == "note":
            ws.write_blank(total, c, None, fmt.total)
            continue
        letter = xl_col_to_name(c)
        ws.write_formula(total, c, f"=COUNTA({letter}{first + 1}:{letter}{last + 1})", fmt.total, 0)
    sign = total + 2
    left = max(2, ncols - 5)  # never in the name column, where a reader would take it for a registrant
    date_line = f"{campaign.place}, ngày..... tháng..... năm {campaign.year}" if campaign.place else \
        f"Ngày..... tháng..... năm {campaign.year}"
    ws.merge_range(sign, left, sign, ncols - 1, date_line, fmt.italic_center)
    ws.merge_range(sign + 1, left, sign + 1, ncols - 1, campaign.signer, fmt.bold_center)
    ws.merge_range(sign + 2, left, sign + 2, ncols - 1, "(Ký, ghi rõ họ tên, đóng dấu)", fmt.italic_center)
    ws.freeze_panes(first, 2)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADING_ROW, first - 1)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer("&C&\"Times New Roman\"Trang &P/&N")
    ws.print_area(0, 0, sign + 2, ncols - 1)
    ws.protect(campaign.password, {"insert_rows": True, "format_columns": True, "format_rows": True})


def _write_lists(wb, fmt: _Formats, campaign: "CampaignConfig") -> None:
    ws = wb.add_worksheet(LISTS_SHEET)
    lists = {NAME_TICK: ["x"], NAME_LEVELS: list(COMPLETION_LEVELS.values()), NAME_CLASSES: list(ORDER_CLASSES)}
    for spec in campaign.catalogue.sheets:
        if spec.types:
            lists[f"DS_LOAI_{spec.key}"] = list(spec.types)
    for c, (name, values) in enumerate(lists.items()):
        ws.write_string(0, c, name, fmt.meta)
        for r, value in enumerate(values, 1):
            ws.write_string(r, c, value, fmt.meta)
        letter = xl_col_to_name(c)
        wb.define_name(name, f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}")
    ws.protect(campaign.password)
    ws.hide()


def _write_meta(wb, fmt: _Formats, campaign: "CampaignConfig", unit: "Unit") -> None:
    ws = wb.add_worksheet(META_SHEET)
    rows = [("campaign_id", campaign.id), ("unit_code", unit.code), ("unit_name", unit.name),
            ("year", campaign.year), ("preset", campaign.preset), ("template_version", TEMPLATE_VERSION),
            ("generator", "thidua-xlsx")]
    for r, (key, value) in enumerate(rows):
        ws.write_string(r, 0, key, fmt.meta)
        ws.write(r, 1, value, fmt.meta)
    ws.protect(campaign.password)
    ws.hide()


def write_workbook(campaign: "CampaignConfig", unit: "Unit", path: Path) -> Path:
    """Write one unit's registration workbook; the same campaign always gives the same bytes."""
    tmp = path.with_name(f".{path.name}.tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"default_format_properties": {"font_name": FONT, "font_size": 12}})
    wb.set_properties({"title": campaign.title, "author": campaign.office, "company": campaign.issuer,
                       "created": datetime(campaign.year, 1, 1), "comments": f"{campaign.id}/{unit.code}"})
    fmt = _Formats(wb)
    for spec in campaign.catalogue.sheets:
        _write_sheet(wb, fmt, campaign, unit, spec)
    _write_lists(wb, fmt, campaign)
    _write_meta(wb, fmt, campaign, unit)
    wb.worksheets()[0].activate()
    wb.close()
    os.replace(tmp, path)
    return path


def write_unit_workbooks(campaign: "CampaignConfig", units: Sequence["Unit"], force: bool = False,
                         progress: Callable[[int], None] | None = None) -> list[Path]:
    """Write workbooks/<CODE>.xlsx for each unit; refuse before writing anything if one exists and not force."""
    out = campaign.workbooks_dir
    out.mkdir(parents=True, exist_ok=True)
    targets = [(unit, out / f"{unit.code}.xlsx") for unit in units]
    existing = [p for _, p in targets if p.exists()]
    if existing and not force:
        more = f" và {len(existing) - 1} tệp khác" if len(existing) > 1 else ""
        raise OverwriteError(f"Đã có {existing[0]}{more}; dùng --force để tạo lại.")
    workers = min(os.cpu_count() or 1, len(targets) // PER_WORKER)
    if workers < 2:
        for unit, path in targets:
            write_workbook(campaign, unit, path)
            if progress:
                progress(1)
        return [path for _, path in targets]
    # Writing is CPU-bound Python: one process per core (forked where possible; spawned workers get the jobs pickled).
    jobs = [(campaign, unit, path) for unit, path in targets]
    with ProcessPoolExecutor(workers, mp_context=pool_context()) as pool:
        for _ in pool.map(_write_job, jobs, chunksize=max(1, len(jobs) // (workers * 8))):
            if progress:
                progress(1)
    return [path for _, path in targets]


def _write_job(job: tuple["CampaignConfig", "Unit", Path]) -> Path:
    return write_workbook(*job)
