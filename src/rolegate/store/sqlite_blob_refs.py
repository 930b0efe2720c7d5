"""Reference counts of blobs, kept in the same transactions as the records that use them.

Why counts rather than a scan: a write learns which blobs it freed inside its own transaction
(the caller deletes them right after the commit), blobs can be shared by several objects (a copy
that copies no bytes), and the startup sweep reads one small table.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence

SCHEMA = """
CREATE TABLE IF NOT EXISTS blob_refs (
    blob_id TEXT PRIMARY KEY,
    refs INTEGER NOT NULL
) WITHOUT ROWID;
"""


def add_refs(conn: sqlite3.Connection, blob_ids: Sequence[str]) -> None:
    conn.executemany(
        "INSERT INTO blob_refs (blob_id, refs) VALUES (?, 1) "
        "ON CONFLICT (blob_id) DO UPDATE SET refs = refs + 1",
        [(blob_id,) for blob_id in blob_ids],
    )


def drop_refs(conn: sqlite3.Connection, blob_ids: Sequence[str]) -> list[str]:
    """Drops one reference per id; returns the ids no one references any more."""
    freed = []
    for blob_id in blob_ids:
        if conn.execute("DELETE FROM blob_refs WHERE blob_id=? AND refs<=1", (blob_id,)).rowcount:
            freed.append(blob_id)
        else:
            conn.execute("UPDATE blob_refs SET refs = refs - 1 WHERE blob_id=?", (blob_id,))
    return freed


def is_referenced(conn: sqlite3.Connection, blob_id: str) -> bool:
    row = conn.execute("SELECT 1 FROM blob_refs WHERE blob_id=?", (blob_id,)).fetchone()
    return row is not None


def referenced_ids(conn: sqlite3.Connection) -> set[str]:
    return {blob_id for (blob_id,) in conn.execute("SELECT blob_id FROM blob_refs")}


def mismatches(conn: sqlite3.Connection, uses: Iterable[str]) -> list[str]:
    """Where the stored counts disagree with `uses` (one blob id per use found in the records)."""
    found = Counter(uses)
    stored = Counter(dict(conn.execute("SELECT blob_id, refs FROM blob_refs").fetchall()))
    return [
        f"blob {blob_id}: {stored[blob_id]} refs recorded, {found[blob_id]} found"
        for blob_id in sorted(found.keys() | stored.keys())
        if stored[blob_id] != found[blob_id]
    ]
