"""What units and returns write is printed as it is: square brackets and colons are never read as rich markup or
emoji codes, and a table printed to a file or a pipe keeps all its columns."""

from __future__ import annotations

from datetime import datetime

from click.testing import CliRunner
from conftest import collective, person

from thidua_xlsx import Campaign
from thidua_xlsx.cli import cli

ODD_UNIT = "Phòng [KT] Kế hoạch [/] :fire:"
ODD_PERSON = "Lê Văn [/b] Tín :smile:"


def _rename_first_unit(campaign: Campaign, name: str) -> Campaign:
    units = campaign.root / "units.csv"
    lines = units.read_text(encoding="utf-8").splitlines()
    code, old = lines[1].split(",")[:2]
    units.write_text("\n".join([lines[0], lines[1].replace(old, f'"{name}"', 1), *lines[2:]]) + "\n",
                     encoding="utf-8")
    return Campaign.load(campaign.root)


def test_status_and_check_print_brackets_as_written_and_keep_every_column_when_piped(campaign, filled_return):
    campaign = _rename_first_unit(campaign, ODD_UNIT)
    code = campaign.units[0].code
    assert campaign.units[0].name == ODD_UNIT
    campaign.collect([filled_return(campaign, code, [collective(), person(ODD_PERSON), person(ODD_PERSON)])],
                     received_at=datetime.fromisoformat("2022-03-10T09:00:00+07:00"))
    runner = CliRunner(env={"COLUMNS": None})  # a pipe: no terminal, no width
    status = runner.invoke(cli, ["status", str(campaign.root)])
    assert status.exit_code == 0, status.output
    line = next(line for line in status.output.splitlines() if line.startswith(f"│ {code} "))
    cells = [cell.strip() for cell in line.strip("│").split("│")]
    assert cells[1:2] + cells[3:] == [ODD_UNIT, "Đúng hạn", "1", "1", "2", "1", "0", "0"]  # the whole line
    check = runner.invoke(cli, ["check", str(campaign.root)])
    assert check.exit_code == 1, check.output
    shown = [line for line in check.output.splitlines() if "TRUNG_TEN_TRONG_DON_VI" in line]
    assert len(shown) == 1 and f"{code} {ODD_UNIT}" in shown[0] and ODD_PERSON in shown[0]
