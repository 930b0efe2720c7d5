"""The SQLite object store: buckets, objects, multipart uploads, blob reference counts, key safety."""

from __future__ import annotations

import dataclasses
import re
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rolegate.model import (
    Bucket,
    MultipartUpload,
    PrincipalBinding,
    Segment,
    StoredObject,
    UploadedPart,
)
from rolegate.store.blobs import BlobStore, new_blob_id
from rolegate.store.objects import (
    AlreadyExists,
    BucketNotEmpty,
    InvalidParts,
    NoSuchBucket,
    NoSuchUpload,
    UploadsPage,
)
from rolegate.store.open import open_blob_store, open_object_store
from rolegate.store.sqlite_objects import SqliteObjectStore

NOW = datetime(2026, 11, 28, 12, 30, tzinfo=UTC)
ACCOUNT = "111122223333"


@pytest.fixture
def store(tmp_path: Path) -> SqliteObjectStore:
    opened = SqliteObjectStore(tmp_path / "objects.sqlite3")
    opened.create_bucket(Bucket("photos", ACCOUNT, "us-east-1", NOW))
    return opened


def _object(key: str, *sizes: int, bucket: str = "photos", etag: str = '"e"') -> StoredObject:
    segments = tuple(Segment(new_blob_id(), size) for size in sizes)
    return StoredObject(
        bucket,
        key,
        segments,
        sum(sizes),
        etag,
        NOW,
        "image/png",
        (("owner", "ana"),),
        (("Cache-Control", "no-cache"),),
        (("CRC32", "AAAAAA=="),),
    )


def _ids(obj: StoredObject) -> tuple[str, ...]:
    return tuple(segment.blob_id for segment in obj.segments)


def _upload(upload_id: str, key: str = "big.bin") -> MultipartUpload:
    return MultipartUpload(
        upload_id, "photos", key, NOW, f"arn:aws:iam::{ACCOUNT}:root", None, (), (), None
    )


def _part(upload_id: str, number: int, size: int = 5) -> UploadedPart:
    return UploadedPart(upload_id, number, new_blob_id(), size, f'"p{number}"', NOW, ())


def test_buckets_are_unique_listed_per_account_by_name_and_hold_a_policy(
    store: SqliteObjectStore,
) -> None:
    with pytest.raises(AlreadyExists):
        store.create_bucket(Bucket("photos", "999988887777", "eu-west-1", NOW))
    store.create_bucket(Bucket("archive", ACCOUNT, "us-east-1", NOW))
    store.create_bucket(Bucket("other", "999988887777", "eu-west-1", NOW))
    assert [b.name for b in store.list_buckets(ACCOUNT)] == ["archive", "photos"]
    # The policy is stored with the unique ids of the principals it names (bound by the service).
    bound = (PrincipalBinding(f"arn:aws:iam::{ACCOUNT}:role/r", "AROAABCDEFGHIJKLMNOPQ"),)
    store.set_bucket_policy("photos", '{"Version":"2012-10-17","Statement":[]}', bound)
    got = store.get_bucket("photos")
    assert got == Bucket(
        "photos", ACCOUNT, "us-east-1", NOW, '{"Version":"2012-10-17","Statement":[]}', bound
    )
    store.set_bucket_policy("photos", None)
    assert store.get_bucket("photos") == Bucket(
        "photos", ACCOUNT, "us-east-1", NOW, policy_principals=()
    )
    with pytest.raises(NoSuchBucket):
        store.set_bucket_policy("missing", None)


def test_a_bucket_is_deleted_only_when_it_has_no_objects_and_no_uploads(
    store: SqliteObjectStore,
) -> None:
    store.put_object(_object("a", 1))
    with pytest.raises(BucketNotEmpty):
        store.delete_bucket("photos")
    store.delete_object("photos", "a")
    store.create_upload(_upload("u1"))
    with pytest.raises(BucketNotEmpty):
        store.delete_bucket("photos")
    store.abort_upload("u1")
    store.delete_bucket("photos")
    assert store.get_bucket("photos") is None
    with pytest.raises(NoSuchBucket):
        store.delete_bucket("photos")
    with pytest.raises(NoSuchBucket):
        store.put_object(_object("late", 1))
    with pytest.raises(NoSuchBucket):
        store.create_upload(_upload("u2"))


