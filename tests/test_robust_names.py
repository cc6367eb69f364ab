"""Stored names (issue 13, item 6): NFC, within 255 bytes with the extension kept; a long attachment name never
stops a mailbox collect; a file named in NFD, as macOS writes names, is identified by its name."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner
from conftest import collective, consolidated, person, rows_of, write_xlsx
from mailservers import dovecot
from test_mail import _append

from thidua_xlsx.cli import cli
from thidua_xlsx.returns import safe_name

# Letters with two diacritics take 3 bytes each in UTF-8: 80 of them (the old cut, in characters) plus the stamp
# and hash of a stored name overflowed the 255 bytes a file name may have ("File name too long").
LONG = "ỨỰỪỬỮỆỄỂẾỀỘỖỔỐỒẶẴẲẮẰẬẪẨẤẦ" * 10


def long_name(size: int) -> str:
    """A Vietnamese file name of exactly size bytes (UTF-8), ending in .xlsx."""
    name = ""
    for char in LONG:
        if len((name + char + ".xlsx").encode()) > size:
            break
        name += char
    return name + "x" * (size - len((name + ".xlsx").encode())) + ".xlsx"


@pytest.mark.parametrize("name, safe", [
    (unicodedata.normalize("NFD", "Phòng Quản lý.xlsx"), "Phòng Quản lý.xlsx"),
    ("Đăng ký" * 40 + ".xlsx", "Đăng ký" * 21 + "Đăng k.xlsx"),  # 10 bytes each; cut at a character
    ("a" * 300 + ".xlsx", "a" * 219 + ".xlsx"),
])
def test_safe_names_are_nfc_and_fit_255_bytes_with_their_extension(name, safe):
    assert safe_name(name) == safe
    assert len(("20220310-090000_0123abcd_2_" + safe_name(name)).encode()) <= 255


def test_an_nfd_file_name_is_stored_in_nfc_and_identifies_its_unit(campaign, tmp_path):
    name = unicodedata.normalize("NFD", "Phòng Quản lý Công nghiệp.xlsx")
    path = write_xlsx(tmp_path / name, {"Sheet1": [["TT", "Họ và tên", "Lao động tiên tiến"], [1, "Lê Thị Mai", "x"]]})
    result = consolidated(campaign, path)
    stored = result.returns[0].entry.file
    assert stored.split("_", 2)[2] == "Phòng Quản lý Công nghiệp.xlsx"
    assert unicodedata.is_normalized("NFC", stored) and (campaign.returns_dir / stored).is_file()
    assert (result.returns[0].unit_code, result.returns[0].identified_by) == ("QLCN", "tên tệp")
    assert rows_of(result, "unit_code", "name") == [("QLCN", "Lê Thị Mai")]


def test_a_long_vietnamese_file_name_is_stored(campaign, filled_return):
    name = long_name(250)  # fits the disk; with the stamp and hash in front it once did not
    path = filled_return(campaign, "QLCN", [collective(), person("Lê Thị Mai")], name=name)
    result = consolidated(campaign, path)
    stored = result.returns[0].entry.file
    assert len(stored.encode()) <= 255 and stored.endswith(".xlsx")
    assert name.startswith(stored.split("_", 2)[2][:-5]) and len(stored.split("_", 2)[2]) > 70
    assert rows_of(result, "unit_code", "name") == [("QLCN", "Phòng Quản lý Công nghiệp"), ("QLCN", "Lê Thị Mai")]


def test_a_254_byte_attachment_name_never_stops_the_mailbox_collect(campaign, filled_return, monkeypatch):
    qlcn = filled_return(campaign, "QLCN", [collective(), person("Lê Thị Mai")]).read_bytes()
    vp = filled_return(campaign, "VP", [collective(), person("Võ Văn Rân")]).read_bytes()
    long = long_name(254)
    with dovecot("vanphong", "matkhau") as port:
        for var, value in {"THIDUA_IMAP_HOST": "127.0.0.1", "THIDUA_IMAP_PORT": str(port),
                           "THIDUA_IMAP_USER": "vanphong", "THIDUA_IMAP_PASSWORD": "matkhau"}.items():
            monkeypatch.setenv(var, value)
        when = datetime(2022, 3, 14, 9, 0, tzinfo=timezone.utc)
        _append(port, "vanphong", "matkhau", "QLCN <qlcn@sct.example.org>", when, {long: qlcn})
        _append(port, "vanphong", "matkhau", "Văn phòng <vanphong@sct.example.org>", when, {"VP.xlsx": vp})
        result = CliRunner().invoke(cli, ["collect", str(campaign.root), "--imap"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Đã thu 2 tệp mới, 0 tệp trùng, 0 tệp bỏ qua."
    stored = sorted(p.name for p in campaign.returns_dir.iterdir() if p.suffix == ".xlsx")
    assert all(len(n.encode()) <= 255 and unicodedata.is_normalized("NFC", n) for n in stored)
    assert sorted(set(campaign.consolidate().frame["unit_code"])) == ["QLCN", "VP"]
