"""The rules of DOMAIN.md section 6, each triggered, each with a clean counterpart."""

from __future__ import annotations

import pytest
from conftest import collective, consolidated, person

from thidua_xlsx.checks import RULES
from thidua_xlsx.findings import CATALOGUE

TEAM = [person(f"Cán bộ Số {n}", "HTTNV", "LDTT") for n in range(1, 10)]


def unit_findings(result, unit="VP"):
    """Same-year findings of one unit (the history rules have their own tests)."""
    return [(f.code, f.name, f.source_row, f.message) for f in result.report.findings
            if f.unit_code == unit and not f.code.startswith("LICH_SU")]


def run(campaign, filled_return, rows, unit="VP", **kw):
    return consolidated(campaign, filled_return(campaign, unit, rows), **kw)


def test_a_coherent_return_has_no_findings(campaign, filled_return):
    rows = [collective("HTXSNV", "LDTT LDXS GK_GD_SO"), person("Hồ Văn Thành", "HTXSNV", "LDTT CSTD_CS"), *TEAM]
    result = run(campaign, filled_return, rows)
    assert unit_findings(result) == []
    assert len(result.frame) == 11


@pytest.mark.parametrize("rows, expected", [
    ([collective("HTXSNV", "LDXS")], [
        ("LDXS_KHONG_LDTT", "Văn phòng Sở", 10,
         "Đăng ký Tập thể Lao động xuất sắc nhưng không đăng ký Tập thể Lao động tiên tiến.")]),
    ([person("Lê Văn Tín", "HTXSNV", "CSTD_CS")], [
        ("CSTDCS_KHONG_LDTT", "Lê Văn Tín", 11,
         "Đăng ký Chiến sĩ thi đua cơ sở nhưng không đăng ký Lao động tiên tiến.")]),
    ([person("Lê Văn Tín", "HTTNV", "LDTT CSTD_CS"), *TEAM], [
        ("CSTDCS_CAN_SANG_KIEN", "Lê Văn Tín", 11,
         "Đăng ký Chiến sĩ thi đua cơ sở với mức Hoàn thành tốt nhiệm vụ: chỉ hợp lệ khi có sáng kiến hoặc đề tài "
         "được công nhận; đề nghị ghi rõ ở cột Ghi chú.")]),
    ([person("Lê Văn Tín", "HTTNV", "LDTT CSTD_CS", note="Sáng kiến số 12/QĐ-SCT"), *TEAM], []),
    ([person("Lê Văn Tín", "HTXSNV", "LDTT CSTD_TINH")], [
        ("CSTD_TINH_KHONG_CSTDCS", "Lê Văn Tín", 11,
         "Đăng ký Chiến sĩ thi đua cấp tỉnh nhưng năm nay không đăng ký Chiến sĩ thi đua cơ sở.")]),
    ([person("Lê Văn Tín", "HTXSNV", "LDTT CSTD_CS CSTD_TQ"), *TEAM], [
        ("CSTD_TQ_KHONG_CSTD_TINH", "Lê Văn Tín", 11,
         "Đăng ký Chiến sĩ thi đua toàn quốc nhưng không đăng ký Chiến sĩ thi đua cấp tỉnh.")]),
    ([person("Lê Văn Tín", "", "LDTT GK_GD_SO")], [
        ("DANH_HIEU_KHONG_MUC_DO", "Lê Văn Tín", 11,
         "Đăng ký Lao động tiên tiến, Giấy khen Giám đốc Sở nhưng chưa ghi mức độ hoàn thành nhiệm vụ.")]),
    ([collective("HTNV", "LDTT")], [
        ("LDTT_MUC_DO_THAP", "Văn phòng Sở", 10, "Đăng ký Tập thể LĐTT với mức \"Hoàn thành nhiệm vụ\": danh hiệu "
                                                 "cần từ Hoàn thành tốt nhiệm vụ trở lên.")]),
    ([collective("HTXSNV", "HC_LD")], [
        ("HUAN_CHUONG_THIEU_HANG", "Văn phòng Sở", 10,
         "Đăng ký Huân chương Lao động nhưng chưa ghi hạng (Nhất, Nhì, Ba).")]),
    ([collective("HTXSNV", "HC_LD=Ba")], []),
    ([person("Phan Thị Lan"), person("phan  thị lan"), person("Phan Thị Lân")], [
        ("TRUNG_TEN_TRONG_DON_VI", "phan thị lan", 12,
         "\"phan thị lan\" có mặt hai lần trong cùng đơn vị (dòng 11 và dòng 12).")]),
], ids=["ldxs-no-ldtt", "cstdcs-no-ldtt", "cstdcs-needs-initiative", "cstdcs-with-initiative", "tinh-no-cs",
        "tq-no-tinh", "no-level", "low-level", "order-no-class", "order-with-class", "same-name-in-unit"])
def test_row_rules(campaign, filled_return, rows, expected):
    assert unit_findings(run(campaign, filled_return, rows)) == expected


