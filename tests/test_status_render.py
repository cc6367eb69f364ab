"""The status table of ten thousand units is drawn line by line, yet reads exactly as rich's own Table of the same
lines: at 80 columns (cut where rich cuts it), at any width, in colour."""

from __future__ import annotations

import io
from datetime import datetime

from click.testing import CliRunner
from conftest import collective, person
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.errors import MarkupError

from thidua_xlsx import Campaign
from thidua_xlsx.cli import cli
from thidua_xlsx.render import StatusTable, _rich_status_table, status_table
from thidua_xlsx.status import AWAITING, LATE, MISSING, ON_TIME, UNKNOWN


def test_status_at_80_columns_is_rich_table_of_the_same_lines(campaign, filled_return):
    campaign.collect([filled_return(campaign, "VP", [collective(), person("Lê Văn Tín", "HTXSNV", "CSTD_CS")]),
                      filled_return(campaign, "KHTC", [collective()])],
                     received_at=datetime.fromisoformat("2022-03-20T10:00:00+07:00"))
    result = CliRunner(env={"COLUMNS": "80"}).invoke(cli, ["status", str(campaign.root)])
    assert result.exit_code == 0, result.output
    shown = result.output
    table = status_table(campaign, Campaign.load(campaign.root).statuses())
    rows, title = table.rows, table.title
    console = Console(file=io.StringIO(), width=80, highlight=False)
    console.print(_rich_status_table(title, rows))
    assert shown == console.file.getvalue()
    lines = shown.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("│ KHTC "))
    assert lines[at:at + 2] == [  # a long name wraps; the columns past the 80th are cut, as rich cuts them
        "│ KHTC    │ Phòng Kế hoạch - Tài │ 10:00 20/03/2022 │ Muộn       │  1 │  1 │   0",
        "│         │ chính - Tổng hợp     │                  │            │    │    │    "]
    assert max(len(line) for line in lines) == 80


CELL = st.text(st.sampled_from("aăâbđêôơư ÁÀẢẠệỹ中文:[]/\\\u0301\t0123456789-"), max_size=30)
NAME = st.one_of(CELL, st.lists(st.sampled_from(["Phòng", "Kế", "hoạch", "-", "Tài", "chính", "Sở", "Nghiệp", "vụ",
                                                 "số", "12", "Trung tâm"]), min_size=1, max_size=9).map(" ".join))
NUMBER = st.sampled_from(["", "0", "1", "12", "150", "123456789"])


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(CELL, NAME, st.sampled_from(["", "09:00 10/03/2022"]),
                               st.sampled_from([ON_TIME, LATE, MISSING, AWAITING, UNKNOWN]),
                               NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER), min_size=1, max_size=12),
       width=st.integers(8, 220), colour=st.booleans())
def test_the_status_table_is_rich_table_of_the_same_lines(rows, width, colour):
    rows = [list(r) for r in rows]
    shown = []
    for table, crop in ((_rich_status_table("Tình hình nộp", rows), True), (StatusTable("Tình hình nộp", rows), False)):
        console = Console(file=io.StringIO(), width=width, force_terminal=colour, color_system="standard",
                          highlight=False)
        try:
            console.print(table, crop=crop)
        except MarkupError as exc:  # a name with a stray closing tag: rich refuses it, and so does the table
            shown.append(type(exc))
        else:
            shown.append(console.file.getvalue())
    assert shown[1] == shown[0]
