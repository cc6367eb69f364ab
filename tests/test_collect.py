"""Collecting returns: nothing overwritten, duplicates said, units identified without _meta."""

from __future__ import annotations

import errno
import shutil
from datetime import datetime

import pytest
from conftest import collective, consolidated, person, write_xlsx

from thidua_xlsx import returns
from thidua_xlsx.files import not_written
from thidua_xlsx.returns import read_log, safe_name

PEOPLE_HEADER = ["TT", "Họ và tên", "Lao động tiên tiến", "Ghi chú"]


@pytest.mark.parametrize("sheet, file_name, unit", [
    ({"S": [["PHÒNG/ĐƠN VỊ: Phòng KH-TC-TH"], PEOPLE_HEADER, [1, "Bùi Thị Hương", "x"]]}, "a.xlsx", "KHTC"),
    ({"S": [["phòng/đơn vị: PHÒNG QUẢN LÝ CÔNG NGHIỆP ....."], PEOPLE_HEADER, [1, "Bùi Thị Hương", "x"]]},
     "a.xlsx", "QLCN"),
    ({"S": [["TT", "PHÒNG/ĐƠN VỊ", "Tập thể LĐTT"], [1, "Thanh tra Sở", "x"]]}, "b.xlsx", "TTRA"),
    ({"S": [PEOPLE_HEADER, [1, "Bùi Thị Hương", "x"]]}, "Dang ky thi dua - QLNL.xlsx", "QLNL"),
    ({"S": [PEOPLE_HEADER, [1, "Bùi Thị Hương", "x"]]}, "Phòng Kinh tế thị xã Đức Phổ.xlsx", "KT_DP"),
], ids=["unit-line-alias", "unit-line-case-accents", "own-row", "file-name-code", "file-name-unit-name"])
def test_unit_identified_without_meta(campaign, tmp_path, sheet, file_name, unit):
    result = consolidated(campaign, write_xlsx(tmp_path / file_name, sheet))
    assert set(result.frame["unit_code"]) == {unit}


def test_meta_sheet_wins_over_a_misleading_file_name(campaign, filled_return):
    path = filled_return(campaign, "TTKC", [person("Hà Văn Nam")], name="VP.xlsx")
    result = consolidated(campaign, path)
    assert set(result.frame["unit_code"]) == {"TTKC"}
    assert result.current("TTKC").identified_by == "_meta"


def test_collect_keeps_every_version_and_skips_exact_duplicates(campaign, filled_return, tmp_path):
    path = filled_return(campaign, "VP", [collective()])
    first = campaign.collect([path], received_at=datetime.fromisoformat("2022-03-01T08:00+07:00"))
    again = campaign.collect([path], received_at=datetime.fromisoformat("2022-03-02T08:00+07:00"))
    assert len(first.added) == 1 and again.added == []
    assert again.duplicates == [(str(path), first.added[0].file)]
    stored = campaign.returns_dir / first.added[0].file
    original = stored.read_bytes()
    filled_return(campaign, "VP", [collective(), person("Đinh Thị Yến")])  # new content, same name
    second = campaign.collect([path], received_at=datetime.fromisoformat("2022-03-03T08:00+07:00"))
    assert len(second.added) == 1 and second.added[0].file != first.added[0].file
    assert stored.read_bytes() == original, "a return already collected is never overwritten"
    assert [e.received_at.day for e in read_log(campaign)] == [1, 3]


def test_collect_walks_folders_and_lists_what_it_skips(campaign, filled_return, tmp_path):
    a = filled_return(campaign, "VP", [collective()])
    folder = tmp_path / "hop-thu" / "tuan-2"
    folder.mkdir(parents=True)
    (folder / "VP.xlsx").write_bytes(a.read_bytes() + b"")
    (folder / "ghi-chu.txt").write_text("không phải bảng tính", encoding="utf-8")
    (folder / "~$VP.xlsx").write_bytes(b"lock")
    result = campaign.collect([tmp_path / "hop-thu", tmp_path / "khong-co.xlsx"])
    assert [e.file.split("_", 2)[2] for e in result.added] == ["VP.xlsx"]
    assert sorted(reason for _, reason in result.skipped) == ["không phải bảng tính", "không phải bảng tính",
                                                               "không tìm thấy"]


