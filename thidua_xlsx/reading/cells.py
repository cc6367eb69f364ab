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
        if encoding and value not in self._converted_cells:  # each distinct converted text counted once a file
            self._converted_cells.add(value)
            self.converted[encoding] = self.converted.get(encoding, 0) + 1
        return result

    def column(self, values: list | tuple) -> list[str]:
        """text() of a whole column: one NFC pass and one legacy check over the NUL-joined cells when none holds
        a NUL itself (counted, so no cell's text can shift another's) and all are good Unicode (the usual case);
        cell by cell otherwise."""
        strings = [v for v in values if isinstance(v, str) and v]
        if not strings:
            return [self.text(v) for v in values]
        joined = " \x00 ".join(strings)  # spaces around: no word (legacy check) spans two cells
        if joined.count("\x00") != len(strings) - 1:
            return [self.text(v) for v in values]
        nfc = unicodedata.normalize("NFC", joined)
        if has_legacy_words(nfc):
            return [self.text(v) for v in values]
        cleaned = iter(_COLUMN_SPACES.sub(" ", nfc).split("\x00"))
        return [next(cleaned).strip() if isinstance(v, str) and v else self.text(v) for v in values]
