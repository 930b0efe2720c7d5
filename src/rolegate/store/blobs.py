"""Object bytes as files named by random ids: streamed to a temp file, fsynced, renamed into place.

Why this shape: a blob appears under its final name only once its bytes are on disk, and nothing a
client sends ever becomes part of a path (ids are 32 random hex digits, checked again before any
path is built). A blob that no metadata references — a PUT killed between the rename and the
metadata commit, an old version whose delete was lost to a crash — is harmless: `sweep` removes it
at startup, together with temp files of writes that never finished.

Layout: `root/ab/cd/<blob_id>` (two levels keep directories small), `root/tmp/` for writes in
progress, on the same file system so the rename is atomic.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from rolegate.store.blob_reads import (
    CHUNK,
    Pins,
    SegmentReader,
    SegmentRef,
    chunks,
    segment_ranges,
)
from rolegate.store.blob_writer import BlobRef, BlobWriter, Hasher, fsync_dir

__all__ = [
    "CHUNK",
    "TMP_DIR",
    "BlobRef",
    "BlobStore",
    "BlobWriter",
    "Hasher",
    "SegmentRef",
    "check_blob_id",
    "new_blob_id",
]

TMP_DIR = "tmp"
_BLOB_ID = re.compile(r"[0-9a-f]{32}")
_HEX2 = re.compile(r"[0-9a-f]{2}")


def new_blob_id() -> str:
    return secrets.token_hex(16)


def check_blob_id(blob_id: str) -> str:
    # Ids come from our own metadata, but a path is only ever built from a checked one.
    if not _BLOB_ID.fullmatch(blob_id):
        raise ValueError(f"not a blob id: {blob_id!r}")
    return blob_id


class BlobStore:
    """The blobs under one root. Make one per root per process: pins and the record of
    directories known to be durable live in the instance."""

    def __init__(self, root: Path) -> None:
        self._root = root
        # Paths built as strings: on a 1 KiB GET, pathlib's objects cost more than the read.
        self._root_text = os.fspath(root)
        self._tmp = root / TMP_DIR
        self._durable: set[Path] = set()
        self._dir_lock = threading.Lock()
        self._pins = Pins(self._unlink)
        # Hashing and background flushes of every writer; threads start only when used.
        self._pool = ThreadPoolExecutor(max(4, os.cpu_count() or 1), "blob-io")
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        fsync_dir(root.parent)  # the root's own entry, in case it was just made
        self._durable_dir(self._tmp)

    @property
    def root(self) -> Path:
        return self._root

    # Writing -------------------------------------------------------------------------------

    def writer(self, *, md5: bool = True) -> BlobWriter:
        """A writer for a new blob; `md5=False` only where the caller needs no ETag (benchmarks)."""
        blob_id = new_blob_id()
        temp = self._tmp / f"{blob_id}.part"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        digest = hashlib.md5(usedforsecurity=False) if md5 else None
        return BlobWriter(blob_id, fd, temp, digest, self._place, self._pool)

    # Reading -------------------------------------------------------------------------------

    def path(self, blob_id: str) -> Path:
        """Where the blob lives, for zero-copy serving (hold `pinned` while it is sent)."""
        check_blob_id(blob_id)
        return self._root / blob_id[:2] / blob_id[2:4] / blob_id

    def open(self, blob_id: str) -> BinaryIO:
        return self.path(blob_id).open("rb")

    def size(self, blob_id: str) -> int:
        return self.path(blob_id).stat().st_size

    def _path_text(self, blob_id: str) -> str:
        check_blob_id(blob_id)
        return f"{self._root_text}/{blob_id[:2]}/{blob_id[2:4]}/{blob_id}"

    def exists(self, blob_id: str) -> bool:
        return os.path.isfile(self._path_text(blob_id))

    def read_range(self, blob_id: str, start: int, length: int) -> Iterator[bytes]:
        """`length` bytes from `start` in chunks of at most CHUNK bytes.

        The file is opened now, not on the first `next()`: once a GET holds the blob open, a
        concurrent PUT that replaces the object and deletes this blob no longer affects it.
        Raises FileNotFoundError now when the blob is gone, EOFError later if it is short.
        """
        if start < 0 or length < 0:
            raise ValueError("start and length must not be negative")
        handle = open(self._path_text(blob_id), "rb", buffering=0)  # noqa: SIM115 - closed by chunks()
        return chunks(handle, blob_id, start, length)

    def read_bytes(
        self, segments: Iterable[SegmentRef], start: int = 0, length: int | None = None
    ) -> bytes:
        """A byte range read whole, now: for small answers, where a chunk stream, its pins and
        its async plumbing cost more than the read. Every blob is opened and read before this
        returns, so a FileNotFoundError (the object was replaced since its record was read)
        comes before any byte is sent, and no pin is needed.
        """
        pieces = []
        for blob_id, offset, size in segment_ranges(segments, start, length):
            fd = os.open(self._path_text(blob_id), os.O_RDONLY | os.O_CLOEXEC)
            try:
                piece = os.pread(fd, size, offset)
            finally:
                os.close(fd)
            if len(piece) != size:
                raise EOFError(
                    f"blob {blob_id} ends at {offset + len(piece)}, before {offset + size}"
                )
            pieces.append(piece)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def read_segments(
        self, segments: Iterable[SegmentRef], start: int = 0, length: int | None = None
    ) -> SegmentReader:
        """A byte range of an object made of segments (to its end when `length` is None).

        Its blobs are pinned until the reader is exhausted or closed, and checked now: a
        FileNotFoundError here means the object was replaced since its record was read, and
        the caller reads the record again. Segments are opened one at a time as reached, so
        a 10,000-part object costs one descriptor.
        """
        ranges = segment_ranges(segments, start, length)
        blob_ids = [blob_id for blob_id, _, _ in ranges]
        self._pins.pin(blob_ids)
        try:
            for blob_id in blob_ids:
                if not self.exists(blob_id):
                    raise FileNotFoundError(f"blob {blob_id} is gone")
        except BaseException:
            self._pins.unpin(blob_ids)
            raise
        return SegmentReader(ranges, self.read_range, self._pins)

    @contextmanager
    def pinned(self, blob_ids: Iterable[str]) -> Iterator[None]:
        """While inside, `delete` of these blobs waits (for serving them by `path`)."""
        ids = list(blob_ids)
        self._pins.pin(ids)
        try:
            yield
        finally:
            self._pins.unpin(ids)

    # Removing ------------------------------------------------------------------------------

    def delete(self, blob_id: str) -> None:
        """Missing is fine. A blob being read goes when its last reader is done."""
        check_blob_id(blob_id)
        self._pins.delete(blob_id)

    def delete_many(self, blob_ids: Iterable[str]) -> None:
        for blob_id in blob_ids:
            self.delete(blob_id)

    def sweep(self, referenced: Callable[[str], bool], *, older_than: float = 0.0) -> int:
        """Remove temp files and blobs `referenced` says no one uses; returns how many went.

        Run it when no write is in flight (at startup): a blob committed but not yet recorded
        in the metadata looks unreferenced. `older_than` (seconds) spares files modified more
        recently, for a sweep on a running server.
        """
        cutoff = time.time() - older_than
        removed = 0
        for entry in _files(self._tmp):
            if _older(entry, cutoff):
                removed += _remove(entry)
        for first in _hex_dirs(self._root):
            for second in _hex_dirs(first):
                for entry in _files(second):
                    name = entry.name
                    if (
                        _BLOB_ID.fullmatch(name)
                        and _older(entry, cutoff)
                        and not self._pins.pinned(name)
                        and not referenced(name)
                    ):
                        removed += _remove(entry)
        return removed

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    # Internals -----------------------------------------------------------------------------

    def _unlink(self, blob_id: str) -> None:
        # Not fsynced: a delete lost to a crash leaves an unreferenced blob, which sweep removes.
        self.path(blob_id).unlink(missing_ok=True)

    def _place(self, temp: Path, blob_id: str) -> None:
        final = self.path(blob_id)
        self._durable_dir(final.parent)
        os.rename(temp, final)
        # The rename is durable once the directory holding the new name is.
        fsync_dir(final.parent)

    def _durable_dir(self, directory: Path) -> None:
        """Create `directory` (and its parents up to root) so that it survives a crash.

        A rename into a directory whose own entry was never fsynced could vanish with it; each
        directory is made durable once per process (one that existed may have been created by a
        process killed before its fsync, so existing is not enough).
        """
        if directory in self._durable:
            return
        with self._dir_lock:
            self._durable_dir_locked(directory)

    def _durable_dir_locked(self, directory: Path) -> None:
        if directory in self._durable or directory == self._root:
            return
        self._durable_dir_locked(directory.parent)
        directory.mkdir(mode=0o700, exist_ok=True)
        fsync_dir(directory.parent)
        self._durable.add(directory)


def _files(directory: Path) -> list[os.DirEntry[str]]:
    # Listed whole before anything is unlinked, so removing never disturbs the directory scan.
    try:
        with os.scandir(directory) as entries:
            return [e for e in entries if e.is_file(follow_symlinks=False)]
    except FileNotFoundError:
        return []


def _hex_dirs(directory: Path) -> list[Path]:
    with os.scandir(directory) as entries:
        return [
            Path(e.path)
            for e in entries
            if _HEX2.fullmatch(e.name) and e.is_dir(follow_symlinks=False)
        ]


def _older(entry: os.DirEntry[str], cutoff: float) -> bool:
    try:
        return entry.stat(follow_symlinks=False).st_mtime <= cutoff
    except FileNotFoundError:
        return False


def _remove(entry: os.DirEntry[str]) -> int:
    try:
        os.unlink(entry.path)
    except FileNotFoundError:
        return 0
    return 1
