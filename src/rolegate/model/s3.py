"""Frozen dataclasses for what S3 stores: buckets, objects, multipart uploads and their parts.

An object's bytes live in blobs named by random ids, never by anything a client sent; the object
lists them as segments in order. A completed multipart upload keeps its parts' blobs as its
segments, so completing never copies bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rolegate.model.identity import PrincipalBinding

# Ordered (name, value) pairs rather than dicts: values stay hashable and keep the order given.
Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Bucket:
    name: str
    account_id: str
    region: str
    created: datetime
    policy: str | None = None
    # The users and roles the bucket policy names, bound to their unique ids when it was saved;
    # None for a policy stored before bindings were recorded (its principals still match by ARN).
    policy_principals: tuple[PrincipalBinding, ...] | None = None
    # Random, drawn when the bucket is created. Names are re-used (another account may create
    # one as soon as this bucket is deleted); this id never is, so a request authorized against
    # this bucket can tell, at its commit, that the bucket of that name is no longer the same
    # one. "" for a bucket stored before ids were drawn (its owner and creation time tell).
    bucket_id: str = ""

    def same_bucket(self, other: Bucket) -> bool:
        """The same bucket, not merely one of the same name."""
        return (self.bucket_id, self.account_id, self.created) == (
            other.bucket_id,
            other.account_id,
            other.created,
        )


@dataclass(frozen=True, slots=True)
class Segment:
    blob_id: str
    size: int


@dataclass(frozen=True, slots=True)
class StoredObject:
    bucket: str
    key: str
    segments: tuple[Segment, ...]
    size: int
    etag: str  # quoted, as S3 sends it: '"<md5 hex>"' or '"<md5 of part md5s>-<parts>"'
    last_modified: datetime
    content_type: str | None
    metadata: Pairs  # x-amz-meta-* names lowercased, without the prefix
    headers: Pairs  # Content-Encoding, Content-Disposition, ... as given on PUT
    checksums: Pairs  # algorithm (e.g. "CRC32") -> base64 value
    parts_count: int | None = None  # set for objects made by CompleteMultipartUpload
    part_sizes: tuple[int, ...] = ()  # for GetObject partNumber= on a multipart object


@dataclass(frozen=True, slots=True)
class MultipartUpload:
    upload_id: str
    bucket: str
    key: str
    initiated: datetime
    initiator_arn: str
    content_type: str | None
    metadata: Pairs
    headers: Pairs
    checksum_algorithm: str | None


@dataclass(frozen=True, slots=True)
class UploadedPart:
    upload_id: str
    part_number: int
    blob_id: str
    size: int
    etag: str
    last_modified: datetime
    checksums: Pairs
