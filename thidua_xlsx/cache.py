"""The parse cache: each return is read once per reader version, kept by content hash in .cache/parsed.sqlite.

One SQLite file rather than a file per return: creating a thousand small files costs more than reading them.
It is only a cache: a damaged or locked-out database is rebuilt, never an error.
"""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

_SCHEMA = ("CREATE TABLE IF NOT EXISTS parsed (sha256 TEXT NOT NULL, fingerprint TEXT NOT NULL, data BLOB NOT NULL, "
           "PRIMARY KEY (sha256, fingerprint))")


@lru_cache(maxsize=1)
def reader_fingerprint() -> str:
    """The package's source: the reader, its vocabulary, text rules, findings catalogue and messages all shape a
    parsed return, so any change to the package's code invalidates the cache (over-invalidating costs one re-read;
    a stale message would cost the clerk's trust)."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class ParseCache:
    """Pickled ParsedReturn bytes by (content hash, fingerprint of the reader and the campaign's catalogue)."""

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
        db.execute("PRAGMA synchronous = OFF")  # a cache: losing it on a crash costs one re-read
        db.execute(_SCHEMA)
        return db

    def get(self, hashes: set[str]) -> dict[str, bytes]:
        """The cached bytes of those of the hashes read before by this reader."""
        if not self.path.exists() or not hashes:
            return {}
        try:
            with closing(self._connect()) as db:
                rows = db.execute("SELECT sha256, data FROM parsed WHERE fingerprint = ?", (self.fingerprint,))
                return {sha: data for sha, data in rows if sha in hashes}
        except sqlite3.Error:
            self._drop()
            return {}

    def put(self, items: list[tuple[str, bytes]]) -> None:
        """Keep newly read returns; entries of other readers or catalogues are dropped on the way."""
        if not items:
            return
        for attempt in (1, 2):
            try:
                with closing(self._connect()) as db, db:
                    db.execute("DELETE FROM parsed WHERE fingerprint != ?", (self.fingerprint,))
                    db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)",
                                   [(sha, self.fingerprint, data) for sha, data in items])
                return
            except sqlite3.Error:
                if attempt == 2:
                    return  # still unusable (a read-only folder, say): work on without a cache
                self._drop()

    def _drop(self) -> None:
        for suffix in ("", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
