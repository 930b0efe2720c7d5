"""What the services need from persistence.

Records are the frozen dataclasses of `rolegate.model`; each names its `KIND`, its `scope` (an
account id, or "" for global kinds) and a `record_key` unique within the scope. Listing is by key
prefix in key order, which is what IAM's list calls page through.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol, TypeVar

from rolegate.model import (
    AccessKey,
    Account,
    InlinePolicy,
    ManagedPolicy,
    ManagedPolicyVersion,
    PolicyAttachment,
    Role,
    User,
)

Record = (
    Account
    | AccessKey
    | User
    | Role
    | InlinePolicy
    | ManagedPolicy
    | ManagedPolicyVersion
    | PolicyAttachment
)
R = TypeVar("R", bound=Record)


class AlreadyExists(Exception):
    """`insert` found a record with the same kind, scope and key."""


class MetadataStore(Protocol):
    def get(self, kind: type[R], scope: str, key: str) -> R | None: ...

    def list(self, kind: type[R], scope: str, prefix: str = "", after: str = "") -> list[R]:
        """Records whose key starts with `prefix` and sorts after `after`, in key order."""
        ...

    def iter_all(self, kind: type[R]) -> Iterator[R]:
        """Every record of a kind across scopes (admin listings; not on a request's hot path)."""
        ...

    def insert(self, record: Record) -> None:
        """Raises AlreadyExists when the key is taken."""
        ...

    def put(self, record: Record) -> None:
        """Insert or replace."""
        ...

    def delete(self, kind: type[Record], scope: str, key: str) -> bool: ...

    def find_access_key(self, access_key_id: str) -> AccessKey | None: ...

    def transaction(self) -> AbstractContextManager[None]:
        """Everything written inside commits together or not at all (one writer at a time)."""
        ...

    def generation(self) -> tuple[int, int]:
        """A value that changes whenever anything is committed, by this process or another.

        Lets the services cache what they derive from records (compiled policy sets) and still
        see writes made by `rolegate account create` or a second server on the same data dir.
        """
        ...

    def refresh_generation(self) -> None:
        """Look for other processes' commits now, rather than when the store next polls."""
        ...

    def server_secret(self, name: str) -> bytes:
        """A random secret kept in the store, created on first use (e.g. the session-token key)."""
        ...

    def close(self) -> None: ...
