"""Good returns mixed with every bad shape of issue 13, through `thidua collect` and `thidua report` as a clerk runs
them: the good units' rows are written exactly as without the bad files, and every bad file has its finding."""

from __future__ import annotations

import csv
import subprocess
import sys
import unicodedata

from conftest import collective, person, write_xlsx
from test_bombs import ods_repeat_bomb, stray_cell, truncated_xls

THIDUA = [sys.executable, "-m", "thidua_xlsx"]
AT = ["--received-at", "2022-03-10T08:00"]


def _thidua(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*THIDUA, *args], capture_output=True, text=True, timeout=300)


def _rows(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_good_returns_mixed_with_every_bad_shape(campaign, filled_return, soffice, tmp_path):
    good = [filled_return(campaign, code, [collective(), *[person(f"Người {code} {n}") for n in range(3)]])
            for code in ("VP", "QLCN", "KHTC")]
    assert _thidua("collect", str(campaign.root), *map(str, good), *AT).returncode == 0
    assert _thidua("report", str(campaign.root)).returncode == 0
    clean = _rows(campaign.reports_dir / "registrations.csv")
    bad = tmp_path / "bad"
    bad.mkdir()
    shapes = {
        "xfd.xlsx": "TEP_QUA_LON", "m.xlsx": "TEP_QUA_LON", "lap.ods": "TEP_QUA_LON", "cut.xls": "TEP_HONG",
        "rong.xlsx": "TEP_HONG", "rac.xlsx": "TEP_HONG", "giay-moi.xls": "TEP_HONG",
        "bao-cao.xlsx": "TEP_KHONG_NHAN_DANG", "khong-ro.xlsx": "DON_VI_KHONG_XAC_DINH",
    }
    stray_cell(bad / "xfd.xlsx", (1048575, 16383))
    stray_cell(bad / "m.xlsx", (1048575, 12))
    ods_repeat_bomb(bad / "lap.ods")
    truncated_xls(good[0], soffice, tmp_path).rename(bad / "cut.xls")
    (bad / "rong.xlsx").write_bytes(b"")
    (bad / "rac.xlsx").write_bytes(good[1].read_bytes()[:5000])
    (bad / "giay-moi.xls").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n")
    write_xlsx(bad / "bao-cao.xlsx", {"Sheet1": [["Chỉ tiêu", "Kế hoạch"], ["Sản lượng", 100]]})
    write_xlsx(bad / "khong-ro.xlsx", {"S": [["TT", "Họ và tên", "Lao động tiên tiến"], [1, "Ai Đó", "x"]]})
    nfd = unicodedata.normalize("NFD", "Phòng Quản lý Thương mại.xlsx")  # named on a Mac: identified by name
    write_xlsx(bad / nfd, {"S": [["TT", "Họ và tên", "Lao động tiên tiến"], [1, "Hồ Thị Thu", "x"]]})
    collect = _thidua("collect", str(campaign.root), str(bad), *AT)
    assert collect.returncode == 0, collect.stderr
    assert collect.stdout.splitlines()[-1] == "Đã thu 10 tệp mới, 0 tệp trùng, 0 tệp bỏ qua."
    report = _thidua("report", str(campaign.root), "--force")
    assert report.returncode == 0, report.stderr
    rows = _rows(campaign.reports_dir / "registrations.csv")
    assert [r for r in rows if r["unit_code"] in ("VP", "QLCN", "KHTC")] == clean, "the good units' rows, exactly"
    assert [(r["unit_code"], r["name"]) for r in rows if r["unit_code"] not in ("VP", "QLCN", "KHTC")] == [
        ("QLTM", "Hồ Thị Thu"), ("", "Ai Đó")]
    findings = _rows(campaign.reports_dir / "findings.csv")
    by_file = {}
    for f in findings:
        if f["source_file"]:
            by_file.setdefault(f["source_file"].split("_", 2)[2], set()).add(f["code"])
    for name, code in shapes.items():
        assert code in by_file.get(name, set()), (name, by_file.get(name))
    assert not {"LOI_DOC_TEP", "TEP_MAT", "NHAT_KY_HONG"} & {f["code"] for f in findings}
