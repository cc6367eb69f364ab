"""The registration workbook: laid out like the form, with dropdowns, protection, _meta and print settings."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner

from thidua_xlsx.cli import cli
from thidua_xlsx.errors import OverwriteError
from thidua_xlsx.presets import PRESETS
from thidua_xlsx.template import first_data_row, sheet_columns


def _open(campaign, code):
    return openpyxl.load_workbook(campaign.workbooks_dir / f"{code}.xlsx")


def test_sheet_a_headings_follow_the_form_of_seed_003(campaign):
    ws = _open(campaign, "VP")["A. Tập thể"]
    assert ws["A1"].value == "SỞ CÔNG THƯƠNG QUẢNG NGÃI"
    assert ws["A2"].value == "PHÒNG/ĐƠN VỊ: Văn phòng Sở"
    assert ws["E1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert ws["E2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert ws["A4"].value == "ĐĂNG KÝ DANH HIỆU THI ĐUA VÀ HÌNH THỨC KHEN THƯỞNG NĂM 2022"
    assert ws["A7"].value == "A/ TẬP THỂ"
    assert [c.value for c in ws[8]] == ["TT", "PHÒNG/ĐƠN VỊ", "ĐĂNG KÝ MỨC ĐỘ HOÀN THÀNH NHIỆM VỤ",
                                        "ĐĂNG KÝ DANH HIỆU THI ĐUA", None, "ĐĂNG KÝ HÌNH THỨC KHEN THƯỞNG",
                                        None, None, None, None, "GHI CHÚ"]
    assert [c.value for c in ws[9]][3:10] == [
        "Tập thể LĐTT", "Tập thể LĐXS", "Giấy khen Giám đốc Sở", "Bằng khen Chủ tịch UBND tỉnh",
        "Bằng khen Bộ trưởng Bộ Công Thương", "Bằng khen Thủ tướng Chính phủ", "Huân chương lao động hạng..."]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A8:A9", "B8:B9", "C8:C9", "D8:E8", "F8:J8", "K8:K9"} <= merged
    assert ws["B10"].value == "Văn phòng Sở", "the unit's own line comes pre-filled"
    assert [ws.cell(row=r, column=1).value for r in range(10, 15)] == [1, 2, 3, 4, 5]
    assert ws["B15"].value == "Tổng cộng"
    assert ws["D15"].value == "=COUNTA(D10:D14)"


def test_sheet_b_has_numbered_columns_and_forty_rows(campaign):
    ws = _open(campaign, "VP")["B. Cá nhân"]
    assert ws["A7"].value == "B/ CÁ NHÂN"
    assert [c.value for c in ws[9]] == [None, None, "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
                                        "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở", "Chiến sĩ thi đua cấp tỉnh",
                                        "Chiến sĩ thi đua toàn quốc", "Giấy khen Giám đốc Sở",
                                        "Bằng khen Chủ tịch UBND tỉnh", "Bằng khen Bộ trưởng Bộ Công Thương",
                                        "Bằng khen Thủ tướng Chính phủ", None]
    assert [c.value for c in ws[10]] == list(range(1, 14))
    assert ws.cell(row=11, column=2).value is None and ws.cell(row=50, column=1).value == 40
    assert ws["B51"].value == "Tổng cộng"
    assert ws["E51"].value == "=COUNTA(E11:E50)"
    texts = [ws.cell(row=r, column=c).value for r in range(52, 56) for c in range(1, 14)]
    assert "TRƯỞNG PHÒNG/ĐƠN VỊ" in texts
    assert "Quảng Ngãi, ngày..... tháng..... năm 2022" in texts


def test_every_input_column_has_a_dropdown_backed_by_a_defined_name(campaign):
    wb = _open(campaign, "VP")
    names = {name: wb.defined_names[name].attr_text for name in wb.defined_names}
    assert names["DS_DANH_DAU"] == "_lists!$A$2:$A$2"
    assert names["DS_MUC_DO"] == "_lists!$B$2:$B$5"
    assert names["DS_HANG"] == "_lists!$C$2:$C$4"
    lists = wb["_lists"]
    assert [lists.cell(row=r, column=2).value for r in range(2, 6)] == [
        "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ"]
    a = {str(dv.sqref): (dv.type, dv.formula1, dv.promptTitle)
         for dv in wb["A. Tập thể"].data_validations.dataValidation}
    assert a["C10:C14"] == ("list", "DS_MUC_DO", "Mức độ hoàn thành")
    assert a["D10:D14"] == ("list", "DS_DANH_DAU", "Đánh dấu x")
    assert a["J10:J14"] == ("list", "DS_HANG", "Hạng Huân chương")
    b = {str(dv.sqref): dv for dv in wb["B. Cá nhân"].data_validations.dataValidation}
    for col in "CDEFGHIJKL":
        assert b[f"{col}11:{col}50"].formula1 == "DS_DANH_DAU"
        assert b[f"{col}11:{col}50"].showInputMessage
    assert b["M11:M50"].promptTitle == "Ghi chú"


def test_protection_locks_layout_but_not_inputs_and_allows_inserting_rows(campaign):
    ws = _open(campaign, "VP")["B. Cá nhân"]
    assert ws.protection.sheet is True
    assert ws.protection.insertRows is False, "inserting rows is allowed"
    assert ws.protection.password is None, "no password unless the campaign sets one"
    assert ws["B11"].protection.locked is False and ws["E30"].protection.locked is False
    assert ws["B9"].protection.locked is True and ws["E51"].protection.locked is True


def test_meta_sheet_identifies_the_return_and_helper_sheets_are_hidden(campaign):
    wb = _open(campaign, "KHTC")
    meta = {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True)}
    assert meta["campaign_id"] == "camp" and meta["unit_code"] == "KHTC" and meta["year"] == 2022
    assert meta["template_version"] == 1
    assert wb["_meta"].sheet_state == "hidden" and wb["_lists"].sheet_state == "hidden"
    assert wb.sheetnames == ["A. Tập thể", "B. Cá nhân", "_lists", "_meta"]


def test_print_ready_a4_landscape_with_repeated_headings(campaign):
    wb = _open(campaign, "VP")
    for ws in (wb["A. Tập thể"], wb["B. Cá nhân"]):
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1), "one page wide (absent means 1 in OOXML; 0 would not fit)"
        assert ws.page_setup.fitToHeight == 0
        assert ws.oddFooter.center.text == "Trang &P/&N"
        assert ws["B8"].font.name == "Times New Roman" and ws["B11"].font.name == "Times New Roman"
        assert ws.column_dimensions["B"].width >= 30
    assert wb["A. Tập thể"].print_title_rows == "$8:$9"
    assert wb["B. Cá nhân"].print_title_rows == "$8:$10"
    assert wb["A. Tập thể"].freeze_panes == "C10" and wb["B. Cá nhân"].freeze_panes == "C11"


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_writes_its_sheets_with_valid_names(make_campaign, preset):
    campaign = make_campaign(preset=preset)
    unit = campaign.units[0]
    wb = _open(campaign, unit.code)
    expected = [s.name for s in campaign.catalogue.sheets]
    assert wb.sheetnames == [*expected, "_lists", "_meta"]
    for spec in campaign.catalogue.sheets:
        ws = wb[spec.name]
        assert len(spec.name) <= 31
        cols = sheet_columns(campaign, spec)
        heading_row = [c.value for c in ws[9]]
        for n, col in enumerate(cols):
            assert col.heading in (ws.cell(row=8, column=n + 1).value, heading_row[n]) or \
                col.heading.upper() == ws.cell(row=8, column=n + 1).value
        assert ws.cell(row=first_data_row(spec) + spec.rows + 1, column=2).value == "Tổng cộng"


def test_ubnd_thi_xa_has_a_type_dropdown_and_a_family_sheet(make_campaign):
    campaign = make_campaign(preset="ubnd-thi-xa")
    wb = _open(campaign, "PHO_AN")
    assert wb["A. Tập thể"]["C8"].value == "LOẠI TẬP THỂ"
    dv = {str(d.sqref): d.formula1 for d in wb["A. Tập thể"].data_validations.dataValidation}
    assert dv["C10:C19"] == "DS_LOAI_A"
    assert wb.defined_names["DS_LOAI_A"].attr_text == "_lists!$D$2:$D$5"
    assert wb["C. Gia đình"]["B8"].value == "Hộ gia đình (chủ hộ)"
    assert wb["A. Tập thể"]["D8"].value == "ĐĂNG KÝ HÌNH THỨC KHEN THƯỞNG"
    assert wb["A. Tập thể"]["D9"].value == "Huân chương Lao động hạng..."


def test_regeneration_is_byte_identical_and_never_overwrites_without_force(campaign):
    path = campaign.workbooks_dir / "VP.xlsx"
    first = path.read_bytes()
    with pytest.raises(OverwriteError):
        campaign.generate(["VP"])
    result = CliRunner().invoke(cli, ["generate", str(campaign.root), "--unit", "VP"])
    assert result.exit_code == 1 and result.output.startswith("Lỗi: Đã có ")
    campaign.generate(["VP"], force=True)
    assert path.read_bytes() == first
    assert (campaign.workbooks_dir / "KHTC.xlsx").read_bytes() != first


def test_password_from_the_campaign_protects_the_sheets(make_campaign):
    campaign = make_campaign(edit=lambda t: t.replace('password = ""', 'password = "vp2022"'))
    ws = _open(campaign, "VP")["A. Tập thể"]
    assert ws.protection.sheet is True and ws.protection.password


@pytest.mark.parametrize("route", [["xlsx:Calc MS Excel 2007 XML"], ["ods", "xlsx:Calc MS Excel 2007 XML"]],
                         ids=["xlsx-xlsx", "xlsx-ods-xlsx"])
def test_libreoffice_round_trip_keeps_dropdowns_names_and_values(campaign, soffice, tmp_path, route):
    path = campaign.workbooks_dir / "VP.xlsx"
    for n, fmt in enumerate(route):
        path = soffice(path, fmt, tmp_path / f"step{n}")
    wb = openpyxl.load_workbook(path)
    assert "_lists" in wb.sheetnames and wb["_lists"].sheet_state == "hidden"
    assert "DS_DANH_DAU" in wb.defined_names and "DS_MUC_DO" in wb.defined_names
    ws = wb["B. Cá nhân"]
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert "DS_DANH_DAU" in formulas
    assert wb["A. Tập thể"]["B10"].value == "Văn phòng Sở"
    assert ws["E9"].value == "Lao động tiên tiến"
    meta = {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True)}
    assert meta["unit_code"] == "VP"


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_opens_in_libreoffice_with_its_dropdowns(make_campaign, soffice, tmp_path, preset):
    campaign = make_campaign(preset=preset)
    unit = campaign.units[0]
    path = soffice(campaign.workbooks_dir / f"{unit.code}.xlsx", "ods", tmp_path / "ods")
    back = openpyxl.load_workbook(soffice(path, "xlsx:Calc MS Excel 2007 XML", tmp_path / "xlsx"))
    for spec in campaign.catalogue.sheets:
        lists = {dv.formula1 for dv in back[spec.name].data_validations.dataValidation if dv.type == "list"}
        assert "DS_DANH_DAU" in lists, spec.name
        if spec.types:
            assert f"DS_LOAI_{spec.key}" in lists
    assert back["_lists"].sheet_state == "hidden"
