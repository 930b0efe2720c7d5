"""Writing one blob: appended to a temp file, hashed on the way, fsynced, renamed into place.

Why the overlap: MD5 runs at roughly 500 MB/s on one core and is the ceiling of any PUT that
computes an ETag. A large piece is hashed on a pool thread while this thread writes it (both
release the GIL), and every FLUSH_EVERY bytes a background `fdatasync` starts, so the disk works
while MD5 runs and the final fsync has little left (bench/blob_store.py: ~370 -> ~440 MB/s).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

# Below this, handing a piece to another thread costs more than the overlap saves.
PARALLEL_HASH_MIN = 256 << 10
# Measured with bench/blob_store.py: 8-32 MiB all give most of the gain.
FLUSH_EVERY = 16 << 20


class Hasher(Protocol):
    """hashlib objects, or a wrapper around zlib.crc32 and friends for the S3 checksums."""

    def update(self, data: bytes | memoryview, /) -> None: ...


class Digest(Hasher, Protocol):
    def hexdigest(self) -> str: ...


@dataclass(frozen=True, slots=True)
class BlobRef:
    blob_id: str
    size: int
    md5_hex: str  # "" when the writer was made with md5=False


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobWriter:
    """Appends to a temp file; `commit` makes it a blob, leaving the block without it discards.

    Writes go straight to the file descriptor (no Python buffering, no copies). `write` returns
    only once its piece is written and hashed, so the caller may reuse its buffer. After a
    failed write the writer only aborts: its hashes may no longer match its bytes.
    """

    def __init__(
        self,
        blob_id: str,
        fd: int,
        temp: Path,
        md5: Digest | None,
        place: Callable[[Path, str], None],
        pool: ThreadPoolExecutor,
    ) -> None:
        self._blob_id = blob_id
        self._fd = fd
        self._temp = temp
        self._md5 = md5
        self._hashers: list[Hasher] = [] if md5 is None else [md5]
        self._place = place
        self._pool = pool
        self._size = 0
        self._failed = False
        self._flushed_at = 0
        self._flush: Future[None] | None = None

    @property
    def blob_id(self) -> str:
        return self._blob_id

    @property
    def size(self) -> int:
        return self._size

    def add_hasher(self, hasher: Hasher) -> None:
        if self._size:
            raise ValueError("add hashers before the first write")
        self._hashers.append(hasher)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._check_open()
        view = memoryview(data).cast("B")
        try:
            if len(view) < PARALLEL_HASH_MIN:
                for hasher in self._hashers:
                    hasher.update(view)
                self._write_all(view)
            else:
                hashing = [self._pool.submit(hasher.update, view) for hasher in self._hashers]
                try:
                    self._write_all(view)
                finally:
                    # Even when the write failed: no thread may read the buffer after we return.
                    for job in hashing:
                        job.result()
            self._size += len(view)
            if self._size - self._flushed_at >= FLUSH_EVERY:
                self._start_flush()
        except BaseException:
            self._failed = True
            raise

    def commit(self) -> BlobRef:
        self._check_open()
        fd, self._fd = self._fd, -1
        try:
            try:
                self._finish_flush()
                os.fsync(fd)
            finally:
                os.close(fd)
            self._place(self._temp, self._blob_id)
        except BaseException:
            self._temp.unlink(missing_ok=True)
            raise
        md5_hex = "" if self._md5 is None else self._md5.hexdigest()
        return BlobRef(self._blob_id, self._size, md5_hex)

    def abort(self) -> None:
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            try:
                with contextlib.suppress(OSError):
                    self._finish_flush()
            finally:
                os.close(fd)
                self._temp.unlink(missing_ok=True)

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abort()

    def _check_open(self) -> None:
        if self._fd < 0:
            raise ValueError("writer is closed")
        if self._failed:
            raise ValueError("a write failed: abort this writer")

    def _write_all(self, view: memoryview) -> None:
        written = 0
        while written < len(view):
            written += os.write(self._fd, view[written:])

    def _start_flush(self) -> None:
        if self._flush is not None:
            if not self._flush.done():
                return  # one flush at a time; the next one covers what this one missed
            self._flush.result()  # a failed flush fails the blob: never trust a later fsync
        self._flushed_at = self._size
        self._flush = self._pool.submit(os.fdatasync, self._fd)

    def _finish_flush(self) -> None:
        # Waited for before the descriptor is closed, so a flush never touches a reused number.
        flush, self._flush = self._flush, None
        if flush is not None:
            flush.result()
