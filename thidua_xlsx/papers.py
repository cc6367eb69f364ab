"""The papers after the council's vote: the minutes, the lists attached to this level's decisions, the proposal
(tờ trình) with its lists to the level above, and the same lists as a workbook."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from thidua_xlsx.catalogue import KINDS
from thidua_xlsx.council import sections
from thidua_xlsx.documents import render
from thidua_xlsx.errors import OverwriteError
from thidua_xlsx.history_io import council_results
from thidua_xlsx.verdicts import read_sections
from thidua_xlsx.votes import default_rule

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

MINUTES, DECISIONS = "bien-ban-hop-hoi-dong.docx", "danh-sach-kem-theo-quyet-dinh.docx"
PROPOSAL = "to-trinh-de-nghi.docx"
NAME_HEADING = {"tap_the": "Tập thể", "ca_nhan": "Họ và tên", "gia_dinh": "Hộ gia đình"}


@dataclass
class Papers:
    """What `thidua papers` wrote, and the lists' sizes."""

    paths: dict[str, Path]
    decided_here: int
    proposed: int
    unclear: list[str]


def _minutes_context(campaign: "CampaignConfig") -> dict[str, object]:
    """Each section with its lines: votes, share of all members, result."""
    out = []
    for section in read_sections(campaign):
        rows = [{"n": n, "name": line.name, "unit": "" if line.unit == line.name else line.unit,
                 "votes": "" if line.votes is None else line.votes,
                 "share": "" if line.share is None else f"{line.share * 100:.0f}%", "result": line.result}
                for n, line in enumerate(section.lines, 1)]
        out.append({"title": f"{section.sheet}: {section.title}", "wording": section.wording,
                    "members": section.members, "rows": rows,
                    "passed": sum(line.result == "Đạt" for line in section.lines)})
    return {"sections": out}


def passed_lists(campaign: "CampaignConfig", passed: pd.DataFrame) -> dict[str, list[dict[str, object]]]:
    """The lists of what the council passed, split into this level's decisions and the proposals upward."""
    names = {u.code: u.name for u in campaign.units}
    out: dict[str, list[dict[str, object]]] = {"cap_nay": [], "cap_tren": []}
    for spec in campaign.catalogue.sheets:
        for code, title, part in sections(campaign, spec.kind, passed):
            if part.empty:
                continue
            rule = campaign.votes.get(code.partition("=")[0]) or default_rule(code.partition("=")[0])
            rows = [{"n": n, "name": name or names.get(unit, ""), "unit": _unit_of(name, names.get(unit, ""))}
                    for n, (name, unit) in enumerate(zip(part["name"], part["unit_code"]), 1)]
            what = KINDS[spec.kind].lower()
            item = campaign.catalogue.item(code.partition("=")[0])
            plain = title.lower().startswith(what) or (item is not None and item.group == "title" and
                                                       spec.kind == "ca_nhan")
            heading = title.upper() if plain else f"{what.upper()} ĐƯỢC TẶNG {title.upper()}"
            out[rule.level].append({"code": code, "kind": spec.kind, "title": title, "what": what,
                                    "heading": f"{heading} NĂM {campaign.year}", "rows": rows,
                                    "name_heading": NAME_HEADING[spec.kind],
                                    "unit_heading": "Thuộc đơn vị" if spec.kind == "tap_the" else "Đơn vị"})
    return out


def _unit_of(name: str, unit: str) -> str:
    """The unit column of a list: blank where the line is the unit itself (a collective's own line)."""
    return "" if not name or name == unit else unit or "Không xác định"


def write_papers(campaign: "CampaignConfig", force: bool = False) -> Papers:
    """Write the minutes, the decision lists, the proposal and the lists workbook into reports/."""
    out = campaign.reports_dir
    year = campaign.year
    targets = {"minutes": out / f"bien-ban-hop-hoi-dong-{year}.docx",
               "decisions": out / f"danh-sach-kem-theo-quyet-dinh-{year}.docx",
               "proposal": out / f"to-trinh-de-nghi-{year}.docx", "lists": out / f"danh-sach-khen-thuong-{year}.xlsx"}
    existing = [p for p in targets.values() if p.exists()]
    if existing and not force:
        raise OverwriteError(f"Đã có {existing[0]}; dùng --force để ghi lại các văn bản.")
    passed, unclear = council_results(campaign)
    lists = passed_lists(campaign, passed)
    paths = {"minutes": render(campaign, MINUTES, _minutes_context(campaign), targets["minutes"], force=True)}
    if lists["cap_nay"]:
        paths["decisions"] = render(campaign, DECISIONS, {"lists": lists["cap_nay"]}, targets["decisions"], True)
    if lists["cap_tren"]:
        paths["proposal"] = render(campaign, PROPOSAL, {"lists": lists["cap_tren"]}, targets["proposal"], True)
    paths["lists"] = write_lists_workbook(campaign, lists, targets["lists"])
    return Papers(paths, sum(len(x["rows"]) for x in lists["cap_nay"]),
                  sum(len(x["rows"]) for x in lists["cap_tren"]), unclear)


def write_lists_workbook(campaign: "CampaignConfig", lists: dict[str, list[dict[str, object]]], path: Path) -> Path:
    """The same lists as a workbook: one sheet for this level's decisions, one for the proposal upward."""
    import xlsxwriter

    tmp = path.with_name(f".{path.name}.tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "vcenter"}
    title = wb.add_format({**base, "bold": True, "align": "center"})
    head = wb.add_format({**base, "bold": True, "border": 1, "align": "center", "bg_color": "#E8EEF7"})
    section = wb.add_format({**base, "bold": True, "border": 1, "bg_color": "#F3F3F3"})
    cell = wb.add_format({**base, "border": 1, "text_wrap": True})
    number = wb.add_format({**base, "border": 1, "align": "center"})
    for level, sheet, caption in (("cap_nay", "Quyết định", "KÈM THEO QUYẾT ĐỊNH"),
                                  ("cap_tren", "Đề nghị cấp trên", "KÈM THEO TỜ TRÌNH ĐỀ NGHỊ CẤP TRÊN")):
        ws = wb.add_worksheet(sheet)
        ws.merge_range(0, 0, 0, 3, campaign.issuer, title)
        ws.merge_range(1, 0, 1, 3, f"DANH SÁCH {caption} NĂM {campaign.year}", title)
        for c, text in enumerate(("TT", "Danh hiệu, hình thức", "Họ và tên / Tập thể", "Đơn vị")):
            ws.write_string(3, c, text, head)
        r = 4
        for item in lists[level]:
            ws.merge_range(r, 0, r, 3, f"{item['heading']} ({len(item['rows'])})", section)
            r += 1
            for row in item["rows"]:
                ws.write_number(r, 0, row["n"], number)
                ws.write_string(r, 1, str(item["title"]), cell)
                ws.write_string(r, 2, row["name"], cell)
                ws.write_string(r, 3, row["unit"], cell)
                r += 1
        for c, width in enumerate((6, 30, 34, 44)):
            ws.set_column(c, c, width)
        ws.repeat_rows(3)
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.freeze_panes(4, 0)
    wb.close()
    tmp.replace(path)
    return path
