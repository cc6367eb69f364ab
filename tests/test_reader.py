"""Returns of every shape consolidate to the same registrations: formats, layouts, marks and encodings."""

from __future__ import annotations

import unicodedata

import openpyxl
import pytest
from conftest import collective, consolidated, person, rows_of, write_xlsx

from thidua_xlsx.findings import CATALOGUE

PEOPLE = [person("Nguyễn Văn Hùng", "HTXSNV", "LDTT CSTD_CS", note="Sáng kiến quản lý điện nông thôn"),
          person("Lê Thị Thu Hà", "HTTNV", "LDTT GK_GD_SO"),
          person("Trần Quốc Bảo", "HTTNV", "")]
EXPECTED = [
    ("KHTC", "tap_the", "Phòng Kế hoạch - Tài chính - Tổng hợp", "HTXSNV", 1, 1, 0, "0"),
    ("KHTC", "ca_nhan", "Nguyễn Văn Hùng", "HTXSNV", 1, 0, 1, "0"),
    ("KHTC", "ca_nhan", "Lê Thị Thu Hà", "HTTNV", 1, 0, 0, "0"),
    ("KHTC", "ca_nhan", "Trần Quốc Bảo", "HTTNV", 0, 0, 0, "0"),
]
def reading(result) -> list[tuple]:
    """Findings about reading the file (not the law checks, not units that have not returned yet)."""
    return [(f.code, f.name, f.source_row, f.message) for f in result.report.findings
            if CATALOGUE[f.code].scope != "law" and f.code != "CHUA_NOP"]


COLS = ("unit_code", "kind", "name", "completion", "LDTT", "LDXS", "CSTD_CS", "HC_LD")


@pytest.fixture
def khtc_return(campaign, filled_return):
    return filled_return(campaign, "KHTC", [collective("HTXSNV", "LDTT LDXS"), *PEOPLE])


def test_generated_form_filled_with_openpyxl(campaign, khtc_return):
    result = consolidated(campaign, khtc_return)
    assert rows_of(result, *COLS) == EXPECTED
    assert rows_of(result, "source_sheet", "source_row") == [("A. Tập thể", 10), ("B. Cá nhân", 11),
                                                              ("B. Cá nhân", 12), ("B. Cá nhân", 13)]
    assert result.frame.loc[1, "note"] == "Sáng kiến quản lý điện nông thôn"
    assert result.frame.loc[2, "GK_GD_SO"] == 1


@pytest.mark.parametrize("fmt", ["xls:MS Excel 97", "ods", "xlsx:Calc MS Excel 2007 XML"],
                         ids=["xls", "ods", "xlsx-with-cached-formulas"])
def test_libreoffice_formats_read_the_same(campaign, khtc_return, soffice, fmt):
    converted = soffice(khtc_return, fmt)
    result = consolidated(campaign, converted)
    assert rows_of(result, *COLS) == EXPECTED
    assert reading(result) == [], "the Tổng cộng formulas, recalculated by LibreOffice, agree with the ticks"


def test_declared_total_that_disagrees_is_flagged(campaign, khtc_return, soffice, tmp_path):
    wb = openpyxl.load_workbook(khtc_return)
    wb["B. Cá nhân"]["E51"] = 5  # the unit typed its own total over the formula
    wb.save(tmp_path / "sai-tong.xlsx")
    result = consolidated(campaign, soffice(tmp_path / "sai-tong.xlsx", "xlsx:Calc MS Excel 2007 XML"))
    assert reading(result) == [
        ("TONG_CONG_LECH", "", 51, "Dòng Tổng cộng ghi 5 ở cột \"Lao động tiên tiến\", đếm được 2.")]


def test_renamed_sheets_inserted_and_moved_columns(campaign, khtc_return, tmp_path):
    wb = openpyxl.load_workbook(khtc_return)
    wb["A. Tập thể"].title = "Sheet1"
    ws = wb["B. Cá nhân"]
    ws.title = "DS ca nhan"
    ws.insert_cols(3)  # a "Chức vụ" column after the name
    ws["C8"] = "Chức vụ"
    ws["C11"] = "Trưởng phòng"
    ws.move_range("F8:F50", cols=9)  # LĐTT moved to the far right
    path = tmp_path / "khtc-sua.xlsx"
    wb.save(path)
    result = consolidated(campaign, path)
    assert rows_of(result, *COLS) == EXPECTED
    assert reading(result) == []
    assert rows_of(result, "source_sheet")[1:] == [("DS ca nhan",)] * 3


