"""The campaign's own files survive what a week of collecting does to them (issue 13, items 3 and 4): torn and
hand-edited log lines, deleted returns, kill -9 in the middle of a collect or a report, a full disk, a read-only
folder, a planted parse cache."""

from __future__ import annotations

import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import collective, consolidated, person, rows_of

from thidua_xlsx.cli import cli

THIDUA = [sys.executable, "-m", "thidua_xlsx"]


@pytest.fixture
def returns(campaign, filled_return):
    return [filled_return(campaign, "VP", [collective(), person("Võ Văn Rân")]),
            filled_return(campaign, "QLCN", [collective(), person("Lê Thị Mai")]),
            filled_return(campaign, "KHTC", [collective(), person("Đỗ Văn Hùng")])]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*THIDUA, *args], capture_output=True, text=True, timeout=120)


def _check(campaign) -> list[dict]:
    result = CliRunner().invoke(cli, ["check", str(campaign.root), "--format", "json"])
    assert "Traceback" not in result.output
    found = json.loads(result.output)
    return found


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- returns/log.csv ---------------------------------------------------------------------------------------

def test_a_torn_or_edited_log_line_is_skipped_with_a_finding_and_the_campaign_stays_usable(campaign, returns):
    runner = CliRunner()
    assert runner.invoke(cli, ["collect", str(campaign.root), *map(str, returns[:2])]).exit_code == 0
    log = campaign.returns_dir / "log.csv"
    lines = log.read_bytes().split(b"\r\n")
    lines.insert(2, "sửa tay: thêm một dòng ghi chú".encode())
    log.write_bytes(b"\r\n".join(lines[:-1]) + b"\r\n" + b"2022-03-10T09:00:00+07:00,20220310-0900")  # torn
    found = _check(campaign)
    assert [(f["code"], f["source_row"], f["message"]) for f in found if f["code"] == "NHAT_KY_HONG"] == [
        ("NHAT_KY_HONG", 3, "Dòng 3 của returns/log.csv không đọc được (có 1 trường, cần 5) nên bị bỏ qua: sửa "
                            "tay: thêm một dòng ghi chú"),
        ("NHAT_KY_HONG", 5, "Dòng 5 của returns/log.csv không đọc được (có 2 trường, cần 5) nên bị bỏ qua: "
                            "2022-03-10T09:00:00+07:00,20220310-0900")]
    collect = runner.invoke(cli, ["collect", str(campaign.root), str(returns[2])])
    assert collect.exit_code == 0, collect.output
    assert log.read_bytes().split(b"\r\n")[5].startswith(b"2"), "the next row starts on a line of its own"
    report = runner.invoke(cli, ["report", str(campaign.root)])
    assert report.exit_code == 1 and "NHAT_KY_HONG" in report.output
    result = campaign.consolidate()
    assert rows_of(result, "unit_code", "name") == [
        ("VP", "Văn phòng Sở"), ("VP", "Võ Văn Rân"), ("QLCN", "Phòng Quản lý Công nghiệp"), ("QLCN", "Lê Thị Mai"),
        ("KHTC", "Phòng Kế hoạch - Tài chính - Tổng hợp"), ("KHTC", "Đỗ Văn Hùng")]


def test_nul_bytes_and_an_endless_line_in_the_log_are_findings_not_a_stop(campaign, returns):
    campaign.collect(returns[:1])
    log = campaign.returns_dir / "log.csv"
    log.write_bytes(log.read_bytes() + b"\x00\x00\x00\r\n\"" + b"x" * 200_000 + b"\"\r\n")
    found = _check(campaign)
    assert [(f["code"], f["message"]) for f in found if f["code"] == "NHAT_KY_HONG"] == [
        ("NHAT_KY_HONG", "Dòng 3 của returns/log.csv không đọc được (có 1 trường, cần 5) nên bị bỏ qua: "
                         "\\x00\\x00\\x00"),
        ("NHAT_KY_HONG", "Dòng 4 của returns/log.csv không đọc được (dòng dài bất thường, quá giới hạn một ô CSV) "
                         "nên bị bỏ qua: \"" + "x" * 119 + "…")]
    assert {f["unit_code"] for f in found if f["code"] == "CHUA_NOP"} == {u.code for u in campaign.units} - {"VP"}


