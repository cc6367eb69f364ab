"""Files that crash, exhaust or hang the spreadsheet library cost only their own finding (issue 13, item 1).

Each bomb of the issue is built here: refused by the pre-checks in milliseconds, and, with the pre-checks switched
off, still only a finding on its file because each file is read in a worker under limits.
"""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner
from conftest import collective, consolidated, person, rows_of, write_xlsx

import thidua_xlsx.parsing as parsing
import thidua_xlsx.sources as sources
from thidua_xlsx.cli import cli

GOOD_ROWS = [("VP", "Văn phòng Sở"), ("VP", "Võ Văn Rân"), ("QLCN", "Phòng Quản lý Công nghiệp"),
             ("QLCN", "Lê Thị Mai")]
HEADING = ["TT", "Họ và tên", "Lao động tiên tiến", "Ghi chú"]


@pytest.fixture
def good(campaign, filled_return):
    return [filled_return(campaign, "VP", [collective(), person("Võ Văn Rân")]),
            filled_return(campaign, "QLCN", [collective(), person("Lê Thị Mai")])]


def stray_cell(path, cell: tuple[int, int]):
    """A small registration with one stray value far away (as a slip of the keyboard leaves it)."""
    import xlsxwriter

    rows = [HEADING, [1, "Nguyễn Văn Xa", "x"]]
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("B")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    ws.write(*cell, ".")
    wb.close()
    return path


def unreferenced(path):
    """A stray value at XFD1 and one written without a reference in row 1048576 (the spec lets a cell leave out its
    r attribute: it goes after the previous one, in the row its <row r=…> says)."""
    import re

    stray_cell(path.with_suffix(".src.xlsx"), (0, 16383))
    with zipfile.ZipFile(path.with_suffix(".src.xlsx")) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"</sheetData>", b'<row r="1048576"><c t="n"><v>1</v></c></row></sheetData>', data)
            zf.writestr(info, data)
    path.with_suffix(".src.xlsx").unlink()
    return path


