"""Vietnamese text: NFC cleaning, matching keys, and conversion of legacy TCVN3 (ABC) and VNI text to Unicode."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining marks of the five tones (sắc, huyền, hỏi, ngã, nặng), in the order legacy tables list them.
ACUTE, GRAVE, HOOK, TILDE, DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
TONE_MARKS = frozenset((ACUTE, GRAVE, HOOK, TILDE, DOT))
_TONE_DIGIT = {ACUTE: "1", GRAVE: "2", HOOK: "3", TILDE: "4", DOT: "5"}
# The one rule for control characters (README "Reading returns"): every C0 and C1 control character (U+0000-U+001F,
# U+007F-U+009F; tabs and line breaks included) counts as a space, and runs of spaces become one.
_SPACES = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def clean(value: object) -> str:
    """Text as it should be stored: NFC, control characters and runs of spaces made one space, trimmed."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _fold_table() -> dict[int, str]:
    """Every precomposed Latin letter (and the combining marks) mapped to its bare lower-case base letter."""
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "d"}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = "".join(ch for ch in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(ch))
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = base.lower()
    table.update({code: "" for code in range(0x300, 0x370)})
    return table


_FOLD = _fold_table()


# Everything that is not an ASCII letter or digit (newlines aside: they separate the texts of fold_many).
_ASCII_GAPS = str.maketrans({c: " " for c in range(128) if not chr(c).isalnum() and chr(c) != "\n"})
# After NFD, a character that is neither ASCII nor a combining mark: a letter the fast path cannot fold.
_NOT_FOLDABLE = re.compile(r"[^\x00-\x7f\u0300-\u036f]")


def _fold_fast(text: str) -> str | None:
    """fold() without its final collapsing of spaces, when every letter is ASCII once decomposed (as all
    Vietnamese is, đ aside): C-speed normalisation and encoding instead of a per-character table lookup."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    if _NOT_FOLDABLE.search(decomposed):
        return None
    return decomposed.encode("ascii", "ignore").decode("ascii").lower().translate(_ASCII_GAPS)


def _fold_by_table(text: str) -> str:
    return _NON_ALNUM.sub(" ", text.translate(_FOLD).lower()).strip()


def fold(text: str) -> str:
    """A key insensitive to accents, case, spacing and punctuation ("Phòng KH-TC" -> "phong kh tc")."""
    fast = _fold_fast(text)
    return _fold_by_table(text) if fast is None else " ".join(fast.split())


FOLD_CHUNK = 8192  # texts folded per joined string: normalising one string of a million names costs more per
# name (and its copies take hundreds of MB), and one text the fast path cannot fold slows only its own chunk


def fold_many(texts: list[str]) -> list[str]:
    """fold() of many texts, a chunk at a time, each in one pass over its joined text: a column of names costs a
    few C calls (texts with line breaks, which clean() never leaves, are folded one by one)."""
    if len(texts) > FOLD_CHUNK:
        chunks = (texts[start:start + FOLD_CHUNK] for start in range(0, len(texts), FOLD_CHUNK))
        return [key for chunk in chunks for key in _fold_chunk(chunk)]
    return _fold_chunk(texts)


def _fold_chunk(texts: list[str]) -> list[str]:
    joined = "\n".join(texts)
    if len(texts) < 2 or joined.count("\n") != len(texts) - 1:
        return [fold(t) for t in texts]
    fast = _fold_fast(joined)
    if fast is None:
        return [fold(t) for t in texts]
    if "  " in fast or " \n" in fast or "\n " in fast or fast[:1] == " " or fast[-1:] == " ":
        return [" ".join(key.split()) for key in fast.split("\n")]
    return fast.split("\n")  # no space to collapse nor to trim (names of plain words, the usual case)


@lru_cache(maxsize=65536)
def _word_key(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(_TONE_DIGIT[ch] for ch in decomposed if ch in TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONE_MARKS))
    return base + tones


def name_key(text: str) -> str:
    """A key for people's names: case, spacing, punctuation and tone-mark placement ("Hoà"/"Hòa") do not
    matter; tones do."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())
    return " ".join(_word_key(w) for w in words)


# --- recognising well-formed Vietnamese words -------------------------------------------------------------

_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEI = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ ưa ưi ưu ươ "
    "uy yê iêu yêu oai oay oeo uây uôi ươi ươu uya uyê uyu"
).split()
_CODAS = "ch|ng|nh|c|m|n|p|t"
_SYLLABLE = re.compile(
    rf"^(?:{_ONSETS})?(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})(?:{_CODAS})?$"
)


