"""The demo: the whole year on the bundled example (registrations sent, filled, collected, reported and returned
for correction; the year-end proposals checked against them; ballots, votes, history and the papers)."""

from __future__ import annotations

import csv
import os
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from thidua_xlsx.campaign import Campaign
from thidua_xlsx.catalogue import COMPLETION_LEVELS
from thidua_xlsx.config import VN_TZ
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
    outputs = {**outputs, "Tệp đã thu": campaign.returns_dir, **{names[k]: v for k, v in paths.items()}}
    outputs.update(_send_back(campaign, echo))
    proposals = _proposal_round(directory, campaign, example_rows, echo)
    outputs.update(_council(proposals, echo))
    return outputs


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


def _send_back(campaign: Campaign, echo: Callable[[str], None]) -> dict[str, Path]:
    """Return each unit's errors to it (`thidua return`): through THIDUA_SMTP_HOST, or as .eml files."""
    live = bool(os.environ.get("THIDUA_SMTP_HOST"))
    result = campaign.send_back(dry_run=not live)
    where = f"qua {os.environ['THIDUA_SMTP_HOST']}" if live else f"(chạy thử, .eml trong {result.outbox})"
    echo(f"5. Trả lại để bổ sung: {len(result.sent)} đơn vị có lỗi nhận danh sách lỗi cần sửa {where}")
    return {"Thư trả lại": campaign.root / "mail-log.csv"} if live else {"Thư trả lại (chạy thử)": result.outbox}


def _proposal_rows(example_rows: list[dict]) -> dict[str, list[dict]]:
    """The year-end proposals of the example: each unit's latest registration, proposed as registered but for one
    title dropped (VP), one added that was not registered (KHTC, a person rated higher at the year's end) and the
    Huân chương class QLTM had left out, with an achievement summary in the notes."""
    latest: dict[str, str] = {}
    for row in example_rows:
        latest[row["unit_code"]] = max(latest.get(row["unit_code"], ""), row["received_at"])
    units: dict[str, list[dict]] = {}
    for row in example_rows:
        if row["received_at"] == latest[row["unit_code"]]:
            marks = row["marks"].split()
            if row["sheet"] == "B" and "CSTD_CS" in marks and not row["note"]:
                row = {**row, "note": "Tóm tắt thành tích: có sáng kiến được công nhận cấp cơ sở"}
            units.setdefault(row["unit_code"], []).append({**row, "marks": " ".join(marks)})
    dropped = next(r for r in units["VP"] if "CSTD_CS" in r["marks"].split())
    dropped["marks"] = " ".join(m for m in dropped["marks"].split() if m != "CSTD_CS")
    added = next(r for r in units["KHTC"] if r["sheet"] == "B" and "CSTD_CS" not in r["marks"].split())
    added.update(completion="HTXSNV", marks=f"{added['marks']} CSTD_CS",  # rated better than she aimed for
                 note="Tóm tắt thành tích: chủ trì đề tài cấp Sở được nghiệm thu")
    own = next(r for r in units["QLTM"] if r["sheet"] == "A")
    own["marks"] = own["marks"].replace("HC_LD", "HC_LD=Ba")  # the class its registration lacked, now given
    return units


def _proposal_round(directory: Path, registration: Campaign, example_rows: list[dict],
                    echo: Callable[[str], None]) -> Campaign:
    """The year-end round linked to the registration round: forms, proposals filled and collected, report."""
    root = directory / f"{registration.root.name}-de-nghi"
    campaign = Campaign.init(root, preset="so-cong-thuong", year=registration.year, stage="de-nghi",
                             registrations=registration.root)
    campaign.generate()
    inbox = directory / "hop-thu" / "de-nghi"
    for code, rows in _proposal_rows(example_rows).items():
        path = fill_workbook(campaign, code, rows, inbox / f"De nghi khen thuong {campaign.year} - {code}.xlsx")
        campaign.collect([path], received_at=datetime(campaign.year, 12, 5, 9, 0, tzinfo=VN_TZ))
    result = campaign.consolidate()
    campaign.report(result)
    r = result.report
    asked = [f for f in r.findings if f.code == "DE_NGHI_CHUA_DANG_KY"]
    echo(f"6. Đợt đề nghị khen thưởng cuối năm ({root}): {len(result.frame)} dòng đề nghị; {r.count('error')} lỗi "
         f"({len(asked)} đề nghị chưa đăng ký đầu năm), {r.count('warning')} cảnh báo, {r.count('info')} thông tin.")
    return campaign


def _type_votes(campaign: Campaign) -> int:
    """Votes typed into the council workbook as a clerk would after counting: every line has all members' votes
    but those with an error, which get a third. openpyxl keeps no formula results: `history record` and `papers`
    work them out from the votes (LibreOffice or Excel recalculate them on opening)."""
    import openpyxl

    from thidua_xlsx import council_layout as layout
    from thidua_xlsx.findings import CATALOGUE

    path = campaign.report_paths["council"]
    wb = openpyxl.load_workbook(path)
    typed = 0
    for sheet in layout.CANDIDATE_SHEETS:
        for row in wb[sheet].iter_rows() if sheet in wb.sheetnames else ():
            if row[layout.SOURCE].value and row[layout.SOURCE].value != layout.SOURCE_HEADING:
                codes = str(row[layout.CODES].value or "").split(", ")
                error = any(CATALOGUE[c].severity == "error" for c in codes if c in CATALOGUE)
                row[layout.VOTES].value = campaign.council_size // 3 if error else campaign.council_size
                typed += 1
    wb.save(path)
    return typed


def _council(campaign: Campaign, echo: Callable[[str], None]) -> dict[str, Path]:
    """The council meets on the proposals: ballots, votes typed in, results recorded, papers written."""
    ballots, items = campaign.ballots()
    echo(f"7. Phiếu bầu: {campaign.council_size} phiếu, {items} mục bỏ phiếu kín: {ballots}")
    echo(f"8. Nhập số phiếu đồng ý của {_type_votes(campaign)} dòng vào {campaign.report_paths['council']}")
    rows, _, _ = campaign.record_history()
    echo(f"9. Ghi kết quả năm {campaign.year} vào kho lịch sử: {rows} dòng")
    papers = campaign.papers()
    echo(f"10. Văn bản sau phiên họp: quyết định tại cấp này {papers.decided_here} lượt, đề nghị cấp trên "
         f"{papers.proposed} lượt")
    names = {"minutes": "Biên bản họp Hội đồng", "decisions": "Danh sách kèm Quyết định",
             "proposal": "Tờ trình đề nghị cấp trên", "lists": "Danh sách khen thưởng (xlsx)"}
    return {"Đợt đề nghị": campaign.root / "campaign.toml",
            "Bảng tổng hợp đề nghị": campaign.report_paths["council"], "Phiếu bầu": ballots,
            **{names[k]: v for k, v in papers.paths.items()}}