def test_both_completion_levels_ticked(campaign, filled_return, tmp_path):
    import openpyxl

    path = filled_return(campaign, "VP", [person("Lê Văn Tín", "HTXSNV", "LDTT")])
    wb = openpyxl.load_workbook(path)
    wb["B. Cá nhân"]["D11"] = "x"
    wb.save(path)
    result = consolidated(campaign, path)
    assert unit_findings(result) == [
        ("HOAN_THANH_KEP", "Lê Văn Tín", 11,
         "Đánh dấu cả hai mức hoàn thành nhiệm vụ (HTXSNV, HTTNV); chưa xác định được mức nào."),
        ("DANH_HIEU_KHONG_MUC_DO", "Lê Văn Tín", 11,
         "Đăng ký Lao động tiên tiến nhưng chưa ghi mức độ hoàn thành nhiệm vụ.")]


def test_marks_without_a_name(campaign, filled_return):
    result = run(campaign, filled_return, [person("", "HTTNV", "LDTT")])
    assert unit_findings(result) == [("THIEU_TEN", "", 11, "Dòng có đánh dấu đăng ký nhưng không ghi tên.")]
    assert len(result.frame) == 2, "the row is kept in the consolidation"


def test_same_name_in_two_units(campaign, filled_return):
    a = filled_return(campaign, "VP", [person("Trần Thị Mai Anh")])
    b = filled_return(campaign, "KHTC", [person("Trần Thị Mai Anh")])
    result = consolidated(campaign, a, b)
    found = [(f.code, f.unit_code, f.message) for f in result.report.findings if f.code == "TRUNG_TEN_GIUA_DON_VI"]
    assert found == [
        ("TRUNG_TEN_GIUA_DON_VI", "VP", "\"Trần Thị Mai Anh\" cũng có trong đơn vị KHTC: người trùng tên hay đăng ký "
                                        "hai lần?"),
        ("TRUNG_TEN_GIUA_DON_VI", "KHTC", "\"Trần Thị Mai Anh\" cũng có trong đơn vị VP: người trùng tên hay đăng ký "
                                          "hai lần?")]


def test_collective_titles_against_members(campaign, filled_return):
    low = [person(f"Cán bộ {n}", "HTTNV", "LDTT" if n < 2 else "") for n in range(4)]
    result = run(campaign, filled_return, [collective("HTXSNV", "LDTT LDXS"), *low])
    assert unit_findings(result) == [
        ("TT_LDTT_TY_LE", "Văn phòng Sở", 10,
         "Đăng ký Tập thể LĐTT nhưng chỉ 2/4 cá nhân đăng ký LĐTT (50%); cần trên 50%."),
        ("TT_LDXS_TY_LE", "Văn phòng Sở", 10,
         "Đăng ký Tập thể LĐXS nhưng chỉ 2/4 cá nhân đăng ký LĐTT (50%, cần từ 70%)."),
        ("TT_LDXS_KHONG_CSTDCS", "Văn phòng Sở", 10,
         "Đăng ký Tập thể LĐXS nhưng không có cá nhân nào đăng ký Chiến sĩ thi đua cơ sở.")]


def test_thresholds_are_campaign_settings(make_campaign, filled_return):
    campaign = make_campaign(edit=lambda t: t.replace("cstdcs_max_share_of_ldtt = 0.15",
                                                      "cstdcs_max_share_of_ldtt = 0.5"))
    many = [person(f"Cán bộ {n}", "HTXSNV", "LDTT CSTD_CS" if n < 2 else "LDTT") for n in range(5)]
    assert unit_findings(run(campaign, filled_return, many)) == []
    default = make_campaign(name="other")
    assert unit_findings(run(default, filled_return, many)) == [
        ("CSTDCS_VUOT_TY_LE", "Văn phòng Sở", 10,
         "2 Chiến sĩ thi đua cơ sở trên 5 Lao động tiên tiến (40%), vượt ngưỡng 15%.")]


def test_late_superseded_and_missing(campaign, filled_return):
    first = filled_return(campaign, "VP", [person("Võ Văn A")], name="VP lan 1.xlsx")
    second = filled_return(campaign, "VP", [person("Võ Văn A"), person("Võ Văn B")], name="VP lan 2.xlsx")
    consolidated(campaign, first, received_at="2022-03-14T10:00:00+07:00")
    result = consolidated(campaign, second, received_at="2022-03-16T08:30:00+07:00")
    assert [(f.code, f.source_file.split("_", 2)[2], f.message) for f in result.report.findings
            if f.unit_code == "VP"] == [
        ("TEP_CU_BI_THAY", "VP lan 1.xlsx", "Bản nộp lúc 10:00 14/03/2022 đã được thay bằng bản nộp lúc 08:30 "
                                            f"16/03/2022 ({result.current('VP').entry.file})."),
        ("NOP_MUON", "VP lan 2.xlsx", "Nhận lúc 08:30 16/03/2022, sau hạn 15/03/2022.")]
    assert [n for n, in result.frame[["name"]].itertuples(index=False)] == ["Văn phòng Sở", "Võ Văn A", "Võ Văn B"]
    missing = [f.unit_code for f in result.report.findings if f.code == "CHUA_NOP"]
    assert missing == [u.code for u in campaign.units if u.code != "VP"]


def test_every_rule_declares_catalogued_codes():
    for rule in RULES:
        assert rule.codes and set(rule.codes) <= set(CATALOGUE), rule.name
