"""The council workbook: numbers agree with the CSVs, every finding listed, prints on A4, text stays text."""

from __future__ import annotations

import csv
import shutil
import subprocess

import openpyxl
import pytest
from conftest import collective, consolidated, person, type_text
from python_calamine import CalamineWorkbook

from thidua_xlsx.demo import run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("council") / "demo"
    outputs = run_demo(root, echo=lambda _: None)
    return outputs


def _csv(path):
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_summary_totals_equal_the_counts_in_registrations_csv(demo):
    rows = _csv(demo["Danh sách đăng ký"])
    sheet = CalamineWorkbook.from_path(str(demo["Bảng tổng hợp Hội đồng"])).get_sheet_by_name("Tổng hợp").to_python()
    header = next(r for r in sheet if "Đơn vị" in r)
    sub = sheet[sheet.index(header) + 1]
    total = next(r for r in sheet if r and r[0] == "Tổng cộng")
    people = [r for r in rows if r["kind"] == "ca_nhan"]
    collectives = [r for r in rows if r["kind"] == "tap_the"]
    col = {label: n for n, label in enumerate(sub) if label}
    group = ""
    groups = []
    for value in header:
        group = value or group
        groups.append(group)
    def idx(label, kind):
        return next(n for n, g in enumerate(groups) if sub[n] == label and g.startswith(kind))
    assert total[idx("Lao động tiên tiến", "Cá nhân")] == sum(r["LDTT"] == "1" for r in people)
    assert total[idx("Chiến sĩ thi đua cơ sở", "Cá nhân")] == sum(r["CSTD_CS"] == "1" for r in people)
    assert total[idx("Tập thể LĐTT", "Tập thể")] == sum(r["LDTT"] == "1" for r in collectives)
    assert total[idx("Tập thể LĐXS", "Tập thể")] == sum(r["LDXS"] == "1" for r in collectives)
    assert total[col["Số cá nhân đăng ký"]] == len(people)
    assert total[col["Tỷ lệ LĐTT / cá nhân"]] == pytest.approx(sum(r["LDTT"] == "1" for r in people) / len(people))
    units = [r[1] for r in sheet[sheet.index(sub) + 1: sheet.index(total)]]
    assert units[0] == "Văn phòng Sở" and len(units) == 13
    wb = openpyxl.load_workbook(demo["Bảng tổng hợp Hội đồng"])
    assert wb["Tổng hợp"]._charts, "a native chart of titles by unit"


def test_every_finding_is_on_the_review_sheet(demo):
    findings = _csv(demo["Các phát hiện"])
    sheet = CalamineWorkbook.from_path(str(demo["Bảng tổng hợp Hội đồng"])).get_sheet_by_name("Cần xem lại").to_python()
    header = sheet.index(next(r for r in sheet if r and r[0] == "TT"))
    listed = [(r[2], r[6], r[9]) for r in sheet[header + 1:]]
    assert sorted(listed) == sorted((f["code"], f["source_file"], f["message"]) for f in findings)
    wb = openpyxl.load_workbook(demo["Bảng tổng hợp Hội đồng"])
    ws = wb["Cần xem lại"]
    assert ws.auto_filter.ref.startswith(f"A{header + 1}:J")
    assert ws.freeze_panes == f"A{header + 2}"


