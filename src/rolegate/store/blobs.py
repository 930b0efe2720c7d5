"""Object bytes as files named by random ids: streamed to a temp file, fsynced, renamed into place.

Why this shape: a blob appears under its final name only once its bytes are on disk, and nothing a
client sends ever becomes part of a path (ids are 32 random hex digits, checked again before any
path is built). A blob that no metadata references — a PUT killed between the rename and the
metadata commit, an old version whose delete was lost to a crash — is harmless: `sweep` removes it
at startup, together with temp files of writes that never finished.

Why a trash: a GET reads an object's segments one after another while a PUT, maybe in another
worker process, replaces the object and deletes its old blobs. A blob already open is safe (POSIX
keeps its bytes until closed); one not yet opened must still be found. So a delete only renames
the blob into `root/trash/`, every read that misses a blob at its place looks there, and the trash
keeps it for TRASH_KEEP_SECONDS. The bound this gives: a GET has ten minutes after its object was
replaced to reach each later segment; a reader slower than that gets FileNotFoundError. Nothing
is shared between processes but the file system, so this holds across `--workers N`.

Layout: `root/ab/cd/<blob_id>` (two levels keep directories small), `root/tmp/` for writes in
progress, `root/trash/<blob_id>` for deleted blobs, all on one file system so renames are atomic.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO, TypeVar

from rolegate.store.blob_reads import CHUNK, RangeReader, SegmentReader, SegmentRef, segment_ranges
from rolegate.store.blob_writer import BlobRef, BlobWriter, Hasher, fsync_dir

__all__ = [
    "CHUNK",
    "TMP_DIR",
    "TRASH_DIR",
    "TRASH_KEEP_SECONDS",
    "BlobRef",
    "BlobStore",
    "BlobWriter",
    "Hasher",
    "SegmentRef",
    "check_blob_id",
    "new_blob_id",
]

TMP_DIR = "tmp"
TRASH_DIR = "trash"
# How long a deleted blob stays readable: a GET has this long after its object was replaced (by
# any worker) to reach each later segment. Longer only costs disk for replaced objects' bytes.
TRASH_KEEP_SECONDS = 600.0
# Each store empties the trash in the background at most this often, from `delete`, so a
# long-running server does not keep replaced bytes until its next restart.
TRASH_EMPTY_EVERY = 60.0
_READ = os.O_RDONLY | os.O_CLOEXEC
_BLOB_ID = re.compile(r"[0-9a-f]{32}")
_HEX2 = re.compile(r"[0-9a-f]{2}")
_T = TypeVar("_T")


def new_blob_id() -> str:
    return secrets.token_hex(16)


def check_blob_id(blob_id: str) -> str:
    # Ids come from our own metadata, but a path is only ever built from a checked one.
    if not _BLOB_ID.fullmatch(blob_id):
        raise ValueError(f"not a blob id: {blob_id!r}")
    return blob_id


class BlobStore:
    """The blobs under one root. Make one per root per process (the record of directories known
    to be durable lives in the instance); stores in several processes may share a root."""

    def __init__(self, root: Path) -> None:
        self._root = root
        # Paths built as strings: on a 1 KiB GET, pathlib's objects cost more than the read.
        self._root_text = os.fspath(root)
        self._tmp = root / TMP_DIR
        self._trash = root / TRASH_DIR
        self._durable: set[Path] = set()
        self._dir_lock = threading.Lock()
        # Hashing and background flushes of every writer; threads start only when used.
        self._pool = ThreadPoolExecutor(max(4, os.cpu_count() or 1), "blob-io")
        # The startup sweep has just emptied the trash.
        self._next_trash_empty = time.monotonic() + TRASH_EMPTY_EVERY
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        fsync_dir(root.parent)  # the root's own entry, in case it was just made
        self._durable_dir(self._tmp)
        self._durable_dir(self._trash)

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
        """Where the blob is now: its place, or the trash once deleted (its place if neither).

        For tests and tools only: the blob can move into the trash, and later vanish, at any
        moment. To serve a blob zero-copy, take `open_fd` and hand over the descriptor (or
        `/proc/self/fd/N`): an open blob keeps its bytes whatever happens to its name.
        """
        place = self._place_text(blob_id)
        if not os.path.exists(place):
            trashed = self._trashed_text(blob_id)
            if os.path.exists(trashed):
                return Path(trashed)
        return Path(place)

    def open_fd(self, blob_id: str) -> int:
        """A read-only descriptor on the blob (the caller closes it), even if it was deleted
        less than TRASH_KEEP_SECONDS ago. FileNotFoundError when it is gone."""
        return self._at_place_or_trash(blob_id, _open_to_read)

    def open(self, blob_id: str) -> BinaryIO:
        return open(self.open_fd(blob_id), "rb")

    def size(self, blob_id: str) -> int:
        return self._at_place_or_trash(blob_id, os.stat).st_size

    def exists(self, blob_id: str) -> bool:
        """At its place: written and not deleted (a deleted blob is still read from the trash)."""
        return os.path.isfile(self._place_text(blob_id))

    def read_range(self, blob_id: str, start: int, length: int) -> RangeReader:
        """`length` bytes from `start` in chunks of at most CHUNK bytes.

        The file is opened now, not on the first `next()`: once a GET holds the blob open, a
        concurrent PUT that replaces the object and deletes this blob no longer affects it.
        Raises FileNotFoundError now when the blob is gone, EOFError later if it is short.
        """
        if start < 0 or length < 0:
            raise ValueError("start and length must not be negative")
        return RangeReader(self.open_fd(blob_id), blob_id, start, length)

    def read_bytes(
        self, segments: Iterable[SegmentRef], start: int = 0, length: int | None = None
    ) -> bytes:
        """A byte range read whole, now: for small answers, where a chunk stream and its async
        plumbing cost more than the read. Every blob is opened and read before this returns, so
        a FileNotFoundError (the object was replaced long ago, see TRASH_KEEP_SECONDS) comes
        before any byte is sent.
        """
        pieces = []
        for blob_id, offset, size in segment_ranges(segments, start, length):
            fd = self.open_fd(blob_id)
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

        Its blobs are checked now (at their place or in the trash): a FileNotFoundError here
        means the object was replaced long ago, and the caller reads the record again. Segments
        are opened one at a time as reached, so a 10,000-part object costs one descriptor; a
        blob deleted meanwhile is read from the trash, for TRASH_KEEP_SECONDS.
        """
        ranges = segment_ranges(segments, start, length)
        for blob_id, _, _ in ranges:
            self._at_place_or_trash(blob_id, os.stat)
        return SegmentReader(ranges, self.read_range)

    # Removing ------------------------------------------------------------------------------

    def delete(self, blob_id: str) -> None:
        """Moves the blob into the trash, where reads still find it for TRASH_KEEP_SECONDS.
        Missing is fine."""
        # Not fsynced: a rename lost to a crash leaves the blob at its place, unreferenced, and
        # the startup sweep removes it.
        with contextlib.suppress(FileNotFoundError):
            os.rename(self._place_text(blob_id), self._trashed_text(blob_id))
        self._empty_trash_now_and_then()

    def delete_many(self, blob_ids: Iterable[str]) -> None:
        for blob_id in blob_ids:
            self.delete(blob_id)

    def empty_trash(self, older_than: float = TRASH_KEEP_SECONDS) -> int:
        """Remove blobs deleted more than `older_than` seconds ago; returns how many went.

        Time in the trash is measured from the entry's ctime, which the rename into the trash
        sets; its mtime is when the blob was written, maybe long before. Checked on this kind of
        machine (Linux 6.18, ext4): a rename moved ctime to the time of the rename and left mtime
        alone. Anything else that touches the entry only makes it look younger: kept longer.
        """
        cutoff = time.time() - older_than
        removed = 0
        for entry in _files(self._trash):
            if _BLOB_ID.fullmatch(entry.name) and _changed_before(entry, cutoff):
                removed += _remove(entry)
        return removed

    def sweep(self, referenced: Callable[[str], bool], *, older_than: float = 0.0) -> int:
        """Remove temp files, blobs `referenced` says no one uses, and blobs in the trash for
        longer than TRASH_KEEP_SECONDS (or `older_than`, if longer); returns how many went.

        Run it when no write is in flight (at startup): a blob committed but not yet recorded
        in the metadata looks unreferenced. `older_than` (seconds) spares files modified more
        recently, for a sweep on a running server. Blobs in the trash are never orphans: they
        are only ever removed by age, so a reader in another process still finds them.
        """
        cutoff = time.time() - older_than
        removed = self.empty_trash(max(older_than, TRASH_KEEP_SECONDS))
        for entry in _files(self._tmp):
            if _older(entry, cutoff):
                removed += _remove(entry)
        for first in _hex_dirs(self._root):
            for second in _hex_dirs(first):
                for entry in _files(second):
                    name = entry.name
                    if _BLOB_ID.fullmatch(name) and _older(entry, cutoff) and not referenced(name):
                        removed += _remove(entry)
        return removed

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    # Internals -----------------------------------------------------------------------------

    def _place_text(self, blob_id: str) -> str:
        check_blob_id(blob_id)
        return f"{self._root_text}/{blob_id[:2]}/{blob_id[2:4]}/{blob_id}"

    def _trashed_text(self, blob_id: str) -> str:
        check_blob_id(blob_id)
        return f"{self._root_text}/{TRASH_DIR}/{blob_id}"

    def _at_place_or_trash(self, blob_id: str, use: Callable[[str], _T]) -> _T:
        place = self._place_text(blob_id)
        try:
            return use(place)
        except FileNotFoundError:
            pass
        # The place first, then the trash, never the other way round: a rename is atomic, so a
        # miss at the place means any delete's rename had finished before this call looks in
        # the trash. Missing from both, the blob was never written or was emptied from the trash.
        try:
            return use(self._trashed_text(blob_id))
        except FileNotFoundError:
            raise FileNotFoundError(errno.ENOENT, f"blob {blob_id} is gone", place) from None

    def _empty_trash_now_and_then(self) -> None:
        now = time.monotonic()
        if now < self._next_trash_empty:
            return
        self._next_trash_empty = now + TRASH_EMPTY_EVERY
        # RuntimeError: the store is closed; the next startup's sweep empties the trash.
        with contextlib.suppress(RuntimeError):
            self._pool.submit(self.empty_trash)

    def _place(self, temp: Path, blob_id: str) -> None:
        final = Path(self._place_text(blob_id))
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


def _open_to_read(path: str) -> int:
    return os.open(path, _READ)


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


def _changed_before(entry: os.DirEntry[str], cutoff: float) -> bool:
    try:
        return entry.stat(follow_symlinks=False).st_ctime < cutoff
    except FileNotFoundError:
        return False


def _remove(entry: os.DirEntry[str]) -> int:
    try:
        os.unlink(entry.path)
    except FileNotFoundError:
        return 0
    return 1
