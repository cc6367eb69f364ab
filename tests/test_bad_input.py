"""Bad input never stops the other files: each gets a clear finding naming it, never a traceback."""

from __future__ import annotations

import io
import zipfile

import msoffcrypto.format.ooxml
import pytest
from click.testing import CliRunner
from conftest import collective, consolidated, person, rows_of, write_xlsx

from thidua_xlsx.cli import cli


@pytest.fixture
def good(campaign, filled_return):
    return filled_return(campaign, "VP", [collective("HTXSNV", "LDTT"), person("Võ Văn Rân")])


def _file_findings(result, code):
    return [(f.code, f.severity, f.source_file.split("_", 2)[2], f.message) for f in result.report.findings
            if f.code == code]


def test_corrupt_truncated_and_empty_files(campaign, good, tmp_path):
    (tmp_path / "rac.xlsx").write_bytes(b"day khong phai bang tinh \x00\x01\x02" * 50)
    data = good.read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    (tmp_path / "rong.xlsx").write_bytes(b"")
    result = consolidated(campaign, good, tmp_path / "rac.xlsx", tmp_path / "cut.xlsx", tmp_path / "rong.xlsx")
    assert rows_of(result, "unit_code", "name") == [("VP", "Văn phòng Sở"), ("VP", "Võ Văn Rân")]
    broken = _file_findings(result, "TEP_HONG")
    assert [(c, s, name) for c, s, name, _ in broken] == [("TEP_HONG", "error", "rac.xlsx"),
                                                         ("TEP_HONG", "error", "cut.xlsx"),
                                                         ("TEP_HONG", "error", "rong.xlsx")]
    assert broken[0][3] == "Không mở được tệp: không phải bảng tính (định dạng nhị phân không rõ)."
    assert broken[1][3].startswith("Không mở được tệp: gói nén hỏng hoặc bị cắt cụt")
    assert broken[2][3] == "Không mở được tệp: tệp rỗng (0 byte)."


def test_word_and_pdf_files_sent_by_mistake(campaign, tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "dang-ky.xlsx", "w") as zf:  # a .docx renamed
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    (tmp_path / "dang-ky.xls").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n")
    result = consolidated(campaign, tmp_path / "dang-ky.xlsx", tmp_path / "dang-ky.xls")
    assert [m for *_, m in _file_findings(result, "TEP_HONG")] == [
        "Không mở được tệp: đây là tệp Word (.docx), không phải bảng tính.",
        "Không mở được tệp: đây là tệp PDF, không phải bảng tính; đề nghị đơn vị gửi tệp Excel."]


def test_password_protected_workbook(campaign, good, tmp_path):
    encrypted = tmp_path / "mat-khau.xlsx"
    buffer = io.BytesIO()
    with good.open("rb") as fh:
        msoffcrypto.format.ooxml.OOXMLFile(fh).encrypt("matkhau", buffer)
    encrypted.write_bytes(buffer.getvalue())
    result = consolidated(campaign, encrypted)
    assert _file_findings(result, "TEP_MA_HOA") == [
        ("TEP_MA_HOA", "error", "mat-khau.xlsx",
         "Tệp được đặt mật khẩu mở, không đọc được; đề nghị đơn vị gửi lại bản không mật khẩu.")]
    assert result.frame.empty


def test_zip_bomb_is_refused_before_parsing(campaign, good, tmp_path):
    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        with zipfile.ZipFile(good) as src:
            for info in src.infolist():
                zf.writestr(info.filename, src.read(info.filename))
        with zf.open("xl/worksheets/sheet9.xml", "w") as part:
            chunk = b"\x00" * (1 << 20)
            for _ in range(320):
                part.write(chunk)
    assert bomb.stat().st_size < 2_000_000
    result = consolidated(campaign, bomb, good)
    assert _file_findings(result, "TEP_QUA_LON") == [
        ("TEP_QUA_LON", "error", "bom.xlsx", "Tệp bị từ chối: giải nén ra 320 MB, tối đa 300 MB.")]
    assert rows_of(result, "name") == [("Văn phòng Sở",), ("Võ Văn Rân",)]


def test_not_a_registration(campaign, tmp_path):
    path = write_xlsx(tmp_path / "bao-cao-quy.xlsx", {"Sheet1": [["Chỉ tiêu", "Kế hoạch", "Thực hiện"],
                                                               ["Sản lượng điện", 100, 98]]})
    result = consolidated(campaign, path)
    assert _file_findings(result, "TEP_KHONG_NHAN_DANG") == [
        ("TEP_KHONG_NHAN_DANG", "error", "bao-cao-quy.xlsx",
         "Không tìm thấy bảng đăng ký thi đua (tập thể hoặc cá nhân) trong tệp.")]


def test_unknown_unit_keeps_its_rows_with_an_empty_code(campaign, tmp_path):
    rows = [["TT", "Họ và tên", "Lao động tiên tiến", "Ghi chú"], [1, "Ngô Thị Ngọc Hạnh", "x"]]
    path = write_xlsx(tmp_path / "dang-ky.xlsx", {"Sheet1": rows})
    result = consolidated(campaign, path)
    assert rows_of(result, "unit_code", "name", "LDTT", "source_row") == [("", "Ngô Thị Ngọc Hạnh", 1, 2)]
    found = _file_findings(result, "DON_VI_KHONG_XAC_DINH")
    assert [(c, s, n) for c, s, n, _ in found] == [("DON_VI_KHONG_XAC_DINH", "error", "dang-ky.xlsx")]
    assert found[0][3].startswith("Không xác định được đơn vị gửi tệp (1 dòng vẫn được giữ với mã đơn vị trống)")


def test_macro_enabled_workbook_is_read_with_a_warning(campaign, good, tmp_path):
    xlsm = tmp_path / "VP.xlsm"
    xlsm.write_bytes(good.read_bytes())
    result = consolidated(campaign, xlsm)
    assert _file_findings(result, "TEP_CO_MACRO") == [
        ("TEP_CO_MACRO", "warning", "VP.xlsm", "Tệp .xlsm có chứa macro; macro không được chạy, chỉ đọc dữ liệu.")]
    assert rows_of(result, "name") == [("Văn phòng Sở",), ("Võ Văn Rân",)]


def test_cli_check_survives_every_bad_file_and_exits_1(campaign, good, tmp_path):
    (tmp_path / "rac.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (tmp_path / "rong.ods").write_bytes(b"")
    runner = CliRunner()
    result = runner.invoke(cli, ["collect", str(campaign.root), str(good), str(tmp_path / "rac.xls"),
                                 str(tmp_path / "rong.ods"), "--received-at", "2022-03-10T08:00"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["check", str(campaign.root), "--format", "json"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    import json
    codes = sorted({(f["code"], f["source_file"].split("_", 2)[-1]) for f in json.loads(result.output)
                    if f["code"].startswith("TEP")})
    assert codes == [("TEP_HONG", "rac.xls"), ("TEP_HONG", "rong.ods")]
