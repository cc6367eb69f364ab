"""Decoding cells by the kind of their column: ticks, classes, completion levels (text, ticks or a score), titles
and awards written as text, names with honorifics, descriptive values."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from thidua_xlsx.catalogue import COMPLETION_LEVELS
from thidua_xlsx.headings import CLASS_WORDS, HeadingIndex, folded
from thidua_xlsx.vocabulary import GENDER_VALUES, HONORIFICS, KIND_VALUES, SCORE_LEVELS

TICKS = frozenset({"x", "✓", "✔", "1", "v", "có", "co", "√", "☑", "yes", "true"})
BLANKS = frozenset({"", "0", "không", "khong", "false"})
CLASSES = {"nhat": "Nhất", "hang nhat": "Nhất", "i": "Nhất", "hang i": "Nhất",
           "nhi": "Nhì", "hang nhi": "Nhì", "ii": "Nhì", "hang ii": "Nhì",
           "ba": "Ba", "hang ba": "Ba", "iii": "Ba", "hang iii": "Ba"}
# Parts of a text cell listing titles and awards: commas, semicolons, "và", "+", "/", line breaks.
_PARTS = re.compile(r"[,;+/\n\r]|\s+và\s+|\s+va\s+", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
_SHORT_LEVELS = (("KHTNV", {"khtnv", "khong"}), ("HTXSNV", {"htxsnv", "htxs", "xsnv", "xs"}),
                 ("HTTNV", {"httnv", "htt", "tnv"}), ("HTNV", {"htnv"}))


def tick(value: object) -> int | None:
    """1 for a tick, 0 for blank, None for anything else."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return {1: 1, 0: 0}.get(value) if value in (0, 1) else None
    key = "".join(unicodedata.normalize("NFC", str(value)).split()).lower()
    if key in TICKS:
        return 1
    if key in BLANKS:
        return 0
    return None


def class_value(value: object) -> str | int | None:
    """Huân chương: its class (Nhất/Nhì/Ba), "1" when ticked without class, 0 when blank, None when unclear."""
    ticked = tick(value)
    if ticked == 1:
        return "1"
    if ticked == 0:
        return 0
    key = folded(str(value))
    if key.startswith("hang "):
        key = key[5:]
    return CLASSES.get(key) or CLASSES.get(key.replace("hang ", ""))


def level(value: object, text: str) -> str | None:
    """Completion level code from a code, a full label, a short form or a score out of 100 ("" when blank)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) or text.replace(".", "", 1).isdigit():
        score = float(value if isinstance(value, (int, float)) else text)  # a score from 10 to 100; 1-9 unclear
        return next(code for floor, code in SCORE_LEVELS if score >= floor) if 10 <= score <= 100 else None
    key = folded(text)
    if not key:
        return ""
    for code, label in COMPLETION_LEVELS.items():
        if key in (code.lower(), folded(label)):
            return code
    words = set(key.split())
    for code, short in _SHORT_LEVELS:
        if words & short:
            return code
    for phrase, code in (("khong hoan thanh", "KHTNV"), ("xuat sac", "HTXSNV")):
        if phrase in key:
            return code
    if "tot" in words:
        return "HTTNV"
    return "HTNV" if "hoan thanh" in key else None


def item_parts(text: str) -> list[str]:
    """The parts of a text cell that lists titles and awards."""
    return [p.strip(" .-*") for p in _PARTS.split(text) if p.strip(" .-*")]


def item_of(part: str, index: HeadingIndex, taught: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """The item codes a part stands for ("HC_LD=Ba" for a class), through [marks] then the heading vocabulary."""
    key = folded(part)
    if key in taught:
        return taught[key]
    words = key.split()
    cls = CLASS_WORDS.get(words[-1]) if len(words) >= 3 and words[-2] == "hang" else None
    hit = index.classify(" ".join(words[:-2]) if cls else part)
    if not hit or hit[0] != "item":
        return None
    code = hit[1].partition("=")[0]
    if index.item_kinds.get(code) == "class":
        return (f"{code}={cls or hit[1].partition('=')[2] or '1'}",)
    return (code,)


def kind_of(text: str) -> str | None:
    """The kind a kind-column value names ("Khen thưởng cá nhân", "TAPTHE"), or None."""
    return KIND_VALUES.get(folded(text))


def split_honorific(name: str) -> tuple[str, str]:
    """(honorific, name) from "Ông Nguyễn Văn A" or "Đại tá Lê Văn B"; Ông/Bà only before a name of three words
    (Ông is also a family name: "Ông Văn Tùng" stays whole)."""
    words = name.split(" ")
    key = folded(name)
    for honorific in HONORIFICS:
        n = len(honorific.split())
        if key.startswith(honorific + " ") and len(words) - n >= (3 if honorific in ("ong", "ba") else 2):
            return " ".join(words[:n]).rstrip(":."), " ".join(words[n:])
    return "", name


def year(value: object, text: str) -> str:
    """The year of a birth date or year cell (a number, a date, or text such as "12/05/1980")."""
    if isinstance(value, (datetime, date)):
        return str(value.year)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1900 <= value <= 2100:
        return str(int(value))
    found = _YEAR.search(text)
    return found.group(1) if found else text


def gender(text: str) -> str:
    """Nam or Nữ from a gender cell, else the cell as written."""
    return GENDER_VALUES.get(folded(text), text)


def count(value: object, text: str) -> str:
    """A head count as digits, else the cell as written."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return str(int(value))
    return text
