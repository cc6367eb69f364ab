"""The demo: the whole round on the bundled example (init, generate, units fill their forms, collect, report)."""

from __future__ import annotations

import csv
import os
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from thidua_xlsx.campaign import Campaign
from thidua_xlsx.catalogue import COMPLETION_LEVELS
from thidua_xlsx.errors import CampaignError, OverwriteError
from thidua_xlsx.template import first_data_row, sheet_columns

EXAMPLE = Path(__file__).resolve().parent / "example"  # package data: a wheel install has it too


def fill_workbook(campaign: Campaign, unit_code: str, rows: Iterable[dict], target: Path) -> Path:
    """Fill a unit's generated form with openpyxl, as a clerk of the unit would, and save it as target.

    Each row: sheet (A/B/C key), name (empty on A: keep the pre-filled own line), completion (code),
    marks ("LDTT CSTD_CS HC_LD=Ba"), tick (the mark typed, default "x"), note.
    """
    import openpyxl

    wb = openpyxl.load_workbook(campaign.workbooks_dir / f"{unit_code}.xlsx")
    next_row: dict[str, int] = {}
    for row in rows:
        spec = next(s for s in campaign.catalogue.sheets if s.key == row["sheet"])
        ws = wb[spec.name]
        cols = sheet_columns(campaign, spec)
        first = first_data_row(spec)
        r = next_row.get(spec.key, first)
        if r >= first + spec.rows:
            raise CampaignError(f"Biểu {spec.name} của {unit_code} chỉ có {spec.rows} dòng trống.")
        next_row[spec.key] = r + 1
        tick = row.get("tick") or "x"
        marks = dict(m.split("=", 1) if "=" in m else (m, tick) for m in (row.get("marks") or "").split())
        for c, col in enumerate(cols):
            cell = ws.cell(row=r + 1, column=c + 1)
            if col.role == "name" and row.get("name"):
                cell.value = row["name"]
            elif col.role == "completion" and row.get("completion"):
                cell.value = COMPLETION_LEVELS[row["completion"]]
            elif col.role == "level" and row.get("completion") == col.code:
                cell.value = tick
            elif col.role == "item" and col.code in marks:
                cell.value = marks[col.code]
            elif col.role == "note" and row.get("note"):
                cell.value = row["note"]
            elif col.role == "type" and row.get("type"):
                cell.value = row["type"]
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def run_demo(directory: Path, example: Path = EXAMPLE, echo: Callable[[str], None] = print) -> dict[str, Path]:
    """Run the whole cycle into a new directory; refuse to reuse one that is not empty."""
    if directory.exists() and any(directory.iterdir()):
        raise OverwriteError(f"Thư mục '{directory}' đã có dữ liệu; hãy chọn thư mục mới cho bản chạy thử.")
    source = example / "returns.csv"
    if not source.is_file():
        raise CampaignError(f"Không tìm thấy dữ liệu ví dụ {source}.")
    with source.open(encoding="utf-8", newline="") as fh:
        example_rows = list(csv.DictReader(fh))
    root = directory / "so-cong-thuong-2022"
    campaign = Campaign.init(root, preset="so-cong-thuong", year=2022)
    echo(f"1. Tạo chiến dịch: {root}")
    campaign.generate()
    echo(f"2. Tạo {len(campaign.units)} biểu đăng ký: {campaign.workbooks_dir}")
    outputs = {"Chiến dịch": root / "campaign.toml", "Biểu đăng ký": campaign.workbooks_dir}
    outputs.update(_send(campaign, echo))
    files: dict[tuple[str, str, str], list[dict]] = {}
    for row in example_rows:
        files.setdefault((row["unit_code"], row["file"], row["received_at"]), []).append(row)
    inbox = directory / "hop-thu"
    for (code, name, at), rows in files.items():
        path = fill_workbook(campaign, code, rows, inbox / at[:10] / name)
        campaign.collect([path], received_at=datetime.fromisoformat(at))
    echo(f"3. Các đơn vị điền và gửi {len(files)} tệp ({inbox}); đã thu vào {campaign.returns_dir}")
    result = campaign.consolidate()
    paths = campaign.report(result)
    r = result.report
    echo(f"4. Tổng hợp {len(result.frame)} dòng đăng ký; {r.count('error')} lỗi, {r.count('warning')} cảnh báo, "
         f"{r.count('info')} thông tin.")
    names = {"registrations": "Danh sách đăng ký", "findings": "Các phát hiện", "council": "Bảng tổng hợp Hội đồng"}
    return {**outputs, "Tệp đã thu": campaign.returns_dir, **{names[k]: v for k, v in paths.items()}}


def _send(campaign: Campaign, echo: Callable[[str], None]) -> dict[str, Path]:
    """Send the forms to the SMTP server named by THIDUA_SMTP_HOST, or write them to outbox/ (dry run)."""
    if os.environ.get("THIDUA_SMTP_HOST"):
        result = campaign.send()
        echo(f"   Đã gửi {len(result.sent)} thư qua {os.environ['THIDUA_SMTP_HOST']} (nhật ký: mail-log.csv)")
        return {"Nhật ký gửi thư": campaign.root / "mail-log.csv"}
    result = campaign.send(dry_run=True)
    echo(f"   Chạy thử gửi thư: {len(result.sent)} thư (.eml) trong {result.outbox} "
         "(đặt THIDUA_SMTP_HOST để gửi thật)")
    return {"Thư (chạy thử)": result.outbox}
