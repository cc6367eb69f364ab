"""The council workbook (reports/tong-hop-<year>.xlsx): what the Hội đồng Thi đua - Khen thưởng meets over."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from thidua_xlsx import council_layout as layout
from thidua_xlsx.catalogue import COMPLETION_LEVELS, KINDS
from thidua_xlsx.findings import CATALOGUE, SEVERITY_VI
from thidua_xlsx.processes import collector_paused
from thidua_xlsx.rule_registry import ticked
from thidua_xlsx.status import unit_statuses
from thidua_xlsx.verdicts import FAILED, PASSED
from thidua_xlsx.votes import VoteRule, default_rule

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig
    from thidua_xlsx.consolidate import Consolidation

FONT = "Times New Roman"
TITLE_ORDER = ("LDXS", "LDTT", "CSTD_TQ", "CSTD_TINH", "CSTD_CS")
AWARD_ORDER = ("HC_LD", "BK_TTG", "BK_BO", "BK_UBND_TINH", "BK_MTTQ_TINH", "GK_GD_SO", "GK_SO_NGANH", "GK_UBND_TX",
               "GK_UBND_XA")
UNKNOWN = "Không xác định"
SIZE_CELL = "$C$4"  # council size, written once on "Tổng hợp": each section's members' count starts from it
SHORT_METHOD = {"kin": "Phiếu kín", "gio_tay": "Giơ tay", "khong": "Ghi kết quả"}


class _Sheet(Worksheet):
    """A worksheet whose formulas are stored as written: xlsxwriter runs some thirty regular expressions over each
    formula to prefix Excel 365's newer functions (two fifths of a council workbook's time at 1,000 units), and the
    council's formulas use none of them (IF, SUM). The method overridden is xlsxwriter's own (private): should a
    release rename it, formulas are only prepared the slow way again."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula.removeprefix("=")


class _Workbook(xlsxwriter.Workbook):
    """A workbook whose sheets are _Sheet, by the worksheet_class hook of xlsxwriter's Workbook."""

    worksheet_class = _Sheet


class _Styles:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}

        def add(**kw: object):
            return wb.add_format({**base, **kw})

        self.issuer = add(bold=True, align="center")
        self.title = add(bold=True, align="center", font_size=14)
        self.sub = add(italic=True, align="center")
        self.label = add(italic=True)
        self.head = add(bold=True, align="center", text_wrap=True, border=1, bg_color="#E8EEF7")
        self.text = add(border=1, text_wrap=True)  # rows holding wrapped text get their height from _fit
        self.center = add(border=1, align="center")
        self.num = add(border=1, align="right", num_format="0")
        self.pct = add(border=1, align="right", num_format="0%;-0%;;@")  # an empty vote shows nothing
        self.total_text = add(border=1, bold=True, align="center")
        self.total_num = add(border=1, bold=True, align="right", num_format="0")
        self.total_pct = add(border=1, bold=True, align="right", num_format="0%")
        self.section = add(bold=True, border=1, bg_color="#F3F3F3")
        self.input = add(border=1, align="right", num_format="0", locked=False)
        self.error = add(border=1, font_color="#C00000", text_wrap=True)
        self.section_wrap = add(bold=True, border=1, bg_color="#F3F3F3", text_wrap=True)
        self.section_right = add(italic=True, border=1, bg_color="#F3F3F3", align="right", text_wrap=True)
        self.at_least = add(border=1, bold=True, align="right", num_format='"≥ "0%', bg_color="#F3F3F3")
        self.over = add(border=1, bold=True, align="right", num_format='"> "0%', bg_color="#F3F3F3")
        self.result = add(border=1, align="center", bold=True)
        self.input_text = add(border=1, align="center", locked=False)


LINE_HEIGHT = 15.0  # points per line of 11-point Times New Roman, with room for LibreOffice's leading
# Advance widths of Times New Roman in digit widths (the unit of a column's width), by base letter.
_NARROW, _SMALL, _WIDE = set("ijltf.,;:'|!I "), set("rs-()[]/\"J"), set("mwMW%@")


