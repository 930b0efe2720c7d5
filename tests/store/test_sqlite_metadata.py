"""The SQLite metadata store: typed round trips, uniqueness, atomic transactions, generations."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rolegate.model import AccessKey, AccessKeyStatus, Role, Tag
from rolegate.services.derived_cache import DerivedCache
from rolegate.store import AlreadyExists, open_metadata_store
from rolegate.store.sqlite_metadata import DATA_VERSION_POLL

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def _role(name: str) -> Role:
    return Role(
        "111122223333", name, "/", f"AROA{name.upper():0<17}"[:21], "{}", NOW, tags=(Tag("k", "v"),)
    )


def test_records_round_trip_and_keys_are_unique(tmp_path: Path) -> None:
    store = open_metadata_store(tmp_path)
    store.insert(_role("Reader"))
    assert store.get(Role, "111122223333", "reader") == _role("Reader")
    with pytest.raises(AlreadyExists):
        store.insert(_role("READER"))
    key = AccessKey("AKIAEXAMPLE", "secret", "111122223333", None, AccessKeyStatus.ACTIVE, NOW)
    store.put(key)
    assert store.find_access_key("AKIAEXAMPLE") == key


def test_listing_is_by_prefix_in_key_order_and_pages_after_a_key(tmp_path: Path) -> None:
    store = open_metadata_store(tmp_path)
    for name in ["b", "a", "c", "ab"]:
        store.insert(_role(name))
    assert [r.name for r in store.list(Role, "111122223333")] == ["a", "ab", "b", "c"]
    assert [r.name for r in store.list(Role, "111122223333", prefix="a")] == ["a", "ab"]
    assert [r.name for r in store.list(Role, "111122223333", after="ab")] == ["b", "c"]


def test_a_failed_transaction_writes_nothing(tmp_path: Path) -> None:
    store = open_metadata_store(tmp_path)
    store.insert(_role("keep"))
    with pytest.raises(RuntimeError), store.transaction():
        store.delete(Role, "111122223333", "keep")
        store.insert(_role("new"))
        raise RuntimeError("abort")
    assert store.get(Role, "111122223333", "keep") is not None
    assert store.get(Role, "111122223333", "new") is None


def test_commits_from_another_connection_change_the_generation(tmp_path: Path) -> None:
    server_side = open_metadata_store(tmp_path)
    cache: DerivedCache[str, int] = DerivedCache(server_side)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(server_side.list(Role, "111122223333"))

    assert cache.get("roles", compute) == 0
    assert cache.get("roles", compute) == 0 and len(calls) == 1
    other_process = open_metadata_store(tmp_path)  # as `rolegate account create` would
    other_process.insert(_role("late"))
    time.sleep(DATA_VERSION_POLL * 1.5)  # other processes' commits are polled for, not pushed
    assert cache.get("roles", compute) == 1 and len(calls) == 2
    server_side.insert(_role("own"))
    assert cache.get("roles", compute) == 2


def test_the_database_is_private_to_its_owner(tmp_path: Path) -> None:
    open_metadata_store(tmp_path / "data")
    assert (tmp_path / "data" / "metadata.sqlite3").stat().st_mode & 0o077 == 0
