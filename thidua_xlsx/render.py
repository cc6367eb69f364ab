"""Terminal rendering of findings and statuses with rich (computing stays in the library)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from thidua_xlsx.findings import SEVERITY_VI, Report
from thidua_xlsx.status import AWAITING, LATE, MISSING, UnitStatus

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def findings_table(campaign: "CampaignConfig", report: Report) -> Table:
    """Findings grouped by unit (units.csv order), errors first within a unit."""
    names = {u.code: u.name for u in campaign.units}
    order = {u.code: n for n, u in enumerate(campaign.units)}
    table = Table(title=f"Kết quả kiểm tra: {report.count('error')} lỗi, {report.count('warning')} cảnh báo, "
                        f"{report.count('info')} thông tin", show_lines=False)
    for column in ("Đơn vị", "Mức", "Mã", "Tên", "Vị trí", "Nội dung"):
        table.add_column(column, overflow="fold")
    findings = sorted(report.sorted(), key=lambda f: order.get(f.unit_code, len(order)))
    previous = None
    for f in findings:
        unit = f"{f.unit_code} {names.get(f.unit_code, '')}".strip() or "(không xác định)"
        if unit != previous and previous is not None:
            table.add_section()
        where = ":".join(str(x) for x in (f.source_file, f.source_sheet, f.source_row) if x not in ("", None))
        table.add_row(unit if unit != previous else "", f"[{STYLE[f.severity]}]{SEVERITY_VI[f.severity]}[/]",
                      f.code, f.name, where, f.message)
        previous = unit
    if not findings:
        table.add_row("", "", "", "", "", "Không có phát hiện nào.")
    return table


def status_table(campaign: "CampaignConfig", statuses: list[UnitStatus]) -> Table:
    """One line per unit: received time, state, versions, rows, findings by severity."""
    late = sum(s.state == LATE for s in statuses)
    missing = sum(s.state == MISSING for s in statuses)
    awaiting = sum(s.state == AWAITING for s in statuses)
    waiting = f", {awaiting} chờ bổ sung" if awaiting else ""
    table = Table(title=f"Tình hình nộp - hạn {campaign.deadline:%d/%m/%Y}: {len(statuses) - missing} đã nộp "
                        f"({late} muộn{waiting}), {missing} chưa nộp")
    table.add_column("Mã", no_wrap=True)
    table.add_column("Đơn vị", min_width=20)
    table.add_column("Nhận lúc", no_wrap=True)
    table.add_column("Tình trạng", no_wrap=True)
    for column in ("Số bản", "Tập thể", "Cá nhân", "Lỗi", "Cảnh báo", "Thông tin"):
        table.add_column(column, justify="right")
    for s in statuses:
        style = {MISSING: "red", LATE: "yellow", AWAITING: "magenta"}.get(s.state, "green")
        at = s.received_at.strftime("%H:%M %d/%m/%Y") if s.received_at else ""
        table.add_row(s.code, s.name, at, f"[{style}]{s.state}[/]", str(s.versions),
                      str(s.rows.get("tap_the", "")), str(s.rows.get("ca_nhan", "")), str(s.errors),
                      str(s.warnings), str(s.infos))
    return table
