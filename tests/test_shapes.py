"""Every shape of return offices send (tests/shapes.py) consolidates to whole rows, with no finding when clean."""

from __future__ import annotations

import pytest
import shapes
from conftest import consolidated, rows_of
from test_reader import reading

COLUMNS = ("kind", "name", "completion", "LDTT", "LDXS", "CSTD_CS", "CSTD_TINH", "GK_GD_SO", "BK_UBND_TINH",
           "BK_TTG", "HC_LD", "note", *shapes.DESCRIPTIVE)
CLEAN = [(shapes.school_form, "QLCN"), (shapes.proposal_list, "QLTM"), (shapes.flat_three_part_names, "VP"),
         (shapes.combined_sections, "TTRA"), (shapes.import_template, "KTAT"), (shapes.several_collectives, "DL_QNG"),
         (shapes.two_row_people, "QLNL")]


def _frame_rows(result) -> list[tuple]:
    return [tuple(int(v) if isinstance(v, (int,)) or hasattr(v, "item") else v for v in row)
            for row in rows_of(result, *COLUMNS)]


@pytest.mark.parametrize("factory, unit", CLEAN, ids=[f.__name__ for f, _ in CLEAN])
def test_each_shape_consolidates_whole_rows_and_no_finding(campaign, tmp_path, factory, unit):
    shape = factory()
    result = consolidated(campaign, shape.write(tmp_path / f"{unit}.xlsx"))
    assert _frame_rows(result) == shape.rows(COLUMNS)
    assert {r[0] for r in rows_of(result, "unit_code")} == {unit}
    assert reading(result) == []


@pytest.mark.parametrize("factory, unit", [CLEAN[0], CLEAN[1], CLEAN[3]], ids=["school", "proposal", "combined"])
def test_shapes_saved_by_libreoffice_read_the_same(campaign, tmp_path, soffice, factory, unit):
    shape = factory()
    converted = soffice(shape.write(tmp_path / f"{unit}.xlsx"), "ods")
    result = consolidated(campaign, converted)
    assert _frame_rows(result) == shape.rows(COLUMNS)
    assert reading(result) == []


def test_a_payroll_is_not_a_registration(campaign, tmp_path):
    result = consolidated(campaign, shapes.payroll().write(tmp_path / "QLCN.xlsx"))
    assert len(result.frame) == 0
    assert reading(result) == [("TEP_KHONG_NHAN_DANG", "", None,
                                "Không tìm thấy bảng đăng ký thi đua (tập thể hoặc cá nhân) trong tệp.")]


def test_a_payroll_beside_a_registration_is_said(campaign, tmp_path):
    shape = shapes.school_form()
    shape.sheets["Lương"] = shapes.payroll().sheets["Lương"]
    result = consolidated(campaign, shape.write(tmp_path / "QLCN.xlsx"))
    assert _frame_rows(result) == shape.rows(COLUMNS)
    assert reading(result) == [("TRANG_TINH_KHONG_NHAN_DANG", "", None,
                                "Sheet có 3 dòng dữ liệu nhưng không tìm thấy bảng đăng ký (thiếu cột Họ và tên/Phòng, "
                                "đơn vị và TT); các dòng này không được đọc, đề nghị kiểm tra.")]


def test_a_person_typed_below_the_signature_is_read_and_flagged(campaign, tmp_path):
    shape = shapes.school_form()
    shape.sheets["DS"].append([5, "Ông", "Hà Văn Muộn", "Chuyên viên", "HTTNV", "LĐTT", None])
    result = consolidated(campaign, shape.write(tmp_path / "QLCN.xlsx"))
    assert rows_of(result, "name", "LDTT", "source_row")[-1] == ("Hà Văn Muộn", 1, 19)
    assert reading(result) == [("DONG_SAU_CHU_KY", "Hà Văn Muộn", 19,
                                "Dòng được ghi bên dưới phần chữ ký hoặc ghi chú của biểu; đã được đọc như một dòng "
                                "đăng ký, đề nghị đơn vị xác nhận.")]