def test_candidate_lists_have_voting_columns(demo):
    wb = openpyxl.load_workbook(demo["Bảng tổng hợp Hội đồng"])
    ws = wb["Cá nhân"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in values if r[0] == "TT")
    assert header == ["TT", "Họ và tên", "Đơn vị", "Mức độ hoàn thành", "Ghi chú", "Cần xem lại", "Số phiếu đồng ý",
                      "Tỷ lệ (%)", "Kết quả", "Mã", "Nguồn", "Mã phát hiện"]
    hidden = ws.column_dimensions["J"]
    assert hidden.hidden and (hidden.min, hidden.max) == (10, 12), "J:L hidden: read back by history record, filters"
    sections = [r[0] for r in values if isinstance(r[0], str) and r[0][:2] in ("I.", "II", "IV", "V.", "VI")]
    assert [s.split(" (")[0] for s in sections][:5] == [
        "I. LAO ĐỘNG TIÊN TIẾN", "II. CHIẾN SĨ THI ĐUA TOÀN QUỐC", "III. CHIẾN SĨ THI ĐUA CẤP TỈNH",
        "IV. CHIẾN SĨ THI ĐUA CƠ SỞ", "V. BẰNG KHEN THỦ TƯỚNG CHÍNH PHỦ"]
    tin = next(r for r in values if r[1] == "Lê Văn Tín")
    assert (tin[5], tin[11]) == ("CSTĐCS thiếu LĐTT", "CSTDCS_KHONG_LDTT")
    row = next(n for n, r in enumerate(values, 1) if r[1] == "Lê Văn Tín")
    section = next(n for n, r in enumerate(values, 1) if str(r[0]).startswith("IV. CHIẾN SĨ THI ĐUA CƠ SỞ"))
    end = next(n for n, r in enumerate(values, 1) if n > section and str(r[0]).startswith("V. ")) - 1
    assert section < row <= end
    assert values[section - 1][5:9] == ["Số thành viên Hội đồng, ngưỡng:", "='Tổng hợp'!$C$4", 0.5, "Phiếu kín"]
    assert values[section - 1][0].split("\n")[1] == (
        "Bỏ phiếu kín; đạt khi trên 50% tổng số thành viên Hội đồng đồng ý (ngưỡng mặc định, sửa được trong "
        "campaign.toml)")
    assert values[row - 1][7:9] == [f'=IF(G{row}="","",G{row}/$G${section})',
                                    f'=IF(G{row}="","",IF(G{row}/$G${section}>$H${section},"Đạt","Không đạt"))']
    provincial = next(n for n, r in enumerate(values, 1) if str(r[0]).startswith("III. CHIẾN SĨ THI ĐUA CẤP TỈNH"))
    assert values[provincial - 1][7] == 0.9 and ws.cell(row=provincial, column=8).number_format == '"≥ "0%'
    assert "Nghị định 91/2017/NĐ-CP, Điều 45 khoản 8" in values[provincial - 1][0]
    tap_the = [[c.value for c in r] for r in wb["Tập thể"].iter_rows()]
    assert any(isinstance(r[0], str) and r[0].startswith("I. TẬP THỂ LĐXS") for r in tap_the)


def test_print_settings_and_fonts(demo):
    wb = openpyxl.load_workbook(demo["Bảng tổng hợp Hội đồng"])
    assert wb.sheetnames == ["Tổng hợp", "Tập thể", "Cá nhân", "Cần xem lại", "Tình hình nộp"]
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.print_title_rows, ws.title
        assert ws.oddFooter.center.text == "Trang &P/&N"
        fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
        assert fonts == {"Times New Roman"}, ws.title  # every written cell, not the workbook's default font
        assert ws.freeze_panes
        assert ws["A2"].value == "TỔNG HỢP ĐĂNG KÝ THI ĐUA, KHEN THƯỞNG NĂM 2022"
        assert ws["A1"].value == "SỞ CÔNG THƯƠNG QUẢNG NGÃI"
    status = [[c.value for c in r] for r in wb["Tình hình nộp"].iter_rows()]
    assert ["Chưa nộp"] == [r[4] for r in status if r[1] == "DL_QNG"]
    assert ["Muộn"] == [r[4] for r in status if r[1] == "KTHT_BS"]