def ods_repeat_bomb(path):
    """A 1 KB .ods whose one value is repeated over 5,000 columns of 5,000 rows: 25 million cells."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        '<office:spreadsheet><table:table table:name="B"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>TT</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>Họ và tên</text:p></table:table-cell>'
        '</table:table-row><table:table-row table:number-rows-repeated="5000">'
        '<table:table-cell table:number-columns-repeated="5000" office:value-type="string"><text:p>x</text:p>'
        '</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
        '</office:document-content>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    return path


def truncated_xls(good_xlsx, soffice, tmp_path):
    """A LibreOffice .xls cut at 99% of its length (a mail client that gave up, a full USB stick)."""
    data = soffice(good_xlsx, "xls").read_bytes()
    path = tmp_path / "cut.xls"
    path.write_bytes(data[: len(data) * 99 // 100])
    return path


def _findings(result, *codes):
    return [(f.code, f.source_file.split("_", 2)[2], f.message) for f in result.report.findings if f.code in codes]


def test_grid_bombs_are_refused_before_calamine_reads_them(campaign, good, soffice, tmp_path):
    xfd = stray_cell(tmp_path / "xfd.xlsx", (1048575, 16383))
    far = stray_cell(tmp_path / "m.xlsx", (1048575, 12))
    assert xfd.stat().st_size < 14_000 and far.stat().st_size < 14_000
    hidden = unreferenced(tmp_path / "khong-dia-chi.xlsx")
    ods = ods_repeat_bomb(tmp_path / "lap.ods")
    assert ods.stat().st_size < 5_000
    cut = truncated_xls(good[0], soffice, tmp_path)
    result = consolidated(campaign, *good, xfd, far, hidden, ods, cut)
    assert rows_of(result, "unit_code", "name") == GOOD_ROWS
    assert _findings(result, "TEP_QUA_LON", "TEP_HONG", "LOI_DOC_TEP") == [
        ("TEP_QUA_LON", "xfd.xlsx", "Tệp bị từ chối: dữ liệu trải tới ô XFD1048576 (16.384 cột × 1.048.576 dòng), "
                                    "tối đa 4.000.000 ô."),
        ("TEP_QUA_LON", "m.xlsx", "Tệp bị từ chối: dữ liệu trải tới ô M1048576 (13 cột × 1.048.576 dòng), tối đa "
                                  "4.000.000 ô."),
        ("TEP_QUA_LON", "khong-dia-chi.xlsx", "Tệp bị từ chối: dữ liệu trải tới ô XFD1048576 (16.384 cột × "
                                              "1.048.576 dòng), tối đa 4.000.000 ô."),
        ("TEP_QUA_LON", "lap.ods", "Tệp bị từ chối: dữ liệu trải tới ô GJH5001 (5.000 cột × 5.001 dòng), tối đa "
                                   "4.000.000 ô."),
        ("TEP_HONG", "cut.xls", "Không mở được tệp: tệp bị cắt cụt: cấu trúc tệp trỏ tới phần vượt quá cuối tệp.")]


def test_with_the_pre_checks_off_a_crash_a_panic_or_an_overrun_costs_only_its_file(campaign, good, soffice,
                                                                                    tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "check_extent", lambda zf, names: None)
    monkeypatch.setattr(sources, "check_biff", lambda path, size: None)
    monkeypatch.setattr(parsing, "TIME_LIMIT", 2.0)
    xfd = stray_cell(tmp_path / "xfd.xlsx", (1048575, 16383))   # calamine asks for 512 GB and aborts (signal 6)
    cut = truncated_xls(good[0], soffice, tmp_path)             # calamine panics: not an Exception
    far = stray_cell(tmp_path / "m.xlsx", (1048575, 12))        # seconds and 600 MB: past the time limit
    result = consolidated(campaign, xfd, good[0], cut, far, good[1])
    assert rows_of(result, "unit_code", "name") == GOOD_ROWS
    found = _findings(result, "TEP_QUA_LON", "TEP_HONG", "LOI_DOC_TEP")
    assert found[0] == ("TEP_QUA_LON", "xfd.xlsx", "Tệp bị từ chối: đọc tệp cần quá 1024 MB bộ nhớ, đã dừng.")
    assert found[1][:2] == ("LOI_DOC_TEP", "cut.xls")
    assert found[1][2].startswith("Không đọc được tệp do lỗi của chương trình (PanicException: ")
    assert found[2] == ("TEP_QUA_LON", "m.xlsx", "Tệp bị từ chối: đọc quá 2 giây, đã dừng.")
    assert len(found) == 3
    runner = CliRunner()
    check = runner.invoke(cli, ["check", str(campaign.root), "--format", "json"])
    assert check.exit_code == 1 and "Traceback" not in check.output
    report = runner.invoke(cli, ["report", str(campaign.root)])
    assert report.exit_code == 1, "the program failed on a file: the command says so"
    assert "Có 1 sự cố không do đơn vị gây ra (LOI_DOC_TEP); xem findings.csv." in report.output
    assert (campaign.reports_dir / "registrations.csv").read_text(encoding="utf-8").count("\n") == 5


def test_an_error_of_the_reader_is_a_finding_naming_its_type(campaign, good, tmp_path, monkeypatch):
    real = parsing.read_return

    def failing(path, catalogue, name=None, sha256=None):
        if name.endswith("loi.xlsx"):
            return [][1]  # an IndexError deep in the reader, as a heading row wider than its data once raised
        return real(path, catalogue, name=name, sha256=sha256)

    monkeypatch.setattr(parsing, "read_return", failing)
    other = write_xlsx(tmp_path / "loi.xlsx", {"B": [HEADING, [1, "Nguyễn Văn Lỗi", "x"]]})
    result = consolidated(campaign, good[0], other, good[1])
    assert rows_of(result, "unit_code", "name") == GOOD_ROWS
    assert _findings(result, "LOI_DOC_TEP") == [
        ("LOI_DOC_TEP", "loi.xlsx", "Không đọc được tệp do lỗi của chương trình (IndexError: list index out of "
                                    "range); các tệp khác vẫn được tổng hợp. Đề nghị báo lỗi kèm tệp này.")]


def test_a_heading_row_wider_than_its_data_is_read(campaign, tmp_path):
    """Ragged rows (a CSV or HTML table saved as .xls): the heading is wider than the rows under it."""
    path = tmp_path / "Phòng Quản lý Công nghiệp.csv"
    path.write_text("TT,Họ và tên,Lao động tiên tiến,Chiến sĩ thi đua cơ sở,Ghi chú\n1,Nguyễn Văn A\n"
                    "2,Trần Thị B,x\n", encoding="utf-8")
    result = consolidated(campaign, path)
    assert rows_of(result, "unit_code", "name", "LDTT") == [("QLCN", "Nguyễn Văn A", 0), ("QLCN", "Trần Thị B", 1)]
    assert _findings(result, "LOI_DOC_TEP", "TEP_HONG") == []
