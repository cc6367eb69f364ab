"""The parse cache: each return is read once per reader version, kept by content hash in .cache/parsed.sqlite.

One SQLite file rather than a file per return: creating a thousand small files costs more than reading them.
It holds data only: each parsed return as JSON (the UTF-8 bytes a worker sent), checked field by field when read
back, never unpickled (a cache file is as easy to plant as a return). It is only a cache: a damaged, foreign or
locked-out database, or an entry that is not what this version writes, is dropped and read again, never an error.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from dataclasses import fields
from itertools import chain, compress, count, groupby, repeat
from operator import add, ne
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from thidua_xlsx.files import package_fingerprint
from thidua_xlsx.findings import CATALOGUE, Finding
from thidua_xlsx.reader import ParsedReturn, Rows

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

FORMAT = 2  # PRAGMA user_version of the database this version writes (1 held pickles)
_SCHEMA = ("CREATE TABLE IF NOT EXISTS parsed (sha256 TEXT NOT NULL, fingerprint TEXT NOT NULL, "
           "json TEXT NOT NULL, PRIMARY KEY (sha256, fingerprint))")


def reader_fingerprint() -> str:
    """What the cached readings depend on: the package's source (files.package_fingerprint)."""
    return package_fingerprint()


def encode(parsed: ParsedReturn) -> bytes:
    """A parsed return as JSON (UTF-8): the form the parse cache keeps and a worker sends its answer in. Its
    columns are packed (_pack; Excel rows in runs, _steps) but names: most are blank, or one value down a table,
    and JSON spends per value."""
    data = {f.name: getattr(parsed, f.name) for f in fields(ParsedReturn)}
    rows = parsed.rows
    data["rows"] = {f.name: _pack(getattr(rows, f.name), "") for f in fields(Rows) if f.name not in _APART}
    data["rows"].update(name=rows.name, row=_steps(rows.row),
                        items={code: _pack(marks, 0) for code, marks in rows.items.items()})
    data["findings"] = [{f.name: getattr(x, f.name) for f in fields(Finding)} for x in parsed.findings]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def decode(data: bytes | str) -> ParsedReturn:
    """A parsed return from encode()'s JSON; ValueError when it is not what encode() writes."""
    try:
        raw = json.loads(data)
        packed = raw.pop("rows")
        if packed.keys() != _ROW_FIELDS.keys() or not isinstance(packed["name"], list):
            raise ValueError("not the columns of a return")
        n = len(packed["name"])
        budget = [_UNFOLD * len(data) + (1 << 20)]  # values the packed columns may unfold to, all together
        columns = {name: _unpack(packed[name], n, "", budget) for name in _TEXT_COLUMNS}
        items = packed["items"]
        columns["items"] = {code: _unpack(marks, n, 0, budget) for code, marks in items.items()}
        findings = [Finding(**f) for f in raw.pop("findings")]
        parsed = ParsedReturn(rows=Rows(name=packed["name"], row=_unsteps(packed["row"], n, budget), **columns),
                              findings=findings, **raw)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        raise ValueError(f"not a parsed return: {exc}") from None
    _check(parsed)
    return parsed


_APART = ("name", "row", "items")  # names are kept as lists (seldom repeated), Excel rows in runs, items per code
_ROW_FIELDS = {f.name: f for f in fields(Rows)}
_TEXT_COLUMNS = tuple(name for name in _ROW_FIELDS if name not in _APART)
_UNFOLD = 4  # values a packed entry may unfold to per byte of its JSON: a return with names needs less than one,
# and a planted entry can hold no more memory than a plain JSON list of its size would


def _pack(column: list, blank: object) -> list | dict:
    """A column as JSON holds it: {"runs": [value, count, ...]} for one value down it, {"else": value, "at": [row,
    ...], "is": [value, ...]} when one value (blank, the first or the last) fills all rows but a few, {"runs": ...}
    again for a few runs, else the list itself. Columns hold text (blank "") or marks (blank 0, else 1 or a class):
    values that are equal are the same."""
    n = len(column)
    if not n or column.count(column[0]) == n:
        return {"runs": [column[0], n] if n else []}
    for usual in (blank, column[0], column[-1]):
        if column.count(usual) >= n - n // 4:
            at = list(compress(count(), map(ne, column, repeat(usual))))
            return {"else": usual, "at": at, "is": list(map(column.__getitem__, at))}
    runs: list = []
    for value, group in groupby(column):
        if len(runs) > n // 4:
            return column
        runs += (value, len(list(group)))
    return {"runs": runs}


def _unpack(column: object, n: int, blank: object, budget: list[int]) -> list:
    """A column from _pack's form (or a plain list), n values long; ValueError when it is not what _pack wrote
    or would unfold to more values than the budget left."""
    if column.__class__ is list:
        if len(column) != n:
            raise ValueError("a column of another length")
        return column
    budget[0] -= n
    if budget[0] < 0:
        raise ValueError("packed columns unfold to more than the entry could hold")
    runs = column.get("runs") if column.__class__ is dict and len(column) == 1 else None
    if runs.__class__ is list and len(runs) == 2 and runs[1] == n and runs[1].__class__ is int:
        return [runs[0]] * n  # one value down the column, the usual blank one
    if runs is not None:
        counts = runs[1::2] if runs.__class__ is list and len(runs) % 2 == 0 else None
        if not _indexes(counts, n + 1) or sum(counts) != n:
            raise ValueError("runs that do not add up to the column")
        return list(chain.from_iterable(map(repeat, runs[::2], counts)))
    if column.__class__ is not dict or len(column) != 3:
        raise ValueError("a column is neither a list nor packed")
    at, values = column["at"], column["is"]
    if not _indexes(at, n) or values.__class__ is not list or len(at) != len(values):
        raise ValueError("values outside the column")
    unpacked = [column["else"]] * n
    for j, value in zip(at, values):
        unpacked[j] = value
    return unpacked


