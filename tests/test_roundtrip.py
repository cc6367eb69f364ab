"""Every preset, end to end: generate, fill as a unit would, collect, report; every row accounted for."""

from __future__ import annotations

import csv

import pytest

from thidua_xlsx.findings import CATALOGUE
from thidua_xlsx.presets import PRESETS


def _rows_for(campaign, unit_index: int) -> list[dict]:
    rows = []
    for spec in campaign.catalogue.sheets:
        items = campaign.catalogue.items_of(spec.key)
        for n in range(3):
            item = items[(n + unit_index) % len(items)]
            mark = f"{item.code}=Nhì" if item.kind == "class" else item.code
            row = {"sheet": spec.key, "name": "" if spec.kind == "tap_the" and n == 0 else
                   f"{spec.name[3:]} {unit_index}-{n} Nguyễn Thị Ánh", "marks": mark,
                   "completion": {"text": "HTXSNV", "ticks": "HTTNV"}.get(spec.completion, ""), "note": f"ghi chú {n}"}
            if spec.types:
                row["type"] = spec.types[n % len(spec.types)]
            rows.append(row)
    return rows


@pytest.mark.parametrize("preset", list(PRESETS))
def test_round_trip(make_campaign, filled_return, preset):
    campaign = make_campaign(preset=preset, year=2024)
    sent = {}
    for i, unit in enumerate(campaign.units[:3]):
        sent[unit.code] = _rows_for(campaign, i)
        campaign.collect([filled_return(campaign, unit.code, sent[unit.code])])
    result = campaign.consolidate()
    paths = campaign.report(result)
    with paths["registrations"].open(encoding="utf-8") as fh:
        written = list(csv.DictReader(fh))
    for code, rows in sent.items():
        mine = [r for r in written if r["unit_code"] == code]
        assert len(mine) == len(rows), "every filled row is in registrations.csv"
        for got, want in zip(mine, rows):
            spec = next(s for s in campaign.catalogue.sheets if s.key == want["sheet"])
            assert got["kind"] == spec.kind and got["source_sheet"] == spec.name
            assert got["completion"] == want["completion"]
            code_, _, cls = want["marks"].partition("=")
            assert got[code_] == (cls or "1")
            assert got["note"] == want["note"]
            if want["name"]:
                assert got["name"] == want["name"]
            if spec.types:
                assert got["collective_type"] == want["type"]
    reading = [(f.code, f.message) for f in result.report.findings
               if f.severity == "error" and CATALOGUE[f.code].scope != "law"]
    assert reading == []
