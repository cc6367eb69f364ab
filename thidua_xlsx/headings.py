"""Recognising the headings of a returned table: full or abbreviated labels, typos, legacy forms."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from thidua_xlsx.catalogue import Catalogue
from thidua_xlsx.text import fold

NAME_HEADINGS = {
    "ca_nhan": ("ho va ten", "ho ten", "ho va ten ca nhan", "ten ca nhan", "ca nhan", "ho va ten can bo"),
    "gia_dinh": ("ho gia dinh", "ho gia dinh chu ho", "gia dinh", "ten ho gia dinh", "chu ho", "ten gia dinh"),
    "tap_the": ("phong don vi", "ten phong don vi", "don vi", "ten don vi", "ten tap the", "tap the",
                "co quan don vi", "ten co quan don vi", "phong ban don vi", "ten tap the don vi"),
}
SECTION_TITLES = {"tap_the": ("tap the",), "ca_nhan": ("ca nhan",), "gia_dinh": ("gia dinh", "ho gia dinh")}
TT_HEADINGS = ("tt", "stt", "so tt", "so thu tu")
NOTE_HEADINGS = ("ghi chu", "ghi chu sang kien", "ghi chu ly do")
TYPE_HEADINGS = ("loai tap the", "loai", "loai hinh", "loai hinh tap the")
COMPLETION_TEXT = ("dang ky muc do hoan thanh nhiem vu", "muc do hoan thanh nhiem vu", "muc do hoan thanh",
                   "muc do", "xep loai", "danh gia xep loai", "muc do hoan thanh nv")
LEVEL_ALIASES = {
    "HTXSNV": ("hoan thanh xuat sac nhiem vu", "htxsnv", "htxs nv", "htxs", "hoan thanh xuat sac", "xuat sac"),
    "HTTNV": ("hoan thanh tot nhiem vu", "httnv", "htt nv", "htt", "hoan thanh tot", "tot"),
    "HTNV": ("hoan thanh nhiem vu", "htnv"),
    "KHTNV": ("khong hoan thanh nhiem vu", "khtnv", "khong hoan thanh"),
}
# Abbreviations units write for the shared item codes (DOMAIN.md section 3).
ITEM_ALIASES = {
    "LDTT": ("lao dong tien tien", "ldtt", "tap the ldtt", "tt ldtt", "tap the lao dong tien tien", "danh hieu ldtt"),
    "LDXS": ("tap the ldxs", "ldxs", "tt ldxs", "tap the lao dong xuat sac", "lao dong xuat sac"),
    "CSTD_CS": ("chien si thi dua co so", "cstd co so", "cstdcs", "cstd cs", "chien si thi dua cs", "cstd cap co so"),
    "CSTD_TINH": ("chien si thi dua cap tinh", "cstd cap tinh", "cstd tinh", "chien si thi dua tinh",
                  "cstd cap bo nganh tinh", "chien si thi dua cap bo nganh tinh"),
    "CSTD_TQ": ("chien si thi dua toan quoc", "cstd toan quoc", "cstdtq", "cstd tq"),
    "GK_GD_SO": ("giay khen giam doc so", "giay khen gd so", "gk giam doc so", "gk gd so", "gkgd so",
                 "giay khen cua giam doc so"),
    "BK_UBND_TINH": ("bang khen chu tich ubnd tinh", "bk ubnd tinh", "bang khen ubnd tinh", "bk chu tich ubnd tinh",
                     "bang khen cua chu tich ubnd tinh", "bang khen chu tich uy ban nhan dan tinh", "bk tinh"),
    "BK_BO": ("bang khen bo truong", "bk bo truong", "bk bo", "bang khen bo", "bang khen cap bo",
              "bang khen bo cong thuong", "bk bct"),
    "BK_TTG": ("bang khen thu tuong chinh phu", "bk ttg", "bang khen ttg", "bk thu tuong", "bang khen thu tuong",
               "bang khen cua thu tuong chinh phu", "bk ttcp"),
    "HC_LD": ("huan chuong lao dong hang", "huan chuong lao dong", "hcld", "hc ld", "huan chuong ld",
              "huan chuong lao dong hang nhat nhi ba"),
}
# Columns units add for their own use: read past without a finding.
INFO_HEADINGS = ("chuc vu", "chuc danh", "chuc vu don vi", "don vi cong tac", "nam sinh", "ngay sinh", "gioi tinh",
                 "dia chi", "phong ban", "so dien thoai", "ma so", "ma can bo", "noi cong tac")
SIGNATURE_MARKERS = ("truong phong", "thu truong", "giam doc", "nguoi lap", "ky ghi ro",
                     "noi nhan", "xac nhan", "ky ten", "chu tich", "ky dong dau", "lanh dao don vi")
FUZZY_MIN = 0.86
# Abbreviations units write in headings, expanded before comparing words.
ABBREVIATIONS = {"bk": "bang khen", "gk": "giay khen", "hc": "huan chuong", "ld": "lao dong",
                 "cstd": "chien si thi dua", "ttg": "thu tuong", "ttcp": "thu tuong chinh phu",
                 "xsnv": "xuat sac nhiem vu", "tnv": "tot nhiem vu", "gd": "giam doc", "sy": "si",
                 "ct": "chu tich", "ubnd": "uy ban nhan dan", "td": "thi dua", "tq": "toan quoc"}
FILLER_WORDS = frozenset({"cua", "dang", "ky", "danh", "hieu", "hinh", "thuc", "cap"})
CLASS_WORDS = {"nhat": "Nhất", "nhi": "Nhì", "ba": "Ba", "i": "Nhất", "ii": "Nhì", "iii": "Ba"}


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
        own = catalogue.sheet(kind)
        own_items = catalogue.items_of(own.key) if own else ()
        other_items = [i for i in catalogue.items if i not in own_items]
        self.exact: dict[str, tuple[str, str]] = {}
        for item in (*own_items, *other_items):  # own sheet first: its labels win
            for alias in (fold(item.label), *ITEM_ALIASES.get(item.code, ())):
                self.exact.setdefault(alias, ("item", item.code))
        for code, aliases in LEVEL_ALIASES.items():
            for alias in aliases:
                self.exact.setdefault(alias, ("level", code))
        for alias in COMPLETION_TEXT:
            self.exact.setdefault(alias, ("completion", ""))
        for role, aliases in (("tt", TT_HEADINGS), ("note", NOTE_HEADINGS), ("type", TYPE_HEADINGS),
                              ("info", INFO_HEADINGS)):
            for alias in aliases:
                self.exact.setdefault(alias, (role, ""))
        for alias in (*NAME_HEADINGS[kind], *(fold(s.name_heading) for s in catalogue.sheets if s.kind == kind)):
            self.exact[alias] = ("name", "")
        self.item_kinds = {i.code: i.kind for i in catalogue.items}
        self._fuzzy_keys = [k for k, v in self.exact.items() if v[0] in ("item", "level") and len(k) > 8]
        own_codes = {i.code for i in own_items} | set(LEVEL_ALIASES)
        self._word_sets = [(_words(k), tuple(k.split()[:2]), v) for k, v in self.exact.items()
                           if v[0] in ("item", "level") and v[1] in own_codes]

    def classify(self, label: str) -> tuple[str, str] | None:
        """The role and code of a heading, or None when it matches nothing closely enough.

        Tried in order: an exact alias; the same after "Đăng ký"; a close spelling (typos such as "toute quốc");
        then words: the heading's words within an item's (or an item's, of three words or more, within the
        heading's), the item sharing the most words winning, and none when two tie. A class item whose heading
        names the class ("Huân chương LĐ hạng Ba") comes back as "HC_LD=Ba".
        """
        key = folded(label)
        if not key:
            return None
        hit = self.exact.get(key) or (self.exact.get(key[8:]) if key.startswith("dang ky ") else None)
        if hit is None and key.removeprefix("dang ky ").startswith(("muc do", "xep loai")):
            return "completion", ""  # "Mức độ HTNV", "Xếp loại năm 2022"
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
    """The kind of table a name heading introduces (ca_nhan, gia_dinh, tap_the), if it is one."""
    key = folded(label)
    for kind, aliases in NAME_HEADINGS.items():
        if key in aliases:
            return kind
    return None


def section_kind(label: str) -> str | None:
    """The kind named by a section title such as "A/ TẬP THỂ" or "B. CÁ NHÂN"."""
    key = folded(label)
    words = key.split(" ")
    if len(words) >= 2 and len(words[0]) == 1 and words[0] in "abcdef":
        rest = " ".join(words[1:])
        for kind, titles in SECTION_TITLES.items():
            if rest in titles:
                return kind
    return None


_DATE_LINE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")


def is_signature_key(key: str) -> bool:
    """A folded line of the signature block or the footer of a form ("Ngày 10 tháng 3 năm 2022", "TRƯỞNG
    PHÒNG"...)."""
    key += " "
    return any(marker in key for marker in SIGNATURE_MARKERS) or bool(_DATE_LINE.search(key))


TOTAL_KEYS = frozenset({"tong cong", "cong", "tong", "tong so", "tong cong toan don vi"})


def is_total_key(key: str) -> bool:
    """A folded label of the "Tổng cộng" row (or "Cộng", "Tổng số")."""
    return key in TOTAL_KEYS or key.startswith("tong cong")