@lru_cache(maxsize=1 << 16)
def _width(word: str) -> float:
    """A word's printed width in column-width units (remembered: the same words come back on most lines)."""
    out = 0.0
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch):
            continue
        out += (0.55 if ch in _NARROW else 0.7 if ch in _SMALL else 1.7 if ch in _WIDE else
                1.4 if ch.isupper() else 1.0)
    return out


@lru_cache(maxsize=1 << 16)
def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell of this column width needs, words kept whole as LibreOffice and Excel wrap them
    (remembered: a unit's name and its list's wording come back in every section)."""
    room = max(width - 1.0, 3.0)
    space = _width(" ")
    total = 0
    for paragraph in str(text).split("\n"):
        line, count = 0.0, 1
        for word in paragraph.split():
            size = _width(word)
            if line and line + space + size > room:
                count, line = count + 1, 0.0
            line = size if not line else line + space + size
            while line > room:  # a word longer than the column is broken
                count, line = count + 1, line - room
        total += count
    return total


def _fit(ws, r: int, cells: list[tuple[str, float]]) -> None:
    """Set a row's height to the tallest wrapped cell: neither Excel nor LibreOffice grows a row written by
    xlsxwriter, so a wrapped name would otherwise be clipped in print."""
    lines = max([1, *(_lines(text, width) for text, width in cells if text)])
    if lines > 1:
        ws.set_row(r, LINE_HEIGHT * lines + 2)


def _page(ws, header_first: int, header_last: int, last_col: int) -> None:
    """A4 landscape, fit to width, heading rows repeated, page numbers in the footer."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_first, header_last)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer(f"&C&\"{FONT}\"Trang &P/&N")


def _heading(campaign: "CampaignConfig") -> str:
    """What the workbook sums up: the registrations, or the year-end proposals."""
    if campaign.proposal:
        return f"Tổng hợp đề nghị khen thưởng năm {campaign.year}"
    return f"Tổng hợp đăng ký thi đua, khen thưởng năm {campaign.year}"


def _title_block(ws, st: _Styles, campaign: "CampaignConfig", last_col: int, subtitle: str) -> int:
    """Issuing body, title with the year, subtitle; returns the next free row."""
    ws.merge_range(0, 0, 0, min(3, last_col), campaign.issuer, st.issuer)
    ws.merge_range(1, 0, 1, last_col, _heading(campaign).upper(), st.title)
    ws.merge_range(2, 0, 2, last_col, subtitle, st.sub)
    return 4


def _items_by_kind(campaign: "CampaignConfig") -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(kind, group, [(code, label)]) in form order: the column groups of "Tổng hợp"."""
    out = []
    for spec in campaign.catalogue.sheets:
        for group, title in (("title", "danh hiệu thi đua"), ("award", "hình thức khen thưởng")):
            items = [(i.code, i.label) for i in campaign.catalogue.items_of(spec.key) if i.group == group]
            if items:
                out.append((spec.kind, f"{KINDS[spec.kind]}: {title}", items))
    return out


def _counts(frame: pd.DataFrame, kind: str, codes: list[str]) -> dict[str, dict[str, int]]:
    """{unit_code: {code: ticks, "people": rows}} for one kind, in one groupby."""
    mine = frame["kind"].eq(kind).to_numpy()
    ticks = pd.DataFrame({code: ticked(frame, code).to_numpy()[mine] for code in codes}, index=frame.index[mine])
    ticks["people"] = True
    return ticks.groupby(frame["unit_code"].array[mine]).sum().astype(int).to_dict("index")


def _summary_columns(campaign: "CampaignConfig") -> list[tuple[str, str, str, str]]:
    """The summary's columns: (kind, group label, heading, value: an item code, "people" or "share:<code>")."""
    columns: list[tuple[str, str, str, str]] = []
    for kind, group, items in _items_by_kind(campaign):
        if kind == "ca_nhan" and not any(v == "people" for *_, v in columns):
            columns.append((kind, group, "Số cá nhân đăng ký", "people"))
        for code, label in items:
            columns.append((kind, group, label, code))
            if kind == "ca_nhan" and code == "LDTT":
                columns.append((kind, group, "Tỷ lệ LĐTT / cá nhân", "share:LDTT"))
            if kind == "ca_nhan" and code == "CSTD_CS":
                columns.append((kind, group, "Tỷ lệ CSTĐCS / LĐTT", "share:CSTD_CS"))
    return columns