@lru_cache(maxsize=65536)
def is_vietnamese_word(word: str) -> bool:
    """True when a word spells one Vietnamese syllable with at most one tone mark."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(ch in TONE_MARKS for ch in decomposed) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONE_MARKS))
    return bool(_SYLLABLE.match(base))


# A word here is a run of anything but spaces, digits and ASCII punctuation, so that the non-letter bytes of
# legacy encodings ("C«ng", "Tr\u00adêng") stay inside the word they spoil.
_WORD = re.compile(r"[^\s\d!-/:-@\[-`{-~]+")


def has_legacy_words(text: str) -> bool:
    """Whether any word of an NFC text is not a Vietnamese syllable (so it may be TCVN3 or VNI)."""
    if text.isascii():
        return False
    # The cheap test first: split at spaces only, a token that is a syllable is one word (a syllable holds no
    # digit or punctuation), so when every token with a non-ASCII letter is a syllable, so is every such word.
    if all(map(is_vietnamese_word, [w for w in set(text.split()) if not w.isascii()])):
        return False
    return any(not w.isascii() and not is_vietnamese_word(w)
               for w in set(_WORD.findall(text)))  # a column's names share most words


def _bad_words(text: str) -> int:
    """Words with non-ASCII letters that are not Vietnamese syllables: the sign of legacy-encoded text."""
    return sum(1 for w in _WORD.findall(text) if not w.isascii() and not is_vietnamese_word(w))


# --- TCVN3 (ABC): one byte per letter; fonts .VnTime (lower case) and .VnTimeH (capitals on the same codes) ---

_TCVN3_LOWER = (
    # plain, grave, hook, tilde, acute, dot - listed per vowel as the ABC table orders them
    ("a", "µ¶·¸¹", "àảãáạ"),
    ("ă", "»¼½¾Æ", "ằẳẵắặ"),
    ("â", "ÇÈÉÊË", "ầẩẫấậ"),
    ("e", "ÌÎÏÐÑ", "èẻẽéẹ"),
    ("ê", "ÒÓÔÕÖ", "ềểễếệ"),
    ("i", "×ØÜÝÞ", "ìỉĩíị"),
    ("o", "ßáâãä", "òỏõóọ"),
    ("ô", "åæçèé", "ồổỗốộ"),
    ("ơ", "êëìíî", "ờởỡớợ"),
    ("u", "ïñòóô", "ùủũúụ"),
    ("ư", "õö÷øù", "ừửữứự"),
    ("y", "úûüýþ", "ỳỷỹýỵ"),
)
TCVN3_TO_UNICODE: dict[str, str] = {"¨": "ă", "©": "â", "ª": "ê", "«": "ô", "¬": "ơ", "\u00ad": "ư", "®": "đ",
                                    "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ"}
for _base, _codes, _letters in _TCVN3_LOWER:
    TCVN3_TO_UNICODE.update(zip(_codes, _letters))
_TCVN3_TABLE = str.maketrans(TCVN3_TO_UNICODE)


def tcvn3_to_unicode(text: str) -> str:
    """Convert TCVN3 text; a word typed in capitals (.VnTimeH) comes back in capitals."""
    converted = text.translate(_TCVN3_TABLE)
    letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return converted.upper()
    words = re.split(r"(\s+)", text)
    out = re.split(r"(\s+)", converted)
    for i, word in enumerate(words):
        ascii_letters = [ch for ch in word if ch.isascii() and ch.isalpha()]
        if len(ascii_letters) >= 2 and all(ch.isupper() for ch in ascii_letters):
            out[i] = out[i].upper()
    return "".join(out)


# --- VNI Windows: a base letter followed by one modifier byte ---------------------------------------------

_PLAIN = (ACUTE, GRAVE, HOOK, TILDE, DOT)


def _vni_pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for upper in (False, True):
        def c(s: str) -> str:
            return s.upper() if upper else s
        plain, hat, breve = c("ùøûõï"), c("áàåãä"), c("éèúüë")
        for vowel in "aeouy":
            for mod, tone in zip(plain, _PLAIN):
                pairs[c(vowel) + mod] = unicodedata.normalize("NFC", c(vowel) + tone)
        for vowel in "aeo":
            pairs[c(vowel) + c("â")] = unicodedata.normalize("NFC", c(vowel) + "\u0302")
            for mod, tone in zip(hat, _PLAIN):
                pairs[c(vowel) + mod] = unicodedata.normalize("NFC", c(vowel) + "\u0302" + tone)
        pairs[c("a") + c("ê")] = c("ă")
        for mod, tone in zip(breve, _PLAIN):
            pairs[c("a") + mod] = unicodedata.normalize("NFC", c("ă") + tone)
        for code, letter in ((c("ô"), c("ơ")), (c("ö"), c("ư"))):
            pairs[code] = letter
            for mod, tone in zip(plain, _PLAIN):
                pairs[code + mod] = unicodedata.normalize("NFC", letter + tone)
        for code, tone in zip(c("íìæóò"), _PLAIN):
            pairs[code] = unicodedata.normalize("NFC", c("i") + tone)
        pairs[c("î")] = c("ỵ")
        pairs[c("ñ")] = c("đ")
    return pairs


VNI_TO_UNICODE = _vni_pairs()
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI_TO_UNICODE, key=len, reverse=True)))


def vni_to_unicode(text: str) -> str:
    """Convert VNI Windows text to Unicode."""
    return _VNI_PATTERN.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text)


def fix_legacy(text: str) -> tuple[str, str | None]:
    """Return (text, None) for good Unicode, or (converted, "TCVN3"|"VNI") when the text is legacy-encoded."""
    if text.isascii():
        return text, None
    nfc = unicodedata.normalize("NFC", text)
    bad = _bad_words(nfc)
    if not bad:
        return nfc, None
    best: tuple[int, str, str | None] = (bad, nfc, None)
    for encoding, convert in (("TCVN3", tcvn3_to_unicode), ("VNI", vni_to_unicode)):
        candidate = convert(nfc)
        score = _bad_words(candidate)
        if score < best[0]:
            best = (score, candidate, encoding)
    return best[1], best[2]
