"""The S3 service: its stores, and the table from operation name to handler."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rolegate.aws.s3.xml_listings import Owner
from rolegate.services.principal_bindings import PrincipalResolver
from rolegate.services.s3.call import S3Call, S3Reply
from rolegate.store.blobs import BlobStore
from rolegate.store.objects import ObjectStore


@dataclass(frozen=True, slots=True)
class S3Service:
    objects: ObjectStore
    blobs: BlobStore
    region: str
    # Binds the users and roles a bucket policy names to their unique ids (PutBucketPolicy) and
    # shows a deleted one's id (GetBucketPolicy); the authorizer's, so both share its cache.
    principals: PrincipalResolver

    def free(self, blob_ids: tuple[str, ...]) -> None:
        """Delete blobs no record refers to any more (after the commit that released them)."""
        self.blobs.delete_many(blob_ids)


Handler = Callable[[S3Service, S3Call], Awaitable[S3Reply]]


def canonical_owner(account_id: str) -> Owner:
    """S3's canonical user id is a 64-hex-digit string per account; rolegate derives one."""
    return Owner(hashlib.sha256(f"rolegate-canonical-{account_id}".encode()).hexdigest())
