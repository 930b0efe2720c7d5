"""Values derived from stored records, kept until anything is committed.

A role's compiled policy set is rebuilt only when the store's generation changes, so the
statement indexes the engine builds per action survive from one request to the next. Any commit
(from this process, `rolegate account create`, or another server on the data dir) clears it:
coarse, but IAM writes are rare next to the requests they govern.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from rolegate.store import MetadataStore

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class DerivedCache(Generic[K, V]):
    def __init__(self, store: MetadataStore, limit: int = 4096) -> None:
        self._store = store
        self._limit = limit
        self._values: dict[K, V] = {}
        self._generation: tuple[int, int] | None = None

    def get(self, key: K, compute: Callable[[], V]) -> V:
        generation = self._store.generation()
        if generation != self._generation:
            self._values.clear()
            self._generation = generation
        try:
            return self._values[key]
        except KeyError:
            pass
        value = compute()
        if len(self._values) >= self._limit:
            self._values.clear()
        self._values[key] = value
        return value
