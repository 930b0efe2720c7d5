"""What the S3 service needs from object metadata: buckets, objects, multipart uploads, listings.

Bytes are not here: they live in a `BlobStore`, and records name them by blob id. Every call that
replaces or removes records returns the blob ids nothing references any more; the caller deletes
those blobs *after* the call returned (the metadata commit comes first, so a crash in between
leaves unreferenced blobs for the startup sweep, never a record pointing at a missing blob).
Blobs are reference-counted, so two objects may share one (a copy that copies no bytes).

Listing order is S3's: keys ascending by their UTF-8 bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from rolegate.model import Bucket, MultipartUpload, PrincipalBinding, StoredObject, UploadedPart
from rolegate.store.interfaces import AlreadyExists

__all__ = [
    "AlreadyExists",
    "BucketNotEmpty",
    "InvalidParts",
    "KeyCheck",
    "ListPage",
    "NoSuchBucket",
    "NoSuchUpload",
    "ObjectCheck",
    "ObjectStore",
    "ObjectStoreError",
    "PartsPage",
    "UploadsPage",
]


class ObjectStoreError(Exception):
    pass


class BucketNotEmpty(ObjectStoreError):
    """delete_bucket on a bucket that still has objects or multipart uploads in progress."""


class NoSuchBucket(ObjectStoreError):
    """The bucket is gone (perhaps deleted while the request was under way)."""


class NoSuchUpload(ObjectStoreError):
    """The multipart upload is gone (completed or aborted, perhaps concurrently)."""


class InvalidParts(ObjectStoreError):
    """complete_upload's object does not consist of exactly the listed parts' blobs, in order."""


# A conditional write's precondition (S3 UG conditional-writes.html, conditional-deletes.html):
# called inside the write's own transaction with the object then at the key (None when there is
# none). Raising aborts the write and propagates; so the check and the write are one atomic step
# and two create-only writers racing for a key cannot both win.
ObjectCheck = Callable[[StoredObject | None], None]
# The same for one key of a batch delete: False leaves that key as it is, the others proceed.
KeyCheck = Callable[[str, StoredObject | None], bool]


@dataclass(frozen=True, slots=True)
class ListPage:
    objects: list[StoredObject]
    common_prefixes: list[str]
    is_truncated: bool
    # The last key or common prefix returned (None when nothing was): the caller's next
    # `start_after`, which it turns into NextMarker or NextContinuationToken.
    next_start: str | None


class PartsPage(NamedTuple):
    parts: list[UploadedPart]
    is_truncated: bool
    next_marker: int | None  # the last part number returned


class UploadsPage(NamedTuple):
    uploads: list[MultipartUpload]
    is_truncated: bool
    next_key_marker: str | None
    next_upload_id_marker: str | None


class ObjectStore(Protocol):
    # Buckets -------------------------------------------------------------------------------

    def create_bucket(self, bucket: Bucket) -> None:
        """Raises AlreadyExists when the name is taken (by any account: names are global)."""
        ...

    def get_bucket(self, name: str) -> Bucket | None: ...

    def get_bucket_and_object(
        self, bucket: str, key: str
    ) -> tuple[Bucket | None, StoredObject | None]:
        """Both in one read, for requests that need the bucket to authorize reading the object
        (GetObject, HeadObject); the object is None when the bucket is."""
        ...

    def list_buckets(self, account_id: str) -> list[Bucket]:
        """The account's buckets, sorted by name."""
        ...

    def delete_bucket(self, name: str, expected: Bucket | None = None) -> None:
        """Raises BucketNotEmpty (objects or uploads in progress), NoSuchBucket.

        Every write that names a bucket takes `expected`, the bucket the request was authorized
        against: when the bucket of that name is no longer that one (deleted, perhaps created
        again by another account), the write raises NoSuchBucket inside its transaction."""
        ...

    def set_bucket_policy(
        self,
        name: str,
        policy: str | None,
        principals: tuple[PrincipalBinding, ...] = (),
        expected: Bucket | None = None,
    ) -> None:
        """Replace the policy and the unique ids of the principals it names; raises NoSuchBucket."""
        ...

    # Objects -------------------------------------------------------------------------------

    def get_object(self, bucket: str, key: str) -> StoredObject | None: ...

    def put_object(
        self, obj: StoredObject, check: ObjectCheck | None = None, expected: Bucket | None = None
    ) -> tuple[str, ...]:
        """Insert or replace, in one transaction; returns the blob ids freed by the replaced
        version. Raises NoSuchBucket, or what `check` raised (the caller then deletes the blobs
        it wrote)."""
        ...

    def delete_object(
        self,
        bucket: str,
        key: str,
        check: ObjectCheck | None = None,
        expected: Bucket | None = None,
    ) -> tuple[str, ...]:
        """Freed blob ids; nothing when there was no such object. Raises what `check` raised."""
        ...

    def delete_objects(
        self,
        bucket: str,
        keys: Iterable[str],
        check: KeyCheck | None = None,
        expected: Bucket | None = None,
    ) -> tuple[str, ...]:
        """Several deletes in one transaction (keys `check` refuses are kept); freed blob ids."""
        ...

    def list_objects(
        self,
        bucket: str,
        prefix: str = "",
        delimiter: str = "",
        start_after: str = "",
        max_keys: int = 1000,
        expected: Bucket | None = None,
    ) -> ListPage:
        """Keys under `prefix` after `start_after`, keys sharing a common prefix rolled up.

        A common prefix counts as one entry toward max_keys and sorts where its string does;
        only entries sorting after `start_after` are returned, so paging with `next_start`
        never repeats one. max_keys 0 returns an empty page that is not truncated (as S3 does).
        """
        ...

    # Multipart uploads ---------------------------------------------------------------------

    def create_upload(self, upload: MultipartUpload, expected: Bucket | None = None) -> None:
        """Raises NoSuchBucket, AlreadyExists (upload id taken)."""
        ...

    def get_upload(self, upload_id: str) -> MultipartUpload | None: ...

    def put_part(self, part: UploadedPart) -> tuple[str, ...]:
        """Insert or replace a part; returns the replaced part's blob id if now unreferenced.
        Raises NoSuchUpload (the caller then deletes the part's blob)."""
        ...

    def list_parts(
        self, upload_id: str, part_number_marker: int = 0, max_parts: int = 1000
    ) -> PartsPage: ...

    def list_uploads(
        self,
        bucket: str,
        prefix: str = "",
        key_marker: str = "",
        upload_id_marker: str = "",
        max_uploads: int = 1000,
        expected: Bucket | None = None,
    ) -> UploadsPage:
        """In-progress uploads ordered by key, then upload id (ids that sort by creation time
        give S3's order). With `upload_id_marker`, uploads of `key_marker` after that id
        come first; without it, listing starts after `key_marker`."""
        ...

    def complete_upload(
        self,
        upload_id: str,
        obj: StoredObject,
        used_part_numbers: Iterable[int],
        check: ObjectCheck | None = None,
    ) -> tuple[str, ...]:
        """One transaction: `obj` (whose segments are the used parts' blobs, in order) replaces
        any object at its key, and the upload and all its parts are removed. Returns the blob
        ids no longer referenced: unused parts' and the replaced object's. Raises
        NoSuchUpload, InvalidParts, NoSuchBucket, or what `check` raised (the upload is then
        left as it was)."""
        ...

    def abort_upload(self, upload_id: str) -> tuple[str, ...]:
        """Removes the upload and its parts; their freed blob ids. Raises NoSuchUpload."""
        ...

    # Blobs ---------------------------------------------------------------------------------

    def referenced_blob(self, blob_id: str) -> bool: ...

    def all_blob_ids(self) -> set[str]:
        """Every blob an object or a part references: what the startup sweep keeps."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """Calls made inside commit together (bulk loads, tests); one writer at a time."""
        ...

    def close(self) -> None: ...
