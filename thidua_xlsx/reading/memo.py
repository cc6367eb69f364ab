"""What the reader works out from a row that is not data (a heading, a title, a section) holds for every return
with the same row, and a campaign's returns share their forms: kept per process, across returns, bounded."""

from __future__ import annotations

from typing import Callable, Hashable, TypeVar

V = TypeVar("V")


class Memo(dict):
    """A dict emptied when full: a bounded memory whatever the returns hold, and no bookkeeping on a hit."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def keep(self, key: Hashable, value: V) -> V:
        """Remember value under key (emptying the memo first when it is full); give value back."""
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value

    def of(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept under key, else make()'s, kept."""
        return self[key] if key in self else self.keep(key, make())


def row_key(row: list) -> tuple:
    """A row as a key: its values and their types (1, 1.0 and True are equal in Python, not in a sheet)."""
    return tuple(row), tuple(map(type, row))