def _steps(numbers: list[int]) -> list[int] | dict:
    """Excel rows as {"steps": [first, count, ...]}, runs of consecutive rows (a table's rows are one or a few),
    else the list itself."""
    breaks = list(compress(count(1), map(ne, numbers[1:], map(add, numbers, repeat(1)))))  # where a run begins
    if not numbers or len(breaks) > len(numbers) // 4:
        return numbers
    return {"steps": [value for start, end in zip([0, *breaks], [*breaks, len(numbers)])
                      for value in (numbers[start], end - start)]}


def _unsteps(rows: object, n: int, budget: list[int]) -> list[int]:
    """Excel rows from _steps' form (or a plain list), n of them; ValueError when they are not."""
    if rows.__class__ is list:
        return _unpack(rows, n, 0, budget)
    steps = rows.get("steps") if rows.__class__ is dict and len(rows) == 1 else None
    if steps.__class__ is not list or len(steps) % 2:
        raise ValueError("Excel rows neither listed nor in runs")
    firsts, counts = steps[::2], steps[1::2]
    budget[0] -= n
    if budget[0] < 0 or not _indexes(counts, n + 1) or sum(counts) != n or set(map(type, firsts)) - {int}:
        raise ValueError("runs of Excel rows that do not add up")
    return list(chain.from_iterable(map(range, firsts, map(add, firsts, counts))))


def _indexes(numbers: object, n: int) -> bool:
    """Whether numbers is a list of integers from 0 to n - 1."""
    return numbers.__class__ is list and (not numbers or (set(map(type, numbers)) == {int} and min(numbers) >= 0
                                                          and max(numbers) < n))


def _check(parsed: ParsedReturn) -> None:
    """Raise ValueError unless every field has the type the reader gives it (the columns were checked as they
    were unpacked: lists, one value per name)."""
    ok = (isinstance(parsed.file, str) and isinstance(parsed.sha256, str) and isinstance(parsed.readable, bool)
          and isinstance(parsed.meta, dict) and _all_text(parsed.meta.values())
          and isinstance(parsed.unit_lines, list) and _all_text(parsed.unit_lines)
          and all(f.code in CATALOGUE and isinstance(f.message, str) and isinstance(f.fields, dict)
                  for f in parsed.findings))
    if not ok:
        raise ValueError("not a parsed return: a field has the wrong type")


def _all_text(values: Iterable[object]) -> bool:
    return set(map(type, values)) <= {str}


class ParseCache:
    """Parsed returns as JSON by (content hash, fingerprint of the reader and the campaign's catalogue)."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint

    @classmethod
    def for_campaign(cls, campaign: "CampaignConfig") -> "ParseCache":
        """The cache of a campaign, for the reader and catalogue in use now."""
        key = hashlib.sha256((reader_fingerprint() + repr(campaign.catalogue)).encode()).hexdigest()[:16]
        return cls(campaign.root / ".cache" / "parsed.sqlite", key)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version != FORMAT or not tables <= {"parsed"}:
                raise sqlite3.DatabaseError("written by another version")
        except BaseException:
            db.close()
            raise
        db.execute("PRAGMA synchronous = OFF")  # a cache: losing it on a crash costs one re-read
        return db

    def _create(self) -> sqlite3.Connection:
        """A new, empty database of this version's format (whatever was there is dropped)."""
        self._drop()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        db.execute(f"PRAGMA user_version = {FORMAT}")
        db.execute(_SCHEMA)
        db.execute("PRAGMA synchronous = OFF")
        return db

    def get(self, hashes: set[str]) -> dict[str, bytes]:
        """The cached JSON of those of the hashes read before by this reader (decode() checks each entry)."""
        if not self.path.exists() or not hashes:
            return {}
        try:
            with closing(self._connect()) as db:
                rows = db.execute("SELECT sha256, json FROM parsed WHERE fingerprint = ?", (self.fingerprint,))
                return {sha: data for sha, data in rows if sha in hashes and isinstance(data, (str, bytes))}
        except sqlite3.Error:
            self._drop()
            return {}

    def put(self, items: list[tuple[str, bytes]]) -> None:
        """Keep newly read returns; entries of other readers or catalogues are dropped on the way."""
        if not items:
            return
        for attempt in (1, 2):
            try:
                with closing(self._connect() if self.path.exists() else self._create()) as db, db:
                    db.execute("DELETE FROM parsed WHERE fingerprint != ?", (self.fingerprint,))
                    db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)",
                                   [(sha, self.fingerprint, data) for sha, data in items])
                return
            except sqlite3.Error:
                if attempt == 2:
                    return  # still unusable (a read-only folder, say): work on without a cache
                self._drop()
            except OSError:
                return

    def _drop(self) -> None:
        for suffix in ("", "-journal"):
            try:
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            except OSError:
                pass
