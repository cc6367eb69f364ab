"""Which unit sent a return: its _meta sheet, its unit line or own row, the sender's address, its file name.

A UnitIndex is built once per consolidation, so identifying N returns costs O(N) look-ups instead of comparing
every return with every unit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from thidua_xlsx.text import fold

if TYPE_CHECKING:
    from thidua_xlsx.config import Unit
    from thidua_xlsx.reader import ParsedReturn
    from thidua_xlsx.returns import LogEntry


@dataclass(frozen=True)
class Identification:
    """A return's unit, how it was found, and, when the unit line and the own row name two different units,
    those two codes (the return is then assigned to neither)."""

    unit_code: str
    how: str
    conflict: tuple[str, str] | None = None


class UnitIndex:
    """The units' folded names, codes and aliases, indexed for whole-text and word n-gram look-ups."""

    def __init__(self, units: Iterable["Unit"]) -> None:
        self.codes: set[str] = set()
        self.exact: dict[str, set[str]] = {}  # folded key -> codes having it
        self.words: dict[str, list[tuple[str, int]]] = {}  # key usable inside a text -> (code, length)
        self.emails: dict[str, list[str]] = {}
        self.longest = 1  # most words in a usable key: the longest n-gram worth looking up
        for unit in units:
            self.codes.add(unit.code)
            if unit.email:
                self.emails.setdefault(unit.email.lower(), []).append(unit.code)
            for key in unit.keys:
                self.exact.setdefault(key, set()).add(unit.code)
                if len(key) >= 4 or " " not in key:  # a short key of several words is too loose inside a text
                    self.words.setdefault(key, []).append((unit.code, len(key)))
                    self.longest = max(self.longest, key.count(" ") + 1)

    def match(self, text: str, whole: bool) -> str | None:
        """The unit whose name, code or alias is this text (whole) or, failing that, appears in it as words
        (the longest such key wins; a tie is not guessed)."""
        key = fold(text)
        if not key:
            return None
        exact = self.exact.get(key, ())
        if len(exact) == 1:
            return next(iter(exact))
        if whole:
            return None
        found: dict[str, int] = {}
        words = key.split(" ")
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + self.longest) + 1):
                for code, length in self.words.get(" ".join(words[start:end]), ()):
                    if length > found.get(code, 0):
                        found[code] = length
        if not found:
            return None
        best = max(found.values())
        winners = [code for code, length in found.items() if length == best]
        return winners[0] if len(winners) == 1 else None

    def identify(self, parsed: "ParsedReturn", file_name: str, sender: str = "") -> Identification:
        """From, in order: the _meta sheet, the unit line or own row, the sender's address (mail), the file
        name. A unit line and an own row naming different units are a conflict, never settled by a guess."""
        meta_code = parsed.meta.get("unit_code", "")
        if meta_code in self.codes:
            return Identification(meta_code, "_meta")
        own = parsed.rows.first_name("tap_the")
        own_code = self.match(own, whole=True) if own else None
        for line in parsed.unit_lines:
            code = self.match(line, whole=False)
            if code and own_code and own_code != code:
                return Identification("", "", (code, own_code))
            if code:
                return Identification(code, "tiêu đề")
        if own_code:
            return Identification(own_code, "dòng tập thể")
        by_mail = self.emails.get(sender.lower(), []) if sender else []
        if len(by_mail) == 1:
            return Identification(by_mail[0], "địa chỉ thư")
        code = self.match(Path(file_name).stem, whole=False)
        return Identification(code, "tên tệp") if code else Identification("", "")


def original_name(entry: "LogEntry") -> str:
    """The name a stored file had when it was collected (stored names begin with a stamp and a hash)."""
    parts = entry.file.split("_", 2)
    return parts[2] if len(parts) == 3 else entry.file
