"""Factory fixtures: campaigns, filled returns, LibreOffice conversions."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from thidua_xlsx import Campaign
from thidua_xlsx.demo import fill_workbook


def person(name: str, completion: str = "HTTNV", marks: str = "LDTT", **extra: str) -> dict:
    return {"sheet": "B", "name": name, "completion": completion, "marks": marks, **extra}


def collective(completion: str = "HTXSNV", marks: str = "LDTT", name: str = "", **extra: str) -> dict:
    return {"sheet": "A", "name": name, "completion": completion, "marks": marks, **extra}


@pytest.fixture
def make_campaign(tmp_path: Path):
    """make_campaign(preset="so-cong-thuong", year=2022, edit=None) -> a generated campaign in tmp_path."""
    def make(preset: str = "so-cong-thuong", year: int = 2022, edit=None, name: str = "camp",
             generate: bool = True) -> Campaign:
        root = tmp_path / name
        campaign = Campaign.init(root, preset=preset, year=year)
        if edit:
            toml = root / "campaign.toml"
            toml.write_text(edit(toml.read_text(encoding="utf-8")), encoding="utf-8")
            campaign = Campaign.load(root)
        if generate:
            campaign.generate()
        return campaign
    return make


@pytest.fixture
def campaign(make_campaign) -> Campaign:
    return make_campaign()


@pytest.fixture
def filled_return(tmp_path: Path):
    """filled_return(campaign, unit_code, rows, name=None) -> path of the unit's form filled with openpyxl."""
    def fill(campaign: Campaign, unit_code: str, rows: list[dict], name: str | None = None) -> Path:
        return fill_workbook(campaign, unit_code, rows, tmp_path / "inbox" / (name or f"{unit_code}.xlsx"))
    return fill


def libreoffice(profile: Path):
    """convert(src, fmt, outdir=None) -> converted file, by LibreOffice headless with its own profile folder."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.fail("LibreOffice (soffice) is required: scripts/test installs libreoffice-calc-nogui")

    def convert(src: Path, fmt: str, outdir: Path | None = None) -> Path:
        outdir = outdir or src.parent / f"lo-{fmt.split(':')[0]}"
        outdir.mkdir(parents=True, exist_ok=True)
        subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", fmt, "--outdir", str(outdir), str(src)],
                       check=True, timeout=240, capture_output=True)
        out = outdir / f"{src.stem}.{fmt.split(':')[0]}"
        assert out.is_file(), f"LibreOffice did not write {out}"
        return out
    return convert


@pytest.fixture(scope="session")
def soffice(tmp_path_factory):
    """soffice(src, fmt, outdir=None) -> converted file, by LibreOffice headless (a real writer)."""
    return libreoffice(tmp_path_factory.mktemp("lo-profile"))


def type_text(path: Path, sheet: str, cells: dict[str, str]) -> Path:
    """Type texts into cells of a saved return as a clerk would in Excel (as text, even "=…"), and save it."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for ref, text in cells.items():
        wb[sheet][ref].value = text
        wb[sheet][ref].data_type = "s"
    wb.save(path)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A return built cell by cell with xlsxwriter, for shapes the generator never makes."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None and value != "":
                    ws.write(r, c, value)
    wb.close()
    return path


def consolidated(campaign: Campaign, *paths: Path, received_at: str = "2022-03-10T09:00:00+07:00"):
    """Collect the paths into the campaign and consolidate."""
    from datetime import datetime

    campaign.collect(list(paths), received_at=datetime.fromisoformat(received_at))
    return campaign.consolidate()


def pytest_sessionfinish(session, exitstatus):
    """When the whole suite ran green, every code of the findings catalogue must be asserted by some test."""
    from asserted import asserted_codes

    from thidua_xlsx.findings import CATALOGUE

    whole = not session.config.option.keyword and not session.config.option.markexpr and \
        all(Path(a).resolve() == Path(__file__).parent or Path(a).name == "tests" for a in session.config.args)
    if whole and exitstatus == 0 and session.testscollected:
        missing = sorted(set(CATALOGUE) - asserted_codes(Path(__file__).parent, set(CATALOGUE)))
        if missing:
            print(f"\nFinding codes no test asserts: {', '.join(missing)}")
            session.exitstatus = 1


def rows_of(result, *columns: str) -> list[tuple]:
    """Flattened registrations, for whole-value comparisons."""
    return [tuple(r) for r in result.frame[list(columns)].itertuples(index=False)]