def _summary_headings(ws, st: _Styles, columns: list[tuple[str, str, str, str]], head: int, sub: int) -> None:
    """Two heading rows: each group merged over its items, then the items."""
    ws.merge_range(head, 0, sub, 0, "TT", st.head)
    ws.merge_range(head, 1, sub, 1, "Đơn vị", st.head)
    start = 0
    while start < len(columns):
        end = start
        while end + 1 < len(columns) and columns[end + 1][1] == columns[start][1]:
            end += 1
        if end > start:
            ws.merge_range(head, 2 + start, head, 2 + end, columns[start][1], st.head)
        else:
            ws.write_string(head, 2 + start, columns[start][1], st.head)
        start = end + 1
    for c, (_, _, heading, _) in enumerate(columns):
        ws.write_string(sub, 2 + c, heading, st.head)
    ws.set_row(sub, 60)


def _summary(wb, st: _Styles, campaign: "CampaignConfig", frame: pd.DataFrame) -> None:
    """"Tổng hợp": units × items, live totals and shares, a chart."""
    ws = wb.add_worksheet("Tổng hợp")
    units = [(u.code, u.name) for u in campaign.units]
    if frame["unit_code"].eq("").any():
        units.append(("", UNKNOWN))
    columns = _summary_columns(campaign)
    last = 1 + len(columns)
    row = _title_block(ws, st, campaign, last, campaign.movement or campaign.title)
    ws.write_string(3, 0, "Số thành viên Hội đồng:", st.label)
    ws.write_number(3, 2, campaign.council_size, st.input)
    head, sub = row + 1, row + 2
    _summary_headings(ws, st, columns, head, sub)
    first = sub + 1
    col_of = {value: 2 + c for c, (kind, _, _, value) in enumerate(columns) if kind == "ca_nhan"}
    kinds = {kind for kind, _, _, _ in columns}
    counts = {k: _counts(frame, k, [v for kind, _, _, v in columns if kind == k and not v.startswith(("share:",
                                                                                                       "people"))])
              for k in kinds}
    totals = {k: {key: sum(unit.get(key, 0) for unit in counts[k].values())
                  for key in {key for unit in counts[k].values() for key in unit}} for k in kinds}
    total = first + len(units)
    for n, (code, name) in enumerate(units):
        r = first + n
        ws.write_number(r, 0, n + 1, st.center)
        ws.write_string(r, 1, name, st.text)
        _fit(ws, r, [(name, 34)])
        for c, (kind, _, _, value) in enumerate(columns):
            unit = counts[kind].get(code, {})
            if value.startswith("share:"):
                _share(ws, st.pct, r, 2 + c, value, col_of, unit)
            else:
                ws.write_number(r, 2 + c, unit.get(value, 0), st.num)
    ws.merge_range(total, 0, total, 1, "Tổng cộng", st.total_text)
    for c, (kind, _, _, value) in enumerate(columns):
        if value.startswith("share:"):
            _share(ws, st.total_pct, total, 2 + c, value, col_of, totals[kind])
        else:
            letter = xl_col_to_name(2 + c)
            ws.write_formula(total, 2 + c, f"=SUM({letter}{first + 1}:{letter}{total})", st.total_num,
                             totals[kind].get(value, 0))
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 34)
    ws.set_column(2, last, 12)
    ws.freeze_panes(first, 2)
    _page(ws, head, sub, last)
    _chart(wb, ws, columns, first, total, len(units))


def _share(ws, fmt, r: int, c: int, value: str, col_of: dict[str, int], counts: dict[str, int]) -> None:
    """LĐTT among individuals or CSTĐCS among LĐTT, as a live formula with its value cached."""
    top = value.split(":", 1)[1]
    bottom = "people" if top == "LDTT" else "LDTT"
    num, den = xl_rowcol_to_cell(r, col_of[top]), xl_rowcol_to_cell(r, col_of[bottom])
    n_top, n_bottom = counts.get(top, 0), counts.get(bottom, 0)
    ws.write_formula(r, c, f'=IF({den}=0,"",{num}/{den})', fmt, n_top / n_bottom if n_bottom else "")


