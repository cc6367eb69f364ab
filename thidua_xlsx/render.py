"""Terminal rendering of findings and statuses with rich (computing stays in the library)."""

from __future__ import annotations

import re
from itertools import chain
from typing import TYPE_CHECKING, Iterable, Iterator

from rich.cells import cell_len, set_cell_size
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.table import Column, Table
from rich.text import Text

from thidua_xlsx.findings import SEVERITY_VI, Report
from thidua_xlsx.status import AWAITING, LATE, MISSING, UnitStatus

if TYPE_CHECKING:
    from rich.box import Box
    from rich.console import Console, ConsoleOptions

    from thidua_xlsx.config import CampaignConfig

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
STATE_STYLE = {MISSING: "red", LATE: "yellow", AWAITING: "magenta"}  # any other state: green
STATE = 3  # the column of the state, the one coloured cell of a line
NEW_LINE = Segment.line()
# What rich may not print as it is: markup, emoji codes (:name:), control characters (tabs and line ends too).
_NOT_PLAIN = re.compile(r"[\[\x00-\x1f\x7f]|:\S*:")


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
        # What a return says is shown as it is (Text): never read as markup or emoji codes.
        table.add_row(Text(unit if unit != previous else ""), f"[{STYLE[f.severity]}]{SEVERITY_VI[f.severity]}[/]",
                      f.code, Text(f.name), Text(where), Text(f.message))
        previous = unit
    if not findings:
        table.add_row("", "", "", "", "", "Không có phát hiện nào.")
    return table


def status_table(campaign: "CampaignConfig", statuses: list[UnitStatus]) -> "StatusTable":
    """One line per unit: received time, state, versions, rows, findings by severity."""
    late = sum(s.state == LATE for s in statuses)
    missing = sum(s.state == MISSING for s in statuses)
    awaiting = sum(s.state == AWAITING for s in statuses)
    waiting = f", {awaiting} chờ bổ sung" if awaiting else ""
    title = (f"Tình hình nộp - hạn {campaign.deadline:%d/%m/%Y}: {len(statuses) - missing} đã nộp "
             f"({late} muộn{waiting}), {missing} chưa nộp")
    rows = []
    for s in statuses:
        at = s.received_at.strftime("%H:%M %d/%m/%Y") if s.received_at else ""
        rows.append([s.code, s.name, at, s.state, str(s.versions), str(s.rows.get("tap_the", "")),
                     str(s.rows.get("ca_nhan", "")), str(s.errors), str(s.warnings), str(s.infos)])
    return StatusTable(title, rows)


def _rich_status_table(title: str, rows: list[list[str]]) -> Table:
    """The status table as a rich Table (the state as markup in its colour, every other cell as plain text)."""
    table = Table(title=title)
    table.add_column("Mã", no_wrap=True)
    table.add_column("Đơn vị", min_width=20)
    table.add_column("Nhận lúc", no_wrap=True)
    table.add_column("Tình trạng", no_wrap=True)
    for column in ("Số bản", "Tập thể", "Cá nhân", "Lỗi", "Cảnh báo", "Thông tin"):
        table.add_column(column, justify="right")
    for cells in rows:
        state = cells[STATE]
        table.add_row(*map(Text, cells[:STATE]), _state_markup(state), *map(Text, cells[STATE + 1:]))
    return table


def _colour(state: str) -> str:
    return STATE_STYLE.get(state, "green")


def _state_markup(state: str) -> str:
    """The state in its colour, as rich markup."""
    return f"[{_colour(state)}]{state}[/]"


def _plain(text: str) -> bool:
    """Whether rich prints this cell text as it is (no markup, emoji code, control character or edge space)."""
    return not _NOT_PLAIN.search(text) and text == text.strip()


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def _head_separator(lines: list[list[Segment]], box: "Box", columns: int) -> tuple[int, list[int]] | None:
    """The index of the line under the header and the column widths it shows (padding included), if found."""
    for index, line in enumerate(lines):
        text = "".join(segment.text for segment in line)
        if len(text) > 2 and text[0] == box.head_row_left and text[-1] == box.head_row_right:
            widths = [len(part) for part in text[1:-1].split(box.head_row_cross)]
            if len(widths) == columns and box.get_row(widths, "head", edge=True) == text:
                return index, widths
    return None


