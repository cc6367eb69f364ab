"""`thidua status` of a large campaign answers from the saved summary: every consolidation saves the statuses it
gives, and `status` shows them again while nothing they come from has changed, never after a change."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import pytest
from click.testing import CliRunner
from conftest import collective, person, write_xlsx
from test_round_proposals import _proposal_round, _registration_round

import thidua_xlsx.consolidate
from thidua_xlsx import Campaign, parsing
from thidua_xlsx.cli import cli
from thidua_xlsx.config import history_url
from thidua_xlsx.files import append_csv
from thidua_xlsx.history_store import HistoryStore
from thidua_xlsx.mail_log import MAIL_LOG, MAIL_LOG_FIELDS
from thidua_xlsx.status import AWAITING, LATE, MISSING, ON_TIME, UNKNOWN, unit_statuses
from thidua_xlsx.summary import FILE_NAME, _history_stamp


def collect(campaign: Campaign, *paths, at: str) -> None:
    result = CliRunner().invoke(cli, ["collect", str(campaign.root), *map(str, paths), "--received-at", at])
    assert result.exit_code == 0, result.output


@pytest.fixture
def reported(campaign, filled_return, tmp_path):
    """A round after `thidua report`: VP sent twice (one error in the newer), KHTC late, a return of no unit."""
    collect(campaign, filled_return(campaign, "VP", [collective()], name="VP-1.xlsx"), at="2022-03-09T08:00")
    collect(campaign, filled_return(campaign, "VP", [collective(), person("Lê Văn Tín", "HTXSNV", "CSTD_CS")]),
            write_xlsx(tmp_path / "dang-ky.xlsx", {"Sheet1": [["TT", "Họ và tên", "Lao động tiên tiến"],
                                                              [1, "Ngô Thị Hạnh", "x"]]}), at="2022-03-10T08:30")
    collect(campaign, filled_return(campaign, "KHTC", [collective()]), at="2022-03-20T10:00")
    result = CliRunner().invoke(cli, ["report", str(campaign.root)])
    assert result.exit_code == 0, result.output
    return Campaign.load(campaign.root)


def fresh(campaign: Campaign) -> list:
    """The statuses of a new consolidation, computed without the saved summary."""
    return unit_statuses(campaign, thidua_xlsx.consolidate.consolidate(campaign))


@pytest.fixture
def no_consolidation(monkeypatch):
    """Make any consolidation fail: what still works was answered from the saved summary."""
    def refuse(*args, **kwargs):
        raise AssertionError("consolidated although the saved statuses were fresh")
    monkeypatch.setattr(thidua_xlsx.consolidate, "consolidate", refuse)


def status_output(campaign: Campaign, columns: int = 200) -> str:
    result = CliRunner(env={"COLUMNS": str(columns)}).invoke(cli, ["status", str(campaign.root)])
    assert result.exit_code == 0, result.output
    return result.output


def test_status_after_report_shows_the_statuses_of_a_new_consolidation(reported, monkeypatch):
    expected = fresh(reported)
    vp, khtc = expected[0], expected[1]
    assert (vp.code, vp.state, vp.versions, vp.rows, vp.errors) == ("VP", ON_TIME, 2, {"tap_the": 1, "ca_nhan": 1,
                                                                                        "gia_dinh": 0}, 1)
    assert (khtc.code, khtc.state, khtc.received_at) == ("KHTC", LATE, datetime.fromisoformat(
        "2022-03-20T10:00:00+07:00"))
    assert expected[2].state == MISSING and (expected[-1].code, expected[-1].state) == ("", UNKNOWN)
    table_of_fresh = status_output(reported)
    monkeypatch.setattr(thidua_xlsx.consolidate, "consolidate", lambda *a, **k: pytest.fail("consolidated again"))
    assert reported.saved_statuses() == expected and reported.statuses() == expected
    assert status_output(reported) == table_of_fresh
    saved = json.loads((reported.root / ".cache" / FILE_NAME).read_text(encoding="utf-8"))
    assert saved["statuses"][1] == {"code": "KHTC", "name": "Phòng Kế hoạch - Tài chính - Tổng hợp",
                                    "received_at": "2022-03-20T10:00:00+07:00", "state": LATE, "versions": 1,
                                    "rows": {"tap_the": 1, "ca_nhan": 0, "gia_dinh": 0}, "errors": 0,
                                    "warnings": khtc.warnings, "infos": khtc.infos, "file": khtc.file}


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def new_collect(campaign, filled_return):
    collect(campaign, filled_return(campaign, "DL_QNG", [collective()]), at="2022-03-11T09:00")
    return "DL_QNG", ON_TIME


def units_edit(campaign, filled_return):
    edit(campaign.root / "units.csv", "Phòng Kế hoạch - Tài chính - Tổng hợp", "Phòng Kế hoạch Tài chính")
    return "KHTC", LATE


def deadline_edit(campaign, filled_return):
    edit(campaign.root / "campaign.toml", "deadline = 2022-03-15", "deadline = 2022-03-25")
    return "KHTC", ON_TIME


def mail_log_entry(campaign, filled_return):
    append_csv(campaign.root / MAIL_LOG, MAIL_LOG_FIELDS,
               [["return-2022-03-21", "KHTC", campaign.unit("KHTC").email, "<1@x>", "2022-03-21T09:00:00+07:00"]])
    return "KHTC", AWAITING


def stored_return_lost(campaign, filled_return):
    (campaign.returns_dir / Campaign.load(campaign.root).statuses()[1].file).unlink()
    return "KHTC", MISSING


def history_import(campaign, filled_return):
    HistoryStore.for_campaign(campaign)  # a new history store beside the campaign (the history rules read it)
    return "KHTC", LATE


@pytest.mark.parametrize("change", [new_collect, units_edit, deadline_edit, mail_log_entry, stored_return_lost,
                                    history_import])
def test_the_saved_statuses_are_not_used_after_a_change(reported, filled_return, change):
    assert reported.saved_statuses() is not None
    code, state = change(reported, filled_return)
    campaign = Campaign.load(reported.root)
    assert campaign.saved_statuses() is None
    expected = fresh(campaign)
    assert {s.code: s.state for s in expected}[code] == state
    assert campaign.statuses() == expected
    assert campaign.saved_statuses() == expected, "saved again by that consolidation"


def test_a_proposal_round_is_checked_again_when_its_registrations_change(make_campaign, filled_return, tmp_path):
    registration = _registration_round(make_campaign, filled_return, 2022)
    proposal, _ = _proposal_round(registration, filled_return, tmp_path, 2022)
    before = proposal.saved_statuses()
    assert before == fresh(proposal) and before[0].code == "VP"
    registration.collect([filled_return(registration, "VP", [
        collective("HTXSNV", "LDTT LDXS"), person("Nguyễn Văn An", "HTXSNV", "LDTT CSTD_CS"),
        person("Trần Thị Bình", "HTXSNV", "LDTT CSTD_CS"), person("Lê Văn Cường", "HTTNV", "LDTT")],
        name="dk-VP-2022-bs.xlsx")], received_at=datetime.fromisoformat("2022-03-12T09:00:00+07:00"))
    registration.report(force=True)
    assert proposal.saved_statuses() is None
    after = proposal.statuses()
    assert after == fresh(proposal) and after[0].errors == before[0].errors - 1  # Bình's CSTĐCS now registered


def test_a_history_store_behind_a_server_url_is_never_taken_as_unchanged(reported, monkeypatch):
    monkeypatch.setenv("THIDUA_HISTORY_URL", "postgresql://thidua@127.0.0.1:1/none")
    campaign = Campaign.load(reported.root)
    assert campaign.statuses() == fresh(campaign)  # nobody registers a title that looks back: never connected
    assert campaign.saved_statuses() is None


def test_the_history_store_is_the_one_the_history_rules_open(campaign, monkeypatch, tmp_path):
    assert _history_stamp(campaign)[0] == history_url(campaign)
    monkeypatch.setenv("THIDUA_HISTORY_URL", f"sqlite:///{tmp_path / 'other.sqlite'}")
    assert _history_stamp(campaign)[0] == history_url(campaign)


@pytest.mark.parametrize("content", [
    b"\x80\x81 not JSON", b"[]", b'{"format": 1}', b"[" * 100000,
    "status.json of another campaign",
    "errors as text", "a count that is true", "a negative count", "an unknown state", "a time without zone",
    "an unknown row kind", "a field too many"])
def test_a_damaged_or_foreign_summary_is_ignored_and_rebuilt(reported, content):
    path = reported.root / ".cache" / FILE_NAME
    good = json.loads(path.read_text(encoding="utf-8"))
    first = good["statuses"][0]
    damaged = {"status.json of another campaign": {**good, "key": "0" * 64},
               "errors as text": {**first, "errors": "1"}, "a count that is true": {**first, "versions": True},
               "a negative count": {**first, "infos": -1}, "an unknown state": {**first, "state": "Đã duyệt"},
               "a time without zone": {**first, "received_at": "2022-03-10T08:30:00"},
               "an unknown row kind": {**first, "rows": {"tap_the": 1, "khac": 2}},
               "a field too many": {**first, "note": ""}}.get(content)
    if isinstance(damaged, dict) and "key" not in damaged:
        damaged = {**good, "statuses": [damaged, *good["statuses"][1:]]}
    path.write_bytes(json.dumps(damaged).encode() if damaged else content)
    assert reported.saved_statuses() is None
    expected = fresh(reported)
    assert reported.statuses() == expected
    assert reported.saved_statuses() == expected


def test_a_fresh_summary_reads_no_return_and_loads_no_pandas(reported):
    script = ("import sys\nfrom thidua_xlsx.cli import cli\n"
              f"cli.main(['status', {str(reported.root)!r}], standalone_mode=False)\n"
              "heavy = [m for m in ('pandas', 'thidua_xlsx.reader', 'thidua_xlsx.consolidate') if m in sys.modules]\n"
              "print('loaded:', heavy)\n")
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True,
                           env={"COLUMNS": "200", "PATH": ""}).stdout
    assert "loaded: []" in shown and "│ KHTC " in shown


def test_a_reading_stopped_by_chance_is_not_kept_for_status(campaign, filled_return, monkeypatch):
    code = campaign.units[0].code
    campaign.collect([filled_return(campaign, code, [collective(), person("Nguyễn Văn An")])],
                     received_at=datetime.fromisoformat("2022-03-10T09:00:00+07:00"))
    monkeypatch.setattr(parsing, "TIME_LIMIT", 0.0)  # a worker stopped at its time limit once, under load
    stopped = campaign.consolidate()
    assert [f.code for f in stopped.report.findings if f.unit_code == code] == ["TEP_QUA_LON", "CHUA_NOP"]
    monkeypatch.undo()
    again = Campaign.load(campaign.root)
    assert again.saved_statuses() is None, "what the next reading may change is not kept"
    assert (again.statuses()[0].state, again.statuses()[0].rows) == (ON_TIME, {"tap_the": 1, "ca_nhan": 1,
                                                                              "gia_dinh": 0})


def test_statuses_of_a_campaign_edited_while_it_consolidated_are_not_kept(campaign, filled_return):
    campaign.collect([filled_return(campaign, "KHTC", [collective()])],
                     received_at=datetime.fromisoformat("2022-03-20T09:00:00+07:00"))
    held = Campaign.load(campaign.root)  # a web job holds the campaign while the clerk moves the deadline
    edit(campaign.root / "campaign.toml", "deadline = 2022-03-15", "deadline = 2022-03-25")
    assert {s.code: s.state for s in held.statuses(held.consolidate())}["KHTC"] == LATE
    assert Campaign.load(campaign.root).saved_statuses() is None
    assert {s.code: s.state for s in Campaign.load(campaign.root).statuses()}["KHTC"] == ON_TIME
