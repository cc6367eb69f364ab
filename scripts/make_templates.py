"""Build the bundled Word templates (thidua_xlsx/templates/*.docx) with python-docx: run after editing this file.

The templates are docxtpl (Jinja) documents laid out per Nghị định 30/2020/NĐ-CP: A4, margins 20/20/30/15 mm,
Times New Roman 13-14, the issuer and the national motto side by side, number and date left to fill. A clerk edits
them in Word; a campaign's templates/ folder overrides them file by file.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parent.parent / "thidua_xlsx" / "templates"
FONT = "Times New Roman"
CENTER, RIGHT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY


def new_document():
    """An empty A4 document with the margins and font of NĐ 30/2020."""
    doc = Document()
    doc.core_properties.author = doc.core_properties.last_modified_by = "thidua-xlsx"
    doc.core_properties.comments = ""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    return doc


def para(container, text: str = "", *, bold: bool = False, italic: bool = False, size: float | None = None,
         align=None, underline: bool = False, before: float | None = None, keep: bool = False):
    """A paragraph of one run."""
    p = container.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    if before is not None:
        p.paragraph_format.space_before = Pt(before)
    if keep:
        p.paragraph_format.keep_with_next = True
    return p


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def widths_of(table, widths) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the table grid: both are set)."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def letterhead(doc, left: list[tuple[str, bool]], number: str | None, date_line: bool = True) -> None:
    """The issuer (left) and the national motto (right) side by side; the number under the issuer; the place and
    date under the motto, in italics."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths_of(table, (Mm(75), Mm(95)))
    left_cell, right_cell = table.rows[0].cells
    left_cell.paragraphs[0].text = ""
    first = True
    for text, bold in left:
        p = left_cell.paragraphs[0] if first else left_cell.add_paragraph()
        first = False
        run = p.add_run(text)
        run.bold, run.font.size = bold, Pt(12)
        p.alignment = CENTER
    para(left_cell, "________", align=CENTER, size=8)
    if number:
        para(left_cell, number, align=CENTER)
    p = right_cell.paragraphs[0]
    run = p.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    run.bold, run.font.size = True, Pt(12)
    p.alignment = CENTER
    para(right_cell, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=CENTER, underline=True)
    if date_line:
        para(right_cell, "{{ place }}, ngày …… tháng …… năm 20……", italic=True, align=CENTER,
             before=6)


def grid(doc, headings: list[str], cells: list[str], widths: list[float], loop: str) -> None:
    """A bordered table: a heading row, then one row per item of the loop (docxtpl {%tr %} rows)."""
    table = doc.add_table(rows=4, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = table.rows
    for cell, text in zip(rows[0].cells, headings):
        cell.paragraphs[0].add_run(text).bold = True
        cell.paragraphs[0].alignment = CENTER
    rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for r in {loop} %}}")
    for cell, text in zip(rows[2].cells, cells):
        cell.paragraphs[0].add_run(text)
        if text in ("{{ r.n }}", "☐", "{{ r.votes }}", "{{ r.share }}", "{{ r.result }}"):
            cell.paragraphs[0].alignment = CENTER
    rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    header = rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    widths_of(table, [Mm(w) for w in widths])


