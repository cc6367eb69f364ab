"""The parse cache's JSON: what a worker sends and the cache keeps comes back as the reader gave it, and a planted
entry can neither pass for a return nor make the reader unfold it into more memory than its own size allows."""

from __future__ import annotations

import json

import pytest

from thidua_xlsx.cache import decode, encode
from thidua_xlsx.findings import finding
from thidua_xlsx.reading.model import ParsedReturn, Rows


def _return() -> ParsedReturn:
    """Two tables' worth of rows: a collective line, then people on rows 12 to 17 and 30 to 31."""
    n = 9
    rows = Rows(kind=["tap_the"] + ["ca_nhan"] * 8, sheet=["A"] + ["B"] * 8, row=[8, *range(12, 18), 30, 31],
                name=["Phòng Kế hoạch"] + [f"Nguyễn Văn {k}" for k in range(8)],
                completion=["HTXSNV"] + ["HTTNV"] * 7 + [""], note=[""] * 5 + ["Sáng kiến"] + [""] * 3,
                type=[""] * n, items={"LDTT": [1] * 8 + [0], "HC_LD": [0, "Ba", 0, 0, "1", 0, 0, 0, 0],
                                      "CSTD_CS": [0] * n},
                honorific=["", "Ông"] + [""] * 7, birth_year=["", "1980", "1975", "", "", "1990", "", "", ""],
                gender=[""] * n, position=[""] * n, sub_unit=[""] * n, staff_id=[""] * n, headcount=["12"] + [""] * 8)
    return ParsedReturn(file="VP.xlsx", sha256="ab" * 32, rows=rows, meta={"unit_code": "VP"},
                        unit_lines=["Văn phòng Sở"],
                        findings=[finding("GIA_TRI_KHONG_RO", kind="ca_nhan", name="Nguyễn Văn 3",
                                          source_file="VP.xlsx", source_sheet="B", source_row=15, cell="D15",
                                          column="LĐTT", value="??", hint="")])


def _plain(parsed: ParsedReturn) -> tuple:
    """Everything a parsed return holds, types included (a Finding's equality leaves its fields out)."""
    rows = {name: [(type(v), v) for v in column] for name, column in vars(parsed.rows).items() if name != "items"}
    items = {code: [(type(v), v) for v in marks] for code, marks in parsed.rows.items.items()}
    return (parsed.file, parsed.sha256, parsed.readable, parsed.meta, parsed.unit_lines, rows, items,
            [vars(f) for f in parsed.findings])


def test_a_return_comes_back_as_the_reader_gave_it():
    parsed = _return()
    assert _plain(decode(encode(parsed))) == _plain(parsed)
    assert _plain(decode(encode(ParsedReturn(file="x.xlsx", sha256="0" * 64)))) == _plain(
        ParsedReturn(file="x.xlsx", sha256="0" * 64))


def _planted(change) -> bytes:
    data = json.loads(encode(_return()))
    change(data["rows"])
    return json.dumps(data).encode()


@pytest.mark.parametrize("change", [
    lambda rows: rows.update(type={"runs": ["", 8]}),                      # one row short
    lambda rows: rows.update(type={"runs": ["", 10, "", -1]}),             # a negative run
    lambda rows: rows.update(note={"else": "", "at": [9], "is": ["x"]}),   # past the last row
    lambda rows: rows.update(note={"else": "", "at": [-1], "is": ["x"]}),  # from the end
    lambda rows: rows.update(note={"else": "", "at": [True], "is": ["x"]}),
    lambda rows: rows.update(row={"steps": [12, 8]}),
    lambda rows: rows.update(gender=["", ""]),
    lambda rows: rows.update(gender="Nam"),
    lambda rows: rows.pop("gender"),
])
def test_a_planted_entry_that_is_not_a_return_is_refused(change):
    with pytest.raises(ValueError):
        decode(_planted(change))


def test_a_small_planted_entry_cannot_unfold_into_gigabytes():
    n = 200_000  # blank names: the entry is some 600 KB, its packed columns would be 9 million values
    data = json.loads(encode(ParsedReturn(file="x.xlsx", sha256="0" * 64)))
    data["rows"] = {name: {"runs": ["", n]} for name in data["rows"]}
    data["rows"].update(name=[""] * n, row={"steps": [1, n]},
                        items={f"M{k}": {"runs": [0, n]} for k in range(30)})
    with pytest.raises(ValueError, match="unfold"):
        decode(json.dumps(data))
