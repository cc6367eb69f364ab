"""The saved status summary: each unit's line of `thidua status`, kept in .cache/status.json by every consolidation
with a fingerprint of everything the statuses come from, so that `thidua status` of ten thousand units answers
without reading and checking every return again.

It holds data only: JSON checked field by field when read back, never unpickled. It is only a cache: a damaged,
foreign or stale file is ignored (and written again by the next consolidation), never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from contextlib import suppress
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from thidua_xlsx.config import history_url
from thidua_xlsx.files import file_hash, package_fingerprint
from thidua_xlsx.mail_log import MAIL_LOG
from thidua_xlsx.returns import LOG_NAME
from thidua_xlsx.status import AWAITING, LATE, MISSING, ON_TIME, UNKNOWN, UnitStatus

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

FORMAT = 1  # the layout of status.json this version writes
FILE_NAME = "status.json"
STATES = {ON_TIME, LATE, MISSING, AWAITING, UNKNOWN}
ROW_KINDS = {"tap_the", "ca_nhan", "gia_dinh"}
COUNTS = ("versions", "errors", "warnings", "infos")
FIELDS = tuple(f.name for f in fields(UnitStatus))
FIELD_SET = set(FIELDS)


def fingerprint(campaign: "CampaignConfig") -> str | None:
    """A digest of everything the statuses are computed from; None when one of them has no cheap stamp (a history
    store behind a server URL such as PostgreSQL): the statuses are then always computed afresh.

    No rule reads today's date, so the date is not part of it."""
    history = _history_stamp(campaign)
    if history is None:
        return None
    root = campaign.root
    parts = [FORMAT, package_fingerprint(), repr(campaign.catalogue), history,
             _digest(root / "campaign.toml"), _digest(root / "units.csv"), _digest(root / MAIL_LOG),
             _digest(campaign.returns_dir / LOG_NAME), _files(campaign.returns_dir), _registrations(campaign)]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _digest(path: Path) -> str | None:
    try:
        return file_hash(path)
    except OSError:
        return None


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def _files(folder: Path) -> list[str]:
    """The files in returns/: a logged return missing from it is a finding (its bytes are read by hash)."""
    try:
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries if e.is_file())
    except OSError:
        return []


def _history_stamp(campaign: "CampaignConfig") -> tuple | None:
    """The history store's SQLite file as it stands (the history rules read it); None for a server URL."""
    url = history_url(campaign)
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///"):].split("?", 1)[0]  # sqlite:///x.sqlite?timeout=30 is the file x.sqlite
    return url, _stat(Path(path)), _stat(Path(f"{path}-wal"))


def _registrations(campaign: "CampaignConfig") -> tuple | None:
    """A proposal round's registration campaign: its settings and the registrations.csv its rules read."""
    folder = campaign.registrations
    if not campaign.proposal or folder is None:
        return None
    return (_digest(folder / "campaign.toml"), _digest(folder / "units.csv"),
            _stat(folder / "reports" / "registrations.csv"))


def load(campaign: "CampaignConfig", key: str) -> list[UnitStatus] | None:
    """The statuses saved under this fingerprint; None when there are none, or not these, or not readable."""
    try:
        data = json.loads((campaign.root / ".cache" / FILE_NAME).read_bytes())
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
            return None
        return [_status(raw) for raw in data["statuses"]]
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None


def _status(raw: object) -> UnitStatus:
    """One saved status, every field checked; ValueError when it is not what save() writes."""
    if type(raw) is not dict or raw.keys() != FIELD_SET:
        raise ValueError("not a saved status")
    rows, at = raw["rows"], raw["received_at"]
    if not (type(raw["code"]) is type(raw["name"]) is type(raw["file"]) is str and raw["state"] in STATES
            and all(_count(raw[k]) for k in COUNTS) and type(rows) is dict and rows.keys() <= ROW_KINDS
            and all(map(_count, rows.values())) and (at is None or type(at) is str)):
        raise ValueError("not a saved status")
    when = None if at is None else datetime.fromisoformat(at)
    if when is not None and when.tzinfo is None:
        raise ValueError("a saved time without its time zone")
    return UnitStatus(**{**raw, "received_at": when})


def _count(value: object) -> bool:
    return type(value) is int and value >= 0


def save(campaign: "CampaignConfig", key: str, statuses: list[UnitStatus]) -> None:
    """Keep the statuses under their fingerprint, replacing the file whole; a folder that cannot be written to
    only means no saved summary."""
    rows = [{**{f: getattr(s, f) for f in FIELDS},
             "received_at": None if s.received_at is None else s.received_at.isoformat()} for s in statuses]
    folder = campaign.root / ".cache"
    tmp = folder / f".{FILE_NAME}.{secrets.token_hex(8)}.tmp"
    try:
        folder.mkdir(exist_ok=True)
        tmp.write_text(json.dumps({"format": FORMAT, "key": key, "statuses": rows}, ensure_ascii=False),
                       encoding="utf-8")
        tmp.replace(folder / FILE_NAME)
    except OSError:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
