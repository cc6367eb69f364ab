"""Unit identification: the index gives the answers of comparing a text with every unit, and a return whose unit
line and own row disagree replaces no unit's return."""

from __future__ import annotations

import random
from datetime import datetime

from conftest import collective, consolidated, person, rows_of, write_xlsx

from thidua_xlsx.config import Unit
from thidua_xlsx.identify import UnitIndex
from thidua_xlsx.text import fold

WORDS = ["phong", "kinh", "te", "ha", "tang", "vp", "so", "thanh", "tra", "a", "kt"]


def pairwise(units: list[Unit], text: str, whole: bool) -> str | None:
    """The text compared with every key of every unit, as identification did before the index."""
    key = fold(text)
    if not key:
        return None
    exact = {u.code for u in units if key in u.keys}
    if len(exact) == 1:
        return exact.pop()
    if whole:
        return None
    found: dict[str, int] = {}
    for unit in units:
        for k in unit.keys:
            if (len(k) >= 4 or " " not in k) and f" {k} " in f" {key} ":
                found[unit.code] = max(found.get(unit.code, 0), len(k))
    best = max(found.values(), default=0)
    winners = [code for code, length in found.items() if length == best]
    return winners[0] if len(winners) == 1 else None


def _phrase(rng: random.Random, words: list[str], most: int) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(1, most)))


def test_index_answers_as_comparing_with_every_unit():
    rng = random.Random(14)  # a fixed seed: the same 3,000 cases on every run
    for _ in range(3000):
        units = [Unit(f"U{n}", _phrase(rng, WORDS, 4), aliases=tuple(_phrase(rng, WORDS, 3)
                                                                        for _ in range(rng.randint(0, 2))))
                 for n in range(rng.randint(1, 6))]
        text = _phrase(rng, WORDS + ["PHÒNG", "Hạ-Tầng", "."], 8)
        index = UnitIndex(units)
        for whole in (False, True):
            assert index.match(text, whole) == pairwise(units, text, whole), (units, text, whole)


def _return_without_meta(tmp_path, file_name: str, line: str, own_row: str, person_name: str):
    return write_xlsx(tmp_path / file_name, {"Đăng ký": [
        [f"PHÒNG/ĐƠN VỊ: {line}"],
        ["TT", "PHÒNG/ĐƠN VỊ", "Tập thể Lao động tiên tiến"], [1, own_row, "x"],
        ["TT", "Họ và tên", "Lao động tiên tiến"], [1, person_name, "x"]]})


def test_unit_line_and_own_row_naming_two_units_replace_neither_return(campaign, filled_return, tmp_path):
    vp = filled_return(campaign, "VP", [collective(), person("Võ Thị Hồng")])
    ttra = _return_without_meta(tmp_path, "thanh-tra.xlsx", "Thanh tra Sở", "Thanh tra Sở", "Mai Văn Sơn")
    campaign.collect([vp, ttra], received_at=datetime.fromisoformat("2022-03-05T09:00:00+07:00"))
    mixed = _return_without_meta(tmp_path, "dang-ky.xlsx", "Văn phòng Sở", "Thanh tra Sở", "Tạ Thị Hạnh")
    result = consolidated(campaign, mixed)
    mixed_file = next(i.entry.file for i in result.returns if i.entry.file.endswith("dang-ky.xlsx"))
    assert result.current("VP").entry.file.endswith("VP.xlsx")
    assert result.current("TTRA").entry.file.endswith("thanh-tra.xlsx")
    assert [(f.code, f.unit_code, f.source_file, f.message) for f in result.report.findings
            if f.code.startswith(("DON_VI", "TEP_CU"))] == [
        ("DON_VI_MAU_THUAN", "", mixed_file,
         "Đầu biểu ghi đơn vị Văn phòng Sở (VP) nhưng dòng tập thể ghi Thanh tra Sở (TTRA); tệp không được tính là "
         "bản nộp của đơn vị nào (2 dòng vẫn được giữ với mã đơn vị trống, không thay bản đã nộp của hai đơn vị); "
         "đề nghị đơn vị sửa lại cho thống nhất rồi gửi lại.")]
    assert sorted(rows_of(result, "unit_code", "kind", "name")) == [
        ("", "ca_nhan", "Tạ Thị Hạnh"), ("", "tap_the", "Thanh tra Sở"),
        ("TTRA", "ca_nhan", "Mai Văn Sơn"), ("TTRA", "tap_the", "Thanh tra Sở"),
        ("VP", "ca_nhan", "Võ Thị Hồng"), ("VP", "tap_the", "Văn phòng Sở")]


def test_unit_line_and_own_row_naming_one_unit_by_name_and_alias_agree(campaign, tmp_path):
    path = _return_without_meta(tmp_path, "tt.xlsx", "Thanh tra", "Thanh tra Sở", "Mai Văn Sơn")
    result = consolidated(campaign, path)
    assert result.current("TTRA").identified_by == "tiêu đề"
    assert [f.code for f in result.report.findings if f.code.startswith("DON_VI")] == []
    assert rows_of(result, "unit_code", "kind", "name") == [("TTRA", "tap_the", "Thanh tra Sở"),
                                                            ("TTRA", "ca_nhan", "Mai Văn Sơn")]
