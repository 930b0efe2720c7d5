"""ListObjects semantics against a brute-force reference, key order, and the common-prefix jump."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolegate.model import Bucket, StoredObject
from rolegate.store.key_ranges import prefix_end
from rolegate.store.objects import ListPage
from rolegate.store.sqlite_objects import SqliteObjectStore

NOW = datetime(2026, 11, 28, tzinfo=UTC)
# '/', a multi-byte letter, a character outside the BMP, the last code points before the
# surrogates and of Unicode (where "the next string" is easy to get wrong), a space.
ALPHABET = ["a", "b", "/", "é", "😀", "\ud7ff", "\U0010ffff", " "]
_buckets = itertools.count()


def _object(bucket: str, key: str) -> StoredObject:
    return StoredObject(
        bucket, key, (), 0, '"d41d8cd98f00b204e9800998ecf8427e"', NOW, None, (), (), ()
    )


def _fill(store: SqliteObjectStore, keys: set[str]) -> str:
    bucket = f"bucket-{next(_buckets)}"
    store.create_bucket(Bucket(bucket, "111122223333", "us-east-1", NOW))
    with store.transaction():
        for key in keys:
            store.put_object(_object(bucket, key))
    return bucket


def reference(keys: set[str], prefix: str, delimiter: str) -> list[str]:
    """Every entry of a full listing in S3 order; common prefixes end with the delimiter."""
    entries = set()
    for key in keys:
        if not key.startswith(prefix):
            continue
        rest = key[len(prefix) :]
        if delimiter and delimiter in rest:
            entries.add(prefix + rest.split(delimiter, 1)[0] + delimiter)
        else:
            entries.add(key)
    return sorted(entries, key=lambda entry: entry.encode("utf-8"))


def _entries(page: ListPage) -> list[str]:
    return sorted(
        [o.key for o in page.objects] + page.common_prefixes, key=lambda e: e.encode("utf-8")
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> SqliteObjectStore:
    return SqliteObjectStore(tmp_path_factory.mktemp("listing") / "objects.sqlite3")


_text = st.text(st.sampled_from(ALPHABET), max_size=4)


@settings(max_examples=150, deadline=None)
@given(
    keys=st.sets(st.text(st.sampled_from(ALPHABET), min_size=1, max_size=5), max_size=30),
    prefix=st.text(st.sampled_from(ALPHABET), max_size=2),
    delimiter=st.sampled_from(["", "/", "a", "/a", "é", "😀"]),
    start_after=_text,
    max_keys=st.integers(0, 6),
    page_size=st.integers(1, 4),
)
def test_pages_match_the_reference_and_paging_yields_every_entry_once(
    store: SqliteObjectStore,
    keys: set[str],
    prefix: str,
    delimiter: str,
    start_after: str,
    max_keys: int,
    page_size: int,
) -> None:
    bucket = _fill(store, keys)
    everything = reference(keys, prefix, delimiter)

    # One page from an arbitrary start_after.
    page = store.list_objects(bucket, prefix, delimiter, start_after, max_keys)
    after = [e for e in everything if e.encode() > start_after.encode()]
    expected = after[:max_keys]
    assert _entries(page) == expected
    assert [o.key for o in page.objects] == [
        e for e in expected if e in keys and _listed(e, prefix, delimiter)
    ]
    assert page.is_truncated == (max_keys > 0 and len(after) > max_keys)
    assert page.next_start == (expected[-1] if expected else None)

    # Paging with next_start as the next start_after walks the reference exactly.
    walked: list[str] = []
    start = ""
    for _ in range(len(everything) + 1):
        page = store.list_objects(bucket, prefix, delimiter, start, page_size)
        walked += _entries(page)
        if not page.is_truncated:
            break
        assert page.next_start is not None
        start = page.next_start
    assert walked == everything


def _listed(key: str, prefix: str, delimiter: str) -> bool:
    return not delimiter or delimiter not in key[len(prefix) :]


def test_listed_objects_are_the_stored_records(store: SqliteObjectStore) -> None:
    bucket = _fill(store, {"a/1", "a/2", "b"})
    page = store.list_objects(bucket, delimiter="/")
    assert page.objects == [_object(bucket, "b")]
    assert page.common_prefixes == ["a/"]
    assert store.list_objects(bucket, prefix="a/").objects == [
        _object(bucket, "a/1"),
        _object(bucket, "a/2"),
    ]


def test_order_is_by_utf8_bytes_not_utf16_units(store: SqliteObjectStore) -> None:
    # In UTF-16, U+FF61 sorts after U+1F600 (a surrogate pair starting 0xD83D); in UTF-8 before.
    keys = {"\uff61", "😀", "\ufffd", "z", "é", "A", "a\x00b", "a"}
    bucket = _fill(store, keys)
    listed = [o.key for o in store.list_objects(bucket).objects]
    assert listed == sorted(keys, key=lambda k: k.encode("utf-8"))
    assert listed.index("\uff61") < listed.index("😀")


def test_max_keys_zero_is_an_empty_page_that_is_not_truncated(store: SqliteObjectStore) -> None:
    bucket = _fill(store, {"a", "b"})
    assert store.list_objects(bucket, max_keys=0) == ListPage([], [], False, None)


def test_a_page_ending_on_a_common_prefix_is_not_truncated_by_its_own_keys(
    store: SqliteObjectStore,
) -> None:
    # As S3: the keys under the last common prefix are not further entries.
    bucket = _fill(store, {"asdf", "boo/bar", "boo/baz/xyzzy", "cquux/thud", "cquux/bla"})
    page = store.list_objects(bucket, delimiter="/", start_after="boo/", max_keys=1)
    assert (page.objects, page.common_prefixes, page.is_truncated) == ([], ["cquux/"], False)


def test_prefix_end_bounds_exactly_the_strings_with_the_prefix() -> None:
    assert prefix_end("") is None
    assert prefix_end("\U0010ffff\U0010ffff") is None
    assert prefix_end("a/") == "a0"
    assert prefix_end("a\U0010ffff") == "b"
    assert prefix_end("\ud7ff") == "\ue000"  # skips the surrogates, which UTF-8 cannot hold


def test_a_delimiter_listing_jumps_over_a_hundred_thousand_keys(tmp_path: Path) -> None:
    store = SqliteObjectStore(tmp_path / "objects.sqlite3")
    keys = {f"a/{n:06d}" for n in range(100_000)} | {"b", "c/1", "c/2"}
    bucket = _fill(store, keys)

    # Counted in SQLite virtual-machine steps rather than seconds, so the check cannot flake:
    # reading the 100k rows under a/ one by one takes millions of steps.
    conn = store._db.connection()
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    conn.set_progress_handler(count, 1000)
    page = store.list_objects(bucket, delimiter="/")
    conn.set_progress_handler(None, 0)
    assert (page.common_prefixes, [o.key for o in page.objects]) == (["a/", "c/"], ["b"])
    assert steps < 20  # under 20,000 steps

    conn.set_progress_handler(count, 1000)
    steps = 0
    page = store.list_objects(bucket, prefix="a/", start_after="a/050000", max_keys=10)
    conn.set_progress_handler(None, 0)
    assert [o.key for o in page.objects] == [f"a/{n:06d}" for n in range(50_001, 50_011)]
    assert page.is_truncated
    assert steps < 20
