"""Response bodies of the listing operations: ListBuckets, ListObjects and ListObjectsV2.

Element names and order from the response syntax of
https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html,
https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html and
https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html; the order inside
`<Contents>` as S3 answers (Key, LastModified, ETag, ChecksumAlgorithm, ChecksumType, Size, Owner,
StorageClass, quoted in https://github.com/versity/versitygw/issues/1985).

With `encoding-type=url` S3 percent-encodes the fields that hold keys (V1: Delimiter, Marker,
Prefix, NextMarker, Key; V2: Delimiter, Prefix, Key, StartAfter; CommonPrefixes in both) in form
style: a space is `+`, `+` is `%2B`, `/` is left alone, UTF-8 bytes are `%XX` (measured against S3
in https://github.com/brekkylab/backlot/issues/178). Continuation tokens are never encoded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import quote_plus

from rolegate.aws.s3.checksums import ChecksumAlgorithm
from rolegate.aws.s3.times import iso_timestamp
from rolegate.aws.s3.xml_writer import XmlWriter, escape

__all__ = [
    "BucketEntry",
    "EncodingType",
    "ObjectEntry",
    "Owner",
    "list_all_my_buckets_result",
    "list_bucket_result_v1",
    "list_bucket_result_v2",
    "owner_markup",
    "quoted_etag",
    "url_encoder",
]


class EncodingType(StrEnum):
    URL = "url"


@dataclass(frozen=True, slots=True)
class Owner:
    id: str  # the canonical user id
    display_name: str | None = None  # S3 stopped sending DisplayName in 2025; kept if given


@dataclass(frozen=True, slots=True)
class BucketEntry:
    name: str
    creation_date: datetime
    region: str | None = None  # <BucketRegion>


@dataclass(frozen=True, slots=True)
class ObjectEntry:
    key: str
    last_modified: datetime
    etag: str  # quoted or not; written quoted, as S3 does
    size: int
    storage_class: str = "STANDARD"
    owner_id: str | None = None  # V1 always shows the owner; V2 only with fetch-owner=true
    checksum_algorithm: ChecksumAlgorithm | None = None
    checksum_type: str | None = None  # FULL_OBJECT or COMPOSITE


def quoted_etag(etag: str) -> str:
    return etag if etag.startswith('"') else f'"{etag}"'


def _url_encode(text: str) -> str:
    return quote_plus(text, safe="/")


def _unchanged(text: str) -> str:
    return text


def url_encoder(encoding_type: EncodingType | None) -> Callable[[str], str]:
    """The function to apply to key-bearing fields before they are written."""
    return _url_encode if encoding_type is EncodingType.URL else _unchanged


def owner_markup(tag: str, owner: Owner) -> str:
    name = f"<DisplayName>{escape(owner.display_name)}</DisplayName>" if owner.display_name else ""
    return f"<{tag}><ID>{escape(owner.id)}</ID>{name}</{tag}>"


def _contents(entry: ObjectEntry, encode: Callable[[str], str]) -> str:
    # One f-string per entry: a 1,000-key page is the hot path of listing.
    checksum = ""
    if entry.checksum_algorithm is not None:
        checksum = f"<ChecksumAlgorithm>{entry.checksum_algorithm.value}</ChecksumAlgorithm>"
    if entry.checksum_type is not None:
        checksum += f"<ChecksumType>{escape(entry.checksum_type)}</ChecksumType>"
    owner = f"<Owner><ID>{escape(entry.owner_id)}</ID></Owner>" if entry.owner_id else ""
    return (
        f"<Contents><Key>{escape(encode(entry.key))}</Key>"
        f"<LastModified>{iso_timestamp(entry.last_modified)}</LastModified>"
        f"<ETag>{escape(quoted_etag(entry.etag))}</ETag>{checksum}<Size>{entry.size}</Size>"
        f"{owner}<StorageClass>{escape(entry.storage_class)}</StorageClass></Contents>"
    )


def _common_prefixes(prefixes: Sequence[str], encode: Callable[[str], str]) -> list[str]:
    return [
        f"<CommonPrefixes><Prefix>{escape(encode(prefix))}</Prefix></CommonPrefixes>"
        for prefix in prefixes
    ]


def list_all_my_buckets_result(
    buckets: Sequence[BucketEntry],
    owner: Owner,
    *,
    continuation_token: str | None = None,
    prefix: str | None = None,
) -> bytes:
    out = XmlWriter("ListAllMyBucketsResult")
    out.raw(owner_markup("Owner", owner))
    out.open("Buckets")
    for bucket in buckets:
        region = f"<BucketRegion>{escape(bucket.region)}</BucketRegion>" if bucket.region else ""
        out.raw(
            f"<Bucket><Name>{escape(bucket.name)}</Name>"
            f"<CreationDate>{iso_timestamp(bucket.creation_date)}</CreationDate>{region}</Bucket>"
        )
    out.close("Buckets")
    out.optional("ContinuationToken", continuation_token)
    out.optional("Prefix", prefix)
    return out.finish()


def list_bucket_result_v1(
    *,
    bucket: str,
    prefix: str,
    marker: str,
    max_keys: int,
    is_truncated: bool,
    contents: Sequence[ObjectEntry],
    common_prefixes: Sequence[str] = (),
    delimiter: str | None = None,
    next_marker: str | None = None,
    encoding_type: EncodingType | None = None,
) -> bytes:
    """ListObjects. S3 sends NextMarker only when a delimiter was given and the page is
    truncated; the caller decides, this writes what it is given."""
    encode = url_encoder(encoding_type)
    out = XmlWriter("ListBucketResult")
    out.element("Name", bucket)
    out.element("Prefix", encode(prefix))
    out.element("Marker", encode(marker))
    if next_marker is not None:
        out.element("NextMarker", encode(next_marker))
    out.integer("MaxKeys", max_keys)
    _listing_tail(out, encode, delimiter, encoding_type, is_truncated, contents, common_prefixes)
    return out.finish()


def _listing_tail(
    out: XmlWriter,
    encode: Callable[[str], str],
    delimiter: str | None,
    encoding_type: EncodingType | None,
    is_truncated: bool,
    contents: Sequence[ObjectEntry],
    common_prefixes: Sequence[str],
) -> None:
    """What both ListObjects versions end with, in the same order."""
    if delimiter is not None:
        out.element("Delimiter", encode(delimiter))
    if encoding_type is not None:
        out.element("EncodingType", encoding_type.value)
    out.boolean("IsTruncated", is_truncated)
    out.extend([_contents(entry, encode) for entry in contents])
    out.extend(_common_prefixes(common_prefixes, encode))


def list_bucket_result_v2(
    *,
    bucket: str,
    prefix: str,
    max_keys: int,
    is_truncated: bool,
    contents: Sequence[ObjectEntry],
    common_prefixes: Sequence[str] = (),
    delimiter: str | None = None,
    continuation_token: str | None = None,
    next_continuation_token: str | None = None,
    start_after: str | None = None,
    encoding_type: EncodingType | None = None,
) -> bytes:
    """ListObjectsV2. KeyCount counts keys and common prefixes alike, as S3 does."""
    encode = url_encoder(encoding_type)
    out = XmlWriter("ListBucketResult")
    out.element("Name", bucket)
    out.element("Prefix", encode(prefix))
    if start_after is not None:
        out.element("StartAfter", encode(start_after))
    out.optional("ContinuationToken", continuation_token)
    out.optional("NextContinuationToken", next_continuation_token)
    out.integer("KeyCount", len(contents) + len(common_prefixes))
    out.integer("MaxKeys", max_keys)
    _listing_tail(out, encode, delimiter, encoding_type, is_truncated, contents, common_prefixes)
    return out.finish()
