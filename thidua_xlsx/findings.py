"""The catalogue of findings (stable codes, severities, Vietnamese messages) and the report that holds them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterable, Sequence

SEVERITIES = ("error", "warning", "info")
SEVERITY_VI = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"}


@dataclass(frozen=True)
class FindingType:
    """One kind of finding, declared once: the docs table and every message come from here."""

    code: str
    severity: str
    title: str
    template: str
    scope: str  # file, row or law


CATALOGUE: dict[str, FindingType] = {t.code: t for t in (
    # file level
    FindingType("TEP_HONG", "error", "Tệp hỏng", "Không mở được tệp: {reason}.", "file"),
    FindingType("TEP_MA_HOA", "error", "Tệp có mật khẩu",
                "Tệp được đặt mật khẩu mở, không đọc được; đề nghị đơn vị gửi lại bản không mật khẩu.", "file"),
    FindingType("TEP_QUA_LON", "error", "Tệp vượt giới hạn",
                "Tệp bị từ chối: {reason}.", "file"),
    FindingType("TEP_KHONG_NHAN_DANG", "error", "Không phải biểu đăng ký",
                "Không tìm thấy bảng đăng ký thi đua (tập thể hoặc cá nhân) trong tệp.", "file"),
    FindingType("DON_VI_KHONG_XAC_DINH", "error", "Không xác định được đơn vị",
                "Không xác định được đơn vị gửi tệp ({rows} dòng vẫn được giữ với mã đơn vị trống); "
                "hãy thêm tên đơn vị vào cột aliases của units.csv hoặc đổi tên tệp theo mã đơn vị.", "file"),
    FindingType("DON_VI_MAU_THUAN", "error", "Tiêu đề và dòng tập thể ghi hai đơn vị khác nhau",
                "Đầu biểu ghi đơn vị {line_unit} nhưng dòng tập thể ghi {row_unit}; tệp không được tính là "
                "bản nộp của đơn vị nào ({rows} dòng vẫn được giữ với mã đơn vị trống, không thay bản đã nộp của hai "
                "đơn vị); đề nghị đơn vị sửa lại cho thống nhất rồi gửi lại.", "file"),
    FindingType("TEP_CU_BI_THAY", "info", "Bản cũ đã được thay",
                "Bản nộp lúc {received_at} đã được thay bằng bản nộp lúc {newer_at} ({newer_file}).", "file"),
    FindingType("NOP_MUON", "warning", "Nộp muộn",
                "Nhận lúc {received_at}, sau hạn {deadline}.", "file"),
    FindingType("CHUA_NOP", "warning", "Chưa nộp", "Đơn vị chưa gửi biểu đăng ký (hạn {deadline}).", "file"),
    FindingType("MA_CU_DA_CHUYEN", "info", "Đã chuyển mã cũ",
                "{cells} ô chữ gõ bằng mã {encodings} đã được chuyển sang Unicode; đề nghị kiểm tra lại tên.",
                "file"),
    FindingType("TRANG_TINH_KHONG_NHAN_DANG", "warning", "Sheet không nhận dạng được",
                "Sheet có {rows} dòng dữ liệu nhưng không tìm thấy bảng đăng ký (thiếu cột Họ và tên/Phòng, đơn vị "
                "và TT); các dòng này không được đọc, đề nghị kiểm tra.", "file"),
    FindingType("COT_KHONG_NHAN_DANG", "warning", "Cột không nhận dạng được",
                "Cột \"{column}\" không khớp danh mục; {cells} ô có giá trị ở cột này không được tính. {hint}",
                "file"),
    FindingType("TEP_CO_MACRO", "warning", "Tệp có macro",
                "Tệp .xlsm có chứa macro; macro không được chạy, chỉ đọc dữ liệu.", "file"),
    FindingType("LOI_DOC_TEP", "error", "Lỗi chương trình khi đọc tệp",
                "Không đọc được tệp do lỗi của chương trình ({error}); các tệp khác vẫn được tổng hợp. Đề nghị "
                "báo lỗi kèm tệp này.", "file"),
    FindingType("TEP_MAT", "error", "Tệp đã thu bị mất",
                "Tệp có trong nhật ký returns/log.csv nhưng không còn trong thư mục returns/; đề nghị chép lại "
                "tệp hoặc thu lại từ đơn vị.", "file"),
    FindingType("NHAT_KY_HONG", "error", "Dòng nhật ký hỏng",
                "Dòng {line} của returns/log.csv không đọc được ({reason}) nên bị bỏ qua: {text}", "file"),
    # cell and row level
    FindingType("GIA_TRI_KHONG_RO", "error", "Giá trị không rõ",
                "Ô {cell} (cột \"{column}\") ghi \"{value}\": không phải dấu đăng ký, không được tính. {hint}",
                "row"),
    FindingType("MUC_KHAC_LOAI", "error", "Danh hiệu không dành cho đối tượng này",
                "Cột \"{column}\" ghi \"{item}\": danh hiệu/hình thức này không dành cho đối tượng của dòng "
                "(tập thể hay cá nhân), không được tính.", "row"),
    FindingType("DONG_SAU_CHU_KY", "warning", "Dòng ghi sau phần chữ ký",
                "Dòng được ghi bên dưới phần chữ ký hoặc ghi chú của biểu; đã được đọc như một dòng đăng ký, "
                "đề nghị đơn vị xác nhận.", "row"),
    FindingType("THIEU_TEN", "error", "Thiếu tên",
                "Dòng có đánh dấu đăng ký nhưng không ghi tên.", "row"),
    FindingType("TONG_CONG_LECH", "warning", "Tổng cộng lệch",
                "Dòng Tổng cộng ghi {declared} ở cột \"{column}\", đếm được {counted}.", "row"),
    FindingType("HOAN_THANH_KEP", "error", "Hai mức hoàn thành",
                "Đánh dấu cả hai mức hoàn thành nhiệm vụ ({levels}); chưa xác định được mức nào.", "row"),
    FindingType("DANH_HIEU_KHONG_MUC_DO", "warning", "Thiếu mức độ hoàn thành",
                "Đăng ký {items} nhưng chưa ghi mức độ hoàn thành nhiệm vụ.", "row"),
    FindingType("HUAN_CHUONG_THIEU_HANG", "error", "Huân chương thiếu hạng",
                "Đăng ký Huân chương Lao động nhưng chưa ghi hạng (Nhất, Nhì, Ba).", "row"),
    FindingType("TRUNG_TEN_TRONG_DON_VI", "error", "Trùng tên trong đơn vị",
                "\"{name}\" có mặt hai lần trong cùng đơn vị (dòng {other_row} và dòng {row}).", "row"),
    FindingType("TRUNG_TEN_GIUA_DON_VI", "warning", "Trùng tên giữa các đơn vị",
                "\"{name}\" cũng có trong đơn vị {other_unit}: người trùng tên hay đăng ký hai lần?", "row"),
    # title logic, same year
    FindingType("LDXS_KHONG_LDTT", "error", "LĐXS thiếu LĐTT",
                "Đăng ký Tập thể Lao động xuất sắc nhưng không đăng ký Tập thể Lao động tiên tiến.", "law"),
    FindingType("CSTDCS_KHONG_LDTT", "error", "CSTĐCS thiếu LĐTT",
                "Đăng ký Chiến sĩ thi đua cơ sở nhưng không đăng ký Lao động tiên tiến.", "law"),
    FindingType("CSTDCS_CAN_SANG_KIEN", "warning", "CSTĐCS cần sáng kiến",
                "Đăng ký Chiến sĩ thi đua cơ sở với mức {completion}: chỉ hợp lệ khi có sáng kiến hoặc đề tài "
                "được công nhận; đề nghị ghi rõ ở cột Ghi chú.", "law"),
    FindingType("CSTD_TINH_KHONG_CSTDCS", "error", "CSTĐ cấp tỉnh thiếu CSTĐCS",
                "Đăng ký Chiến sĩ thi đua cấp tỉnh nhưng năm nay không đăng ký Chiến sĩ thi đua cơ sở.", "law"),
    FindingType("CSTD_TQ_KHONG_CSTD_TINH", "warning", "CSTĐ toàn quốc thiếu CSTĐ cấp tỉnh",
                "Đăng ký Chiến sĩ thi đua toàn quốc nhưng không đăng ký Chiến sĩ thi đua cấp tỉnh.", "law"),
    FindingType("LDTT_MUC_DO_THAP", "error", "Mức độ hoàn thành thấp",
                "Đăng ký {items} với mức \"{completion}\": danh hiệu cần từ Hoàn thành tốt nhiệm vụ trở lên.",
                "law"),
    FindingType("CSTDCS_VUOT_TY_LE", "warning", "CSTĐCS vượt tỷ lệ",
                "{cstdcs} Chiến sĩ thi đua cơ sở trên {ldtt} Lao động tiên tiến ({share}), vượt ngưỡng {limit}.",
                "law"),
    FindingType("TT_LDTT_TY_LE", "warning", "Tập thể LĐTT chưa đủ tỷ lệ",
                "Đăng ký Tập thể LĐTT nhưng chỉ {ldtt}/{people} cá nhân đăng ký LĐTT ({share}); cần trên {limit}.",
                "law"),
    FindingType("TT_LDXS_TY_LE", "warning", "Tập thể LĐXS chưa đủ tỷ lệ",
                "Đăng ký Tập thể LĐXS nhưng {detail}.", "law"),
    FindingType("TT_LDXS_KHONG_CSTDCS", "warning", "Tập thể LĐXS không có CSTĐCS",
                "Đăng ký Tập thể LĐXS nhưng không có cá nhân nào đăng ký Chiến sĩ thi đua cơ sở.", "law"),
    # a year-end proposal against the year's registrations (its severity follows the year: see proposal_rules)
    FindingType("DE_NGHI_CHUA_DANG_KY", "error", "Đề nghị chưa đăng ký",
                "Đề nghị {items} nhưng đầu năm không đăng ký ({basis}).", "law"),
    FindingType("DANG_KY_KHONG_DE_NGHI", "info", "Đã đăng ký nhưng không được đề nghị",
                "Đầu năm đã đăng ký {items} (tệp {file}, sheet {sheet}, dòng {row_registered}) nhưng không có "
                "trong đề nghị cuối năm của đơn vị.", "law"),
    # history (the store of past years)
    FindingType("LICH_SU_CSTD_TINH", "error", "CSTĐ cấp tỉnh thiếu CSTĐCS các năm trước",
                "Đăng ký Chiến sĩ thi đua cấp tỉnh nhưng không là Chiến sĩ thi đua cơ sở năm {missing} "
                "(đã xem các năm {years}; {basis}).", "law"),
    FindingType("LICH_SU_CSTD_TQ", "error", "CSTĐ toàn quốc thiếu hai lần CSTĐ cấp tỉnh",
                "Đăng ký Chiến sĩ thi đua toàn quốc nhưng chưa có hai lần liên tục Chiến sĩ thi đua cấp tỉnh "
                "(đã xem các năm {years}; {basis}).", "law"),
    FindingType("LICH_SU_BK_TINH", "warning", "Bằng khen tỉnh/bộ chưa đủ thành tích các năm trước",
                "Đăng ký {award} nhưng không có hai năm liên tục Chiến sĩ thi đua cơ sở hoặc Hoàn thành xuất sắc "
                "nhiệm vụ (đã xem các năm {years}); có thể xét theo tiêu chí khác ({basis}).", "law"),
    FindingType("LICH_SU_BK_TTG", "error", "Bằng khen Thủ tướng chưa đủ điều kiện",
                "Đăng ký Bằng khen Thủ tướng Chính phủ nhưng {detail} (đã xem các năm {years}; {basis}).", "law"),
    FindingType("LICH_SU_HCLD", "error", "Huân chương Lao động chưa đủ điều kiện",
                "Đăng ký Huân chương Lao động hạng {cls} nhưng {detail} (đã xem các năm {years}; {basis}).", "law"),
    FindingType("LICH_SU_KHONG_DU", "info", "Thiếu dữ liệu lịch sử",
                "Chưa kiểm tra được {check}: kho lịch sử thiếu kết quả năm {missing}.", "law"),
    FindingType("LICH_SU_KHAC_DON_VI", "warning", "Lịch sử ở đơn vị khác",
                "Lịch sử của \"{name}\" được tìm thấy ở đơn vị {other} (năm {years}), không phải đơn vị hiện "
                "tại; đã dùng để kiểm tra, đề nghị xác nhận là cùng một người.", "law"),
    FindingType("LICH_SU_NHAP_NHANG", "warning", "Lịch sử không xác định được người",
                "Kho lịch sử có nhiều người tên \"{name}\" ({where}); không tự ghép nên chưa kiểm tra được "
                "lịch sử.", "law"),
)}

@dataclass(frozen=True)
class Finding:
    """One finding: a row of findings.csv, plus the named fields its message was made from (cell, column, value,
    ...), so a page or a JSON client can point at the cell or say it again in its own words."""

    code: str
    severity: str
    unit_code: str
    kind: str
    name: str
    source_file: str
    source_sheet: str
    source_row: int | None
    message: str
    fields: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def unit_message(self) -> str:
        """The message as a unit reads it: without the clerk's hint (which campaign.toml line would teach the
        reader), which is for the office, not for the unit that sent the return."""
        hint = str(self.fields.get("hint") or "")
        return self.message.replace(hint, "").rstrip() if hint else self.message

    @property
    def title(self) -> str:
        """The Vietnamese title of the finding's kind (what a council member reads instead of the code)."""
        return CATALOGUE[self.code].title


