"""Cell values as clean text, memoised across returns; a whole column cleaned in a few C calls."""

from __future__ import annotations

import re
import unicodedata

from thidua_xlsx.text import clean, fix_legacy, has_legacy_words

_TEXTS: dict[str, tuple[str, str | None]] = {}  # cell text -> (clean text, legacy encoding), per process
# clean()'s rule for spaces and control characters, NUL aside: NUL joins a column's cells below, and a column
# whose cells hold a NUL themselves is cleaned cell by cell (so no cell's text can shift another's).
_COLUMN_SPACES = re.compile(r"[\s\x01-\x1f\x7f-\x9f]+")


class Texts:
    """text() of cells for one file, counting the distinct cells converted from a legacy encoding."""

    def __init__(self) -> None:
        self.converted: dict[str, int] = {}
        self.legacy = 0  # cells met that were converted (each time): what was read from them is this file's own
        self._converted_cells: set[str] = set()

    def text(self, value: object) -> str:
        """A cell as clean NFC text, legacy encodings converted (cached per distinct value)."""
        if value is None or value == "":
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, str):
            return str(value)
        try:
            result, encoding = _TEXTS[value]
        except KeyError:
            if len(_TEXTS) > 100_000:  # headings and marks repeat across returns; names do not: keep it bounded
                _TEXTS.clear()
            fixed, encoding = fix_legacy(value)
            result = clean(fixed)
            _TEXTS[value] = result, encoding
        if encoding:
            self.legacy += 1
            if value not in self._converted_cells:  # each distinct converted text counted once a file
                self._converted_cells.add(value)
                self.converted[encoding] = self.converted.get(encoding, 0) + 1
        return result

    def column(self, values: list | tuple) -> list[str]:
        """text() of a whole column: one NFC pass and one legacy check over the NUL-joined cells when none holds
        a NUL itself (counted, so no cell's text can shift another's) and all are good Unicode (the usual case);
        cell by cell otherwise."""
        strings = [v for v in values if isinstance(v, str) and v]
        if not strings:
            return ["" if v is None or v == "" else self.text(v) for v in values]
        joined = " \x00 ".join(strings)  # spaces around: no word (legacy check) spans two cells
        if joined.count("\x00") != len(strings) - 1:
            return [self.text(v) for v in values]
        nfc = unicodedata.normalize("NFC", joined)
        if has_legacy_words(nfc):
            return [self.text(v) for v in values]
        if _plain(nfc):  # no space to collapse, none to trim: the cells are the parts between the separators
            parts = nfc.split(" \x00 ")
        else:
            parts = [part.strip() for part in _COLUMN_SPACES.sub(" ", nfc).split("\x00")]
        if len(parts) == len(values):  # every cell is text (a column of names, say)
            return parts
        cleaned = iter(parts)
        return [next(cleaned) if isinstance(v, str) and v else "" if v is None or v == "" else self.text(v)
                for v in values]


def _plain(joined: str) -> bool:
    """Whether the cells joined by " \\x00 " hold no space but single ASCII spaces between words: no control
    character, no other Unicode space (isprintable), no run of spaces, none at either end of a cell."""
    return ("  " not in joined and joined[0] != " " and joined[-1] != " "
            and joined.replace("\x00", "").isprintable())