def test_objects_round_trip_and_replacing_one_frees_the_old_blobs(
    store: SqliteObjectStore,
) -> None:
    first = dataclasses.replace(_object("k", 3, 4), parts_count=2, part_sizes=(3, 4))
    assert store.put_object(first) == ()
    assert store.get_object("photos", "k") == first
    assert store.get_object("photos", "K") is None
    # GetObject reads both with one statement; it must agree with the two lookups.
    assert store.get_bucket_and_object("photos", "k") == (store.get_bucket("photos"), first)
    assert store.get_bucket_and_object("photos", "K") == (store.get_bucket("photos"), None)
    assert store.get_bucket_and_object("no-such-bucket", "k") == (None, None)
    second = _object("k", 9)
    assert store.put_object(second) == _ids(first)
    assert store.get_object("photos", "k") == second
    assert store.delete_object("photos", "k") == _ids(second)
    assert store.delete_object("photos", "k") == ()
    assert store.all_blob_ids() == set()
    with pytest.raises(ValueError, match="sum of its segments"):
        store.put_object(dataclasses.replace(second, size=10))


def test_blobs_shared_by_two_objects_are_freed_with_the_last_one(
    store: SqliteObjectStore,
) -> None:
    original = _object("original", 5)
    copy = dataclasses.replace(original, key="copy")  # a copy that shares the blob
    store.put_object(original)
    store.put_object(copy)
    assert store.put_object(original) == ()  # the same version again frees nothing
    assert store.delete_objects("photos", ["original", "absent"]) == ()
    assert store.referenced_blob(original.segments[0].blob_id)
    assert store.delete_objects("photos", ["copy"]) == _ids(original)
    assert not store.referenced_blob(original.segments[0].blob_id)
    assert store.check_blob_refs() == []


def test_multipart_parts_are_replaced_listed_and_completed_without_copies(
    store: SqliteObjectStore,
) -> None:
    store.put_object(_object("big.bin", 2))
    old_ids = _ids(store.get_object("photos", "big.bin") or _object("x"))
    store.create_upload(_upload("u1"))
    with pytest.raises(AlreadyExists):
        store.create_upload(_upload("u1"))
    assert store.get_upload("u1") == _upload("u1")
    parts = {n: _part("u1", n) for n in (1, 2, 3, 5)}
    for part in parts.values():
        assert store.put_part(part) == ()
    replaced = _part("u1", 2, size=6)
    assert store.put_part(replaced) == (parts[2].blob_id,)
    parts[2] = replaced

    page = store.list_parts("u1", max_parts=2)
    assert ([p.part_number for p in page.parts], page.is_truncated, page.next_marker) == (
        [1, 2],
        True,
        2,
    )
    parts_, truncated, marker = store.list_parts("u1", part_number_marker=2)
    assert ([p.part_number for p in parts_], truncated, marker) == ([3, 5], False, 5)
    assert store.list_parts("u1", max_parts=0) == ([], False, None)

    used = [1, 2, 5]
    segments = tuple(Segment(parts[n].blob_id, parts[n].size) for n in used)
    done = dataclasses.replace(
        _object("big.bin"), segments=segments, size=16, parts_count=3, part_sizes=(5, 6, 5)
    )
    with pytest.raises(InvalidParts):
        store.complete_upload("u1", done, [1, 5, 2])
    with pytest.raises(InvalidParts):
        store.complete_upload("u1", done, [1, 2, 4])
    assert store.get_upload("u1") is not None  # a refused completion changes nothing

    freed = store.complete_upload("u1", done, used)
    assert set(freed) == {parts[3].blob_id, *old_ids}
    assert store.get_object("photos", "big.bin") == done
    assert store.get_upload("u1") is None
    assert store.list_parts("u1").parts == []
    assert store.all_blob_ids() == {s.blob_id for s in segments}
    assert store.check_blob_refs() == []
    with pytest.raises(NoSuchUpload):
        store.complete_upload("u1", done, used)