def _probe_rows(columns: list[tuple[str, ...]], lengths: list[dict[str, int]]) -> list[list[str]]:
    """Rows that give the table the column widths of all its rows (a column's width depends on its own cells
    only): in each column its widest cell, the one with the longest word, and any cell rich must read itself."""
    chosen = []
    for values, length in zip(columns, lengths):
        cells = [v for v in set(values) if v not in length]
        if length:
            cells += [max(length, key=length.__getitem__), max(length, key=_longest_word)]
        chosen.append(cells)
    return [[c[n] if n < len(c) else "" for c in chosen] for n in range(max(map(len, chosen)))]


def _layout(console: "Console", column: Column, width: int, length: dict[str, int], text: str,
            wrap: bool) -> list[str] | None:
    """A cell's lines, padding included, as rich lays out plain text; None when rich must lay it out itself."""
    if text not in length:
        return None
    room = width - 2 - length[text]
    if room >= 0:
        return [f" {' ' * room}{text} " if column.justify == "right" else f" {text}{' ' * room} "]
    if width <= 2 or not wrap:
        return None
    if column.justify == "left" and not column.no_wrap:
        lines = _word_wrap(text, width - 2)
        if lines is not None:
            return lines
    wrapped = Text(text).wrap(console, width - 2, justify=column.justify, overflow=column.overflow,
                              no_wrap=column.no_wrap)
    return [f" {set_cell_size(line.plain, width - 2)} " for line in wrapped]


def _word_wrap(text: str, width: int) -> list[str] | None:
    """Lines of words separated by single spaces, as rich wraps and left-justifies them (a word goes on while it
    fits), padding included; None unless every word fits a line and takes one cell per character (Vietnamese
    does). Ten thousand names wrap here in a tenth of the time rich's general wrapping takes."""
    words = text.split(" ")
    if words != text.split():
        return None
    lines: list[str] = []
    line: list[str] = []
    used = -1  # the cells the line takes, with a space before each word (none before its first)
    for word in words:
        size = cell_len(word)  # words repeat from name to name: rich's cache answers
        if size > width or size != len(word):  # rich trims a line's end by characters, not cells
            return None
        if line and used + 1 + size > width:
            lines.append(f" {' '.join(line)}{' ' * (width - used)} ")
            line, used = [], -1
        line.append(word)
        used += 1 + size
    lines.append(f" {' '.join(line)}{' ' * (width - used)} ")
    return lines


class StatusTable:
    """The status table exactly as rich draws it, at a small part of the cost for ten thousand lines: rich lays out
    the title, the header and the column widths from a few rows holding each column's widest cells, and the body
    lines are padded here as rich pads them (rich still lays out any cell with markup or an emoji code). Lines
    wider than the console are cut here as Console.print cuts them, so print(..., crop=False) shows the same
    without measuring every line again."""

    def __init__(self, title: str, rows: list[list[str]]) -> None:
        self.title = title
        self.rows = rows
        self.columns = list(zip(*rows))

    def __rich_console__(self, console: "Console", options: "ConsoleOptions") -> Iterator[Segment]:
        lengths = [{v: cell_len(v) for v in set(values) if _plain(v)} for values in self.columns]
        probe = _rich_status_table(self.title, _probe_rows(self.columns, lengths) if self.rows else [])
        lines = list(Segment.split_lines(console.render(probe, options)))
        box = probe.box.substitute(options, safe=console.safe_box) if probe.box else None
        found = _head_separator(lines, box, len(probe.columns)) if box and self.rows else None
        if found is None:  # not the layout this class knows: rich draws the whole table
            lines = list(Segment.split_lines(console.render(_rich_status_table(self.title, self.rows), options)))
            body: Iterable[tuple[list[Segment], list[int] | None]] = []
        else:
            index, widths = found
            lines, body = lines[:index + 1] + lines[-1:], self._body(console, options, probe, widths, lengths, box)
        width = console.width  # a property that asks the terminal each time
        cut = max(map(Segment.get_line_length, lines)) > width
        framed = [(line, None) for line in lines]
        for line, sizes in chain(framed[:-1], body, framed[-1:]):
            yield from _cut(line, sizes, width) if cut else line
            yield NEW_LINE

    def _body(self, console: "Console", options: "ConsoleOptions", probe: Table, widths: list[int],
              lengths: list[dict[str, int]], box: "Box") -> Iterator[tuple[list[Segment], list[int] | None]]:
        """The body's lines, each with the cells its segments take when known: cells of plain text are laid out
        here, any other cell by rich."""
        layouts = [{v: _layout(console, column, width, length, v, wrap=n != STATE) for v in set(values)}
                   for n, (values, column, width, length)
                   in enumerate(zip(self.columns, probe.columns, widths, lengths))]
        styles = {s: console.get_style(_colour(s)) for s in set(self.columns[STATE])}
        for n, cells in enumerate(self.rows):
            edges = (box.foot_left, box.foot_vertical, box.foot_right) if n == len(self.rows) - 1 else (
                box.mid_left, box.mid_vertical, box.mid_right)
            laid = [layout[text] for layout, text in zip(layouts, cells)]
            state = cells[STATE]
            if None in laid:
                lines = _joined(_cells(console, options, probe, widths, cells, laid, styles[state]), edges)
                yield from ((line, None) for line in lines)
            else:
                yield from _laid_lines(laid, widths, edges, (state, styles[state], lengths[STATE][state]))


