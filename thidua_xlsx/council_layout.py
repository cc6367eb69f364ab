"""The columns of the council workbook's candidate sheets, named once: the writer lays them out by these and
`thidua history record` reads the council's verdicts back by the same."""

from __future__ import annotations

from thidua_xlsx.catalogue import KINDS

HEADINGS = ("TT", "Họ và tên", "Đơn vị", "Mức độ hoàn thành", "Ghi chú", "Cần xem lại", "Số phiếu đồng ý",
            "Tỷ lệ (%)", "Kết quả", "Mã", "Nguồn", "Mã phát hiện")
NAME, UNIT, VOTES, SHARE, RESULT, SECTION, SOURCE, CODES = 1, 2, 6, 7, 8, 9, 10, 11
LAST_SHOWN = RESULT  # the section code, source and finding codes columns after "Kết quả" are hidden
SOURCE_HEADING = HEADINGS[SOURCE]
UNIT_SOURCE = "đơn vị:"  # the hidden source of a line that stands for a unit's whole list
CANDIDATE_SHEETS = tuple(KINDS.values())  # one sheet per kind, named by the kind's Vietnamese label