def test_a_file_that_cannot_be_read_is_listed_and_the_others_collected(campaign, filled_return, tmp_path):
    good = filled_return(campaign, "VP", [collective()])
    broken = tmp_path / "hong.xlsx"
    broken.symlink_to("/proc/self/mem")  # a file that opens but fails on read (EIO), even for root
    result = campaign.collect([broken, good])
    assert [e.file.split("_", 2)[2] for e in result.added] == ["VP.xlsx"]
    assert [(s, r.split(" (")[0]) for s, r in result.failed] == [(str(broken), "không đọc được tệp")]
    assert sorted(p.name for p in campaign.returns_dir.iterdir()) == sorted([result.added[0].file, "log.csv"])
    stored = campaign.returns_dir / result.added[0].file
    assert stored.stat().st_mode & 0o044 == good.stat().st_mode & 0o044, "the usual permissions, not mkstemp's 0600"


@pytest.mark.parametrize("name, safe", [("../../etc/passwd", "passwd"), ("..\\..\\x.xlsx", "x.xlsx"),
                                        (".hidden.xlsx", "hidden.xlsx"), ("Đăng ký: VP?.xlsx", "Đăng ký_ VP_.xlsx")])
def test_safe_names_stay_inside_returns(name, safe):
    assert safe_name(name) == safe


def test_report_reads_each_return_once_and_again_only_when_the_reader_changes(campaign, filled_return,
                                                                               monkeypatch):
    import thidua_xlsx.cache as cache
    import thidua_xlsx.consolidate as consolidate

    campaign.collect([filled_return(campaign, "VP", [collective()])])
    calls = []
    real = consolidate.read_isolated  # files are read in worker processes: count the files handed to them
    monkeypatch.setattr(consolidate, "read_isolated", lambda jobs, *a: calls.extend(jobs) or real(jobs, *a))
    campaign.consolidate()
    campaign.consolidate()
    assert len(calls) == 1, "the second consolidation uses the parse cache"
    monkeypatch.setattr(cache, "reader_fingerprint", lambda: "a newer reader")
    assert len(campaign.consolidate().frame) == 1 and len(calls) == 2
    (campaign.root / ".cache" / "parsed.sqlite").write_bytes(b"damaged: not a database")
    assert len(campaign.consolidate().frame) == 1 and len(calls) == 3, "a damaged cache is read past"
    campaign.consolidate()
    assert len(calls) == 3, "and rebuilt"


def test_the_same_content_twice_when_the_log_cannot_be_written_is_said_not_collected_both_times(
        campaign, filled_return, monkeypatch):
    first = filled_return(campaign, "VP", [collective(), person("Người A")])
    twin = first.parent / "copy-of-a.xlsx"
    shutil.copy(first, twin)

    def full(path, header, rows, sync=True):  # the disk fills up as the log rows are written
        raise not_written(path.parent, OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(returns, "append_csv", full)
    result = campaign.collect([first, twin], received_at=datetime.fromisoformat("2022-03-10T09:00:00+07:00"))
    reason = f"Không ghi được vào {campaign.returns_dir}: ổ đĩa đã đầy (No space left on device)."
    assert (result.added, result.duplicates) == ([], []), "never a duplicate of a file that was not stored"
    assert result.failed == [(str(first), reason), (str(twin), reason)]
    assert sorted(p.name for p in campaign.returns_dir.iterdir()) == [], "nothing half-stored is left"


def test_a_frame_names_only_the_units_and_files_it_has_rows_of(campaign, filled_return, tmp_path):
    empty = write_xlsx(tmp_path / "KHTC.xlsx", {"S": [["PHÒNG/ĐƠN VỊ: Phòng KH-TC-TH"], PEOPLE_HEADER]})
    result = consolidated(campaign, filled_return(campaign, "VP", [collective()]), empty)
    assert list(result.frame["unit_code"].cat.categories) == ["VP"]
    assert len(result.frame["source_file"].cat.categories) == 1
