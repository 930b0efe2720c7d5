"""Which files of which execution are done: a SQLite file in the platform directory.

The process that runs an execution is its only writer, and each write is one `BEGIN IMMEDIATE`
transaction, so a crash leaves every file either recorded or still pending.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rolegate.platform.batch.config import BatchExecution
from rolegate.platform.batch.tasks import FileOutcome, FileState
from rolegate.platform.errors import PlatformError
from rolegate.platform.registry import default_platform_dir

_SCHEMA = """
CREATE TABLE IF NOT EXISTS executions (
    id TEXT PRIMARY KEY,
    config TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    execution_id TEXT NOT NULL REFERENCES executions(id),
    source_key TEXT NOT NULL,
    destination_key TEXT NOT NULL,
    source_etag TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    rows_in INTEGER NOT NULL DEFAULT 0,
    rows_out INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL,
    PRIMARY KEY (execution_id, source_key)
);
"""


@dataclass(frozen=True, slots=True)
class FileRecord:
    source_key: str
    destination_key: str
    source_etag: str
    state: FileState
    attempts: int
    rows_in: int
    rows_out: int
    seconds: float
    error: str
    updated: str


@dataclass(frozen=True, slots=True)
class ExecutionSummary:
    execution_id: str
    execution: BatchExecution
    created: str
    updated: str
    counts: dict[FileState, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def state(self) -> str:
        if self.counts.get(FileState.PENDING):
            return "incomplete"
        return "failed" if self.counts.get(FileState.FAILED) else "succeeded"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class BatchRegistry:
    def __init__(self, platform_dir: Path | None = None) -> None:
        directory = platform_dir or default_platform_dir()
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "batch-executions.sqlite3"
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> BatchRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def execution(self, execution_id: str) -> BatchExecution | None:
        row = self._db.execute(
            "SELECT config FROM executions WHERE id = ?", (execution_id,)
        ).fetchone()
        return None if row is None else BatchExecution.from_mapping(json.loads(row[0]))

    def start(self, execution_id: str, execution: BatchExecution) -> None:
        """Record a new execution, or check a rerun reads and writes the same places."""
        known = self.execution(execution_id)
        if known is not None and known.identity_fields() != execution.identity_fields():
            raise PlatformError(
                f"rerun execution {execution_id}",
                f"it was started with {known.identity_fields()}, not {execution.identity_fields()}",
                "rerun with the same source, destination and file types, or start a new "
                "execution id",
            )
        now = _now()
        config = json.dumps(execution.to_mapping())
        with self._write() as db:
            db.execute(
                "INSERT INTO executions (id, config, created, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET config = excluded.config, "
                "updated = excluded.updated",
                (execution_id, config, now, now),
            )

    def plan(self, execution_id: str, files: Sequence[tuple[str, str, str]]) -> None:
        """Add (source key, destination key, etag) rows as pending; a changed source is redone."""
        now = _now()
        with self._write() as db:
            db.executemany(
                "INSERT INTO files (execution_id, source_key, destination_key, source_etag, "
                "state, updated) VALUES (?, ?, ?, ?, 'pending', ?) "
                "ON CONFLICT (execution_id, source_key) DO UPDATE SET "
                "state = CASE WHEN files.source_etag = excluded.source_etag "
                "THEN files.state ELSE 'pending' END, "
                "source_etag = excluded.source_etag, updated = excluded.updated",
                [(execution_id, *row, now) for row in files],
            )

    def record(self, execution_id: str, outcome: FileOutcome) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE files SET state = ?, attempts = attempts + ?, rows_in = ?, rows_out = ?, "
                "seconds = ?, error = ?, updated = ? WHERE execution_id = ? AND source_key = ?",
                (
                    outcome.state.value,
                    outcome.attempts,
                    outcome.rows_in,
                    outcome.rows_out,
                    outcome.seconds,
                    outcome.error,
                    _now(),
                    execution_id,
                    outcome.source_key,
                ),
            )
            db.execute("UPDATE executions SET updated = ? WHERE id = ?", (_now(), execution_id))

    def files(self, execution_id: str) -> list[FileRecord]:
        rows = self._db.execute(
            "SELECT source_key, destination_key, source_etag, state, attempts, rows_in, "
            "rows_out, seconds, error, updated FROM files WHERE execution_id = ? "
            "ORDER BY source_key",
            (execution_id,),
        ).fetchall()
        return [
            FileRecord(r[0], r[1], r[2], FileState(r[3]), r[4], r[5], r[6], r[7], r[8], r[9])
            for r in rows
        ]

    def summary(self, execution_id: str) -> ExecutionSummary:
        row = self._db.execute(
            "SELECT config, created, updated FROM executions WHERE id = ?", (execution_id,)
        ).fetchone()
        if row is None:
            raise PlatformError(
                f"find execution {execution_id}",
                f"no execution {execution_id!r} in {self.path}",
                "check the id (`rolegate batch list`) and --platform-dir",
            )
        counts = dict.fromkeys(FileState, 0)
        for state, count in self._db.execute(
            "SELECT state, count(*) FROM files WHERE execution_id = ? GROUP BY state",
            (execution_id,),
        ):
            counts[FileState(state)] = count
        execution = BatchExecution.from_mapping(json.loads(row[0]))
        return ExecutionSummary(execution_id, execution, row[1], row[2], counts)

    def execution_ids(self) -> list[str]:
        return [
            r[0] for r in self._db.execute("SELECT id FROM executions ORDER BY created DESC, id")
        ]