def _one_sheet_return(marks: list[str]) -> list[list]:
    """Both tables on one sheet with abbreviated headings, as units retype the form."""
    return [
        ["SỞ CÔNG THƯƠNG QUẢNG NGÃI", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["Đơn vị: Phòng KH-TC-TH"],
        ["ĐĂNG KÝ THI ĐUA NĂM 2022"],
        ["A/ TẬP THỂ"],
        ["STT", "Tên đơn vị", "Mức độ hoàn thành", "LĐTT", "LĐXS", "GK GĐ Sở", "BK UBND tỉnh", "HCLĐ", "Ghi chú"],
        [1, "Phòng KH-TC-TH", "Hoàn thành xuất sắc", marks[0], marks[1], None, None, None],
        [None, "Tổng cộng", None, 1, 1, 0, 0, 0],
        [],
        ["B/ CÁ NHÂN"],
        ["TT", "Họ tên", "HTXSNV", "HTTNV", "LĐTT", "CSTĐ cơ sở", "CSTĐ cấp tỉnh", "CSTĐ toàn quốc", "GK GĐ Sở",
         "BK UBND tỉnh", "BK Bộ", "BK TTg", "Ghi chú"],
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
        [1, "Nguyễn Văn Hùng", marks[2], None, marks[3], marks[4], None, None, None, None, None, None,
         "Sáng kiến quản lý điện nông thôn"],
        [2, "Lê Thị Thu Hà", None, marks[5], marks[6], None, None, None, marks[7]],
        [3, "Trần Quốc Bảo", None, "x"],
        [None, None, None, None, None],
        [None, "Tổng cộng", 1, 2, 2, 1, 0, 0, 1, 0, 0, 0],
        [None, None, None, None, None, None, None, None, "Quảng Ngãi, ngày 10 tháng 3 năm 2022"],
        [None, None, None, None, None, None, None, None, "TRƯỞNG PHÒNG"],
        [None, None, None, None, None, None, None, None, "Nguyễn Văn Trưởng"],
    ]


@pytest.mark.parametrize("marks", [
    ["x"] * 8, ["X", "X", "X", "X", "X", "X", "X", "X"], ["✓", "✔", "✓", "✓", "✔", "✓", "✓", "✓"],
    [1, 1, 1, 1, 1, 1, 1, 1], ["v", "V", "có", "Có", " x ", "x ", "  X", "v"],
], ids=["x", "X", "check", "one", "mixed"])
def test_one_sheet_with_abbreviated_headings_and_any_tick(campaign, tmp_path, marks):
    path = write_xlsx(tmp_path / "tong-hop.xlsx", {"Đăng ký": _one_sheet_return(marks)})
    result = consolidated(campaign, path)
    assert rows_of(result, *COLS) == [("KHTC", "tap_the", "Phòng KH-TC-TH", *EXPECTED[0][3:]), *EXPECTED[1:]]
    assert rows_of(result, "source_row") == [(6,), (12,), (13,), (14,)]
    assert reading(result) == []


def test_unclear_marks_are_findings_and_not_counted(campaign, tmp_path):
    rows = _one_sheet_return(["x"] * 8)
    rows[12][3] = "2"  # HTTNV
    rows[12][4] = "??"  # LĐTT
    path = write_xlsx(tmp_path / "tong-hop.xlsx", {"Đăng ký": rows})
    result = consolidated(campaign, path)
    assert reading(result) == [
        ("GIA_TRI_KHONG_RO", "Lê Thị Thu Hà", 13, "Ô D13 (cột \"HTTNV\") ghi \"2\": không phải dấu đăng ký, "
                                                  "không được tính. Để đọc được, thêm vào campaign.toml, dưới "
                                                  "[marks], dòng: \"2\" = \"tick\"."),
        ("GIA_TRI_KHONG_RO", "Lê Thị Thu Hà", 13, "Ô E13 (cột \"LĐTT\") ghi \"??\": không phải dấu đăng ký, "
                                                  "không được tính. Để đọc được, thêm vào campaign.toml, dưới "
                                                  "[marks], dòng: \"??\" = \"tick\"."),
        ("TONG_CONG_LECH", "", 16, "Dòng Tổng cộng ghi 2 ở cột \"HTTNV\", đếm được 1."),
        ("TONG_CONG_LECH", "", 16, "Dòng Tổng cộng ghi 2 ở cột \"LĐTT\", đếm được 1."),
        ("DANH_HIEU_KHONG_MUC_DO", "Lê Thị Thu Hà", 13,
         "Đăng ký Giấy khen Giám đốc Sở nhưng chưa ghi mức độ hoàn thành nhiệm vụ."),
    ]
    assert result.frame.loc[2, ["completion", "LDTT", "GK_GD_SO"]].tolist() == ["", 0, 1]


def test_nfd_text_becomes_nfc(campaign, tmp_path):
    rows = _one_sheet_return(["x"] * 8)
    rows[11][1] = unicodedata.normalize("NFD", "Nguyễn  Văn   Hùng ")
    path = write_xlsx(tmp_path / "nfd.xlsx", {"Đăng ký": rows})
    result = consolidated(campaign, path)
    assert result.frame.loc[1, "name"] == "Nguyễn Văn Hùng"
    assert unicodedata.is_normalized("NFC", result.frame.loc[1, "name"])


@pytest.mark.parametrize("encoding, names, header", [
    ("TCVN3", ["NguyÔn V¨n Hïng", "Lª ThÞ Thu Hµ", "TrÇn Quèc B¶o"], "PHßNG KÕ HO¹CH - TµI CHÝNH - TæNG HîP"),
    ("VNI", ["Nguyeãn Vaên Huøng", "Leâ Thò Thu Haø", "Traàn Quoác Baûo"],
     "PHOØNG KEÁ HOAÏCH - TAØI CHÍNH - TOÅNG HÔÏP"),
], ids=["tcvn3", "vni"])
def test_legacy_encodings_are_converted_and_said(campaign, tmp_path, encoding, names, header):
    rows = _one_sheet_return(["x"] * 8)
    rows[5][1] = header
    for n, name in enumerate(names):
        rows[11 + n][1] = name
    path = write_xlsx(tmp_path / "cu.xlsx", {"Đăng ký": rows})
    result = consolidated(campaign, path)
    assert rows_of(result, "name") == [("PHÒNG KẾ HOẠCH - TÀI CHÍNH - TỔNG HỢP",), ("Nguyễn Văn Hùng",),
                                       ("Lê Thị Thu Hà",), ("Trần Quốc Bảo",)]
    assert reading(result) == [
        ("MA_CU_DA_CHUYEN", "", None,
         f"4 ô chữ gõ bằng mã {encoding} đã được chuyển sang Unicode; đề nghị kiểm tra lại tên.")]


def test_html_table_saved_as_xls_is_read(campaign, tmp_path):
    html = """<html><head><meta charset="utf-8"></head><body>
    <p>Đơn vị: Phòng Quản lý Công nghiệp</p>
    <table border=1>
    <tr><td rowspan=2>TT</td><td rowspan=2>Họ và tên</td><td colspan=2>ĐĂNG KÝ MỨC ĐỘ HOÀN THÀNH NHIỆM VỤ</td>
        <td colspan=2>ĐĂNG KÝ DANH HIỆU THI ĐUA</td><td rowspan=2>Ghi chú</td></tr>
    <tr><td>Hoàn thành xuất sắc nhiệm vụ</td><td>Hoàn thành tốt nhiệm vụ</td><td>Lao động tiên tiến</td>
        <td>Chiến sĩ thi đua cơ sở</td></tr>
    <tr><td>1</td><td>Võ Minh Tâm</td><td>x</td><td></td><td>x</td><td>x</td><td>Sáng kiến</td></tr>
    <tr><td>2</td><td>Phan Thị Lan</td><td></td><td>x</td><td>x</td><td></td><td></td></tr>
    <tr><td></td><td>Tổng cộng</td><td>1</td><td>1</td><td>2</td><td>1</td><td></td></tr>
    </table></body></html>"""
    path = tmp_path / "QLCN.xls"
    path.write_text(html, encoding="utf-8")
    result = consolidated(campaign, path)
    assert rows_of(result, "unit_code", "kind", "name", "completion", "LDTT", "CSTD_CS", "source_row") == [
        ("QLCN", "ca_nhan", "Võ Minh Tâm", "HTXSNV", 1, 1, 3), ("QLCN", "ca_nhan", "Phan Thị Lan", "HTTNV", 1, 0, 4)]


def test_csv_saved_as_xls_is_read(campaign, tmp_path):
    text = ("Đơn vị: Phòng Quản lý Thương mại\n"
            "TT;Họ và tên;HTXSNV;HTTNV;LĐTT;CSTĐCS;Ghi chú\n"
            "1;Đặng Văn Long;x;;x;x;Sáng kiến\n"
            "2;Hồ Thị Yến;;x;x;;\n")
    path = tmp_path / "dang-ky.xls"
    path.write_bytes(text.encode("utf-8"))
    result = consolidated(campaign, path)
    assert rows_of(result, "unit_code", "name", "completion", "LDTT", "CSTD_CS") == [
        ("QLTM", "Đặng Văn Long", "HTXSNV", 1, 1), ("QLTM", "Hồ Thị Yến", "HTTNV", 1, 0)]


def test_values_under_an_unknown_heading_are_not_lost_silently(campaign, tmp_path):
    rows = [["PHÒNG/ĐƠN VỊ: Văn phòng Sở"],
            ["TT", "Họ và tên", "HTTNV", "Lao động tiên tiến", "Kỷ niệm chương", "Chức vụ"],
            [1, "Bùi Thị Hương", "x", "x", "x", "Chuyên viên"], [2, "Đỗ Minh Khánh", "x", "x", "", "Phó Chánh VP"]]
    result = consolidated(campaign, write_xlsx(tmp_path / "vp.xlsx", {"S": rows}))
    assert reading(result) == [("COT_KHONG_NHAN_DANG", "", None, "Cột \"Kỷ niệm chương\" không khớp danh mục; 1 ô "
                                                                "có giá trị ở cột này không được tính. Để đọc được, "
                                                                "thêm vào campaign.toml, dưới [headings], dòng: "
                                                                "\"Kỷ niệm chương\" = \"<mã>\".")]
    assert rows_of(result, "name", "LDTT") == [("Bùi Thị Hương", 1), ("Đỗ Minh Khánh", 1)]


def test_signature_lines_in_the_name_column_are_not_registrants(campaign, tmp_path):
    rows = [["Đơn vị: Thanh tra Sở"], ["TT", "Họ và tên", "HTTNV", "LĐTT", "Ghi chú"],
            [1, "Mai Văn Sơn", "x", "x", "Đề nghị Giám đốc Sở tặng Giấy khen"],
            [2, "Tạ Thị Hạnh"],
            [None, "Tổng cộng", 1, 1],
            [None, "Người lập biểu"], [None, "Trịnh Văn Lập"],
            [None, "THANH TRA SỞ"], [None, "Ngày 12 tháng 3 năm 2022"]]
    result = consolidated(campaign, write_xlsx(tmp_path / "ttra.xlsx", {"S": rows}))
    assert rows_of(result, "unit_code", "name", "LDTT", "source_row") == [("TTRA", "Mai Văn Sơn", 1, 3),
                                                                          ("TTRA", "Tạ Thị Hạnh", 0, 4)]
    assert reading(result) == []


def test_headings_as_units_shorten_them(campaign, tmp_path):
    rows = [["Đơn vị: Phòng Quản lý Công nghiệp"], ["A/ TẬP THỂ"],
            ["STT", "Tên đơn vị", "Mức độ HTNV", "Danh hiệu LĐTT", "Giấy khen", "BK Bộ Công Thương",
             "Huân chương LĐ hạng Ba", "Cờ thi đua"],
            [1, "Phòng Quản lý Công nghiệp", "Hoàn thành XSNV", "x", "x", "x", "x", ""],
            ["B/ CÁ NHÂN"],
            ["STT", "Họ tên", "Hoàn thành XSNV", "Lao động tiên tiến năm 2022", "Chiến sỹ TĐ cơ sở",
             "Bằng khen của Chủ tịch UBND tỉnh Quảng Ngãi", "Bằng khen"],
            [1, "Kiều Văn Phúc", "x", "x", "x", "x", "x"]]
    result = consolidated(campaign, write_xlsx(tmp_path / "qlcn.xlsx", {"S": rows}))
    assert rows_of(result, "kind", "completion", "LDTT", "GK_GD_SO", "BK_BO", "HC_LD", "CSTD_CS",
                   "BK_UBND_TINH") == [("tap_the", "HTXSNV", 1, 1, 1, "Ba", 0, 0),
                                       ("ca_nhan", "HTXSNV", 1, 0, 0, "0", 1, 1)]
    assert reading(result) == [("COT_KHONG_NHAN_DANG", "", None, "Cột \"Bằng khen\" không khớp danh mục; 1 ô có "
                                                                "giá trị ở cột này không được tính. Có phải «Bằng khen "
                                                                "Bộ trưởng Bộ Công Thương»? Để đọc được, thêm vào "
                                                                "campaign.toml, dưới [headings], dòng: \"Bằng khen\" = "
                                                                "\"BK_BO\".")]


def test_a_sheet_with_an_unrecognised_table_beside_a_good_one_is_said(campaign, filled_return, tmp_path):
    import openpyxl

    path = filled_return(campaign, "VP", [collective()])
    wb = openpyxl.load_workbook(path)
    extra = wb.create_sheet("Bổ sung")
    for row in (["Người", "Thành tích"], ["Hà Văn Tư", "Sáng kiến tiết kiệm điện"], ["Mai Thị Năm", "Cứu người"]):
        extra.append(row)
    wb.save(path)
    result = consolidated(campaign, path)
    assert reading(result) == [("TRANG_TINH_KHONG_NHAN_DANG", "", None,
                                "Sheet có 3 dòng dữ liệu nhưng không tìm thấy bảng đăng ký (thiếu cột Họ và tên/Phòng, "
                                "đơn vị và TT); các dòng này không được đọc, đề nghị kiểm tra.")]