def page_break_unless_last(doc) -> None:
    """A page break between the items of a {%p for %} loop, none after the last."""
    para(doc, "{%p if not loop.last %}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    para(doc, "{%p endif %}")


def signature(doc, left: str, right: str) -> None:
    """Two signing blocks side by side (left may be empty)."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    for cell, text in zip(table.rows[0].cells, (left, right)):
        cell.paragraphs[0].text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        cell.paragraphs[0].alignment = CENTER
        if text:
            para(cell, "(Ký, ghi rõ họ tên)", italic=True, align=CENTER)


def ballots() -> None:
    doc = new_document()
    para(doc, "{%p for ballot in ballots %}")
    letterhead(doc, [("{{ issuer }}", False), ("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", True)], None, date_line=False)
    para(doc, "PHIẾU BẦU", bold=True, size=15, align=CENTER, before=12)
    para(doc, "Xét tặng danh hiệu thi đua, hình thức khen thưởng năm {{ year }}", bold=True, align=CENTER)
    para(doc, "(Phiếu số {{ ballot.number }}/{{ ballot.total }})", italic=True, align=CENTER)
    para(doc, "Hướng dẫn: với mỗi người (tập thể), đánh dấu X vào một ô: \"Đồng ý\" hoặc \"Không đồng ý\". Dòng "
              "đánh dấu cả hai ô hoặc không đánh dấu ô nào không được tính cho người đó. Không ký tên, không ghi "
              "thêm vào phiếu.", italic=True, align=JUSTIFY, before=6)
    para(doc, "{%p for s in sections %}")
    para(doc, "{{ s.title }}", bold=True, before=8, keep=True)
    para(doc, "{{ s.wording }}", italic=True, size=12, keep=True)
    grid(doc, ["TT", "Họ và tên", "Đơn vị", "Đồng ý", "Không đồng ý"],
         ["{{ r.n }}", "{{ r.name }}", "{{ r.unit }}", "☐", "☐"], [11, 52, 62, 20, 20], "s.rows")
    para(doc, "{%p endfor %}")
    page_break_unless_last(doc)
    para(doc, "{%p endfor %}")
    doc.save(OUT / "phieu-bau.docx")


def minutes() -> None:
    doc = new_document()
    letterhead(doc, [("{{ issuer }}", False), ("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", True)], None)
    para(doc, "BIÊN BẢN", bold=True, size=14, align=CENTER, before=12)
    para(doc, "Họp Hội đồng Thi đua - Khen thưởng xét khen thưởng năm {{ year }}", bold=True, align=CENTER)
    para(doc, "Thời gian: …… giờ …… ngày …… tháng …… năm 20……. Địa điểm: ……………………", before=8)
    para(doc, "Thành phần: Hội đồng có {{ council_size }} thành viên; có mặt ……/{{ council_size }} thành viên; "
              "vắng mặt …… (có ý kiến bằng văn bản: ……).", align=JUSTIFY)
    para(doc, "Chủ trì: ……………………  Thư ký: ……………………")
    para(doc, "Hội đồng đã xem xét danh sách đăng ký và đề nghị của các đơn vị, các phát hiện cần xem lại, và biểu "
              "quyết từng mục như sau (tỷ lệ tính trên tổng số thành viên Hội đồng):", align=JUSTIFY, before=6)
    para(doc, "{%p for s in sections %}")
    para(doc, "{{ s.title }}", bold=True, before=8, keep=True)
    para(doc, "{{ s.wording }}; số thành viên: {{ s.members }}.", italic=True, size=12, keep=True)
    grid(doc, ["TT", "Họ và tên / Tập thể", "Đơn vị", "Số phiếu đồng ý", "Tỷ lệ", "Kết quả"],
         ["{{ r.n }}", "{{ r.name }}", "{{ r.unit }}", "{{ r.votes }}", "{{ r.share }}", "{{ r.result }}"],
         [11, 47, 47, 20, 16, 24], "s.rows")
    para(doc, "Đạt: {{ s.passed }}/{{ s.rows|length }}.", italic=True, size=12)
    para(doc, "{%p endfor %}")
    para(doc, "Kết luận: Hội đồng thống nhất đề nghị {{ decider }} quyết định khen thưởng những trường hợp đạt thuộc "
              "thẩm quyền, và trình cấp trên những trường hợp thuộc thẩm quyền cấp trên (danh sách kèm theo).",
         align=JUSTIFY, before=8)
    para(doc, "Cuộc họp kết thúc lúc …… giờ …… cùng ngày.", align=JUSTIFY)
    signature(doc, "THƯ KÝ", "CHỦ TỊCH HỘI ĐỒNG")
    doc.save(OUT / "bien-ban-hop-hoi-dong.docx")


def decision_lists() -> None:
    doc = new_document()
    para(doc, "{%p for l in lists %}")
    letterhead(doc, [("{{ parent }}", False), ("{{ issuer }}", True)], None, date_line=False)
    para(doc, "DANH SÁCH", bold=True, size=14, align=CENTER, before=12)
    para(doc, "{{ l.heading }}", bold=True, align=CENTER)
    para(doc, "(Kèm theo Quyết định số ……/QĐ-…… ngày …… tháng …… năm 20…… của {{ decider }})",
         italic=True, align=CENTER)
    grid(doc, ["TT", "{{ l.name_heading }}", "{{ l.unit_heading }}"], ["{{ r.n }}", "{{ r.name }}", "{{ r.unit }}"],
         [12, 75, 78], "l.rows")
    para(doc, "Danh sách có {{ l.rows|length }} {{ l.what }}.", italic=True, before=4)
    page_break_unless_last(doc)
    para(doc, "{%p endfor %}")
    doc.save(OUT / "danh-sach-kem-theo-quyet-dinh.docx")


def proposal() -> None:
    doc = new_document()
    letterhead(doc, [("{{ parent }}", False), ("{{ issuer }}", True)], "Số: ……/TTr-……")
    para(doc, "TỜ TRÌNH", bold=True, size=14, align=CENTER, before=12)
    para(doc, "Về việc đề nghị khen thưởng năm {{ year }}", bold=True, align=CENTER)
    para(doc, "Kính gửi: {{ above }}", align=CENTER, before=6)
    para(doc, "Căn cứ Luật Thi đua, khen thưởng và các văn bản hướng dẫn thi hành ({{ regime }}); căn cứ kết quả "
              "họp Hội đồng Thi đua - Khen thưởng ngày …… tháng …… năm 20……, {{ issuer_name }} kính đề "
              "nghị {{ above }} xét tặng:", align=JUSTIFY, before=6)
    para(doc, "{%p for l in lists %}")
    para(doc, "- {{ l.title }}: {{ l.rows|length }} {{ l.what }};", align=JUSTIFY)
    para(doc, "{%p endfor %}")
    para(doc, "(Có danh sách và hồ sơ kèm theo.) Kính trình {{ above }} xem xét, quyết định./.", align=JUSTIFY)
    signature(doc, "", "{{ signer_title }}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    para(doc, "{%p for l in lists %}")
    para(doc, "DANH SÁCH ĐỀ NGHỊ", bold=True, size=14, align=CENTER)
    para(doc, "{{ l.heading }}", bold=True, align=CENTER)
    para(doc, "(Kèm theo Tờ trình số ……/TTr-…… ngày …… tháng …… năm 20…… của {{ issuer_name }})",
         italic=True, align=CENTER)
    grid(doc, ["TT", "{{ l.name_heading }}", "{{ l.unit_heading }}"], ["{{ r.n }}", "{{ r.name }}", "{{ r.unit }}"],
         [12, 75, 78], "l.rows")
    page_break_unless_last(doc)
    para(doc, "{%p endfor %}")
    doc.save(OUT / "to-trinh-de-nghi.docx")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for build in (ballots, minutes, decision_lists, proposal):
        build()
    print(f"Đã tạo các mẫu trong {OUT}")
