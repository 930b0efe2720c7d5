"""One SQLite file used the way every rolegate store uses it: WAL, `synchronous=FULL`, one writer.

Why: a commit that returned is on disk (FULL syncs the WAL on every commit), readers never wait
for the writer (WAL), and writes never interleave (`BEGIN IMMEDIATE` takes the write lock up
front, so a transaction cannot fail half-way for lack of it; `busy_timeout` covers other
processes on the same file). Connections are per thread because the server calls stores from
worker threads and a sqlite3 connection must not be shared by two at once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class SqliteDatabase:
    def __init__(self, path: Path, schema: str) -> None:
        self._path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        # Each statement is idempotent (IF NOT EXISTS) and commits on its own.
        self.connection().executescript(schema)
        encoding = self.connection().execute("PRAGMA encoding").fetchone()[0]
        if encoding != "UTF-8":
            # BINARY collation compares the stored bytes: only UTF-8 gives S3's key order.
            raise RuntimeError(f"{path} is {encoding}, not UTF-8")

    @property
    def path(self) -> Path:
        return self._path

    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA encoding='UTF-8'")  # only takes effect on a new file
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
            self._local.depth = 0
            with self._all_lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested ones join the outermost, which commits."""
        conn = self.connection()
        if self._local.depth:
            self._local.depth += 1
            try:
                yield conn
            finally:
                self._local.depth -= 1
            return
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            self._local.depth = 1
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                self._local.depth = 0

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: several queries see one committed state (e.g. a listing page)."""
        conn = self.connection()
        if self._local.depth or conn.in_transaction:
            yield conn  # inside a transaction, which is already consistent
            return
        conn.execute("BEGIN DEFERRED")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def close(self) -> None:
        """Closes every thread's connection: call it once no thread uses the store any more."""
        with self._all_lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()
        self._local = threading.local()
