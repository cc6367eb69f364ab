"""Ballots and the papers after the vote: Word documents from editable templates, opened by LibreOffice Writer
(PDF) with every candidate's name in them; the same lists as a workbook."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import collective, consolidated, person
from docx import Document
from python_calamine import CalamineWorkbook

from thidua_xlsx import council_layout as layout
from thidua_xlsx.cli import cli
from thidua_xlsx.documents import BUNDLED, common_context


def _pdf_text(soffice, path, tmp_path) -> tuple[str, str, list[str]]:
    """The PDF LibreOffice makes of a document: its text in reading order (whitespace collapsed), pdfinfo, and
    its lines as laid out (a table row on one line)."""
    pdf = soffice(path, "pdf", tmp_path / "pdf")
    info = subprocess.run([shutil.which("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run([shutil.which("pdftotext"), str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    layout_text = subprocess.run([shutil.which("pdftotext"), "-layout", str(pdf), "-"], capture_output=True,
                                 text=True, check=True).stdout
    return " ".join(text.split()), info, [" ".join(line.split()) for line in layout_text.splitlines()]


@pytest.fixture
def voted(campaign, filled_return):
    """A round with its report written: VP and KHTC, CSTĐ cơ sở and cấp tỉnh voted in secret."""
    consolidated(campaign, filled_return(campaign, "VP", [
        collective("HTXSNV", "LDTT LDXS"), person("Nguyễn Văn An", "HTXSNV", "LDTT CSTD_CS"),
        person("Trần Thị Bình", "HTXSNV", "LDTT CSTD_CS CSTD_TINH", note="Sáng kiến cấp tỉnh"),
        person("Lê Thị Chi", "HTXSNV", "LDTT BK_UBND_TINH")]),
        filled_return(campaign, "KHTC", [collective("HTXSNV", "LDTT"), person("Phạm Dũng", "HTTNV", "LDTT")]))
    campaign.report()
    return campaign


def test_ballots_one_per_member_with_every_secret_candidate(voted, soffice, tmp_path):
    result = CliRunner().invoke(cli, ["ballots", str(voted.root), "--copies", "3"])
    assert result.exit_code == 0, result.output
    path = voted.reports_dir / "phieu-bau-2022.docx"
    assert result.output == f"Đã tạo 3 phiếu bầu, 2 mục bỏ phiếu kín: {path}\n"
    again = CliRunner().invoke(cli, ["ballots", str(voted.root)])
    assert again.exit_code == 1 and "dùng --force để ghi lại" in again.output
    doc = Document(str(path))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    text, info, _ = _pdf_text(soffice, path, tmp_path)
    assert "x 841.89 pts (A4)" in info and info.count("Pages:") == 1
    for n in (1, 2, 3):
        assert f"(Phiếu số {n}/3)" in text
    first = text[:text.index("(Phiếu số 2/3)")]
    assert "1. CÁ NHÂN: CHIẾN SĨ THI ĐUA CẤP TỈNH" in first and "2. CÁ NHÂN: CHIẾN SĨ THI ĐUA CƠ SỞ" in first
    assert "Bỏ phiếu kín; đạt khi từ 90% tổng số thành viên Hội đồng trở lên đồng ý (Nghị định 91/2017/NĐ-CP, " \
           "Điều 45 khoản 8)" in first
    assert first.count("Trần Thị Bình") == 2 and first.count("Nguyễn Văn An") == 1
    assert "Lê Thị Chi" not in text and "Phạm Dũng" not in text, "only items voted in secret are on the ballot"
    assert text.count("Không đồng ý") == 3 * 3, "in the instructions and above each of the two tables"


def test_papers_from_the_votes_typed_in(voted, soffice, tmp_path):
    path = voted.report_paths["council"]
    wb = openpyxl.load_workbook(path)
    votes = {("Nguyễn Văn An", "CSTD_CS"): 4, ("Trần Thị Bình", "CSTD_TINH"): 10}  # the others: all 11
    for name in ("Tập thể", "Cá nhân"):
        for row in wb[name].iter_rows():
            if row[layout.SOURCE].value and row[layout.SOURCE].value != layout.SOURCE_HEADING:
                row[layout.VOTES].value = votes.get((row[layout.NAME].value, row[layout.SECTION].value), 11)
    wb.save(path)  # openpyxl keeps no formula results: the results are worked out from the votes
    result = CliRunner().invoke(cli, ["papers", str(voted.root)])
    assert result.exit_code == 0, result.output
    out = voted.reports_dir
    assert result.output.splitlines() == [
        "Quyết định tại cấp này: 8 lượt; đề nghị cấp trên: 2 lượt.",
        f"  {out / 'bien-ban-hop-hoi-dong-2022.docx'}", f"  {out / 'danh-sach-kem-theo-quyet-dinh-2022.docx'}",
        f"  {out / 'to-trinh-de-nghi-2022.docx'}", f"  {out / 'danh-sach-khen-thuong-2022.xlsx'}"]
    minutes, _, rows = _pdf_text(soffice, out / "bien-ban-hop-hoi-dong-2022.docx", tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in minutes and "Độc lập - Tự do - Hạnh phúc" in minutes
    assert "Cá nhân: IV. CHIẾN SĨ THI ĐUA CƠ SỞ (2)" in minutes
    assert "1 Nguyễn Văn An Văn phòng Sở 4 36% Không đạt" in rows
    assert "1 Trần Thị Bình Văn phòng Sở 10 91% Đạt" in rows
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Thị Chi", "Phạm Dũng", "Văn phòng Sở",
                 "Phòng Kế hoạch - Tài chính - Tổng hợp"):
        assert name in minutes, name
    decisions, _, _ = _pdf_text(soffice, out / "danh-sach-kem-theo-quyet-dinh-2022.docx", tmp_path)
    assert "DANH SÁCH TẬP THỂ LĐXS NĂM 2022 (Kèm theo Quyết định số ……/QĐ-…… ngày …… tháng …… năm 20…… của Giám " \
           "đốc Sở Công Thương)" in decisions
    ldtt = decisions[decisions.index("LAO ĐỘNG TIÊN TIẾN NĂM 2022"):]
    assert ldtt.split("Danh sách có")[0].count("Văn phòng Sở") == 3
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Thị Chi", "Phạm Dũng"):
        assert name in ldtt, name
    cstdcs = decisions[decisions.index("CHIẾN SĨ THI ĐUA CƠ SỞ NĂM 2022"):]
    assert "Trần Thị Bình" in cstdcs and "Nguyễn Văn An" not in cstdcs
    proposal, _, _ = _pdf_text(soffice, out / "to-trinh-de-nghi-2022.docx", tmp_path)
    assert "TỜ TRÌNH Về việc đề nghị khen thưởng năm 2022 Kính gửi: Ủy ban nhân dân tỉnh Quảng Ngãi" in proposal
    squeezed = proposal.replace(" ", "")  # justified lines: pdftotext may split a word ("Th ương")
    assert "SởCôngThươngQuảngNgãikínhđềnghịỦybannhândântỉnhQuảngNgãixéttặng:" in squeezed
    assert "GIÁM ĐỐC" in proposal
    assert "Nghị định 91/2017/NĐ-CP" in proposal
    assert "- Chiến sĩ thi đua cấp tỉnh: 1 cá nhân;" in proposal
    assert "Trần Thị Bình" in proposal and "Lê Thị Chi" in proposal
    lists = CalamineWorkbook.from_path(str(out / "danh-sach-khen-thuong-2022.xlsx"))
    above = lists.get_sheet_by_name("Đề nghị cấp trên").to_python()
    assert [r for r in above[4:] if r[0] != ""] == [
        ["CHIẾN SĨ THI ĐUA CẤP TỈNH NĂM 2022 (1)", "", "", ""],
        [1.0, "Chiến sĩ thi đua cấp tỉnh", "Trần Thị Bình", "Văn phòng Sở"],
        ["CÁ NHÂN ĐƯỢC TẶNG BẰNG KHEN CHỦ TỊCH UBND TỈNH NĂM 2022 (1)", "", "", ""],
        [1.0, "Bằng khen Chủ tịch UBND tỉnh", "Lê Thị Chi", "Văn phòng Sở"]]


def test_without_papers_settings_the_documents_soften_the_capitals(make_campaign):
    campaign = make_campaign(preset="so-nnptnt", generate=False, edit=lambda t: t.split("[papers]")[0] + "[votes]" +
                             t.split("[votes]", 1)[1])
    assert campaign.document_names == {}
    context = common_context(campaign)
    assert (context["issuer_name"], context["decider"], context["above"]) == (
        "Sở Nông Nghiệp và PTNT Thái Bình", "Thủ trưởng Sở Nông Nghiệp và PTNT Thái Bình", "UBND TỈNH THÁI BÌNH")


def test_a_campaign_template_overrides_the_bundled_one(voted):
    own = voted.root / "templates"
    own.mkdir()
    doc = Document(str(BUNDLED / "bien-ban-hop-hoi-dong.docx"))
    heading = next(p for p in doc.paragraphs if p.text == "BIÊN BẢN")
    heading.runs[0].text = "BIÊN BẢN (MẪU CỦA SỞ)"
    doc.save(str(own / "bien-ban-hop-hoi-dong.docx"))
    paths = voted.papers().paths
    texts = [p.text for p in Document(str(paths["minutes"])).paragraphs]
    assert "BIÊN BẢN (MẪU CỦA SỞ)" in texts
    broken = Document(str(own / "bien-ban-hop-hoi-dong.docx"))
    broken.paragraphs[-1].add_run("{% for x in %}")
    broken.save(str(own / "bien-ban-hop-hoi-dong.docx"))
    result = CliRunner().invoke(cli, ["papers", str(voted.root), "--force"])
    assert result.exit_code == 1
    assert f"Lỗi: Mẫu {own / 'bien-ban-hop-hoi-dong.docx'} có lỗi cú pháp" in result.output
