"""Recognising the headings of a returned table: full or abbreviated labels, typos, legacy forms."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from string import ascii_letters

from thidua_xlsx.catalogue import COMPLETION_LEVELS, Catalogue
from thidua_xlsx.reading.memo import Memo
from thidua_xlsx.text import fold
from thidua_xlsx.vocabulary import (
    ABBREVIATIONS,
    CLASS_WORDS,
    COMPLETION_TEXT,
    DESCRIPTIVE_HEADINGS,
    FILLER_WORDS,
    INFO_HEADINGS,
    ITEM_ALIASES,
    KIND_HEADINGS,
    LEVEL_ALIASES,
    NAME_HEADINGS,
    NAME_PARTS,
    NOTE_HEADINGS,
    NOTE_PREFIXES,
    SECTION_TITLES,
    SIGNATURE_MARKERS,
    TEXT_ITEM_HEADINGS,
    TOTAL_KEYS,
    TT_HEADINGS,
    TYPE_HEADINGS,
)

FUZZY_MIN = 0.86


def _words(key: str) -> frozenset[str]:
    """The meaningful words of a folded heading, abbreviations expanded."""
    words = " ".join(ABBREVIATIONS.get(w, w) for w in key.split()).split()
    return frozenset(w for w in words if w not in FILLER_WORDS)


@lru_cache(maxsize=65536)
def folded(value: str) -> str:
    """fold(), cached: headings and marks repeat across thousands of returns."""
    return fold(value)


class HeadingIndex:
    """Heading label -> (role, code) for one campaign catalogue and one kind of table."""

    def __init__(self, catalogue: Catalogue, kind: str) -> None:
        own = catalogue.sheet(kind) if kind else None
        own_items = catalogue.items_of(own.key) if own else catalogue.items
        other_items = [i for i in catalogue.items if i not in own_items]
        self.exact: dict[str, tuple[str, str]] = {}
        for item in (*own_items, *other_items):  # own sheet first: its labels win
            for alias in (fold(item.label), *ITEM_ALIASES.get(item.code, ())):
                self.exact.setdefault(alias, ("item", item.code))
        for code, aliases in LEVEL_ALIASES.items():
            for alias in aliases:
                self.exact.setdefault(alias, ("level", code))
        for role, aliases in (("completion", COMPLETION_TEXT), ("tt", TT_HEADINGS), ("note", NOTE_HEADINGS),
                              ("type", TYPE_HEADINGS), ("info", INFO_HEADINGS), ("kind", KIND_HEADINGS),
                              ("items", TEXT_ITEM_HEADINGS)):
            for alias in aliases:
                self.exact.setdefault(alias, (role, ""))
        for field, aliases in DESCRIPTIVE_HEADINGS.items():
            for alias in aliases:
                self.exact.setdefault(alias, ("desc", field))
        for alias, order in NAME_PARTS.items():
            self.exact.setdefault(alias, ("name_part", str(order)))
        names = (*NAME_HEADINGS[kind], *(fold(s.name_heading) for s in catalogue.sheets if s.kind == kind or not kind))
        for alias in names:
            self.exact[alias] = ("name", "")
        self.exact.update(taught_headings(catalogue))
        self.item_kinds = {i.code: i.kind for i in catalogue.items}
        self.own_codes = frozenset(i.code for i in own_items)
        self.labels = {i.code: i.label for i in (*reversed(other_items), *reversed(own_items))}
        self._fuzzy_keys = [k for k, v in self.exact.items() if v[0] in ("item", "level") and len(k) > 8]
        own_codes = self.own_codes | set(LEVEL_ALIASES)
        self._word_sets = [(_words(k), tuple(k.split()[:2]), v) for k, v in self.exact.items()
                           if v[0] in ("item", "level") and v[1] in own_codes]
        self._classified = Memo(4096)  # folded heading -> classify()

    def classify(self, label: str) -> tuple[str, str] | None:
        """The role and code of a heading, or None when it matches nothing closely enough.

        Tried in order: an exact alias; the same after "Đăng ký"; a close spelling (typos such as "toute quốc");
        then words: the heading's words within an item's (or an item's, of three words or more, within the
        heading's), the item sharing the most words winning, and none when two tie. A class item whose heading
        names the class ("Huân chương LĐ hạng Ba") comes back as "HC_LD=Ba".
        """
        key = folded(label)
        return self._classified.of(key, lambda: self._classify(key))

    def _classify(self, key: str) -> tuple[str, str] | None:
        if not key:
            return None
        hit = self.exact.get(key) or (self.exact.get(key[8:]) if key.startswith("dang ky ") else None)
        if hit is None:
            hit = _by_prefix(key.removeprefix("dang ky "))
        if hit is None:
            best, best_ratio = None, FUZZY_MIN
            for alias in self._fuzzy_keys:
                ratio = SequenceMatcher(None, key, alias).ratio()
                if ratio > best_ratio:
                    best, best_ratio = alias, ratio
            hit = self.exact[best] if best else self._by_words(key)
        if hit and hit[0] == "item" and self.item_kinds.get(hit[1]) == "class":
            words = key.split()
            if "hang" in words[:-1]:
                cls = CLASS_WORDS.get(words[words.index("hang") + 1])
                if cls:
                    return "item", f"{hit[1]}={cls}"
        return hit

    def _by_words(self, key: str) -> tuple[str, str] | None:
        """The one item whose words fit the heading's best; the kind of honour (its first two words, such as
        "bằng khen" or "chiến sĩ") must be in the heading, so that "Cờ thi đua" is not taken for a CSTĐ."""
        words = _words(key)
        scores: dict[tuple[str, str], int] = {}
        for alias, head, hit in self._word_sets:
            if len(head) == 2 and not set(_words(" ".join(head))) <= words:
                continue
            if words <= alias or (len(alias) >= 3 and alias <= words):
                scores[hit] = max(scores.get(hit, 0), len(alias & words))
        if not scores:
            return None
        best = max(scores.values())
        winners = [hit for hit, score in scores.items() if score == best]
        return winners[0] if len(winners) == 1 else None


def name_heading_kind(label: str) -> str | None:
    """The kind of table a name heading introduces (ca_nhan, gia_dinh, tap_the; "" for a table of both kinds, its
    rows' kinds then come from sections or a kind column), or None when it is not one. The first part of a
    split name ("Họ đệm", "Họ") introduces a table of people."""
    key = folded(label)
    for kind, aliases in NAME_HEADINGS.items():
        if key in aliases:
            return kind
    return "ca_nhan" if NAME_PARTS.get(key) == 0 else None


_SECTION_NUMBER = re.compile(r"^(?:[a-f]|[ivx]{1,4}|\d{1,2}) ")


def section_kind(label: str) -> str | None:
    """The kind named by a section title: "A/ TẬP THỂ", "II. CÁ NHÂN", "1. Cá nhân:", "Tập thể:"."""
    key = _SECTION_NUMBER.sub("", folded(label), count=1)
    for kind, titles in SECTION_TITLES.items():
        if key in titles:
            return kind
    return None


def _by_prefix(key: str) -> tuple[str, str] | None:
    """Headings known by how they begin: "Mức độ HTNV", "Xếp loại năm 2022", "Tự đánh giá…", "Chức vụ hiện nay",
    "Năm sinh (dương lịch)", "Tổng số CB, CC, VC"."""
    if key.startswith(("muc do", "xep loai", "tu danh gia", "tu xep loai")):
        return "completion", ""
    for prefix, field in (("chuc vu", "position"), ("chuc danh", "position"), ("nam sinh", "birth_year"),
                          ("ngay sinh", "birth_year"), ("ngay thang nam sinh", "birth_year"),
                          ("don vi cong tac", "sub_unit"), ("tong so", "headcount"), ("ma nv", "staff_id")):
        if key.startswith(prefix + " "):
            return "desc", field
    return None


def taught_headings(catalogue: Catalogue) -> dict[str, tuple[str, str]]:
    """The clerk's [headings] of campaign.toml, as (role, code) by folded heading."""
    taught = {}
    for key, target in catalogue.headings:
        if target in DESCRIPTIVE_HEADINGS:
            taught[key] = ("desc", target)
        elif target in COMPLETION_LEVELS:
            taught[key] = ("level", target)
        elif target in ("completion", "items", "note"):
            taught[key] = (target, "")
        elif target == "ignore":
            taught[key] = ("info", "")
        else:
            taught[key] = ("item", target)
    return taught


def is_note_key(key: str) -> bool:
    """A folded notes line under a table ("Ghi chú: …", "Lưu ý …")."""
    return key.startswith(NOTE_PREFIXES)


_DATE_LINE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")


def is_signature_key(key: str) -> bool:
    """A folded line of the signature block or the footer of a form ("Ngày 10 tháng 3 năm 2022", "TRƯỞNG
    PHÒNG"...)."""
    key += " "
    return any(marker in key for marker in SIGNATURE_MARKERS) or bool(_DATE_LINE.search(key))


def is_total_key(key: str) -> bool:
    """A folded label of the "Tổng cộng" row (or "Cộng", "Tổng số")."""
    return key in TOTAL_KEYS or key.startswith("tong cong")


# ASCII letters no key of is_total_key begins with: a label begun by one folds to a key begun by it, lower case.
_NOT_TOTAL_INITIALS = frozenset(ascii_letters) - {c for key in (*TOTAL_KEYS, "tong cong")
                                                   for c in (key[0], key[0].upper())}


def may_be_total(label: str) -> bool:
    """Whether a clean, non-empty label may fold to a Tổng cộng key (False is sure; True asks for fold): the cheap
    test that spares folding the names of a table."""
    return label[0] not in _NOT_TOTAL_INITIALS
