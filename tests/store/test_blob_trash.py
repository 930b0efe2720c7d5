"""Deletes go through the trash: a GET in one worker process still reads every segment of an
object another worker replaced, the trash empties by time spent in it, and readers leak no
descriptors. Two BlobStore instances on one root stand in for two worker processes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rolegate.model import Segment
from rolegate.store import blobs
from rolegate.store.blobs import CHUNK, TRASH_EMPTY_EVERY, TRASH_KEEP_SECONDS, BlobStore


class _Clock:
    """Stands in for the `time` module inside rolegate.store.blobs: wall time is set by the
    test (ctimes stay real), monotonic time runs `monotonic_ahead` seconds ahead."""

    def __init__(self) -> None:
        self.now = time.time()
        self.monotonic_ahead = 0.0

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return time.monotonic() + self.monotonic_ahead


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    fake = _Clock()
    monkeypatch.setattr(blobs, "time", fake)
    return fake


def _write(store: BlobStore, data: bytes) -> str:
    with store.writer() as writer:
        for start in range(0, len(data), CHUNK):
            writer.write(data[start : start + CHUNK])
        return writer.commit().blob_id


def _segments(store: BlobStore, pieces: list[bytes]) -> list[Segment]:
    return [Segment(_write(store, piece), len(piece)) for piece in pieces]


def _trashed(root: Path, blob_id: str) -> Path:
    return root / "trash" / blob_id


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_get_in_one_process_reads_every_segment_another_process_deleted(
    tmp_path: Path,
) -> None:
    # Worker A streams a multipart object while worker B replaces it and frees its blobs.
    reading, replacing = BlobStore(tmp_path), BlobStore(tmp_path)
    pieces = [os.urandom(CHUNK + 1), os.urandom(10), os.urandom(CHUNK)]
    segments = _segments(replacing, pieces)
    reader = reading.read_segments(segments)
    first = next(reader)  # the first blob is open; the other two are not yet
    replacing.delete_many(s.blob_id for s in segments)
    assert not any(reading.exists(s.blob_id) for s in segments)
    assert first + b"".join(reader) == b"".join(pieces)


def test_small_reads_find_a_blob_deleted_just_before(tmp_path: Path) -> None:
    reading, replacing = BlobStore(tmp_path), BlobStore(tmp_path)
    pieces = [b"first", b"second", b"third"]
    segments = _segments(replacing, pieces)
    replacing.delete_many(s.blob_id for s in segments)
    assert reading.read_bytes(segments) == b"firstsecondthird"
    assert reading.read_bytes(segments, 3, 6) == b"stseco"
    assert b"".join(reading.read_segments(segments)) == b"firstsecondthird"
    assert reading.size(segments[1].blob_id) == 6
    with reading.open(segments[2].blob_id) as handle:
        assert handle.read() == b"third"


def test_a_delete_between_the_two_lookups_is_still_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another worker's rename lands right after one lookup missed and before the next: looking
    # at the place first, then the trash, finds the blob whichever lookup the rename follows.
    reading, replacing = BlobStore(tmp_path), BlobStore(tmp_path)
    blob_id = _write(replacing, b"moving")
    real_open: Callable[[str], int] = blobs._open_to_read

    def open_then_delete(path: str) -> int:
        try:
            return real_open(path)
        finally:
            replacing.delete(blob_id)  # no-op once it is in the trash

    monkeypatch.setattr(blobs, "_open_to_read", open_then_delete)
    fd = reading.open_fd(blob_id)
    try:
        assert os.pread(fd, 10, 0) == b"moving"
    finally:
        os.close(fd)
    assert not reading.exists(blob_id)

    other = _write(replacing, b"gone first")

    def delete_then_open(path: str) -> int:
        replacing.delete(other)
        return real_open(path)

    monkeypatch.setattr(blobs, "_open_to_read", delete_then_open)
    assert reading.read_bytes([Segment(other, 10)]) == b"gone first"


def test_a_deleted_blob_waits_in_the_trash_for_its_time_there_not_its_age(
    tmp_path: Path, clock: _Clock
) -> None:
    store = BlobStore(tmp_path)
    blob_id = _write(store, b"replaced")
    written_long_ago = clock.now - 10 * TRASH_KEEP_SECONDS
    os.utime(store.path(blob_id), (written_long_ago, written_long_ago))
    store.delete(blob_id)
    assert not store.exists(blob_id)
    assert _trashed(tmp_path, blob_id).read_bytes() == b"replaced"
    assert store.path(blob_id) == _trashed(tmp_path, blob_id)

    assert store.empty_trash(older_than=TRASH_KEEP_SECONDS) == 0
    assert store.empty_trash() == 0
    assert store.read_bytes([Segment(blob_id, 8)]) == b"replaced"

    clock.now = os.stat(_trashed(tmp_path, blob_id)).st_ctime + TRASH_KEEP_SECONDS + 1
    assert store.empty_trash() == 1
    assert not _trashed(tmp_path, blob_id).exists()
    with pytest.raises(FileNotFoundError):
        store.read_bytes([Segment(blob_id, 8)])


def test_sweep_empties_old_trash_entries_and_never_young_ones(
    tmp_path: Path, clock: _Clock
) -> None:
    store = BlobStore(tmp_path)
    old, young, unreferenced = (_write(store, name.encode()) for name in ("old", "young", "un"))
    store.delete(old)
    time.sleep(0.05)  # ctimes come from a clock a few milliseconds coarse
    store.delete(young)
    old_ctime = os.stat(_trashed(tmp_path, old)).st_ctime
    young_ctime = os.stat(_trashed(tmp_path, young)).st_ctime
    assert old_ctime < young_ctime
    clock.now = (old_ctime + young_ctime) / 2 + TRASH_KEEP_SECONDS

    # A longer older_than spares the trash too; then nothing referenced: trash entries are
    # not orphans, only the old one and the unreferenced live blob go.
    assert store.sweep(lambda _: False, older_than=2 * TRASH_KEEP_SECONDS) == 0
    assert store.sweep(lambda _: False) == 2
    assert not _trashed(tmp_path, old).exists()
    assert not store.exists(unreferenced)
    assert _trashed(tmp_path, young).read_bytes() == b"young"


def test_deletes_empty_the_trash_in_the_background_now_and_then(
    tmp_path: Path, clock: _Clock
) -> None:
    first = BlobStore(tmp_path)
    ids = [_write(first, bytes([n])) for n in range(3)]
    first.delete(ids[0])
    clock.now += 2 * TRASH_KEEP_SECONDS  # everything in the trash is old from here on
    first.delete(ids[1])  # too soon after the store started: no emptying
    first.close()
    assert sorted(os.listdir(tmp_path / "trash")) == sorted(ids[:2])

    second = BlobStore(tmp_path)
    clock.monotonic_ahead = TRASH_EMPTY_EVERY + 1
    second.delete(ids[2])
    second.close()  # waits for the background emptying
    assert os.listdir(tmp_path / "trash") == []


def test_a_blob_in_neither_place_fails_at_once_and_opens_nothing(
    tmp_path: Path, clock: _Clock
) -> None:
    # The object was replaced long ago: the caller then reads the record again.
    store = BlobStore(tmp_path)
    kept = Segment(_write(store, b"kept"), 4)
    emptied = Segment(_write(store, b"gone"), 4)
    never = Segment("0" * 32, 4)
    store.delete(emptied.blob_id)
    clock.now += 2 * TRASH_KEEP_SECONDS
    assert store.empty_trash() == 1
    before = _open_fds()
    for gone in (emptied, never):
        with pytest.raises(FileNotFoundError, match=f"blob {gone.blob_id} is gone"):
            store.read_segments([kept, gone])
        with pytest.raises(FileNotFoundError):
            store.read_bytes([kept, gone])
        with pytest.raises(FileNotFoundError):
            store.size(gone.blob_id)
        with pytest.raises(FileNotFoundError):
            store.read_range(gone.blob_id, 0, 1)
    assert _open_fds() == before


def test_an_open_blob_outlives_its_delete_and_the_trash(tmp_path: Path, clock: _Clock) -> None:
    # What zero-copy serving relies on: hand over a descriptor, never a path.
    store = BlobStore(tmp_path)
    data = os.urandom(3 * CHUNK)
    blob_id = _write(store, data)
    fd = store.open_fd(blob_id)
    reader = store.read_range(blob_id, 0, len(data))
    store.delete(blob_id)
    clock.now += 2 * TRASH_KEEP_SECONDS
    assert store.empty_trash() == 1
    try:
        assert os.pread(fd, len(data), 0) == data
    finally:
        os.close(fd)
    assert b"".join(reader) == data
    with pytest.raises(FileNotFoundError):
        store.open_fd(blob_id)


def test_readers_close_their_file_when_done_closed_failed_or_dropped(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    segments = _segments(store, [b"x" * 10, b"y" * 10])
    before = _open_fds()

    done = store.read_segments(segments, 5, 10)
    assert b"".join(done) == b"x" * 5 + b"y" * 5
    assert _open_fds() == before

    closed = store.read_segments(segments, 5, 10)
    next(closed)
    assert _open_fds() == before + 1
    closed.close()
    assert _open_fds() == before
    assert list(closed) == []

    dropped = store.read_segments(segments)
    next(dropped)
    assert _open_fds() == before + 1
    del dropped
    assert _open_fds() == before

    never_read = store.read_range(segments[0].blob_id, 0, 10)
    assert _open_fds() == before + 1
    del never_read
    assert _open_fds() == before

    short = store.read_segments([segments[0], Segment(segments[1].blob_id, 11)])
    with pytest.raises(EOFError):
        list(short)
    assert _open_fds() == before