def test_an_aborted_upload_frees_its_parts_and_refuses_more(store: SqliteObjectStore) -> None:
    store.create_upload(_upload("u1"))
    parts = [_part("u1", n) for n in (1, 2)]
    for part in parts:
        store.put_part(part)
    assert set(store.abort_upload("u1")) == {p.blob_id for p in parts}
    with pytest.raises(NoSuchUpload):
        store.abort_upload("u1")
    with pytest.raises(NoSuchUpload):
        store.put_part(_part("u1", 3))
    assert store.all_blob_ids() == set()


def test_uploads_list_by_key_then_upload_id_with_markers_and_prefix(
    store: SqliteObjectStore,
) -> None:
    for upload_id, key in [("u3", "b"), ("u1", "b"), ("u2", "a"), ("u4", "c/d"), ("u5", "c/e")]:
        store.create_upload(_upload(upload_id, key))

    def ids(page: UploadsPage) -> list[str]:
        return [u.upload_id for u in page.uploads]

    assert ids(store.list_uploads("photos")) == ["u2", "u1", "u3", "u4", "u5"]
    first = store.list_uploads("photos", max_uploads=2)
    assert (ids(first), first.is_truncated, first.next_key_marker, first.next_upload_id_marker) == (
        ["u2", "u1"],
        True,
        "b",
        "u1",
    )
    assert ids(store.list_uploads("photos", key_marker="b", upload_id_marker="u1")) == [
        "u3",
        "u4",
        "u5",
    ]
    assert ids(store.list_uploads("photos", key_marker="b")) == ["u4", "u5"]
    assert ids(store.list_uploads("photos", prefix="c/")) == ["u4", "u5"]
    assert store.list_uploads("photos", max_uploads=0) == ([], False, None, None)


def test_writes_from_many_threads_each_commit_whole(store: SqliteObjectStore) -> None:
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(20):
                store.put_object(_object(f"t{worker}/{i % 5}", 1, 2))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.list_objects("photos").objects) == 30
    assert store.check_blob_refs() == []
    assert len(store.all_blob_ids()) == 60


_AWKWARD_KEYS = [
    "../../../../etc/passwd",
    "/leading/slash",
    "//double",
    "a/../../b",
    ".",
    "..",
    " spaces  and\ttabs ",
    "back\\slash",
    "nul\x00byte",
    "CON",
    "é" * 512,  # 1024 bytes of UTF-8
    "😀" * 256,  # 1024 bytes of UTF-8, outside the BMP
    "\U0010ffff",
]