FINDING_FIELDS = ("code", "severity", "unit_code", "kind", "name", "source_file", "source_sheet", "source_row",
                  "message")  # the columns of findings.csv (DOMAIN.md section 5)


def finding(code: str, *, unit_code: str = "", kind: str = "", name: str = "", source_file: str = "",
            source_sheet: str = "", source_row: int | None = None, **fields: object) -> Finding:
    """Make a finding of a catalogued code; the message is the code's template filled with the fields."""
    ftype = CATALOGUE[code]
    kept = {k: _plain(v) for k, v in fields.items()}
    return Finding(code, ftype.severity, unit_code, kind, name, source_file, source_sheet, source_row,
                   ftype.template.format(name=name, row=source_row, **fields), kept)


def _plain(value: object) -> object:
    """A field as JSON takes it: numbers and text as they are (numpy scalars unwrapped), anything else as text."""
    value = value.item() if hasattr(value, "item") else value
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


class Report:
    """The findings of a consolidation; the exit code of `thidua check` comes from it."""

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self.findings: list[Finding] = list(findings)

    def extend(self, findings: Iterable[Finding]) -> None:
        """Add findings."""
        self.findings.extend(findings)

    def rows(self, columns: Sequence[str]) -> list[tuple]:
        """Flattened findings, for tests and renderers."""
        return [tuple(getattr(f, c) for c in columns) for f in self.findings]

    def count(self, severity: str) -> int:
        """How many findings have this severity."""
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> list[Finding]:
        """The findings of severity error."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def exit_code(self) -> int:
        """1 when any finding is an error, else 0."""
        return 1 if self.errors else 0

    def sorted(self) -> list[Finding]:
        """By severity (errors first), then unit, file and row."""
        order = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted(self.findings, key=lambda f: (order[f.severity], f.unit_code or "~", f.source_file,
                                                    f.source_sheet, f.source_row or 0, f.code))

    def as_dicts(self) -> list[dict]:
        """Findings as dicts, sorted, with their named fields under "fields": for JSON and CSV."""
        return [asdict(f) for f in self.sorted()]


def row_finding(code: str, rec, **fields: object) -> Finding:
    """A finding about one registration row (a row of the registrations frame)."""
    return finding(code, unit_code=rec["unit_code"], kind=rec["kind"], name=rec["name"],
                   source_file=rec["source_file"], source_sheet=rec["source_sheet"],
                   source_row=int(rec["source_row"]), **fields)


def catalogue_markdown() -> str:
    """The README's findings table, generated from the catalogue."""
    lines = ["| mã | mức | nội dung | mẫu thông báo |", "|---|---|---|---|"]
    for t in CATALOGUE.values():
        message = t.template.replace("|", "\\|")
        lines.append(f"| `{t.code}` | {t.severity} | {t.title} | {message} |")
    return "\n".join(lines)