def test_libreoffice_prints_it_to_pdf_with_every_unit(demo, soffice, tmp_path):
    pdf = soffice(demo["Bảng tổng hợp Hội đồng"], "pdf", tmp_path)
    text = subprocess.run([shutil.which("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "TỔNG HỢP ĐĂNG KÝ THI ĐUA, KHEN THƯỞNG NĂM 2022" in text
    flat = " ".join(text.split())
    for line in _csv(demo["Chiến dịch"].parent / "units.csv"):
        assert line["name"] in flat, line["name"]
    assert "Trang 1/" in text


def test_text_from_returns_never_becomes_a_formula(campaign, filled_return):
    hostile = ["=HYPERLINK(\"http://evil.example\",\"Bấm vào\")", "+84 905 000 111", "-1+2", "@SUM(A1:A9)"]
    rows = [collective("HTXSNV", "LDTT"), *[person(f"Người {n}", "HTTNV", "LDTT") for n in range(4)]]
    path = filled_return(campaign, "VP", rows)
    type_text(path, "B. Cá nhân", {f"{col}{11 + n}": text for n, text in enumerate(hostile) for col in ("B", "M")})
    result = consolidated(campaign, path)
    paths = campaign.report(result)
    wb = openpyxl.load_workbook(paths["council"])
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value in hostile]
    assert len(cells) >= 2 * len(hostile)
    assert all(c.data_type == "s" for c in cells)
    assert not [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.hyperlink]
    assert [r["name"] for r in _csv(paths["registrations"])][1:] == ["'" + h for h in hostile]  # CSV: neutralised


def test_registrations_csv_is_the_same_whatever_rows_are_written_at_a_time(campaign, filled_return, monkeypatch):
    from thidua_xlsx import report

    names = ["An", "=1+1", "Bình", "Chi", "-5", "Dũng"]  # chunks of two: one with no formula-like cell, two with
    rows = [collective("HTXSNV", "LDTT"), *[person(name, "HTTNV", "LDTT") for name in names]]
    path = filled_return(campaign, "VP", rows)
    type_text(path, "B. Cá nhân", {f"B{11 + n}": name for n, name in enumerate(names)})
    result = consolidated(campaign, path)
    whole = campaign.report(result)["registrations"].read_bytes()
    monkeypatch.setattr(report, "CHUNK", 2)
    chunked = campaign.report(result, force=True)["registrations"]
    assert chunked.read_bytes() == whole
    assert [r["name"] for r in _csv(chunked)][1:] == ["An", "'=1+1", "Bình", "Chi", "'-5", "Dũng"]


def test_long_sections_are_voted_unit_by_unit_with_flagged_people_listed(make_campaign, filled_return):
    campaign = make_campaign(edit=lambda t: t.replace("council_list_limit = 1000", "council_list_limit = 3"))
    vp = [collective("HTXSNV", "LDTT"), person("An", "HTXSNV", "LDTT"), person("Bình", "HTTNV", "LDTT"),
          person("Chi", "HTXSNV", "LDTT")]
    khtc = [collective("HTXSNV", "LDTT"), person("Dũng", "HTTNV", "LDTT"),
            person("Dũng", "HTTNV", "LDTT")]  # the same person twice: the second line is flagged, so listed by name
    result = consolidated(campaign, filled_return(campaign, "VP", vp), filled_return(campaign, "KHTC", khtc))
    sheet = CalamineWorkbook.from_path(str(campaign.report(result)["council"])).get_sheet_by_name(
        "Cá nhân").to_python()
    start = next(n for n, r in enumerate(sheet) if str(r[0]).startswith("I. LAO ĐỘNG TIÊN TIẾN"))
    assert sheet[start][0].split("\n")[0] == "I. LAO ĐỘNG TIÊN TIẾN (5)"
    assert "Hội đồng xét danh sách của từng đơn vị" in sheet[start + 1][0]
    khtc_name = "Phòng Kế hoạch - Tài chính - Tổng hợp"
    lines = [r[:6] + r[9:12] for r in sheet[start + 2:start + 5]]
    assert lines == [
        [1, "Danh sách 3 cá nhân", "Văn phòng Sở", "HTTNV: 1, HTXSNV: 2", "Xét cả danh sách của đơn vị", "", "LDTT",
         "đơn vị:VP", ""],
        [2, "Danh sách 1 cá nhân", khtc_name, "HTTNV: 1", "Xét cả danh sách của đơn vị", "", "LDTT", "đơn vị:KHTC",
         ""],
        [3, "Dũng", khtc_name, "Hoàn thành tốt nhiệm vụ", "", "Trùng tên trong đơn vị", "LDTT",
         f"{result.current('KHTC').entry.file}\tB. Cá nhân\t12", "TRUNG_TEN_TRONG_DON_VI"],
    ]
    assert str(sheet[start + 5][0]).startswith("II.")


def test_reports_are_the_same_with_or_without_fork(campaign, filled_return, monkeypatch):
    rows = [collective("HTXSNV", "LDTT LDXS"), person("Lê Thị \"Hoa\", phó phòng", "HTXSNV", "LDTT CSTD_CS"),
            person("Trần Văn Bình", "HTNV", "LDTT", note="dòng 1\ndòng 2")]
    result = consolidated(campaign, filled_return(campaign, "VP", rows))
    forked = campaign.report(result)
    expected = result.frame.to_csv(index=False, lineterminator="\n")
    assert forked["registrations"].read_text(encoding="utf-8") == expected
    first = {k: p.read_bytes() for k, p in forked.items() if k != "council"}
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])  # as on Windows
    serial = campaign.report(campaign.consolidate(), force=True)
    assert {k: p.read_bytes() for k, p in serial.items() if k != "council"} == first
    assert CalamineWorkbook.from_path(str(serial["council"])).sheet_names[:3] == ["Tổng hợp", "Tập thể", "Cá nhân"]


