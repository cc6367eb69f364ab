"""Returns shaped like the forms offices actually send, one factory per shape (README "Reading returns").

Each factory returns a Shape: its sheets (rows of cells, None for blank), its merged ranges, and the rows a
consolidation must give. They are written cell by cell with xlsxwriter (no _meta sheet), as a unit's own Excel
would save them: merged headings keep their text in the first cell only, dates are real dates.

The real forms behind them (see /work/notes/reader.md):
- school_form: "DANH SÁCH ĐĂNG KÝ DANH HIỆU THI ĐUA NĂM HỌC" (trangvangthiduakhenthuong.vn, "Lập hồ sơ thi đua",
  Mẫu đăng ký thi đua đầu năm học): Stt | Ông (bà) | Họ và tên | Chức vụ, đơn vị | Đăng ký thi đua khen thưởng
  over Thi đua | Khen thưởng, a "1. Cá nhân:" section line, titles written as text.
- proposal_list: the annexed "Danh sách đề nghị khen thưởng" lists (split names under a merged "Họ và tên",
  Năm sinh over Nam | Nữ, "Chức vụ, đơn vị công tác", the 100-point self-assessment of Nghị định 335/2025).
- import_template: the Excel import of a public TĐKT web application (Laravel form "Nhận dữ liệu từ file": Tên đối
  tượng, Chức vụ, Đơn vị công tác, Phân loại khen thưởng, Danh hiệu thi đua/Hình thức khen thưởng).
- the others (combined I./II. table, several collectives with a head count, a person over two rows with the unit
  merged down, flat headings with Họ | Tên đệm | Tên, footer and notes, a payroll) follow the seed forms' variants
  offices make of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

BLANK_ITEMS = {"LDTT": 0, "LDXS": 0, "CSTD_CS": 0, "CSTD_TINH": 0, "CSTD_TQ": 0, "GK_GD_SO": 0, "BK_UBND_TINH": 0,
               "BK_BO": 0, "BK_TTG": 0, "HC_LD": "0"}
DESCRIPTIVE = ("honorific", "birth_year", "gender", "position", "sub_unit", "staff_id", "headcount")


@dataclass
class Shape:
    """A return's sheets, merges per sheet, and the registrations expected (dicts of the columns that matter)."""

    sheets: dict[str, list[list]]
    expected: list[dict]
    merges: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)

    def write(self, path: Path) -> Path:
        """The return as a unit's Excel saves it: xlsxwriter, cell by cell, merged ranges, real dates."""
        import xlsxwriter

        path.parent.mkdir(parents=True, exist_ok=True)
        wb = xlsxwriter.Workbook(str(path))
        date = wb.add_format({"num_format": "dd/mm/yyyy"})
        for name, rows in self.sheets.items():
            ws = wb.add_worksheet(name)
            for r1, c1, r2, c2 in self.merges.get(name, []):
                ws.merge_range(r1, c1, r2, c2, rows[r1][c1] if c1 < len(rows[r1]) else None)
            merged = {(r, c) for r1, c1, r2, c2 in self.merges.get(name, [])
                      for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if (r, c) in merged or value is None or value == "":
                        continue
                    if isinstance(value, datetime):
                        ws.write_datetime(r, c, value, date)
                    else:
                        ws.write(r, c, value)
        wb.close()
        return path

    def rows(self, columns: tuple[str, ...]) -> list[tuple]:
        """The expected registrations as tuples of these columns."""
        return [tuple(_full(row)[c] for c in columns) for row in self.expected]


def _full(row: dict) -> dict:
    """An expected row with every item and descriptive column (0 and "" unless given)."""
    items = {**BLANK_ITEMS, **row.get("items", {})}
    return {"completion": "", "note": "", **{d: "" for d in DESCRIPTIVE}, **items,
            **{k: v for k, v in row.items() if k != "items"}}


def _person(name: str, completion: str, items: dict, **extra: str) -> dict:
    return {"kind": "ca_nhan", "name": name, "completion": completion, "items": items, **extra}


def _collective(name: str, completion: str, items: dict, **extra: str) -> dict:
    return {"kind": "tap_the", "name": name, "completion": completion, "items": items, **extra}


SIGNATURE = [[], [None, None, None, "Quảng Ngãi, ngày 10 tháng 3 năm 2022"],
             [None, "NGƯỜI LẬP BIỂU", None, "THỦ TRƯỞNG ĐƠN VỊ"], [None, "(Ký, ghi rõ họ tên)"], [], [],
             [None, "Đinh Thị Lập", None, "Hồ Văn Trưởng"]]


def school_form() -> Shape:
    """Titles as text in two columns (Thi đua | Khen thưởng), Ông (bà) column, "Chức vụ, đơn vị"."""
    rows = [["SỞ CÔNG THƯƠNG QUẢNG NGÃI"], ["Đơn vị: Phòng Quản lý Công nghiệp"], [],
            [None, "DANH SÁCH ĐĂNG KÝ DANH HIỆU THI ĐUA NĂM 2022"], ["1. Cá nhân:"],
            ["Stt", "Ông (bà)", "Họ và tên", "Chức vụ, đơn vị", "Tự đánh giá mức độ hoàn thành nhiệm vụ",
             "Đăng ký thi đua khen thưởng", None],
            [None, None, None, None, None, "Thi đua", "Khen thưởng"],
            [1, "Ông", "Nguyễn Văn An", "Trưởng phòng", "Hoàn thành xuất sắc nhiệm vụ", "CSTĐ cơ sở",
             "BK Chủ tịch UBND tỉnh"],
            [2, "Bà", "Lê Thị Bình", "Phó Trưởng phòng", "HTXSNV", "LĐTT, CSTĐCS", "Bằng khen TTg"],
            [3, None, "Ông Trần Văn Cường", "Chuyên viên", "HTT", "Lao động tiên tiến", "GK Giám đốc Sở"],
            [4, "Bà", "Võ Thị Dung", "Chuyên viên", "Hoàn thành tốt nhiệm vụ", "LĐTT", None],
            *SIGNATURE]
    merges = [(5, 0, 6, 0), (5, 1, 6, 1), (5, 2, 6, 2), (5, 3, 6, 3), (5, 4, 6, 4), (5, 5, 5, 6)]
    expected = [
        _person("Nguyễn Văn An", "HTXSNV", {"CSTD_CS": 1, "BK_UBND_TINH": 1}, honorific="Ông", position="Trưởng phòng"),
        _person("Lê Thị Bình", "HTXSNV", {"LDTT": 1, "CSTD_CS": 1, "BK_TTG": 1}, honorific="Bà",
                position="Phó Trưởng phòng"),
        _person("Trần Văn Cường", "HTTNV", {"LDTT": 1, "GK_GD_SO": 1}, honorific="Ông", position="Chuyên viên"),
        _person("Võ Thị Dung", "HTTNV", {"LDTT": 1}, honorific="Bà", position="Chuyên viên")]
    return Shape({"DS": rows}, expected, {"DS": merges})


def proposal_list() -> Shape:
    """Split names (Họ đệm | Tên) under a merged "Họ và tên", Năm sinh over Nam | Nữ, Mã NV, a score, one text
    column "Danh hiệu thi đua/Hình thức khen thưởng" with items separated by ";", "+", "và" and line breaks."""
    rows = [["PHÒNG QUẢN LÝ THƯƠNG MẠI"], [None, "DANH SÁCH ĐĂNG KÝ THI ĐUA, KHEN THƯỞNG NĂM 2022"], [],
            ["STT", "Họ và tên", None, "Năm sinh", None, "Chức vụ, đơn vị công tác", "Mã NV",
             "Tự đánh giá mức độ hoàn thành nhiệm vụ (điểm)", "Danh hiệu thi đua/Hình thức khen thưởng"],
            [None, "Họ đệm", "Tên", "Nam", "Nữ"],
            ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"],
            [1, "Đặng Văn", "Long", 1978, None, "Trưởng phòng", "QLTM-01", 95, "LĐTT; CSTĐCS + BK UBND tỉnh"],
            [2, "Hồ Thị", "Yến", None, 1986, "Chuyên viên", "QLTM-02", 82, "Lao động tiên tiến và GK GĐ Sở"],
            [3, "Lý Minh", "Quân", "1990", None, "Chuyên viên", "QLTM-03", "75", "LĐTT\nChiến sỹ thi đua cơ sở"],
            [4, "Tô Thị", "Hạnh", None, 1995, "Nhân viên", "QLTM-04", 60, None],
            *SIGNATURE]
    merges = [(3, 0, 4, 0), (3, 1, 3, 2), (3, 3, 3, 4), (3, 5, 4, 5), (3, 6, 4, 6), (3, 7, 4, 7), (3, 8, 4, 8)]
    expected = [
        _person("Đặng Văn Long", "HTXSNV", {"LDTT": 1, "CSTD_CS": 1, "BK_UBND_TINH": 1}, birth_year="1978",
                gender="Nam", position="Trưởng phòng", staff_id="QLTM-01"),
        _person("Hồ Thị Yến", "HTTNV", {"LDTT": 1, "GK_GD_SO": 1}, birth_year="1986", gender="Nữ",
                position="Chuyên viên", staff_id="QLTM-02"),
        _person("Lý Minh Quân", "HTTNV", {"LDTT": 1, "CSTD_CS": 1}, birth_year="1990", gender="Nam",
                position="Chuyên viên", staff_id="QLTM-03"),
        _person("Tô Thị Hạnh", "HTNV", {}, birth_year="1995", gender="Nữ", position="Nhân viên", staff_id="QLTM-04")]
    return Shape({"Danh sách": rows}, expected, {"Danh sách": merges})


def flat_three_part_names() -> Shape:
    """Flat one-row headings: Họ | Tên đệm | Tên, Giới tính, Ngày sinh as a date, Phòng/Tổ/Bộ phận, Xếp loại as a
    short form, "Danh hiệu đăng ký" as text; no numbering row, no section."""
    rows = [["Đơn vị: Văn phòng Sở"],
            ["TT", "Họ", "Tên đệm", "Tên", "Giới tính", "Ngày sinh", "Phòng/Tổ/Bộ phận", "Xếp loại",
             "Danh hiệu đăng ký", "Ghi chú"],
            [1, "Bùi", "Thị", "Hương", "Nữ", datetime(1983, 4, 12), "Tổ Hành chính", "HTXSNV", "LĐTT, CSTĐCS",
             "Sáng kiến số hóa hồ sơ"],
            [2, "Đỗ", "Minh", "Khánh", "nam", datetime(1979, 11, 2), "Tổ Tổng hợp", "HTTNV", "LĐTT", None],
            [3, "Kiều", None, "Phúc", "Nam", "05/06/1992", "Tổ Tổng hợp", "KHTNV", None, None]]
    expected = [
        _person("Bùi Thị Hương", "HTXSNV", {"LDTT": 1, "CSTD_CS": 1}, gender="Nữ", birth_year="1983",
                sub_unit="Tổ Hành chính", note="Sáng kiến số hóa hồ sơ"),
        _person("Đỗ Minh Khánh", "HTTNV", {"LDTT": 1}, gender="Nam", birth_year="1979", sub_unit="Tổ Tổng hợp"),
        _person("Kiều Phúc", "KHTNV", {}, gender="Nam", birth_year="1992", sub_unit="Tổ Tổng hợp")]
    return Shape({"Sheet1": rows}, expected)


def combined_sections() -> Shape:
    """One table for both kinds: "Tên tập thể, cá nhân", section rows "I. TẬP THỂ" / "II. CÁ NHÂN", titles and
    awards in two text columns."""
    rows = [["Đơn vị: Thanh tra Sở"], [None, "ĐĂNG KÝ THI ĐUA NĂM 2022"],
            ["TT", "Tên tập thể, cá nhân", "Mức độ hoàn thành nhiệm vụ", "Danh hiệu thi đua", "Hình thức khen thưởng",
             "Ghi chú"],
            ["I. TẬP THỂ"],
            [1, "Thanh tra Sở", "HTXSNV", "Tập thể LĐXS", "BK UBND tỉnh", None],
            ["II. CÁ NHÂN"],
            [1, "Mai Văn Sơn", "Hoàn thành xuất sắc", "LĐTT, CSTĐCS", None, None],
            [2, "Tạ Thị Hạnh", "HTTNV", "LĐTT", "Giấy khen Giám đốc Sở", None],
            ["Tổng cộng: 3"], [], ["Ghi chú: Danh sách gửi kèm báo cáo thành tích."],
            ["* Đề nghị các cá nhân hoàn thiện hồ sơ trước ngày 30/11."], *SIGNATURE]
    expected = [
        _collective("Thanh tra Sở", "HTXSNV", {"LDXS": 1, "BK_UBND_TINH": 1}),
        _person("Mai Văn Sơn", "HTXSNV", {"LDTT": 1, "CSTD_CS": 1}),
        _person("Tạ Thị Hạnh", "HTTNV", {"LDTT": 1, "GK_GD_SO": 1})]
    return Shape({"Đăng ký": rows}, expected, {"Đăng ký": [(3, 0, 3, 5), (5, 0, 5, 5)]})


def import_template() -> Shape:
    """A TĐKT software's import sheet: "Tên đối tượng", a kind column "Phân loại khen thưởng" with TAPTHE / CANHAN
    codes and words, "Danh hiệu thi đua/Hình thức khen thưởng" as text, no title, no signature."""
    rows = [["STT", "Tên đối tượng", "Chức vụ", "Đơn vị công tác", "Phân loại khen thưởng", "Mức độ hoàn thành",
             "Danh hiệu thi đua/Hình thức khen thưởng"],
            [1, "Phòng Kỹ thuật an toàn - Môi trường", None, None, "TAPTHE", "HTXSNV", "Tập thể LĐTT"],
            [2, "Châu Văn Lực", "Trưởng phòng", "Phòng KTAT-MT", "CANHAN", "HTXSNV", "CSTĐCS/LĐTT"],
            [3, "Nông Thị Mai", "Chuyên viên", "Phòng KTAT-MT", "Khen thưởng cá nhân", "HTTNV", "LĐTT"],
            [4, "Đại tá Hà Minh Chiến", "Chỉ huy trưởng", "Ban Chỉ huy quân sự", "CANHAN", "HTTNV", "LĐTT"]]
    expected = [
        _collective("Phòng Kỹ thuật an toàn - Môi trường", "HTXSNV", {"LDTT": 1}),
        _person("Châu Văn Lực", "HTXSNV", {"LDTT": 1, "CSTD_CS": 1}, position="Trưởng phòng",
                sub_unit="Phòng KTAT-MT"),
        _person("Nông Thị Mai", "HTTNV", {"LDTT": 1}, position="Chuyên viên", sub_unit="Phòng KTAT-MT"),
        _person("Hà Minh Chiến", "HTTNV", {"LDTT": 1}, honorific="Đại tá", position="Chỉ huy trưởng",
                sub_unit="Ban Chỉ huy quân sự")]
    return Shape({"Import": rows}, expected)


def several_collectives() -> Shape:
    """A company's xí nghiệp, each its own row, with a head count beside each ("Tổng số CC, VC và NLĐ")."""
    rows = [["CÔNG TY ĐIỆN LỰC QUẢNG NGÃI"], ["Đơn vị: Công ty Điện lực Quảng Ngãi"], ["A/ TẬP THỂ"],
            ["STT", "Tên tập thể", "Tổng số CC, VC và NLĐ", "Xếp loại", "Danh hiệu thi đua", "Hình thức khen thưởng"],
            [1, "Công ty Điện lực Quảng Ngãi", 412, "HTXSNV", "Tập thể LĐXS", "BK Thủ tướng; HCLĐ hạng Ba"],
            [2, "Điện lực Bình Sơn", 58, "HTXSNV", "Tập thể LĐTT", "Bằng khen Chủ tịch UBND tỉnh"],
            [3, "Điện lực Sơn Tịnh", 47, "HTTNV", "Tập thể LĐTT", None],
            [4, "Xí nghiệp Dịch vụ điện lực", 35, "HTTNV", "TT LĐTT", "GK Giám đốc Sở"]]
    expected = [
        _collective("Công ty Điện lực Quảng Ngãi", "HTXSNV", {"LDXS": 1, "BK_TTG": 1, "HC_LD": "Ba"},
                    headcount="412"),
        _collective("Điện lực Bình Sơn", "HTXSNV", {"LDTT": 1, "BK_UBND_TINH": 1}, headcount="58"),
        _collective("Điện lực Sơn Tịnh", "HTTNV", {"LDTT": 1}, headcount="47"),
        _collective("Xí nghiệp Dịch vụ điện lực", "HTTNV", {"LDTT": 1, "GK_GD_SO": 1}, headcount="35")]
    return Shape({"Tập thể": rows}, expected)


def two_row_people() -> Shape:
    """Tick grid with a per-person unit column merged down its group and a person whose row spans two Excel rows
    (name merged over both, ticks on either)."""
    rows = [["PHÒNG/ĐƠN VỊ: Phòng Quản lý Năng lượng"],
            ["TT", "Đơn vị", "Họ và tên", "HTXSNV", "HTTNV", "LĐTT", "CSTĐCS", "Ghi chú"],
            [1, "Tổ Điện năng", "Lương Văn Tài", "x", None, "x", None, None],
            [None, None, None, None, None, None, "x", "Sáng kiến tiết kiệm điện"],
            [2, None, "Phùng Thị Thu", None, "x", "x", None, None],
            [3, "Tổ Năng lượng tái tạo", "Lò Văn Sáu", None, "x", "x", None, None]]
    merges = [(2, 0, 3, 0), (2, 1, 4, 1), (2, 2, 3, 2)]
    expected = [
        _person("Lương Văn Tài", "HTXSNV", {"LDTT": 1, "CSTD_CS": 1}, sub_unit="Tổ Điện năng",
                note="Sáng kiến tiết kiệm điện"),
        _person("Phùng Thị Thu", "HTTNV", {"LDTT": 1}, sub_unit="Tổ Điện năng"),
        _person("Lò Văn Sáu", "HTTNV", {"LDTT": 1}, sub_unit="Tổ Năng lượng tái tạo")]
    return Shape({"Cá nhân": rows}, expected, {"Cá nhân": merges})


def payroll() -> Shape:
    """A payroll with "Họ và tên" and TT but nothing a registration has: not a registration."""
    rows = [["BẢNG THANH TOÁN TIỀN LƯƠNG THÁNG 3/2022"],
            ["TT", "Họ và tên", "Chức vụ", "Hệ số lương", "Phụ cấp", "Thực lĩnh", "Ký nhận"],
            [1, "Nguyễn Văn Hùng", "Trưởng phòng", 4.98, 0.5, 9_850_000, None],
            [2, "Lê Thị Thu Hà", "Chuyên viên", 3.33, 0, 6_120_000, None]]
    return Shape({"Lương": rows}, [])
