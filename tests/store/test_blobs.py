"""The blob store: durable writes by temp file and rename, ranged reads, sweeping, safe paths."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolegate.model import Segment
from rolegate.store import blob_writer
from rolegate.store.blob_writer import PARALLEL_HASH_MIN
from rolegate.store.blobs import CHUNK, BlobStore


def _write(store: BlobStore, data: bytes, piece: int = 100_000) -> str:
    with store.writer() as writer:
        for start in range(0, len(data), piece):
            writer.write(data[start : start + piece])
        return writer.commit().blob_id


def _files_under(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_a_committed_blob_has_its_bytes_size_and_md5_under_a_two_level_path(
    tmp_path: Path,
) -> None:
    store = BlobStore(tmp_path / "blobs")
    data = os.urandom(3 * PARALLEL_HASH_MIN + 17)  # pieces both above and below the threshold
    with store.writer() as writer:
        writer.write(data[:10])
        writer.write(memoryview(data)[10 : 2 * PARALLEL_HASH_MIN])
        writer.write(bytearray(data[2 * PARALLEL_HASH_MIN :]))
        assert writer.size == len(data)
        ref = writer.commit()
    assert ref.size == len(data)
    assert ref.md5_hex == hashlib.md5(data).hexdigest()
    path = store.path(ref.blob_id)
    assert path == tmp_path / "blobs" / ref.blob_id[:2] / ref.blob_id[2:4] / ref.blob_id
    assert path.read_bytes() == data
    assert _files_under(tmp_path / "blobs") == [path.relative_to(tmp_path / "blobs")]
    with store.open(ref.blob_id) as handle:
        assert handle.read() == data


def test_extra_hashers_see_every_byte_and_must_come_first(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    data = os.urandom(PARALLEL_HASH_MIN * 2 + 5)
    sha = hashlib.sha256()
    with store.writer() as writer:
        writer.add_hasher(sha)
        writer.write(data[:7])
        with pytest.raises(ValueError, match="before the first write"):
            writer.add_hasher(hashlib.sha1())
        writer.write(data[7:])
        writer.commit()
    assert sha.digest() == hashlib.sha256(data).digest()


def test_background_flushes_leave_the_blob_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blob_writer, "FLUSH_EVERY", PARALLEL_HASH_MIN)
    store = BlobStore(tmp_path)
    data = os.urandom(40 * PARALLEL_HASH_MIN)
    blob_id = _write(store, data, piece=PARALLEL_HASH_MIN)
    assert store.path(blob_id).read_bytes() == data


def test_an_abandoned_or_failed_write_leaves_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with pytest.raises(RuntimeError), store.writer() as writer:
        writer.write(b"x" * 1000)
        raise RuntimeError("client went away")
    with store.writer() as writer:
        writer.write(b"never committed")
    with store.writer() as writer:
        writer.write(b"aborted")
        writer.abort()
        writer.abort()  # twice is fine
        with pytest.raises(ValueError, match="closed"):
            writer.write(b"more")
    assert _files_under(tmp_path) == []


def test_read_range_yields_bounded_chunks_of_exactly_the_range(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    data = os.urandom(2 * CHUNK + 123)
    blob_id = _write(store, data, piece=CHUNK)
    for start, length in [(0, len(data)), (5, 0), (CHUNK - 1, CHUNK + 3), (len(data) - 1, 1)]:
        chunks = list(store.read_range(blob_id, start, length))
        assert all(0 < len(chunk) <= CHUNK for chunk in chunks)
        assert b"".join(chunks) == data[start : start + length]
    with pytest.raises(EOFError):
        list(store.read_range(blob_id, len(data) - 1, 2))


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 40), min_size=1, max_size=4),
    start=st.integers(0, 120),
    length=st.one_of(st.none(), st.integers(0, 120)),
)
def test_read_segments_is_the_same_range_of_the_concatenation(
    tmp_path_factory: pytest.TempPathFactory, sizes: list[int], start: int, length: int | None
) -> None:
    store = BlobStore(tmp_path_factory.mktemp("segments"))
    pieces = [os.urandom(size) for size in sizes]
    segments = [Segment(_write(store, piece), len(piece)) for piece in pieces]
    whole = b"".join(pieces)
    got = b"".join(store.read_segments(segments, start, length))
    assert got == whole[start : None if length is None else start + length]
    assert store.read_bytes(segments, start, length) == got


def test_delete_of_a_missing_blob_is_fine_and_ids_never_become_other_paths(
    tmp_path: Path,
) -> None:
    store = BlobStore(tmp_path)
    store.delete("0" * 32)
    for bad in ["../" + "0" * 29, "A" * 32, "0" * 31, "0" * 33, "tmp", "/etc/passwd", ""]:
        with pytest.raises(ValueError, match="not a blob id"):
            store.path(bad)
        with pytest.raises(ValueError):
            store.delete(bad)
        with pytest.raises(ValueError):
            store.open_fd(bad)
        with pytest.raises(ValueError):
            store.read_bytes([Segment(bad, 1)])


def test_sweep_removes_temp_files_and_unreferenced_blobs_only(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    kept = _write(store, b"kept")
    dropped = _write(store, b"dropped")
    stray = store.writer()
    stray.write(b"a write that was in progress when the process died")
    junk = tmp_path / "ab" / "cd" / "not-a-blob.txt"  # not ours: left alone
    junk.parent.mkdir(parents=True, exist_ok=True)
    junk.write_text("x")

    assert store.sweep(lambda blob_id: blob_id == kept, older_than=3600) == 0
    assert store.sweep(lambda blob_id: blob_id == kept) == 2
    assert store.exists(kept)
    assert not store.exists(dropped)
    assert list((tmp_path / "tmp").iterdir()) == []
    assert junk.exists()
    stray.abort()  # its temp file is already gone: abort copes


def test_a_new_store_on_the_same_root_reads_what_was_written(tmp_path: Path) -> None:
    blob_id = _write(BlobStore(tmp_path), b"persisted")
    again = BlobStore(tmp_path)
    assert b"".join(again.read_range(blob_id, 0, 9)) == b"persisted"
    assert again.size(blob_id) == 9


def test_read_bytes_refuses_a_blob_shorter_than_its_record(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    short = Segment(_write(store, b"four"), 5)
    with pytest.raises(EOFError):
        store.read_bytes([short])
