"""Writes objects the way a PUT does, forever, until killed: the subject of test_crash_safety.py.

    python tests/store/crash_writer.py DATA_DIR LOG FIRST_COUNTER

Starts like the server (sweep, then serve), prints "ready", then loops. Each round picks a key from
KEYS, writes content that `content(counter)` can regenerate, and records it: as one blob, as a
few blobs in one object, or through a multipart upload (create, parts, complete). Only after the
store acknowledged the write does it append "key<TAB>counter<TAB>etag" to LOG and fsync it, then
delete the blobs the write freed. A SIGKILL can land anywhere in this.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import sys
from datetime import UTC, datetime
from pathlib import Path

from rolegate.model import Bucket, MultipartUpload, Segment, StoredObject, UploadedPart
from rolegate.store.blobs import BlobStore
from rolegate.store.interfaces import AlreadyExists
from rolegate.store.objects import ObjectStore
from rolegate.store.open import open_blob_store, open_object_store

BUCKET = "crash"
KEYS = ["plain", "../../escape", "/leading", "ünï cødé 😀"]
MAX_SIZE = 1_200_000
LARGE_SIZE = 40 << 20  # beyond FLUSH_EVERY


def content(counter: int) -> list[bytes]:
    """The segments of write number `counter`: sizes and bytes follow from the counter alone.

    One write in twenty is a large single blob, so kills also land during background flushes.
    """
    rng = random.Random(counter)
    if rng.random() < 0.05:
        return [_bytes(rng, rng.randrange(LARGE_SIZE // 2, LARGE_SIZE))]
    count = rng.choice([1, 1, 1, 2, 3])
    return [_bytes(rng, rng.randrange(0 if count == 1 else 1, MAX_SIZE)) for _ in range(count)]


def _bytes(rng: random.Random, size: int) -> bytes:
    # A random block repeated: cheap to make, and its odd length never lines up with a piece.
    block = rng.randbytes(min(size, 65_537))
    return (block * (size // 65_537 + 1))[:size]


def multipart_etag(digests: list[bytes]) -> str:
    return f'"{hashlib.md5(b"".join(digests)).hexdigest()}-{len(digests)}"'


def _write_blob(blobs: BlobStore, data: bytes, rng: random.Random) -> tuple[Segment, bytes]:
    with blobs.writer() as writer:
        offset = 0
        while offset < len(data):
            piece = rng.choice([1000, 65_536, 300_000, 1 << 20])
            writer.write(memoryview(data)[offset : offset + piece])
            offset += piece
        ref = writer.commit()
    return Segment(ref.blob_id, ref.size), bytes.fromhex(ref.md5_hex)


def _record(
    key: str, counter: int, segments: list[Segment], etag: str, whole_md5: str
) -> StoredObject:
    return StoredObject(
        BUCKET,
        key,
        tuple(segments),
        sum(s.size for s in segments),
        etag,
        datetime.now(UTC),
        "application/octet-stream",
        (("counter", str(counter)), ("md5", whole_md5)),
        (),
        (),
        parts_count=len(segments) if etag.endswith(f'-{len(segments)}"') else None,
        part_sizes=tuple(s.size for s in segments),
    )


def put_one(
    objects: ObjectStore, blobs: BlobStore, counter: int, rng: random.Random
) -> tuple[str, str, tuple[str, ...]]:
    key = KEYS[counter % len(KEYS)]
    pieces = content(counter)
    whole_md5 = hashlib.md5(b"".join(pieces)).hexdigest()
    if len(pieces) > 1 and rng.random() < 0.5:
        return put_multipart(objects, blobs, key, counter, pieces, whole_md5, rng)
    written = [_write_blob(blobs, piece, rng) for piece in pieces]
    segments = [segment for segment, _ in written]
    etag = f'"{whole_md5}"' if len(pieces) == 1 else multipart_etag([d for _, d in written])
    freed = objects.put_object(_record(key, counter, segments, etag, whole_md5))
    return key, etag, freed


def put_multipart(
    objects: ObjectStore,
    blobs: BlobStore,
    key: str,
    counter: int,
    pieces: list[bytes],
    whole_md5: str,
    rng: random.Random,
) -> tuple[str, str, tuple[str, ...]]:
    upload_id = f"{counter:012d}-{os.urandom(4).hex()}"
    now = datetime.now(UTC)
    objects.create_upload(
        MultipartUpload(upload_id, BUCKET, key, now, "arn:aws:iam::1:root", None, (), (), None)
    )
    digests = []
    for number, piece in enumerate(pieces, start=1):
        segment, digest = _write_blob(blobs, piece, rng)
        part = UploadedPart(
            upload_id, number, segment.blob_id, segment.size, f'"{digest.hex()}"', now, ()
        )
        blobs.delete_many(objects.put_part(part))
        digests.append(digest)
    parts = objects.list_parts(upload_id).parts
    segments = [Segment(p.blob_id, p.size) for p in parts]
    etag = multipart_etag(digests)
    freed = objects.complete_upload(
        upload_id, _record(key, counter, segments, etag, whole_md5), range(1, len(pieces) + 1)
    )
    return key, etag, freed


def main() -> None:
    data_dir, log_path, first = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    objects = open_object_store(data_dir)
    blobs = open_blob_store(data_dir)
    blobs.sweep(objects.referenced_blob)
    with contextlib.suppress(AlreadyExists):  # made by an earlier run
        objects.create_bucket(Bucket(BUCKET, "111122223333", "us-east-1", datetime.now(UTC)))
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    print("ready", flush=True)
    rng = random.Random(first)
    counter = first
    while True:
        key, etag, freed = put_one(objects, blobs, counter, rng)
        # Acknowledged: from here on the write must survive.
        os.write(log, f"{key}\t{counter}\t{etag}\n".encode())
        os.fsync(log)
        blobs.delete_many(freed)
        counter += 1


if __name__ == "__main__":
    main()
