"""Vietnamese text: the TCVN3 and VNI tables, detection of legacy text, and the matching keys."""

from __future__ import annotations

import unicodedata

import pytest

from thidua_xlsx.text import (
    TCVN3_TO_UNICODE,
    VNI_TO_UNICODE,
    clean,
    fix_legacy,
    fold,
    fold_many,
    is_vietnamese_word,
    name_key,
    tcvn3_to_unicode,
    vni_to_unicode,
)

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
LETTERS = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]


def test_tcvn3_table_covers_every_lowercase_letter_once():
    tcvn3 = {u: c for c, u in TCVN3_TO_UNICODE.items()}
    missing = [letter for letter in LETTERS if letter not in tcvn3 and letter not in "aeiouy"]
    assert missing == []
    lower_codes = [c for c, u in TCVN3_TO_UNICODE.items() if u.islower()]
    assert len(lower_codes) == len(set(lower_codes)) == len(LETTERS) - 6  # plain a e i o u y are ASCII
    assert {TCVN3_TO_UNICODE[c] for c in "¡¢£¤¥¦§"} == set("ĂÂÊÔƠƯĐ")


def test_vni_table_covers_every_letter_in_both_cases():
    values = set(VNI_TO_UNICODE.values())
    for letter in LETTERS:
        if letter in "aeiouy":
            continue
        assert letter in values and letter.upper() in values, letter


@pytest.mark.parametrize("legacy, unicode", [
    ("B¶o Th¾ng", "Bảo Thắng"), ("B¸t X¸t", "Bát Xát"), ("M\u00adêng Kh\u00ad¬ng", "Mường Khương"),
    ("Së C«ng Th\u00ad¬ng Qu¶ng Ng·i", "Sở Công Thương Quảng Ngãi"),
])
def test_tcvn3_examples(legacy, unicode):
    assert tcvn3_to_unicode(legacy) == unicode


def test_tcvn3_capitals_typed_in_vntimeh_come_back_as_capitals():
    assert tcvn3_to_unicode("PHßNG KÕ HO¹CH - TµI CHÝNH") == "PHÒNG KẾ HOẠCH - TÀI CHÍNH"
    assert tcvn3_to_unicode("V¨n phßng Së") == "Văn phòng Sở"


@pytest.mark.parametrize("legacy, unicode", [
    ("Xin chaøo caùc baïn", "Xin chào các bạn"), ("Nguyeãn Thò Hoàng Nhung", "Nguyễn Thị Hồng Nhung"),
    ("Ñaëng Vaên Löông", "Đặng Văn Lương"), ("SÔÛ COÂNG THÖÔNG", "SỞ CÔNG THƯƠNG"), ("Kyø yù", "Kỳ ý"),
])
def test_vni_examples(legacy, unicode):
    assert vni_to_unicode(legacy) == unicode


def _encode_tcvn3(text: str) -> str:
    inverse = {u: c for c, u in TCVN3_TO_UNICODE.items()}
    return "".join(inverse.get(ch, ch) for ch in text)


def test_every_syllable_round_trips_through_tcvn3():
    words = ["nguyễn", "thị", "hoàng", "phượng", "khuyến", "quốc", "giữa", "người", "đoàn", "ươm", "yến", "ỷ"]
    for word in words:  # in a name, as units type them: one spoiled word is enough to detect the cell
        text = f"Nguyễn Văn {word}"
        assert fix_legacy(_encode_tcvn3(text)) == (text, "TCVN3"), word


@pytest.mark.parametrize("text", ["Phòng Kế hoạch - Tài chính", "Hoà bình", "Thủy lợi", "Café Trung Nguyên",
                                  "Công ty TNHH MTV", "Ông Nguyễn Văn A (Trưởng phòng)"])
def test_good_unicode_is_left_alone(text):
    assert fix_legacy(text) == (text, None)


def test_words_and_keys():
    assert all(is_vietnamese_word(w) for w in ("Nguyễn", "khuyến", "người", "quốc", "giữa", "oanh", "khuỷu"))
    assert not any(is_vietnamese_word(w) for w in ("Vaên", "Nguyeãn", "C«ng", "cafè", "thịị"))
    assert fold("Phòng KH-TC-TH, Đức Phổ") == "phong kh tc th duc pho"
    assert name_key("Nguyễn Thị Hoà") == name_key(" nguyễn  THỊ hòa ") != name_key("Nguyễn Thị Hoa")
    assert name_key("Lê Văn Tín") != name_key("Lê Văn Tin")
    nfd = unicodedata.normalize("NFD", "Nguyễn  Văn   Hùng ")
    assert clean(nfd) == "Nguyễn Văn Hùng" and unicodedata.is_normalized("NFC", clean(nfd))


def test_folding_a_column_at_once_equals_folding_each_cell():
    cells = ["Phòng KH-TC", "  NGUYỄN  Văn An ", "", "Đỗ Thị Hoà.", "Tổng cộng:", "dòng một\ndòng hai", "İ"]
    assert fold_many(cells) == [fold(c) for c in cells]
    assert fold_many(cells[:5]) == [fold(c) for c in cells[:5]]
    assert fold_many([]) == []


def test_the_fast_fold_agrees_with_the_letter_table_on_every_latin_letter():
    from thidua_xlsx.text import _fold_by_table

    letters = [chr(c) for c in (*range(0x20, 0x250), *range(0x1E00, 0x1F00)) if chr(c).isprintable()]
    words = [f"Ab{ch}cd {ch}-x" for ch in letters] + ["NGUYỄN  Văn\tAn", "Đặng Thị Hoà (PCT)", "ø and ß", "KH–TC"]
    assert [fold(w) for w in words] == [_fold_by_table(w) for w in words]
    assert fold_many(words) == [_fold_by_table(w) for w in words]
