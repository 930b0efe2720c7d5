"""S3 metadata in one SQLite file (`objects.sqlite3`): buckets, objects, uploads, parts, blob refs.

Why this shape: GetObject is one primary-key lookup on (bucket, key) in a WITHOUT ROWID table,
so rows sit in key order and a listing is a range scan that can jump over a whole common prefix
with one new seek. Records are msgspec JSON of the model's dataclasses, read and written whole.
`blob_refs` counts, per blob, the objects and parts that use it: what a write frees is known
inside its own transaction, and the startup sweep keeps exactly what it lists.

Writes follow `SqliteDatabase`'s discipline (BEGIN IMMEDIATE, synchronous=FULL): a PUT is
acknowledged only after its commit, and the commit is the one moment the new version appears.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import msgspec

from rolegate.model import Bucket, MultipartUpload, PrincipalBinding, StoredObject, UploadedPart
from rolegate.store import sqlite_blob_refs as blob_refs
from rolegate.store.interfaces import AlreadyExists
from rolegate.store.key_ranges import prefix_end
from rolegate.store.object_listing import list_keys
from rolegate.store.objects import (
    BucketNotEmpty,
    InvalidParts,
    KeyCheck,
    ListPage,
    NoSuchBucket,
    NoSuchUpload,
    ObjectCheck,
    PartsPage,
    UploadsPage,
)
from rolegate.store.sqlite_db import SqliteDatabase

_SCHEMA = """
CREATE TABLE IF NOT EXISTS buckets (
    name TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    body BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS buckets_by_account ON buckets (account_id, name);
CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS uploads (
    upload_id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    body BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS uploads_by_key ON uploads (bucket, key, upload_id);
CREATE TABLE IF NOT EXISTS parts (
    upload_id TEXT NOT NULL,
    part_number INTEGER NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
"""

T = TypeVar("T")
_ENCODER = msgspec.json.Encoder()
_BUCKET = msgspec.json.Decoder(Bucket)
_OBJECT = msgspec.json.Decoder(StoredObject)
_UPLOAD = msgspec.json.Decoder(MultipartUpload)
_PART = msgspec.json.Decoder(UploadedPart)


def _one(decoder: msgspec.json.Decoder[T], row: tuple[bytes] | None) -> T | None:
    return None if row is None else decoder.decode(row[0])


def _blob_ids(obj: StoredObject) -> list[str]:
    return [segment.blob_id for segment in obj.segments]


class SqliteObjectStore:
    def __init__(self, path: Path) -> None:
        self._db = SqliteDatabase(path, _SCHEMA + blob_refs.SCHEMA)

    @property
    def path(self) -> Path:
        return self._db.path

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._db.transaction():
            yield

    # Buckets -------------------------------------------------------------------------------

    def create_bucket(self, bucket: Bucket) -> None:
        with self._db.transaction() as conn:
            try:
                conn.execute(
                    "INSERT INTO buckets (name, account_id, body) VALUES (?,?,?)",
                    (bucket.name, bucket.account_id, _ENCODER.encode(bucket)),
                )
            except sqlite3.IntegrityError as exc:
                raise AlreadyExists(f"bucket {bucket.name}") from exc

    def get_bucket(self, name: str) -> Bucket | None:
        conn = self._db.connection()
        return _one(
            _BUCKET, conn.execute("SELECT body FROM buckets WHERE name=?", (name,)).fetchone()
        )

    def get_bucket_and_object(
        self, bucket: str, key: str
    ) -> tuple[Bucket | None, StoredObject | None]:
        # One statement instead of two: on a 1 KiB GET each SQLite round trip is ~5% of the work.
        row = (
            self._db.connection()
            .execute(
                "SELECT b.body, o.body FROM buckets b"
                " LEFT JOIN objects o ON o.bucket = b.name AND o.key = ? WHERE b.name = ?",
                (key, bucket),
            )
            .fetchone()
        )
        if row is None:
            return None, None
        found = None if row[1] is None else _OBJECT.decode(row[1])
        return _BUCKET.decode(row[0]), found

    def list_buckets(self, account_id: str) -> list[Bucket]:
        rows = self._db.connection().execute(
            "SELECT body FROM buckets WHERE account_id=? ORDER BY name", (account_id,)
        )
        return [_BUCKET.decode(body) for (body,) in rows]

    def delete_bucket(self, name: str, expected: Bucket | None = None) -> None:
        with self._db.transaction() as conn:
            self._require_bucket(conn, name, expected)
            for table in ("objects", "uploads"):
                # Table names come from this tuple, never from a request.
                if conn.execute(
                    f"SELECT 1 FROM {table} WHERE bucket=? LIMIT 1", (name,)
                ).fetchone():
                    raise BucketNotEmpty(name)
            conn.execute("DELETE FROM buckets WHERE name=?", (name,))

    def set_bucket_policy(
        self,
        name: str,
        policy: str | None,
        principals: tuple[PrincipalBinding, ...] = (),
        expected: Bucket | None = None,
    ) -> None:
        with self._db.transaction() as conn:
            bucket = dataclasses.replace(
                self._require_bucket(conn, name, expected),
                policy=policy,
                policy_principals=principals,
            )
            conn.execute("UPDATE buckets SET body=? WHERE name=?", (_ENCODER.encode(bucket), name))

    # Objects -------------------------------------------------------------------------------

    def get_object(self, bucket: str, key: str) -> StoredObject | None:
        conn = self._db.connection()
        return self._object(conn, bucket, key)

    def put_object(
        self, obj: StoredObject, check: ObjectCheck | None = None, expected: Bucket | None = None
    ) -> tuple[str, ...]:
        _check_size(obj)
        with self._db.transaction() as conn:
            self._require_bucket(conn, obj.bucket, expected)
            return tuple(dict.fromkeys(self._replace_object(conn, obj, check)))

    def delete_object(
        self,
        bucket: str,
        key: str,
        check: ObjectCheck | None = None,
        expected: Bucket | None = None,
    ) -> tuple[str, ...]:
        if check is None:
            return self.delete_objects(bucket, (key,), None, expected)

        def raising(_key: str, current: StoredObject | None) -> bool:
            check(current)
            return True

        return self.delete_objects(bucket, (key,), raising, expected)

    def delete_objects(
        self,
        bucket: str,
        keys: Iterable[str],
        check: KeyCheck | None = None,
        expected: Bucket | None = None,
    ) -> tuple[str, ...]:
        freed: list[str] = []
        with self._db.transaction() as conn:
            if expected is not None:
                self._require_bucket(conn, bucket, expected)
            for key in keys:
                old = self._object(conn, bucket, key)
                if check is not None and not check(key, old):
                    continue
                if old is not None:
                    conn.execute("DELETE FROM objects WHERE bucket=? AND key=?", (bucket, key))
                    freed += blob_refs.drop_refs(conn, _blob_ids(old))
        return tuple(dict.fromkeys(freed))

    def list_objects(
        self,
        bucket: str,
        prefix: str = "",
        delimiter: str = "",
        start_after: str = "",
        max_keys: int = 1000,
        expected: Bucket | None = None,
    ) -> ListPage:
        with self._db.snapshot() as conn:
            if expected is not None:
                self._require_bucket(conn, bucket, expected)
            return list_keys(_KeyScanner(conn, bucket), prefix, delimiter, start_after, max_keys)

    # Multipart uploads ---------------------------------------------------------------------

    def create_upload(self, upload: MultipartUpload, expected: Bucket | None = None) -> None:
        with self._db.transaction() as conn:
            self._require_bucket(conn, upload.bucket, expected)
            try:
                conn.execute(
                    "INSERT INTO uploads (upload_id, bucket, key, body) VALUES (?,?,?,?)",
                    (upload.upload_id, upload.bucket, upload.key, _ENCODER.encode(upload)),
                )
            except sqlite3.IntegrityError as exc:
                raise AlreadyExists(f"upload {upload.upload_id}") from exc

    def get_upload(self, upload_id: str) -> MultipartUpload | None:
        return self._upload(self._db.connection(), upload_id)

    def put_part(self, part: UploadedPart) -> tuple[str, ...]:
        with self._db.transaction() as conn:
            if self._upload(conn, part.upload_id) is None:
                raise NoSuchUpload(part.upload_id)
            old = _one(
                _PART,
                conn.execute(
                    "SELECT body FROM parts WHERE upload_id=? AND part_number=?",
                    (part.upload_id, part.part_number),
                ).fetchone(),
            )
            conn.execute(
                "INSERT OR REPLACE INTO parts (upload_id, part_number, body) VALUES (?,?,?)",
                (part.upload_id, part.part_number, _ENCODER.encode(part)),
            )
            blob_refs.add_refs(conn, [part.blob_id])
            return () if old is None else tuple(blob_refs.drop_refs(conn, [old.blob_id]))

    def list_parts(
        self, upload_id: str, part_number_marker: int = 0, max_parts: int = 1000
    ) -> PartsPage:
        if max_parts <= 0:
            return PartsPage([], False, None)
        rows = self._db.connection().execute(
            "SELECT body FROM parts WHERE upload_id=? AND part_number>? "
            "ORDER BY part_number LIMIT ?",
            (upload_id, part_number_marker, max_parts + 1),
        )
        parts = [_PART.decode(body) for (body,) in rows]
        truncated = len(parts) > max_parts
        del parts[max_parts:]
        return PartsPage(parts, truncated, parts[-1].part_number if parts else None)

    def list_uploads(
        self,
        bucket: str,
        prefix: str = "",
        key_marker: str = "",
        upload_id_marker: str = "",
        max_uploads: int = 1000,
        expected: Bucket | None = None,
    ) -> UploadsPage:
        if max_uploads <= 0:
            return UploadsPage([], False, None, None)
        where, args = ["bucket=?", "key>=?"], [bucket, prefix]
        end = prefix_end(prefix)
        if end is not None:
            where.append("key<?")
            args.append(end)
        if key_marker and upload_id_marker:
            where.append("(key, upload_id) > (?, ?)")
            args += [key_marker, upload_id_marker]
        elif key_marker:
            where.append("key>?")
            args.append(key_marker)
        with self._db.snapshot() as conn:
            if expected is not None:
                self._require_bucket(conn, bucket, expected)
            rows = conn.execute(
                f"SELECT body FROM uploads WHERE {' AND '.join(where)}"
                " ORDER BY key, upload_id LIMIT ?",
                (*args, max_uploads + 1),
            )
            uploads = [_UPLOAD.decode(body) for (body,) in rows]
        truncated = len(uploads) > max_uploads
        del uploads[max_uploads:]
        last = uploads[-1] if uploads else None
        return UploadsPage(
            uploads,
            truncated,
            None if last is None else last.key,
            None if last is None else last.upload_id,
        )

    def complete_upload(
        self,
        upload_id: str,
        obj: StoredObject,
        used_part_numbers: Iterable[int],
        check: ObjectCheck | None = None,
    ) -> tuple[str, ...]:
        _check_size(obj)
        used = list(used_part_numbers)
        with self._db.transaction() as conn:
            upload = self._upload(conn, upload_id)
            if upload is None:
                raise NoSuchUpload(upload_id)
            if (obj.bucket, obj.key) != (upload.bucket, upload.key):
                raise ValueError(f"upload {upload_id} is for {upload.bucket}/{upload.key}")
            parts = {part.part_number: part for part in self._parts(conn, upload_id)}
            wanted = [(parts[n].blob_id, parts[n].size) if n in parts else None for n in used]
            if wanted != [(s.blob_id, s.size) for s in obj.segments]:
                raise InvalidParts(f"upload {upload_id}: segments are not parts {used}")
            self._require_bucket(conn, obj.bucket)
            freed = list(self._replace_object(conn, obj, check))
            # The used parts' blobs were just referenced again by the object: only unused
            # parts' blobs reach zero here.
            freed += blob_refs.drop_refs(conn, [part.blob_id for part in parts.values()])
            conn.execute("DELETE FROM parts WHERE upload_id=?", (upload_id,))
            conn.execute("DELETE FROM uploads WHERE upload_id=?", (upload_id,))
        return tuple(dict.fromkeys(freed))

    def abort_upload(self, upload_id: str) -> tuple[str, ...]:
        with self._db.transaction() as conn:
            if self._upload(conn, upload_id) is None:
                raise NoSuchUpload(upload_id)
            blob_ids = [part.blob_id for part in self._parts(conn, upload_id)]
            conn.execute("DELETE FROM parts WHERE upload_id=?", (upload_id,))
            conn.execute("DELETE FROM uploads WHERE upload_id=?", (upload_id,))
            return tuple(dict.fromkeys(blob_refs.drop_refs(conn, blob_ids)))

    # Blobs ---------------------------------------------------------------------------------

    def referenced_blob(self, blob_id: str) -> bool:
        return blob_refs.is_referenced(self._db.connection(), blob_id)

    def all_blob_ids(self) -> set[str]:
        return blob_refs.referenced_ids(self._db.connection())

    def check_blob_refs(self) -> list[str]:
        """Where the stored reference counts disagree with the objects and parts (a check for
        tests and repair tools; empty when consistent)."""
        with self._db.snapshot() as conn:
            uses = [
                blob_id
                for (body,) in conn.execute("SELECT body FROM objects")
                for blob_id in _blob_ids(_OBJECT.decode(body))
            ]
            uses += [
                _PART.decode(body).blob_id for (body,) in conn.execute("SELECT body FROM parts")
            ]
            return blob_refs.mismatches(conn, uses)

    def close(self) -> None:
        self._db.close()

    # Helpers -------------------------------------------------------------------------------

    @staticmethod
    def _require_bucket(
        conn: sqlite3.Connection, name: str, expected: Bucket | None = None
    ) -> Bucket:
        """The bucket of that name, inside the caller's transaction. With `expected` (the
        bucket a request was authorized against), a bucket of the same name that is not that
        one (deleted, and created again, perhaps by another account) is NoSuchBucket too."""
        row = conn.execute("SELECT body FROM buckets WHERE name=?", (name,)).fetchone()
        if row is None:
            raise NoSuchBucket(name)
        bucket = _BUCKET.decode(row[0])
        if expected is not None and not bucket.same_bucket(expected):
            raise NoSuchBucket(name)
        return bucket

    @staticmethod
    def _object(conn: sqlite3.Connection, bucket: str, key: str) -> StoredObject | None:
        row = conn.execute(
            "SELECT body FROM objects WHERE bucket=? AND key=?", (bucket, key)
        ).fetchone()
        return _one(_OBJECT, row)

    @staticmethod
    def _upload(conn: sqlite3.Connection, upload_id: str) -> MultipartUpload | None:
        row = conn.execute("SELECT body FROM uploads WHERE upload_id=?", (upload_id,)).fetchone()
        return _one(_UPLOAD, row)

    @staticmethod
    def _parts(conn: sqlite3.Connection, upload_id: str) -> list[UploadedPart]:
        rows = conn.execute(
            "SELECT body FROM parts WHERE upload_id=? ORDER BY part_number", (upload_id,)
        )
        return [_PART.decode(body) for (body,) in rows]

    def _replace_object(
        self, conn: sqlite3.Connection, obj: StoredObject, check: ObjectCheck | None = None
    ) -> list[str]:
        old = self._object(conn, obj.bucket, obj.key)
        if check is not None:
            check(old)  # inside the write transaction: nothing can change the key in between
        conn.execute(
            "INSERT OR REPLACE INTO objects (bucket, key, body) VALUES (?,?,?)",
            (obj.bucket, obj.key, _ENCODER.encode(obj)),
        )
        # New references first: a blob both versions share never touches zero.
        blob_refs.add_refs(conn, _blob_ids(obj))
        return [] if old is None else blob_refs.drop_refs(conn, _blob_ids(old))


class _KeyScanner:
    """Keys of one bucket in order from a bound, for `list_keys`; bodies decoded on demand."""

    def __init__(self, conn: sqlite3.Connection, bucket: str) -> None:
        self._conn = conn
        self._bucket = bucket

    def scan(
        self, low: str, inclusive: bool, high: str | None
    ) -> Generator[tuple[str, bytes], None, None]:
        sql = "SELECT key, body FROM objects WHERE bucket=? AND key" + (
            ">=?" if inclusive else ">?"
        )
        args: tuple[str, ...] = (self._bucket, low)
        if high is not None:
            sql += " AND key<?"
            args += (high,)
        cursor = self._conn.execute(sql + " ORDER BY key", args)
        try:
            yield from cursor
        finally:
            cursor.close()

    @staticmethod
    def decode(body: bytes) -> StoredObject:
        return _OBJECT.decode(body)


def _check_size(obj: StoredObject) -> None:
    # Cheap, and catches a caller bug before it becomes an object whose bytes disagree with it.
    if obj.size != sum(segment.size for segment in obj.segments):
        raise ValueError(f"{obj.bucket}/{obj.key}: size {obj.size} is not the sum of its segments")
