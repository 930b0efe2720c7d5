"""Metadata in one SQLite file in WAL mode: records as msgspec-encoded JSON, keyed by kind/scope/key.

Why this shape: every IAM entity is read whole and written whole, so one table of typed records
keeps the store small and lets a PostgreSQL twin implement the same five statements. Writes follow
one discipline (`BEGIN IMMEDIATE`, one writer at a time, `synchronous=FULL`) so an acknowledged
write survives a crash; readers never block on WAL.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import msgspec

from rolegate.model import AccessKey
from rolegate.store.interfaces import AlreadyExists, R, Record

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    lookup TEXT,
    body BLOB NOT NULL,
    PRIMARY KEY (kind, scope, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_lookup ON records (kind, lookup) WHERE lookup IS NOT NULL;
CREATE TABLE IF NOT EXISTS server_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);
"""

_ENCODER = msgspec.json.Encoder()
DATA_VERSION_POLL = 0.05


def _lookup_of(record: Record) -> str | None:
    return record.access_key_id if isinstance(record, AccessKey) else None


class SqliteMetadataStore:
    def __init__(self, path: Path, data_version_poll: float = DATA_VERSION_POLL) -> None:
        self._path = path
        self._poll = data_version_poll
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._decoders: dict[type, msgspec.json.Decoder[object]] = {}
        self._commits = 0
        self._data_version = 0
        self._polled_at = -data_version_poll
        with self._connection() as conn:
            conn.executescript(_SCHEMA)
        # The database holds root secrets: readable by its owner only.
        os.chmod(path, 0o600)

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA busy_timeout=10000")
            self._local.conn = conn
            self._local.depth = 0
        return conn

    def _decode(self, kind: type[R], body: bytes) -> R:
        decoder = self._decoders.get(kind)
        if decoder is None:
            decoder = self._decoders[kind] = msgspec.json.Decoder(kind)
        return decoder.decode(body)  # type: ignore[return-value]  # decoder is typed per kind

    def get(self, kind: type[R], scope: str, key: str) -> R | None:
        row = (
            self._connection()
            .execute(
                "SELECT body FROM records WHERE kind=? AND scope=? AND key=?",
                (kind.KIND, scope, key),
            )
            .fetchone()
        )
        return None if row is None else self._decode(kind, row[0])

    def list(self, kind: type[R], scope: str, prefix: str = "", after: str = "") -> list[R]:
        # A prefix range query: keys >= prefix and < prefix + U+10FFFF, then past `after`.
        low = max(prefix, after)
        rows = (
            self._connection()
            .execute(
                "SELECT key, body FROM records WHERE kind=? AND scope=? AND key>=? AND key<? "
                "ORDER BY key",
                (kind.KIND, scope, low, prefix + "\U0010ffff"),
            )
            .fetchall()
        )
        return [self._decode(kind, body) for key, body in rows if key != after]

    def iter_all(self, kind: type[R]) -> Iterator[R]:
        rows = (
            self._connection()
            .execute("SELECT body FROM records WHERE kind=? ORDER BY scope, key", (kind.KIND,))
            .fetchall()
        )
        for (body,) in rows:
            yield self._decode(kind, body)

    def insert(self, record: Record) -> None:
        with self.transaction():
            try:
                self._connection().execute(
                    "INSERT INTO records (kind, scope, key, lookup, body) VALUES (?,?,?,?,?)",
                    self._row(record),
                )
            except sqlite3.IntegrityError as exc:
                raise AlreadyExists(f"{record.KIND} {record.record_key}") from exc

    def put(self, record: Record) -> None:
        with self.transaction():
            self._connection().execute(
                "INSERT OR REPLACE INTO records (kind, scope, key, lookup, body) VALUES (?,?,?,?,?)",
                self._row(record),
            )

    def delete(self, kind: type[Record], scope: str, key: str) -> bool:
        with self.transaction():
            cursor = self._connection().execute(
                "DELETE FROM records WHERE kind=? AND scope=? AND key=?", (kind.KIND, scope, key)
            )
            return cursor.rowcount > 0

    def find_access_key(self, access_key_id: str) -> AccessKey | None:
        row = (
            self._connection()
            .execute(
                "SELECT body FROM records WHERE kind=? AND lookup=?",
                (AccessKey.KIND, access_key_id),
            )
            .fetchone()
        )
        return None if row is None else self._decode(AccessKey, row[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        conn = self._connection()
        if self._local.depth:
            # Nested: the outermost transaction commits.
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            self._local.depth = 1
            try:
                yield
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
                self._commits += 1
            finally:
                self._local.depth = 0

    def generation(self) -> tuple[int, int]:
        # Our own commits are counted, so they show at once. `data_version` changes when *other*
        # connections commit (`rolegate account create`, a second server); it is polled at most
        # every `data_version_poll` seconds (DATA_VERSION_POLL by default), as a query per
        # lookup cost more than the policy work it guards, so another process's IAM change is
        # seen within that interval. Worker processes of one server never poll here: they call
        # `refresh_generation` once per request instead.
        if time.monotonic() - self._polled_at >= self._poll:
            self.refresh_generation()
        return (self._commits, self._data_version)

    def refresh_generation(self) -> None:
        row = self._connection().execute("PRAGMA data_version").fetchone()
        self._data_version = int(row[0])
        self._polled_at = time.monotonic()

    def server_secret(self, name: str) -> bytes:
        conn = self._connection()
        row = conn.execute("SELECT value FROM server_secrets WHERE name=?", (name,)).fetchone()
        if row is not None:
            return bytes(row[0])
        with self.transaction():
            conn.execute(
                "INSERT OR IGNORE INTO server_secrets (name, value) VALUES (?, ?)",
                (name, secrets.token_bytes(32)),
            )
            row = conn.execute("SELECT value FROM server_secrets WHERE name=?", (name,)).fetchone()
        return bytes(row[0])

    def close(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @staticmethod
    def _row(record: Record) -> tuple[str, str, str, str | None, bytes]:
        return (
            record.KIND,
            record.scope,
            record.record_key,
            _lookup_of(record),
            _ENCODER.encode(record),
        )
