"""The descriptive columns of a table's data rows (DOMAIN.md section 5): honorific, birth year, gender, position,
sub-unit, staff id, head count; notes and collective types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from thidua_xlsx.reading import decode
from thidua_xlsx.vocabulary import DESCRIPTIVE

if TYPE_CHECKING:
    from thidua_xlsx.reading.assemble import TableReader

_DECODERS = {"birth_year": decode.year, "headcount": decode.count}
_FIRST_WORDS = frozenset({"ông", "bà", "đại", "thượng", "trung", "thiếu", "đồng", "đ/c"})  # of HONORIFICS


def describe(table: TableReader) -> dict[str, list[str]]:
    """Every descriptive column, note and type per data row ("" where the table lacks it); honorifics are taken
    out of the names of people; a sub-unit merged down a group (only its first cell written) is filled down."""
    n = len(table.layout.data)
    out: dict[str, list[str]] = {"note": [""] * n, "type": [""] * n, **{f: [""] * n for f in DESCRIPTIVE}}
    for col in table.plan.of("note", "type", "desc"):
        values = table.column(col.c)
        texts = table.ctx.texts.column(values)
        if col.role != "desc":
            out[col.role] = texts
        elif col.gender:
            _gendered(col.code, col.gender, values, texts, out)
        else:
            decoder = _DECODERS.get(col.code)
            decoded = [decoder(v, t) if t else "" for v, t in zip(values, texts)] if decoder else texts
            if col.code == "gender":
                decoded = [decode.gender(t) for t in decoded]
            out[col.code] = [old or new for old, new in zip(out[col.code], decoded)]
    if any(col.code == "sub_unit" for col in table.plan.of("desc")):
        _fill_down(out["sub_unit"], table.layout.kinds)
    _honorifics(table, out["honorific"])
    return out


def _gendered(field: str, gender: str, values: list, texts: list[str], out: dict[str, list[str]]) -> None:
    """A "Nam | Nữ" sub-column: under Năm sinh it holds the year, under Giới tính a tick; either gives the gender."""
    for j, (value, text) in enumerate(zip(values, texts)):
        if not text:
            continue
        if field == "birth_year":
            out["birth_year"][j], out["gender"][j] = decode.year(value, text), gender
        elif decode.tick(value) == 1:
            out["gender"][j] = gender


def _fill_down(values: list[str], kinds: list[str]) -> None:
    """A person's unit left blank under a merged cell: the unit of the person above."""
    for j in range(1, len(values)):
        if not values[j] and kinds[j] == kinds[j - 1] == "ca_nhan":
            values[j] = values[j - 1]


def _honorifics(table: TableReader, honorific: list[str]) -> None:
    """"Ông Nguyễn Văn A" -> honorific "Ông", name "Nguyễn Văn A", on the rows of people."""
    names, kinds = table.names, table.layout.kinds
    firsts = {name.partition(" ")[0] for name in names}  # the few first words a table's names begin with
    if not any(word.lower() in _FIRST_WORDS for word in firsts):
        return
    for j, name in enumerate(names):
        if kinds[j] == "ca_nhan" and name.split(" ", 1)[0].lower() in _FIRST_WORDS:
            title, rest = decode.split_honorific(name)
            if title:
                names[j] = rest
                honorific[j] = honorific[j] or title