def test_unknown_text_items_and_items_of_the_other_kind_are_findings(campaign, tmp_path):
    shape = shapes.combined_sections()
    shape.sheets["Đăng ký"][6][3] = "LĐTT, Tập thể LĐXS"
    shape.sheets["Đăng ký"][7][4] = "BK Sở"
    result = consolidated(campaign, shape.write(tmp_path / "TTRA.xlsx"))
    assert rows_of(result, "name", "LDTT", "LDXS", "GK_GD_SO") == [
        ("Thanh tra Sở", 0, 1, 0), ("Mai Văn Sơn", 1, 0, 0), ("Tạ Thị Hạnh", 1, 0, 0)]
    assert reading(result) == [
        ("MUC_KHAC_LOAI", "Mai Văn Sơn", 7,
         "Cột \"Danh hiệu thi đua\" ghi \"Tập thể LĐXS\": danh hiệu/hình thức này không dành cho đối tượng của dòng "
         "(tập thể hay cá nhân), không được tính."),
        ("GIA_TRI_KHONG_RO", "Tạ Thị Hạnh", 8,
         "Ô E8 (cột \"Hình thức khen thưởng\") ghi \"BK Sở\": không phải dấu đăng ký, không được tính. Có phải "
         "«Bằng khen Bộ trưởng Bộ Công Thương»? Để đọc được, thêm vào campaign.toml, dưới [marks], dòng: "
         "\"BK Sở\" = \"BK_BO\".")]


def test_a_table_of_both_kinds_without_sections_takes_each_kind_from_the_name(campaign, tmp_path):
    rows = [["Đơn vị: Phòng Quản lý Công nghiệp"],
            ["TT", "Tên tập thể, cá nhân", "Xếp loại", "Danh hiệu thi đua"],
            [1, "Phòng Quản lý Công nghiệp", "HTXSNV", "Tập thể LĐTT"],
            [2, "Trương Văn Hải", "HTTNV", "LĐTT"],
            [3, "Tô Thị Hạnh", "HTTNV", "LĐTT"],
            [4, "Tổ Kỹ thuật", "HTTNV", "Tập thể LĐTT"]]
    result = consolidated(campaign, shapes.Shape({"S": rows}, []).write(tmp_path / "qlcn.xlsx"))
    assert rows_of(result, "kind", "name", "LDTT") == [
        ("tap_the", "Phòng Quản lý Công nghiệp", 1), ("ca_nhan", "Trương Văn Hải", 1),
        ("ca_nhan", "Tô Thị Hạnh", 1), ("tap_the", "Tổ Kỹ thuật", 1)]
    assert reading(result) == []


def test_gender_ticked_under_nam_nu_and_a_person_of_ong_family_keeps_the_name(campaign, tmp_path):
    rows = [["Đơn vị: Phòng Quản lý Năng lượng"],
            ["TT", "Họ và tên", "Giới tính", None, "HTXSNV", "HTTNV", "LĐTT"],
            [None, None, "Nam", "Nữ"],
            [1, "Ông Văn Tùng", "x", None, None, "x", "x"],
            [2, "Bà Hoàng Thị Lan", None, "x", "x", None, "x"]]
    shape = shapes.Shape({"S": rows}, [], {"S": [(1, 2, 1, 3)]})
    result = consolidated(campaign, shape.write(tmp_path / "qlnl.xlsx"))
    assert rows_of(result, "name", "honorific", "gender", "completion", "LDTT") == [
        ("Ông Văn Tùng", "", "Nam", "HTTNV", 1), ("Hoàng Thị Lan", "Bà", "Nữ", "HTXSNV", 1)]
    assert reading(result) == []


def test_a_payroll_above_a_registration_on_one_sheet_is_said(campaign, tmp_path):
    rows = [*shapes.payroll().sheets["Lương"], [], *shapes.flat_three_part_names().sheets["Sheet1"]]
    result = consolidated(campaign, shapes.Shape({"S": rows}, []).write(tmp_path / "vp.xlsx"))
    assert rows_of(result, "name") == [("Bùi Thị Hương",), ("Đỗ Minh Khánh",), ("Kiều Phúc",)]
    assert reading(result) == [("TRANG_TINH_KHONG_NHAN_DANG", "", None,
                                "Sheet có 3 dòng dữ liệu nhưng không tìm thấy bảng đăng ký (thiếu cột Họ và tên/Phòng, "
                                "đơn vị và TT); các dòng này không được đọc, đề nghị kiểm tra.")]