def test_printed_lists_show_each_collective_once_in_full_with_findings_in_vietnamese(make_campaign, filled_return,
                                                                                    soffice, tmp_path):
    campaign = make_campaign()
    team = ("Tổ Kiểm tra, giám sát việc thực hiện chính sách phát triển công nghiệp hỗ trợ và khuyến công của các "
            "huyện, thị xã, thành phố")
    vp = [collective("HTXSNV", "LDTT"), collective("HTXSNV", "LDXS", name=team), person("An", "HTXSNV", "LDTT")]
    khtc = [collective("HTXSNV", "LDTT LDXS"), person("Bình", "HTTNV", "LDTT")]
    result = consolidated(campaign, filled_return(campaign, "VP", vp), filled_return(campaign, "KHTC", khtc))
    path = campaign.report(result)["council"]
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Tập thể").to_python()
    lines = [r[1:2] + r[5:6] + r[11:12] for r in sheet if r[9] == "LDXS"]
    khtc_name = "Phòng Kế hoạch - Tài chính - Tổng hợp"
    assert lines == [[f"{team} (Văn phòng Sở)", "LĐXS thiếu LĐTT", "LDXS_KHONG_LDTT"],
                     [khtc_name, "Tập thể LĐXS không có CSTĐCS", "TT_LDXS_KHONG_CSTDCS"]]
    pdf = soffice(path, "pdf", tmp_path)
    text = subprocess.run([shutil.which("pdftotext"), str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    for name in (f"{team} (Văn phòng Sở)", khtc_name, "Văn phòng Sở"):
        assert name in flat, name
    assert "LĐXS thiếu LĐTT" in flat and "Tập thể LĐXS không có CSTĐCS" in flat
    printed = flat[flat.index("Danh sách tập thể đăng ký"):flat.index("Danh sách cá nhân đăng ký")]
    assert "LDXS_KHONG_LDTT" not in printed and "TT_LDXS_KHONG_CSTDCS" not in printed, "codes stay hidden"
    assert printed.count(khtc_name) == 2, "once per section (LĐXS, LĐTT), never again as a unit column"
