"""Registered data sources: a SQLite file in the platform directory, one row per source.

Registration checks the source first (the role is assumed and the path listed) unless told not
to. Each write is one `BEGIN IMMEDIATE` transaction; WAL lets readers run beside the writer.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type information

from rolegate.platform.errors import PlatformError
from rolegate.platform.sources.base import DataSource
from rolegate.platform.sources.context import SourceContext
from rolegate.platform.sources.spec import source_from_dict, source_to_dict

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    high_water_mark TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
"""
REGISTRY_FILE = "sources.sqlite"


def default_platform_dir() -> Path:
    configured = os.environ.get("ROLEGATE_PLATFORM_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".local" / "share" / "rolegate-platform"


@dataclass(frozen=True, slots=True)
class RegisteredSource:
    source: DataSource
    high_water_mark: str | None
    created: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SourceRegistry:
    """Sources by name; also the `HighWaterMarks` store for their "new only" reads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # isolation_level=None: transactions are explicit (`BEGIN IMMEDIATE` below).
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        # One connection, shared by the threads of a read: one statement at a time.
        self._lock = threading.RLock()

    @classmethod
    def in_dir(cls, platform_dir: Path | None = None) -> SourceRegistry:
        return cls((platform_dir or default_platform_dir()) / REGISTRY_FILE)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SourceRegistry:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, parameters: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
        with self._lock:
            rows: list[tuple[str, ...]] = self._db.execute(sql, parameters).fetchall()
            return rows

    def register(
        self,
        source: DataSource,
        context: SourceContext | None = None,
        validate: bool = True,
        replace: bool = False,
    ) -> int | None:
        """Store `source`; with `validate`, first assume its role and list its path.

        Returns how many files validation found (None when not validated)."""
        found = len(source.files(context)) if validate else None
        spec = json.dumps(source_to_dict(source), sort_keys=True)
        now = _now()
        with self._write() as db:
            exists = db.execute("SELECT 1 FROM sources WHERE name = ?", (source.name,)).fetchone()
            if exists and not replace:
                raise PlatformError(
                    f"register source {source.name}",
                    "a source with that name is already registered",
                    "choose another name, remove the old source, or register with replace",
                )
            db.execute(
                "INSERT INTO sources (name, spec, created, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET spec = excluded.spec, "
                "updated = excluded.updated, high_water_mark = NULL",
                (source.name, spec, now, now),
            )
        return found

    def get(self, name: str) -> DataSource:
        return self.entry(name).source

    def entry(self, name: str) -> RegisteredSource:
        found = self._query(
            "SELECT spec, high_water_mark, created FROM sources WHERE name = ?", (name,)
        )
        if not found:
            raise PlatformError(
                f"find source {name}",
                "no source with that name is registered",
                "check the name (`rolegate sources list`) and --platform-dir",
            )
        spec, mark, created = found[0]
        return RegisteredSource(source_from_dict(json.loads(spec)), mark, created)

    def list(self) -> list[RegisteredSource]:
        rows = self._query("SELECT spec, high_water_mark, created FROM sources ORDER BY name")
        return [RegisteredSource(source_from_dict(json.loads(s)), m, c) for s, m, c in rows]

    def remove(self, name: str) -> None:
        with self._write() as db:
            gone = db.execute("DELETE FROM sources WHERE name = ?", (name,)).rowcount
        if not gone:
            raise PlatformError(
                f"remove source {name}",
                "no source with that name is registered",
                "check the name (`rolegate sources list`) and --platform-dir",
            )

    def high_water_mark(self, source_name: str) -> str | None:
        found = self._query("SELECT high_water_mark FROM sources WHERE name = ?", (source_name,))
        return found[0][0] if found else None

    def set_high_water_mark(self, source_name: str, mark: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE sources SET high_water_mark = ?, updated = ? WHERE name = ?",
                (mark, _now(), source_name),
            )

    def read(
        self, name: str, new_only: bool = False, context: SourceContext | None = None
    ) -> pa.Table:
        """Read a registered source; with `new_only` its high-water mark is kept here."""
        return self.get(name).read(new_only=new_only, context=context, marks=self)
