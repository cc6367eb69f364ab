"""The clerk teaches the reader ([headings], [marks] in campaign.toml); separators and control characters in
cells never move a value to another row."""

from __future__ import annotations

import pytest
from conftest import consolidated, rows_of, write_xlsx
from test_reader import reading

from thidua_xlsx import Campaign
from thidua_xlsx.errors import CampaignError

ROWS = [["Đơn vị: Phòng Quản lý Công nghiệp"],
        ["TT", "Họ và tên", "Xếp loại", "Thi đua cấp ngành", "Hình thức khen thưởng"],
        [1, "Kiều Văn Phúc", "HTXSNV", "x", "BK Sở"],
        [2, "Vũ Thị Ngân", "HTTNV", "", "LĐTT"]]


def test_a_taught_heading_and_mark_are_read_on_the_next_run(campaign, tmp_path):
    result = consolidated(campaign, write_xlsx(tmp_path / "qlcn.xlsx", {"S": ROWS}))
    assert rows_of(result, "name", "CSTD_TINH", "GK_GD_SO", "LDTT") == [("Kiều Văn Phúc", 0, 0, 0),
                                                                       ("Vũ Thị Ngân", 0, 0, 1)]
    assert reading(result) == [
        ("GIA_TRI_KHONG_RO", "Kiều Văn Phúc", 3,
         "Ô E3 (cột \"Hình thức khen thưởng\") ghi \"BK Sở\": không phải dấu đăng ký, không được tính. Có phải "
         "«Bằng khen Bộ trưởng Bộ Công Thương»? Để đọc được, thêm vào campaign.toml, dưới [marks], dòng: "
         "\"BK Sở\" = \"BK_BO\"."),
        ("COT_KHONG_NHAN_DANG", "", None,
         "Cột \"Thi đua cấp ngành\" không khớp danh mục; 1 ô có giá trị ở cột này không được tính. Có phải "
         "«Chiến sĩ thi đua cấp tỉnh»? Để đọc được, thêm vào campaign.toml, dưới [headings], dòng: "
         "\"Thi đua cấp ngành\" = \"CSTD_TINH\".")]
    toml = campaign.root / "campaign.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[headings]\n"Thi đua cấp ngành" = "CSTD_TINH"\n'
                    '\n[marks]\n"BK Sở" = "GK_GD_SO"\n', encoding="utf-8")
    again = Campaign.load(campaign.root).consolidate()  # same bytes: the parse cache must not answer
    assert rows_of(again, "name", "CSTD_TINH", "GK_GD_SO", "LDTT") == [("Kiều Văn Phúc", 1, 1, 0),
                                                                      ("Vũ Thị Ngân", 0, 0, 1)]
    assert reading(again) == []


@pytest.mark.parametrize("table, message", [
    ('[headings]\n"Thi đua ngành" = "CSTD_XYZ"\n',
     "campaign.toml: khóa 'Thi đua ngành' trong [headings] là 'CSTD_XYZ', phải là một trong: BK_BO, BK_TTG, "
     "BK_UBND_TINH, CSTD_CS, CSTD_TINH, CSTD_TQ, GK_GD_SO, HC_LD, LDTT, LDXS, HTXSNV, HTTNV, HTNV, KHTNV, honorific, "
     "birth_year, gender, position, sub_unit, staff_id, headcount, completion, items, note, ignore."),
    ('[marks]\n"BK Sở" = ["GK_GD_SO", "tick"]\n',
     "campaign.toml: khóa 'BK Sở' trong [marks] là ['GK_GD_SO', 'tick'], phải là \"tick\", \"blank\", một mức hoàn "
     "thành (HTXSNV, HTTNV, HTNV, KHTNV) hoặc (danh sách) mã mục trong: BK_BO, BK_TTG, BK_UBND_TINH, CSTD_CS, "
     "CSTD_TINH, CSTD_TQ, GK_GD_SO, HC_LD, LDTT, LDXS."),
    ('[marks]\n"v" = 1\n',
     "campaign.toml: khóa 'v' trong [marks] là 1, phải là \"tick\", \"blank\", một mức hoàn thành (HTXSNV, HTTNV, "
     "HTNV, KHTNV) hoặc (danh sách) mã mục trong: BK_BO, BK_TTG, BK_UBND_TINH, CSTD_CS, CSTD_TINH, CSTD_TQ, "
     "GK_GD_SO, HC_LD, LDTT, LDXS."),
    ('[marks]\n"HCLĐ IV" = "HC_LD=Tư"\n',
     "campaign.toml: khóa 'HCLĐ IV' trong [marks] là 'HC_LD=Tư', phải là \"tick\", \"blank\", một mức hoàn thành "
     "(HTXSNV, HTTNV, HTNV, KHTNV) hoặc (danh sách) mã mục trong: BK_BO, BK_TTG, BK_UBND_TINH, CSTD_CS, CSTD_TINH, "
     "CSTD_TQ, GK_GD_SO, HC_LD, LDTT, LDXS."),
    ('headings = "LDTT"\n', "campaign.toml: [headings] phải là một bảng các dòng \"chữ trong tệp\" = \"mã\"."),
], ids=["unknown-code", "tick-with-item", "not-text", "no-such-class", "not-a-table"])
def test_bad_teaching_is_refused_naming_the_key(make_campaign, table, message):
    with pytest.raises(CampaignError) as err:
        make_campaign(edit=lambda text: table + text if not table.startswith("[") else text + "\n" + table,
                      generate=False)
    assert str(err.value) == message


def test_a_name_holding_the_old_column_separator_moves_nobody(campaign, tmp_path):
    rows = [["Đơn vị: Thanh tra Sở"], ["TT", "Họ và tên", "HTTNV", "LĐTT", "CSTĐCS"],
            [1, "Mai Văn\n\x00\nSơn", "x", "x", ""], [2, "Tạ Thị Hạnh", "x", "", "x"],
            [3, "Ngô\x07 Bảo\tChâu\x85", "x", "x", "x"], [4, "Lưu Thị Lan", "x", "", ""]]
    result = consolidated(campaign, write_xlsx(tmp_path / "ttra.xlsx", {"S": rows}))
    assert rows_of(result, "name", "LDTT", "CSTD_CS", "source_row") == [
        ("Mai Văn Sơn", 1, 0, 3), ("Tạ Thị Hạnh", 0, 1, 4), ("Ngô Bảo Châu", 1, 1, 5), ("Lưu Thị Lan", 0, 0, 6)]
