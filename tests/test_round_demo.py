"""`thidua demo` runs the whole year: the registration round, `return`, a proposal round linked to it, ballots,
votes typed into the council workbook, `history record` and `papers`; each document opens in LibreOffice with
every candidate's name in it."""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
from click.testing import CliRunner

from thidua_xlsx import Campaign
from thidua_xlsx.cli import cli
from thidua_xlsx.history_store import HistoryStore


def _text(soffice, path, tmp_path) -> str:
    pdf = soffice(path, "pdf", tmp_path / "pdf")
    out = subprocess.run([shutil.which("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def test_the_demo_runs_the_whole_year_and_every_document_names_its_candidates(tmp_path, soffice, monkeypatch):
    monkeypatch.delenv("THIDUA_SMTP_HOST", raising=False)
    monkeypatch.delenv("THIDUA_HISTORY_URL", raising=False)
    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "nam")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    steps = [line.split(" ", 1)[0] for line in lines if line[:1].isdigit()]
    assert steps == ["1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.", "9.", "10."]
    proposals = Campaign.load(tmp_path / "nam" / "so-cong-thuong-2022-de-nghi")
    reports = proposals.reports_dir
    assert "(1 đề nghị chưa đăng ký đầu năm)" in next(line for line in lines if line.startswith("6. "))
    for label, name in (("Phiếu bầu", "phieu-bau-2022.docx"),
                        ("Biên bản họp Hội đồng", "bien-ban-hop-hoi-dong-2022.docx"),
                        ("Danh sách kèm Quyết định", "danh-sach-kem-theo-quyet-dinh-2022.docx"),
                        ("Tờ trình đề nghị cấp trên", "to-trinh-de-nghi-2022.docx")):
        assert f"  {label:28} {reports / name}" in lines, label
    frame = pd.read_csv(proposals.report_paths["registrations"], dtype=str, keep_default_na=False)
    names = {u.code: u.name for u in proposals.units}
    everyone = {n or names[u] for n, u in zip(frame["name"], frame["unit_code"])}
    minutes = _text(soffice, reports / "bien-ban-hop-hoi-dong-2022.docx", tmp_path)
    assert sorted(n for n in everyone if n not in minutes) == []
    ballots = _text(soffice, reports / "phieu-bau-2022.docx", tmp_path)
    secret = set(frame.loc[frame["CSTD_CS"].ne("0"), "name"])
    assert secret and sorted(n for n in secret if ballots.count(n) != proposals.council_size) == []
    stored = HistoryStore.for_campaign(proposals).people(proposals.issuer)
    honoured = stored[stored["honours"].ne("")]
    here = {n for n, h in zip(honoured["name"], honoured["honours"])
            if any(not c.startswith(("BK_", "HC_", "CSTD_TINH", "CSTD_TQ")) for c in h.split())}
    above = {n for n, h in zip(honoured["name"], honoured["honours"])
             if any(c.startswith(("BK_", "HC_", "CSTD_TINH", "CSTD_TQ")) for c in h.split())}
    decisions = _text(soffice, reports / "danh-sach-kem-theo-quyet-dinh-2022.docx", tmp_path)
    assert len(here) > 50 and sorted(n for n in here if n not in decisions) == []
    proposal = _text(soffice, reports / "to-trinh-de-nghi-2022.docx", tmp_path)
    assert above == {"Phòng Quản lý Thương mại"} and "Phòng Quản lý Thương mại" in proposal
    assert "hạng Ba: 1 tập thể;" in proposal and "Bằng khen Chủ tịch UBND tỉnh: 1 tập thể;" in proposal
    assert "Lê Văn Tín" not in decisions, "an error in his line: the council gave him a third of the votes"
