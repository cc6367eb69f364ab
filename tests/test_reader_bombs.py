"""The grid pre-check sees every cell calamine would lay out, however the sheet's XML writes it."""

from __future__ import annotations

import zipfile

import pytest
import xlsxwriter

from thidua_xlsx.sources import Unreadable, check_extent

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _with_cell(path, cell: bytes):
    """A one-sheet return whose first row also holds the given cell element, written by hand."""
    plain = path.with_suffix(".plain.xlsx")
    wb = xlsxwriter.Workbook(str(plain))
    ws = wb.add_worksheet("B")
    for c, value in enumerate(["TT", "Họ và tên", "Lao động tiên tiến"]):
        ws.write(0, c, value)
    ws.write_row(1, 0, [1, "Nguyễn Văn Xa", "x"])
    wb.close()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</row>", cell + b"</row>", 1)
            zf.writestr(info, data)
    return path


@pytest.mark.parametrize("cell", [
    f'<x:c xmlns:x="{MAIN}" r="XFD1048576" t="n"><x:v>7</x:v></x:c>'.encode(),  # a prefix on the cell alone
    b'<c t="n" r="XFD1048576"><v>7</v></c>',  # the reference after another attribute
])
def test_a_far_cell_written_an_unusual_way_is_refused(tmp_path, cell):
    path = _with_cell(tmp_path / "xa.xlsx", cell)
    with zipfile.ZipFile(path) as zf, pytest.raises(Unreadable) as refused:
        check_extent(zf, set(zf.namelist()))
    assert (refused.value.code, refused.value.reason) == (
        "TEP_QUA_LON", "dữ liệu trải tới ô XFD1048576 (16.384 cột × 1.048.576 dòng), tối đa 4.000.000 ô")


def test_a_near_cell_with_a_prefix_passes(tmp_path):
    path = _with_cell(tmp_path / "gan.xlsx", f'<x:c xmlns:x="{MAIN}" r="E5" t="n"><x:v>7</x:v></x:c>'.encode())
    with zipfile.ZipFile(path) as zf:
        check_extent(zf, set(zf.namelist()))