def _chart(wb, ws, columns, first: int, total: int, n_units: int) -> None:
    """A native column chart of the titles registered, by unit."""
    titles = [(c, heading) for c, (kind, group, heading, value) in enumerate(columns)
              if value in TITLE_ORDER and "danh hiệu" in group]
    if not titles or not n_units:
        return
    chart = wb.add_chart({"type": "column"})
    for c, heading in titles:
        kind = columns[c][0]
        chart.add_series({"name": f"{KINDS[kind]}: {heading}",
                          "categories": ["Tổng hợp", first, 1, first + n_units - 1, 1],
                          "values": ["Tổng hợp", first, 2 + c, first + n_units - 1, 2 + c]})
    chart.set_title({"name": "Danh hiệu thi đua đăng ký theo đơn vị", "name_font": {"name": FONT, "size": 12}})
    chart.set_x_axis({"num_font": {"name": FONT, "rotation": -45}})
    chart.set_y_axis({"num_font": {"name": FONT}, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom", "font": {"name": FONT}})
    chart.set_size({"width": 960, "height": 420})
    ws.insert_chart(total + 2, 1, chart)


def sections(campaign: "CampaignConfig", kind: str, frame: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """(code, section title, candidates) for each title, then each award from the highest; Huân chương by class."""
    return [(code, title, frame.iloc[at]) for code, title, at in _section_rows(campaign, kind, frame)]


def _section_rows(campaign: "CampaignConfig", kind: str, frame: pd.DataFrame) -> list[tuple[str, str, np.ndarray]]:
    """sections() as the positions of each section's candidates in the frame: the council workbook takes only the
    columns it shows, never a copy of the whole frame per section."""
    spec = campaign.catalogue.sheet(kind)
    if spec is None:
        return []
    items = {i.code: i for i in campaign.catalogue.items_of(spec.key)}
    rank = {code: n for n, code in enumerate((*TITLE_ORDER, *AWARD_ORDER))}
    ordered = sorted(items.values(), key=lambda i: (i.group != "title", rank.get(i.code, len(rank)),
                                                   list(items).index(i.code)))
    of_kind = frame["kind"].eq(kind).to_numpy()
    out = []
    for item in ordered:
        chosen = of_kind & ticked(frame, item.code).to_numpy()
        if item.kind == "class":
            label = item.label.rstrip(".… ").removesuffix("hạng").strip()
            for cls in ("Nhất", "Nhì", "Ba"):
                out.append((f"{item.code}={cls}", f"{label} hạng {cls}",
                            np.flatnonzero(chosen & frame[item.code].eq(cls).to_numpy())))
            out.append((f"{item.code}=1", f"{label} (chưa ghi hạng)",
                        np.flatnonzero(chosen & frame[item.code].eq("1").to_numpy())))
        else:
            out.append((item.code, item.label, np.flatnonzero(chosen)))
    return [s for s in out if len(s[2]) or not s[1].endswith("(chưa ghi hạng)")]


WIDTHS = {"ca_nhan": (5, 26, 34, 28, 28, 30, 9, 8, 12), "tap_the": (5, 46, 0, 28, 30, 34, 9, 8, 12)}


def _candidates(wb, st: _Styles, campaign: "CampaignConfig", frame: pd.DataFrame, kind: str, sheet_name: str,
                flagged: dict[tuple, list[str]]) -> None:
    """One section per title/award. A section longer than council_list_limit is put to the council unit by unit
    (one line per unit's list, voted as a whole) with every candidate who has a finding still listed by name."""
    ws = wb.add_worksheet(sheet_name)
    widths = WIDTHS.get(kind, WIDTHS["ca_nhan"])
    headings = list(layout.HEADINGS)
    headings[layout.NAME] = "Họ và tên" if kind != "tap_the" else "Tập thể"
    last = layout.LAST_SHOWN
    asked = "được đề nghị khen thưởng" if campaign.proposal else "đăng ký"
    row = _title_block(ws, st, campaign, last, f"Danh sách {KINDS[kind].lower()} {asked}, để Hội đồng bình xét")
    for c, h in enumerate(headings):
        ws.write_string(row, c, h, st.head if c <= last else None)
    ws.set_row(row, 30)  # "Số phiếu đồng ý" takes two lines in its narrow column
    head = row
    r = row + 1
    names = {u.code: u.name for u in campaign.units}
    order = {u.code: n for n, u in enumerate(campaign.units)}
    limit = campaign.council_list_limit
    picked = _section_rows(campaign, kind, frame)
    has_finding = _flagged_rows(frame, flagged) if any(len(at) > limit for *_, at in picked) else None
    for n, (code, title, at) in enumerate(picked, 1):
        vote = _Vote(r, campaign.votes.get(code.partition("=")[0]) or default_rule(code.partition("=")[0]))
        _section_head(ws, st, widths, r, f"{_roman(n)}. {title.upper()} ({len(at)})", vote.rule,
                      campaign.council_size)
        r += 1
        lists: list[tuple[str, int, str]] = []
        if len(at) > limit:
            own = has_finding[at]
            lists = _unit_lists(frame, at[~own], order)
            at = at[own]
            note = (f"Mục có hơn {limit} {KINDS[kind].lower()}: Hội đồng xét danh sách của từng đơn vị "
                    f"({len(lists)} dòng); {len(at)} trường hợp có phát hiện được liệt kê riêng. Danh sách từng "
                    "người: registrations.csv.")
            ws.merge_range(r, 0, r, last, note, st.label)
            r += 1
        for k, (unit_code, count, levels) in enumerate(lists, 1):
            _line(ws, st, widths, r, k, (f"Danh sách {count} {KINDS[kind].lower()}", names.get(unit_code, UNKNOWN),
                                         levels, "Xét cả danh sách của đơn vị"), [], vote,
                  (code, f"{layout.UNIT_SOURCE}{unit_code}"))
            r += 1
        r = _named_lines(ws, st, widths, r, len(lists), kind, frame.iloc[at], names, flagged, vote, code)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width, None, {"hidden": True} if not width else {})
    ws.set_column(layout.SECTION, layout.CODES, None, None, {"hidden": True})  # history record, filters
    ws.freeze_panes(head + 1, 2)
    _page(ws, head, head, last)


def _named_lines(ws, st: _Styles, widths: tuple[int, ...], r: int, k: int, kind: str, part: pd.DataFrame,
                 names: dict[str, str], flagged: dict[tuple, list[str]], vote: "_Vote", code: str) -> int:
    """A section's candidates listed by name, numbered on from k; returns the next free row."""
    columns = [part[c].tolist() for c in ("name", "unit_code", "completion", "note")]
    sources = zip(part["source_file"].tolist(), part["source_sheet"].tolist(), part["source_row"].astype(int).tolist())
    for k, (name, unit_code, completion, note, source) in enumerate(zip(*columns, sources), k + 1):
        unit = names.get(unit_code, UNKNOWN)
        if kind == "tap_the" and name != unit:  # a collective inside a unit: its unit said once, with the name
            name = f"{name} ({unit})" if name else unit
        _line(ws, st, widths, r, k, (name, unit, COMPLETION_LEVELS.get(completion, ""), note),
              flagged.get(source, []), vote, (code, "\t".join(map(str, source))))
        r += 1
    return r


def _flagged_rows(frame: pd.DataFrame, flagged: dict[tuple, list[str]]) -> np.ndarray:
    """Which rows of the frame have a finding of their own (by file, sheet and row), as one boolean array."""
    if not flagged:
        return np.zeros(len(frame), dtype=bool)
    keys = pd.MultiIndex.from_arrays([frame["source_file"], frame["source_sheet"], frame["source_row"]])
    return keys.isin(list(flagged))


def _unit_lists(frame: pd.DataFrame, at: np.ndarray, order: dict[str, int]) -> list[tuple[str, int, str]]:
    """(unit code, candidates, completion levels counted) per unit for the rows at these positions, in units.csv
    order (unknown last)."""
    if not len(at):
        return []
    levels = frame[["unit_code", "completion"]].iloc[at].groupby(["unit_code", "completion"]).size()
    out: dict[str, list] = {}
    for (unit_code, completion), count in levels.items():
        entry = out.setdefault(unit_code, [0, []])
        entry[0] += int(count)
        entry[1].append(f"{completion or 'không ghi'}: {count}")
    return sorted(((u, c, ", ".join(lv)) for u, (c, lv) in out.items()), key=lambda x: order.get(x[0], len(order)))


@dataclass(frozen=True)
class _Vote:
    """A section's way of deciding, and the row of its heading that holds the members' count and threshold."""

    row: int
    rule: VoteRule

    def members(self) -> str:
        """The absolute reference of the section's members' count."""
        return xl_rowcol_to_cell(self.row, layout.VOTES, row_abs=True, col_abs=True)

    def threshold(self) -> str:
        """The absolute reference of the section's threshold."""
        return xl_rowcol_to_cell(self.row, layout.SHARE, row_abs=True, col_abs=True)


def _section_head(ws, st: _Styles, widths: tuple[int, ...], r: int, title: str, rule: VoteRule, size: int) -> None:
    """The section's title and how it is decided; then the members' count (the council size by default, typed
    over when the council meets short), the threshold and the method, read by every result formula below."""
    text = f"{title}\n{rule.wording()}"
    ws.merge_range(r, 0, r, 4, text, st.section_wrap)
    ws.write_string(r, layout.VOTES - 1, "Số thành viên Hội đồng, ngưỡng:", st.section_right)
    ws.write_formula(r, layout.VOTES, f"='Tổng hợp'!{SIZE_CELL}", st.input, size)
    ws.write_number(r, layout.SHARE, rule.threshold, st.over if rule.strict else st.at_least)
    ws.write_string(r, layout.RESULT, SHORT_METHOD[rule.method], st.section)
    _fit(ws, r, [(text, sum(w for w in widths[:5]))])


def _line(ws, st: _Styles, widths: tuple[int, ...], r: int, k: int, texts: tuple[str, str, str, str],
          codes: list[str], vote: _Vote, hidden: tuple[str, str]) -> None:
    """One line to vote on: a candidate, or a unit's whole list; the findings by their Vietnamese titles (codes in
    the hidden column after the source); the votes typed in, their share of the members and the result by a live
    formula against the section's threshold (typed in when the item is not voted)."""
    titles = "; ".join(dict.fromkeys(CATALOGUE[c].title for c in codes))
    ws.write_number(r, 0, k, st.center)
    for c, text in enumerate(texts, 1):
        ws.write_string(r, c, text, st.text)
    ws.write_string(r, 5, titles, st.error if codes else st.text)
    if vote.rule.voted:
        votes, op = xl_rowcol_to_cell(r, layout.VOTES), ">" if vote.rule.strict else ">="
        ws.write_blank(r, layout.VOTES, None, st.input)
        ws.write_formula(r, layout.SHARE, f'=IF({votes}="","",{votes}/{vote.members()})', st.pct, "")
        ws.write_formula(r, layout.RESULT, f'=IF({votes}="","",IF({votes}/{vote.members()}{op}{vote.threshold()},'
                                           f'"{PASSED}","{FAILED}"))', st.result, "")
    else:
        ws.write_blank(r, layout.VOTES, None, st.center)
        ws.write_blank(r, layout.SHARE, None, st.center)
        ws.write_blank(r, layout.RESULT, None, st.input_text)
    ws.write_string(r, layout.SECTION, hidden[0])
    ws.write_string(r, layout.SOURCE, hidden[1])
    ws.write_string(r, layout.CODES, ", ".join(codes))
    _fit(ws, r, [(text, w) for text, w in zip((*texts, titles), widths[1:6]) if w])


def _roman(n: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in numerals:
        while n >= value:
            out += letters
            n -= value
    return out


def _review(wb, st: _Styles, campaign: "CampaignConfig", consolidation: "Consolidation") -> None:
    ws = wb.add_worksheet("Cần xem lại")
    headings = ["TT", "Mức", "Mã", "Nội dung", "Đơn vị", "Tên", "Tệp", "Sheet", "Dòng", "Thông báo"]
    last = len(headings) - 1
    row = _title_block(ws, st, campaign, last, "Các phát hiện cần xem lại trước khi Hội đồng họp")
    names = {u.code: u.name for u in campaign.units}
    for c, h in enumerate(headings):
        ws.write_string(row, c, h, st.head)
    findings = consolidation.report.sorted()
    for n, f in enumerate(findings, 1):
        r = row + n
        ws.write_number(r, 0, n, st.center)
        ws.write_string(r, 1, SEVERITY_VI[f.severity], st.error if f.severity == "error" else st.text)
        ws.write_string(r, 2, f.code, st.text)
        ws.write_string(r, 3, CATALOGUE[f.code].title, st.text)
        unit = f"{f.unit_code} {names.get(f.unit_code, '')}".strip() or UNKNOWN
        ws.write_string(r, 4, unit, st.text)
        ws.write_string(r, 5, f.name, st.text)
        ws.write_string(r, 6, f.source_file, st.text)
        ws.write_string(r, 7, f.source_sheet, st.text)
        if f.source_row is None:
            ws.write_blank(r, 8, None, st.num)
        else:
            ws.write_number(r, 8, f.source_row, st.num)
        ws.write_string(r, 9, f.message, st.text)
        _fit(ws, r, list(zip((f.code, CATALOGUE[f.code].title, unit, f.name, f.source_file, f.message),
                             (24, 22, 26, 22, 30, 60))))
    ws.autofilter(row, 0, row + max(len(findings), 1), last)
    for c, width in enumerate((5, 10, 24, 22, 26, 22, 30, 12, 7, 60)):
        ws.set_column(c, c, width)
    ws.freeze_panes(row + 1, 0)
    _page(ws, row, row, last)


def _returns(wb, st: _Styles, campaign: "CampaignConfig", consolidation: "Consolidation") -> None:
    ws = wb.add_worksheet("Tình hình nộp")
    headings = ["TT", "Mã", "Đơn vị", "Nhận lúc", "Tình trạng", "Số bản", "Dòng tập thể", "Dòng cá nhân", "Lỗi",
                "Cảnh báo"]
    last = len(headings) - 1
    row = _title_block(ws, st, campaign, last, f"Hạn nộp: {campaign.deadline:%d/%m/%Y}")
    for c, h in enumerate(headings):
        ws.write_string(row, c, h, st.head)
    for n, s in enumerate(unit_statuses(campaign, consolidation), 1):
        r = row + n
        ws.write_number(r, 0, n, st.center)
        ws.write_string(r, 1, s.code, st.text)
        ws.write_string(r, 2, s.name, st.text)
        _fit(ws, r, [(s.name, 36)])
        ws.write_string(r, 3, s.received_at.strftime("%H:%M %d/%m/%Y") if s.received_at else "", st.text)
        ws.write_string(r, 4, s.state, st.error if s.state != "Đúng hạn" else st.text)
        for c, value in enumerate((s.versions, s.rows.get("tap_the", 0), s.rows.get("ca_nhan", 0), s.errors,
                                   s.warnings), 5):
            ws.write_number(r, c, value, st.num)
    for c, width in enumerate((5, 10, 36, 17, 12, 8, 10, 10, 7, 9)):
        ws.set_column(c, c, width)
    ws.freeze_panes(row + 1, 3)
    _page(ws, row, row, last)


def write_council_workbook(campaign: "CampaignConfig", consolidation: "Consolidation", path: Path) -> Path:
    """Write the council workbook; every text that came from a return is written as text, never a formula."""
    tmp = path.with_name(f".{path.name}.tmp")
    with collector_paused():  # xlsxwriter keeps an object per cell
        _write(campaign, consolidation, tmp)
    tmp.replace(path)
    return path


def _write(campaign: "CampaignConfig", consolidation: "Consolidation", tmp: Path) -> None:
    wb = _Workbook(str(tmp), {"default_format_properties": {"font_name": FONT, "font_size": 11},
                              "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
    wb.set_properties({"title": _heading(campaign),
                       "company": campaign.issuer, "created": datetime(campaign.year, 1, 1)})
    st = _Styles(wb)
    frame = consolidation.frame
    flagged: dict[tuple, list[str]] = {}
    for f in consolidation.report.findings:
        if f.source_row is not None and f.name:
            flagged.setdefault((f.source_file, f.source_sheet, f.source_row), []).append(f.code)
    _summary(wb, st, campaign, frame)
    for spec in campaign.catalogue.sheets:
        _candidates(wb, st, campaign, frame, spec.kind, KINDS[spec.kind], flagged)
    _review(wb, st, campaign, consolidation)
    _returns(wb, st, campaign, consolidation)
    wb.close()