def _laid_lines(laid: list[list[str]], widths: list[int], edges: tuple[str, str, str],
                state: tuple[str, Style, int]) -> Iterator[tuple[list[Segment], list[int]]]:
    """The lines of a table line whose cells are all laid out already (plain text around the coloured state),
    with the cells each segment takes."""
    left, divider, right = edges
    total = sum(widths) + len(widths) + 1
    before = sum(widths[:STATE]) + STATE + 2  # the edge, the cells and dividers before the state, and a space
    text, style, size = state
    for line in range(max(map(len, laid))):
        cells = [c[line] if line < len(c) else " " * width for c, width in zip(laid, widths)]
        head = f"{left}{divider.join(cells[:STATE])}{divider}"
        tail = f"{divider}{divider.join(cells[STATE + 1:])}{right}"
        if line:
            yield [Segment(f"{head}{cells[STATE]}{tail}")], [total]
        else:
            yield ([Segment(f"{head} "), Segment(text, style), Segment(f"{cells[STATE][1 + len(text):]}{tail}")],
                   [before, size, total - before - size])


def _cut(line: list[Segment], sizes: list[int] | None, width: int) -> list[Segment]:
    """A line cut to width as Console.print cuts it (Segment.adjust_line_length), without measuring its segments
    again when their sizes are known."""
    if sizes is None:
        return Segment.adjust_line_length(line, width, pad=False)
    out, used = [], 0
    for segment, size in zip(line, sizes):
        if used + size < width:
            out.append(segment)
            used += size
        else:
            out.append(Segment(set_cell_size(segment.text, width - used), segment.style))
            break
    return out


def _cells(console: "Console", options: "ConsoleOptions", probe: Table, widths: list[int], cells: list[str],
           laid: list[list[str] | None], style: Style) -> list[list[list[Segment]]]:
    """Each cell of a table line as its lines of segments, all of the line's height; rich lays out the cells
    not laid out already, as its Table does."""
    out = []
    for n, (column, text, width, lines) in enumerate(zip(probe.columns, cells, widths, laid)):
        if lines is not None and n == STATE:
            out.append([[Segment(" "), Segment(text, style), Segment(lines[0][1 + len(text):])]])
        elif lines is not None:
            out.append([[Segment(line)] for line in lines])
        else:
            shown = _state_markup(text) if n == STATE else Text(text)
            out.append(console.render_lines(Padding(shown, (0, 1)), options.update(
                width=width, justify=column.justify, no_wrap=column.no_wrap, overflow=column.overflow,
                height=None, highlight=column.highlight)))
    height = max(1, *map(len, out))
    return [Segment.set_shape(lines, width, height) for lines, width in zip(out, widths)]


def _joined(cells: list[list[list[Segment]]], edges: tuple[str, str, str]) -> Iterator[list[Segment]]:
    """The lines of a table line: its cells side by side between the box's edges and dividers."""
    left, divider, right = edges
    for line in range(len(cells[0])):
        out = [Segment(left)]
        for n, cell in enumerate(cells):
            if n:
                out.append(Segment(divider))
            out.extend(cell[line])
        out.append(Segment(right))
        yield out