def test_any_key_is_stored_as_data_and_never_touches_the_file_layout(tmp_path: Path) -> None:
    objects = open_object_store(tmp_path)
    blobs: BlobStore = open_blob_store(tmp_path)
    objects.create_bucket(Bucket("photos", ACCOUNT, "us-east-1", NOW))
    for key in _AWKWARD_KEYS:
        with blobs.writer() as writer:
            writer.write(key.encode())
            ref = writer.commit()
        segment = Segment(ref.blob_id, ref.size)
        obj = dataclasses.replace(_object(key), segments=(segment,), size=ref.size)
        objects.put_object(obj)

    for key in _AWKWARD_KEYS:
        got = objects.get_object("photos", key)
        assert got is not None
        assert got.key == key
        assert b"".join(blobs.read_segments(got.segments)) == key.encode()
    listed = [o.key for o in objects.list_objects("photos").objects]
    assert listed == sorted(_AWKWARD_KEYS, key=lambda k: k.encode())

    allowed = re.compile(
        r"objects\.sqlite3(-wal|-shm)?|blobs|blobs/tmp|blobs/trash(/[0-9a-f]{32})?|blobs/[0-9a-f]{2}(/[0-9a-f]{2}(/[0-9a-f]{32})?)?"
    )
    layout = [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")]
    assert [p for p in layout if not allowed.fullmatch(p)] == []
    assert sum(1 for p in layout if p.count("/") == 3) == len(_AWKWARD_KEYS)


class _Taken(Exception):
    pass


def _create_only(current: StoredObject | None) -> None:
    if current is not None:
        raise _Taken()


def test_a_check_runs_inside_the_write_so_racing_create_only_writers_have_one_winner(
    store: SqliteObjectStore,
) -> None:
    # The check sees the key as the commit does (S3 UG conditional-writes.html: of concurrent
    # conditional writes the first to finish wins, the others fail).
    wins: list[int] = []

    def work(worker: int, key: str, barrier: threading.Barrier) -> None:
        barrier.wait()
        try:
            store.put_object(_object(key, 1), _create_only)
            wins.append(worker)
        except _Taken:
            pass

    for round_number in range(30):
        barrier = threading.Barrier(4)
        threads = [
            threading.Thread(target=work, args=(n, f"race/{round_number}", barrier))
            for n in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(wins) == round_number + 1
    assert store.check_blob_refs() == []
    assert len(store.all_blob_ids()) == 30


def test_a_failed_check_changes_nothing(store: SqliteObjectStore) -> None:
    kept = _object("k", 3)
    store.put_object(kept)
    with pytest.raises(_Taken):
        store.put_object(_object("k", 4), _create_only)
    with pytest.raises(_Taken):
        store.delete_object("photos", "k", _create_only)
    assert store.get_object("photos", "k") == kept
    store.create_upload(_upload("u1", "k"))
    part = UploadedPart("u1", 1, new_blob_id(), 5, '"p"', NOW, ())
    store.put_part(part)
    done = dataclasses.replace(_object("k", 5), segments=(Segment(part.blob_id, 5),))
    with pytest.raises(_Taken):
        store.complete_upload("u1", done, [1], _create_only)
    assert store.get_upload("u1") is not None
    assert store.get_object("photos", "k") == kept
    # A batch delete keeps exactly the keys its check refuses.
    store.put_object(_object("other", 1))
    store.delete_objects("photos", ["k", "other"], lambda key, current: key == "other")
    assert store.get_object("photos", "k") == kept
    assert store.get_object("photos", "other") is None
    assert store.check_blob_refs() == []


def test_writes_for_a_bucket_refuse_another_bucket_of_the_same_name(
    store: SqliteObjectStore,
) -> None:
    """A request authorized against one bucket must not act on a bucket that took its name after
    it was deleted (tests/security/test_names_reused.py is the attack)."""
    old = store.get_bucket("photos")
    assert old is not None
    store.delete_bucket("photos", old)
    store.create_bucket(Bucket("photos", "999988887777", "us-east-1", NOW, bucket_id="new"))
    new = store.get_bucket("photos")
    assert new is not None and not new.same_bucket(old)
    store.put_object(_object("theirs", 3), expected=new)
    for write in (
        lambda: store.put_object(_object("planted", 1), expected=old),
        lambda: store.delete_objects("photos", ["theirs"], expected=old),
        lambda: store.delete_object("photos", "theirs", expected=old),
        lambda: store.set_bucket_policy("photos", "{}", (), old),
        lambda: store.create_upload(_upload("u1"), old),
        lambda: store.list_objects("photos", expected=old),
        lambda: store.list_uploads("photos", expected=old),
        lambda: store.delete_bucket("photos", old),
    ):
        with pytest.raises(NoSuchBucket):
            write()
    assert [o.key for o in store.list_objects("photos", expected=new).objects] == ["theirs"]
    assert store.get_bucket("photos") == new