def test_a_logged_file_missing_from_returns_is_a_finding_not_a_stop(campaign, returns):
    result = campaign.collect(returns[:2])
    (campaign.returns_dir / result.added[0].file).unlink()
    found = _check(campaign)
    assert [(f["code"], f["unit_code"], f["source_file"], f["message"]) for f in found if f["code"] == "TEP_MAT"] == [
        ("TEP_MAT", "VP", result.added[0].file, "Tệp có trong nhật ký returns/log.csv nhưng không còn trong thư mục "
                                                "returns/; đề nghị chép lại tệp hoặc thu lại từ đơn vị.")]
    report = CliRunner().invoke(cli, ["report", str(campaign.root)])
    assert report.exit_code == 1 and "TEP_MAT" in report.output
    assert rows_of(campaign.consolidate(), "name") == [("Phòng Quản lý Công nghiệp",), ("Lê Thị Mai",)]


# --- kill -9 -------------------------------------------------------------------------------------------------

_KILLED_COLLECT = """
import os, signal, sys
from pathlib import Path
import thidua_xlsx.returns as returns
from thidua_xlsx import Campaign

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[2] == "log":  # the copies are in place under their names, their log rows not yet written
    returns.append_csv = die
else:                     # the copy is whole under its temporary name, nothing else done
    real = returns.copy_hashed
    returns.copy_hashed = lambda *a: (real(*a), die())
Campaign.load(sys.argv[1]).collect([Path(p) for p in sys.argv[3:]])
"""


