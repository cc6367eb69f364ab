"""Back to the unit (trả lại để bổ sung): each unit whose current return has errors is sent the list of what to
fix, with the same list as a one-sheet workbook and the date to send the corrected return by."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import PureWindowsPath
from typing import TYPE_CHECKING, Callable, Iterable

from thidua_xlsx.config import VN_TZ
from thidua_xlsx.errors import CampaignError
from thidua_xlsx.findings import CATALOGUE, Finding
from thidua_xlsx.mail import Extra, SendResult, send_batch
from thidua_xlsx.mail_log import RETURN_BATCH

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig, Unit
    from thidua_xlsx.consolidate import Consolidation

# What the unit does about each error (the message says what is wrong).
FIXES = {
    "TEP_HONG": "Lưu lại biểu bằng Excel và gửi lại tệp mở được.",
    "TEP_MA_HOA": "Gỡ mật khẩu mở tệp rồi gửi lại.",
    "TEP_QUA_LON": "Gửi lại đúng biểu đã nhận, không chèn ảnh hay dữ liệu khác.",
    "TEP_KHONG_NHAN_DANG": "Dùng đúng biểu đã gửi kèm thư trước, không đổi tên sheet, không xóa cột.",
    "DON_VI_KHONG_XAC_DINH": "Ghi tên đơn vị ở đầu biểu hoặc dùng đúng biểu đã gửi cho đơn vị.",
    "GIA_TRI_KHONG_RO": "Ghi dấu x vào ô đăng ký, hoặc để trống nếu không đăng ký.",
    "THIEU_TEN": "Ghi họ và tên của người đăng ký, hoặc xóa dòng.",
    "HOAN_THANH_KEP": "Chỉ đánh dấu một mức độ hoàn thành nhiệm vụ.",
    "HUAN_CHUONG_THIEU_HANG": "Ghi hạng Huân chương (Nhất, Nhì hoặc Ba).",
    "TRUNG_TEN_TRONG_DON_VI": "Xóa dòng trùng; nếu là hai người khác nhau, ghi rõ ở cột Ghi chú.",
    "LDXS_KHONG_LDTT": "Đăng ký cả Tập thể Lao động tiên tiến, hoặc bỏ Tập thể Lao động xuất sắc.",
    "CSTDCS_KHONG_LDTT": "Đăng ký cả Lao động tiên tiến, hoặc bỏ Chiến sĩ thi đua cơ sở.",
    "CSTD_TINH_KHONG_CSTDCS": "Đăng ký cả Chiến sĩ thi đua cơ sở, hoặc bỏ Chiến sĩ thi đua cấp tỉnh.",
    "LDTT_MUC_DO_THAP": "Kiểm tra lại mức độ hoàn thành; nếu đúng thì bỏ danh hiệu đã đăng ký.",
}
DEFAULT_FIX = "Kiểm tra lại các năm trước và điều kiện xét tặng; bỏ đăng ký nếu chưa đủ điều kiện."
COLUMNS = ("TT", "Sheet", "Dòng", "Ô", "Họ và tên / Tập thể", "Lỗi", "Nội dung", "Cách sửa")


def _where(f: Finding) -> str:
    """Sheet, row and cell of a finding, as the unit finds it in its own file."""
    parts = [f"sheet {f.source_sheet}"] if f.source_sheet else []
    if f.source_row is not None:
        parts.append(f"dòng {f.source_row}")
    if f.fields.get("cell"):
        parts.append(f"ô {f.fields['cell']}")
    return ", ".join(parts) or "cả tệp"


def findings_text(found: list[Finding]) -> str:
    """The errors as numbered lines of the message: where, what is wrong, what to do."""
    lines = []
    for n, f in enumerate(found, 1):
        who = f" ({f.name})" if f.name else ""
        where = _where(f)
        lines.append(f"{n}. {where[:1].upper()}{where[1:]}{who}: {f.unit_message}\n"
                     f"   Cách sửa: {FIXES.get(f.code, DEFAULT_FIX)}")
    return "\n".join(lines)


def findings_workbook(campaign: "CampaignConfig", unit: "Unit", file: str, found: list[Finding]) -> bytes:
    """A one-sheet workbook of the errors to fix (Times New Roman, A4 landscape, wrapped text)."""
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False})
    base = {"font_name": "Times New Roman", "font_size": 11, "valign": "top"}
    bold = wb.add_format({**base, "bold": True})
    head = wb.add_format({**base, "bold": True, "border": 1, "text_wrap": True, "bg_color": "#E8EEF7"})
    cell = wb.add_format({**base, "border": 1, "text_wrap": True})
    ws = wb.add_worksheet("Cần sửa")
    ws.write_string(0, 0, f"{campaign.issuer} - CÁC LỖI CẦN SỬA TRONG BIỂU ĐĂNG KÝ NĂM {campaign.year}", bold)
    ws.write_string(1, 0, f"Đơn vị: {unit.name} ({unit.code}); tệp: {file}")
    for c, text in enumerate(COLUMNS):
        ws.write_string(3, c, text, head)
    for n, f in enumerate(found, 1):
        values = (n, f.source_sheet, "" if f.source_row is None else f.source_row, str(f.fields.get("cell", "")),
                  f.name, CATALOGUE[f.code].title, f.unit_message, FIXES.get(f.code, DEFAULT_FIX))
        for c, value in enumerate(values):
            ws.write(3 + n, c, value, cell)
    for c, width in enumerate((5, 14, 7, 7, 24, 24, 60, 45)):
        ws.set_column(c, c, width)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(3)
    ws.autofilter(3, 0, 3 + len(found), len(COLUMNS) - 1)
    wb.close()
    return buffer.getvalue()


def return_requests(campaign: "CampaignConfig", consolidation: "Consolidation", codes: Iterable[str] | None = None,
                    fix_by: date | None = None) -> dict[str, Extra]:
    """Per unit code, the message's fields and attachment: units with errors in their current return, or the units
    named (a named unit without a current return is refused)."""
    by_unit: dict[str, list[Finding]] = {}
    for f in consolidation.report.sorted():
        if f.severity == "error" and f.unit_code:
            by_unit.setdefault(f.unit_code, []).append(f)
    fix_by = fix_by or (datetime.now(VN_TZ) + timedelta(days=5)).date()
    chosen = [campaign.unit(c) for c in codes] if codes else [u for u in campaign.units if u.code in by_unit]
    out = {}
    for unit in chosen:
        current = consolidation.current(unit.code)
        if current is None:
            raise CampaignError(f"Đơn vị {unit.code} chưa có biểu nào đọc được để trả lại; dùng thidua remind.")
        found = [f for f in by_unit.get(unit.code, []) if f.source_file in ("", current.entry.file)]
        file = PureWindowsPath(current.entry.source).name or current.entry.file  # the name the unit sent
        fields = {"form": "biểu đề nghị khen thưởng" if campaign.proposal else "biểu đăng ký thi đua, khen thưởng",
                  "file": file, "received_at": f"{current.entry.received_at:%H:%M %d/%m/%Y}", "count": len(found),
                  "findings": findings_text(found) or "(không có lỗi; đơn vị được đề nghị rà soát lại biểu)",
                  "fix_deadline": f"{fix_by:%d/%m/%Y}"}
        out[unit.code] = Extra(fields, findings_workbook(campaign, unit, file, found),
                               f"Các lỗi cần sửa - {unit.name}.xlsx")
    return out


def send_returns(campaign: "CampaignConfig", consolidation: "Consolidation", codes: Iterable[str] | None = None,
                 dry_run: bool = False, force: bool = False, password: str | None = None,
                 fix_by: date | None = None, progress: Callable[[int], None] | None = None) -> SendResult:
    """Send each unit its return's errors; once a day per unit (force: again, as a batch of its own)."""
    extras = return_requests(campaign, consolidation, codes, fix_by)
    now = datetime.now(VN_TZ)
    batch = f"{RETURN_BATCH}{now:%Y-%m-%d}" + (f"-{now:%H%M%S}" if force else "")
    units = [campaign.unit(code) for code in extras]
    return send_batch(campaign, units, "return", batch, dry_run, password, progress, extras=extras)
