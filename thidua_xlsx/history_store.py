"""The history store: final results of past years, kept with SQLAlchemy Core (SQLite by default, or PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from thidua_xlsx.config import history_url
from thidua_xlsx.errors import ThiduaError
from thidua_xlsx.text import clean, name_key

if TYPE_CHECKING:
    from thidua_xlsx.config import CampaignConfig

metadata = MetaData()
schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))
results = Table(
    "results", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("issuer", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("unit_code", String(40), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("name_key", String(200), nullable=False),
    Column("completion", String(10), nullable=False),
    Column("honours", String(500), nullable=False),  # "LDTT CSTD_CS HC_LD=Ba": the titles and awards granted
)
imports = Table(
    "imports", metadata,
    Column("issuer", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("imported_at", String(40), nullable=False),
    Column("source", String(500), nullable=False),
    Column("rows", Integer, nullable=False),
)


def _v1(conn: Connection) -> None:
    results.create(conn)
    imports.create(conn)


def _v2(conn: Connection) -> None:
    # Plain DDL: an Index object would bind to the table and be created again by _v1 on a fresh database.
    conn.execute(text("CREATE INDEX ix_results_person ON results (issuer, name_key)"))
    conn.execute(text("CREATE INDEX ix_results_year ON results (issuer, year)"))


# Each migration runs once, in order, in its own transaction; the schema version records the last one applied.
MIGRATIONS = ((1, _v1), (2, _v2))
SCHEMA_VERSION = MIGRATIONS[-1][0]


class HistoryError(ThiduaError):
    """The history store cannot be opened, or an imported file is not a year's results."""


def _honours(frame: pd.DataFrame, codes: list[str]) -> list[str]:
    """Each row's titles and awards as stored ("LDTT CSTD_CS HC_LD=Ba"), built column by column (boxing every
    cell of a year's frame into a dict per row cost more than the insert itself)."""
    granted: list[list[str]] = [[] for _ in range(len(frame))]
    for code in (c for c in codes if c in frame):
        for held, value in zip(granted, frame[code].tolist()):
            value = str(value or "0")
            if value not in ("0", ""):
                held.append(code if value == "1" else f"{code}={value}")
    return [" ".join(held) for held in granted]


class HistoryStore:
    """Past results of one database, shared by the campaigns of one issuing body (or a whole province)."""

    def __init__(self, url: str) -> None:
        try:
            # NullPool: each operation opens and closes its connection; nothing lingers between commands.
            self.engine: Engine = create_engine(url, poolclass=NullPool)
            self.migrate()
        except SQLAlchemyError as exc:
            raise HistoryError(f"Không mở được kho lịch sử {self.safe_url(url)}: {exc.__class__.__name__}: "
                               f"{str(exc).splitlines()[0]}") from None
        except ModuleNotFoundError as exc:
            raise HistoryError(f"Thiếu thư viện cho kho lịch sử {self.safe_url(url)}: {exc.name} "
                               "(PostgreSQL cần: pip install 'thidua-xlsx[postgres]').") from None

    @staticmethod
    def safe_url(url: str) -> str:
        """The URL without its password, for messages."""
        from sqlalchemy.engine import make_url

        try:
            return make_url(url).render_as_string(hide_password=True)
        except Exception:
            return "(địa chỉ không hợp lệ)"

    @classmethod
    def for_campaign(cls, campaign: "CampaignConfig", create: bool = True) -> "HistoryStore | None":
        """The campaign's store; None when it is a SQLite file that does not exist yet and create is False."""
        url = history_url(campaign)
        if not create and url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
            return None
        return cls(url)

    def migrate(self) -> int:
        """Bring the schema to SCHEMA_VERSION; return the version found before."""
        with self.engine.begin() as conn:
            schema_version.create(conn, checkfirst=True)
            found = conn.execute(select(func.max(schema_version.c.version))).scalar() or 0
        for version, step in MIGRATIONS:
            if version > found:
                with self.engine.begin() as conn:
                    step(conn)
                    conn.execute(delete(schema_version))
                    conn.execute(insert(schema_version).values(version=version))
        return found

    def version(self) -> int:
        """The schema version of the database."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0

    def import_year(self, issuer: str, year: int, frame: pd.DataFrame, codes: list[str], source: str) -> int:
        """Replace the results of one year with the frame's rows (registrations.csv shape); return the rows
        the year had before (0 for a new year)."""
        honours = _honours(frame, codes)
        completions = frame["completion"].tolist() if "completion" in frame else [None] * len(frame)
        rows = []
        for unit, kind, raw, completion, granted in zip(frame["unit_code"].tolist(), frame["kind"].tolist(),
                                                         frame["name"].tolist(), completions, honours):
            name = clean(raw)
            rows.append({"issuer": issuer, "year": year, "unit_code": str(unit), "kind": kind, "name": name,
                         "name_key": name_key(name), "completion": completion or "", "honours": granted})
        with self.engine.begin() as conn:
            before = conn.execute(select(func.count()).select_from(results).where(
                results.c.issuer == issuer, results.c.year == year)).scalar() or 0
            conn.execute(delete(results).where(results.c.issuer == issuer, results.c.year == year))
            conn.execute(delete(imports).where(imports.c.issuer == issuer, imports.c.year == year))
            if rows:
                conn.execute(insert(results), rows)
            conn.execute(insert(imports).values(issuer=issuer, year=year, source=source, rows=len(rows),
                                                imported_at=datetime.now().isoformat(timespec="seconds")))
        return before

    def years(self, issuer: str) -> set[int]:
        """The years whose results were imported for this issuer."""
        with self.engine.connect() as conn:
            return {y for (y,) in conn.execute(select(imports.c.year).where(imports.c.issuer == issuer))}

    def pasts(self, issuer: str, keys: set[str], kind: str) -> dict[str, list[tuple[int, str, str, str]]]:
        """The results of one kind for these name keys, grouped by key in one pass: key -> [(year, unit_code,
        completion, honours)] (the history rules look a person up here instead of scanning the whole past)."""
        query = select(results.c.name_key, results.c.year, results.c.unit_code, results.c.completion,
                       results.c.honours).where(results.c.issuer == issuer, results.c.kind == kind)
        ordered = sorted(keys)
        grouped: dict[str, list[tuple[int, str, str, str]]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ordered), 500):
                for key, *rest in conn.execute(query.where(results.c.name_key.in_(ordered[start:start + 500]))):
                    grouped.setdefault(key, []).append(tuple(rest))
        return grouped

    def people(self, issuer: str, keys: set[str] | None = None) -> pd.DataFrame:
        """Rows of results (year, unit_code, kind, name, name_key, completion, honours), for some name keys."""
        query = select(results.c.year, results.c.unit_code, results.c.kind, results.c.name, results.c.name_key,
                       results.c.completion, results.c.honours).where(results.c.issuer == issuer)
        frames = []
        with self.engine.connect() as conn:
            if keys is None:
                frames.append(pd.DataFrame(conn.execute(query).mappings().all()))
            else:
                ordered = sorted(keys)
                for start in range(0, len(ordered), 500):
                    chunk = conn.execute(query.where(results.c.name_key.in_(ordered[start:start + 500])))
                    frames.append(pd.DataFrame(chunk.mappings().all()))
        columns = ["year", "unit_code", "kind", "name", "name_key", "completion", "honours"]
        frames = [f for f in frames if not f.empty]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
