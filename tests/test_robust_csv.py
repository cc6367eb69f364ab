"""CSV outputs neutralise what a spreadsheet would run as a formula (issue 13, item 5); JSON stays raw."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from conftest import collective, consolidated, person, type_text

from thidua_xlsx.cli import cli
from thidua_xlsx.report import neutral

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"Bấm vào\")", "+84 905 000 111", "-1+2", "@SUM(A1:A9)"]


@pytest.mark.parametrize("value, shown", [("=1+2", "'=1+2"), ("+84", "'+84"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
                                          ("\tx", "'\tx"), ("\rx", "'\rx"), ("Nguyễn Văn A", "Nguyễn Văn A"),
                                          ("a=b", "a=b"), (-5, -5), ("", "")])
def test_neutral_prefixes_what_a_spreadsheet_would_run(value, shown):
    assert neutral(value) == shown


def test_csv_outputs_neutralise_formulas_and_json_stays_raw(campaign, filled_return):
    path = filled_return(campaign, "VP", [collective(), *[person(f"Người {n}", completion="") for n in range(4)]])
    type_text(path, "B. Cá nhân", {f"B{11 + n}": text for n, text in enumerate(HOSTILE)})
    result = consolidated(campaign, path)
    paths = campaign.report(result)
    with paths["registrations"].open(encoding="utf-8", newline="") as fh:
        names = [row["name"] for row in csv.DictReader(fh)]
    assert names == ["Văn phòng Sở", *("'" + h for h in HOSTILE)]
    with paths["findings"].open(encoding="utf-8", newline="") as fh:
        flagged = [r["name"] for r in csv.DictReader(fh) if r["code"] == "DANH_HIEU_KHONG_MUC_DO"]
    assert flagged == ["'" + h for h in HOSTILE]
    runner = CliRunner()
    as_csv = runner.invoke(cli, ["check", str(campaign.root), "--format", "csv"]).output
    assert [r["name"] for r in csv.DictReader(io.StringIO(as_csv)) if r["code"] == "DANH_HIEU_KHONG_MUC_DO"] == \
        flagged
    as_json = json.loads(runner.invoke(cli, ["check", str(campaign.root), "--format", "json"]).output)
    assert [f["name"] for f in as_json if f["code"] == "DANH_HIEU_KHONG_MUC_DO"] == HOSTILE