@pytest.mark.parametrize("moment", ["log", "copy"])
def test_kill_9_during_a_collect_is_repaired_by_the_next_one(campaign, returns, moment):
    files = list(map(str, returns[:2]))
    killed = subprocess.run([sys.executable, "-c", _KILLED_COLLECT, str(campaign.root), moment, *files],
                            capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL
    left = _hidden(campaign.returns_dir)
    assert [n.rsplit(".", 1)[1] for n in left] == (["rows"] if moment == "log" else ["tmp"])
    again = _run("collect", str(campaign.root), *files)
    assert again.returncode == 0, again.stderr
    stored = sorted(p.name for p in campaign.returns_dir.iterdir() if p.suffix == ".xlsx")
    logged = [line.split(",")[1] for line in (campaign.returns_dir / "log.csv").read_text().splitlines()[1:]]
    assert len(stored) == 2 and sorted(logged) == stored, "one copy of each, each logged once"
    assert _hidden(campaign.returns_dir) == [], "no temporary file left"
    if moment == "log":  # the batch was whole when killed: the next collect logs both, then finds them stored
        assert again.stdout.splitlines()[-1] == "Đã thu 0 tệp mới, 2 tệp trùng, 0 tệp bỏ qua."


def _children(pid: int) -> set[int]:
    try:
        return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


def _kill_when(command: list[str], ready, timeout: float = 60) -> set[int]:
    """Run a command, kill -9 it as soon as ready(pid) holds; the children it had then."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while not ready(process.pid):
        assert process.poll() is None, "the command ended before the moment to kill it"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    children = _children(process.pid)
    process.kill()
    process.wait()
    return children


def _gone(pids: set[int]) -> bool:
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(_alive(p) for p in pids)


def test_kill_9_during_a_report_leaves_the_previous_set_whole_and_no_child(campaign, returns, filled_return):
    many = [filled_return(campaign, u.code, [collective(), *[person(f"Người {u.code} {n}") for n in range(35)]],
                          name=f"{u.code}-du.xlsx") for u in campaign.units]
    campaign.collect(returns[:1])
    assert _run("report", str(campaign.root)).returncode == 0
    before = {p.name: p.read_bytes() for p in campaign.reports_dir.iterdir()}
    campaign.collect(many)  # the next report reads them in worker processes
    workers = _kill_when([*THIDUA, "report", str(campaign.root), "--force"], lambda pid: len(_children(pid)) >= 1)
    assert workers and _gone(workers), "the workers reading the returns died with the command"
    staging = campaign.reports_dir / ".dang-ghi"
    writers = _kill_when([*THIDUA, "report", str(campaign.root), "--force"], lambda pid: staging.is_dir())
    assert _gone(writers)
    assert {p.name: p.read_bytes() for p in campaign.reports_dir.iterdir() if p.is_file()} == before
    final = _run("report", str(campaign.root), "--force")
    assert final.returncode == 0, final.stderr
    assert sorted(p.name for p in campaign.reports_dir.iterdir()) == sorted(before)
    rows = (campaign.reports_dir / "registrations.csv").read_text(encoding="utf-8").count("\n") - 1
    assert rows == 36 * len(campaign.units), "the new set, whole"


# --- full disk, read-only folder -----------------------------------------------------------------------------

@contextmanager
def tmpfs(folder: Path, size: str, read_only: bool = False):
    """A small tmpfs mounted on folder (we are root in the test environment), unmounted afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True,
                           text=True)
    if mount.returncode:
        pytest.skip(f"cannot mount a tmpfs here ({mount.stderr.strip()}); the full-disk tests need root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_full_disk_during_collect_stores_what_fits_says_why_and_exits_1(campaign, filled_return):
    files = [filled_return(campaign, u.code, [collective(), *[person(f"Người {n}") for n in range(30)]])
             for u in campaign.units[:6]]
    with tmpfs(campaign.returns_dir, "64k"):
        result = CliRunner().invoke(cli, ["collect", str(campaign.root), *map(str, files)])
        stored = sorted(p.name for p in campaign.returns_dir.iterdir() if p.suffix == ".xlsx")
        hidden = _hidden(campaign.returns_dir)
        logged = [r.entry.file for r in campaign.consolidate().returns]
    assert result.exit_code == 1
    failed = [line for line in result.output.splitlines() if line.startswith("! ")]
    assert failed and len(stored) + len(failed) == len(files)
    assert failed[-1] == (f"! {files[-1]}: chưa thu được: Không ghi được vào {campaign.returns_dir}: ổ đĩa đã đầy "
                          "(No space left on device).")
    assert hidden == [] and sorted(logged) == stored, "what is stored is logged, nothing half-written is left"


def test_a_full_disk_during_report_keeps_the_previous_set_and_exits_1(campaign, returns, filled_return):
    with tmpfs(campaign.reports_dir, "1m"):
        campaign.collect(returns[:1])
        assert _run("report", str(campaign.root)).returncode == 0
        before = {p.name: p.read_bytes() for p in campaign.reports_dir.iterdir()}
        filler = campaign.reports_dir / "filler"
        with filler.open("wb", buffering=0) as fh:  # fill the disk to the last byte
            try:
                while fh.write(b"\0" * 4096):
                    pass
            except OSError:
                pass
        campaign.collect(returns[1:])
        result = _run("report", str(campaign.root), "--force")
        filler.unlink()
        after = {p.name: p.read_bytes() for p in campaign.reports_dir.iterdir()}
    assert result.returncode == 1
    assert result.stderr == f"Lỗi: Không ghi được vào {campaign.reports_dir}: ổ đĩa đã đầy (No space left on device).\n"
    assert after == before, "the previous set, whole; no temporary file"


def test_a_read_only_returns_folder_is_reported_as_such(campaign, returns):
    with tmpfs(campaign.returns_dir, "1m", read_only=True):
        result = CliRunner().invoke(cli, ["collect", str(campaign.root), str(returns[0])])
    assert result.exit_code == 1
    assert f"! {returns[0]}: chưa thu được: Không ghi được vào {campaign.returns_dir}: thư mục chỉ cho đọc (ổ đĩa " \
           "gắn chế độ chỉ đọc) (Read-only file system)." in result.output


# --- the parse cache ---------------------------------------------------------------------------------------

class _Planted:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_pickle_in_the_parse_cache_runs_nothing(campaign, returns, tmp_path):
    from thidua_xlsx.cache import FORMAT, ParseCache

    first = consolidated(campaign, *returns[:2])
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Planted(marker))
    cache = ParseCache.for_campaign(campaign)
    shas = [r.entry.sha256 for r in first.returns]
    with sqlite3.connect(cache.path) as db:  # as the previous version's cache held it: pickles, version 0
        db.execute("DROP TABLE parsed")
        db.execute("PRAGMA user_version = 0")
        db.execute("CREATE TABLE parsed (sha256 TEXT, fingerprint TEXT, data BLOB, PRIMARY KEY (sha256, fingerprint))")
        db.executemany("INSERT INTO parsed VALUES (?, ?, ?)", [(sha, cache.fingerprint, payload) for sha in shas])
    again = campaign.consolidate()
    assert not marker.exists()
    assert rows_of(again, "unit_code", "name") == rows_of(first, "unit_code", "name")
    with sqlite3.connect(cache.path) as db:  # rebuilt in this version's format; now plant into that
        assert db.execute("PRAGMA user_version").fetchone()[0] == FORMAT
        db.execute("UPDATE parsed SET json = ?", (payload,))
    again = campaign.consolidate()
    assert not marker.exists()
    assert rows_of(again, "unit_code", "name") == rows_of(first, "unit_code", "name")
    with sqlite3.connect(cache.path) as db:
        kept = [json.loads(text)["file"] for (text,) in db.execute("SELECT json FROM parsed")]
    assert sorted(kept) == sorted(r.entry.file for r in first.returns), "the planted entries were read again"
