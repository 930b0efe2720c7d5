"""ListObjects and ListObjectsV2 (API_ListObjects.html, API_ListObjectsV2.html)."""

from __future__ import annotations

import base64
import binascii

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.numbers import INT32_MAX, ascii_decimal
from rolegate.aws.s3.xml_listings import (
    EncodingType,
    ObjectEntry,
    list_bucket_result_v1,
    list_bucket_result_v2,
)
from rolegate.model import StoredObject
from rolegate.services.s3.call import S3Call, S3Reply
from rolegate.services.s3.errors import no_such_bucket
from rolegate.services.s3.service import S3Service, canonical_owner
from rolegate.store.objects import ListPage, NoSuchBucket

MAX_KEYS = 1000


def listing_context(call: S3Call) -> dict[str, object]:
    """The S3 condition keys of a listing (reference_policies_condition-keys / list_amazons3)."""
    context: dict[str, object] = {}
    for parameter, key in (("prefix", "s3:prefix"), ("delimiter", "s3:delimiter")):
        value = call.param(parameter)
        if value is not None:
            context[key] = value
    max_keys = call.param("max-keys")
    if max_keys is not None:
        context["s3:max-keys"] = max_keys
    return context


def int_param(call: S3Call, name: str, default: int, argument: str | None = None) -> int:
    """A non-negative xsd:int query parameter (max-keys, max-parts, ...); S3's InvalidArgument
    for anything else. ASCII digits only: int() would take full-width digits or 5,000 digits (a
    500), and a value past 2**31 - 1 once reached SQLite and overflowed (a 500 too). `argument`
    is the parameter's name in S3's text for a negative value (`maxKeys` for max-keys)."""
    raw = call.param(name)
    if raw is None:
        return default
    value = ascii_decimal(raw, INT32_MAX)
    if value is None:
        if raw.startswith("-") and ascii_decimal(raw[1:], INT32_MAX + 1) is not None:
            # [seen] https://github.com/brekkylab/backlot/issues/192: S3's text for a negative.
            raise AwsError(
                "InvalidArgument",
                f"Argument {argument or name} must be an integer between 0 and {INT32_MAX}",
                400,
            )
        raise AwsError(
            "InvalidArgument", f"Provided {name} not an integer or within integer range", 400
        )
    return value


def _max_keys(call: S3Call) -> int:
    return min(int_param(call, "max-keys", MAX_KEYS, "maxKeys"), MAX_KEYS)


def _encoding(call: S3Call) -> EncodingType | None:
    raw = call.param("encoding-type")
    if raw is None:
        return None
    if raw != "url":
        raise AwsError("InvalidArgument", "Invalid Encoding Method specified in Request", 400)
    return EncodingType.URL


def _entry(obj: StoredObject, owner_id: str | None) -> ObjectEntry:
    return ObjectEntry(obj.key, obj.last_modified, obj.etag, obj.size, owner_id=owner_id)


def _token(start: str) -> str:
    return base64.urlsafe_b64encode(start.encode()).decode("ascii")


def _from_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeError):
        raise AwsError(
            "InvalidArgument", "The continuation token provided is incorrect", 400
        ) from None


def _page(
    svc: S3Service, call: S3Call, prefix: str, delimiter: str, start: str, max_keys: int
) -> ListPage:
    """Keys of the bucket the listing was authorized against, not of a bucket that took its
    name since (deleted and created again by another account: NoSuchBucket)."""
    assert call.bucket is not None
    try:
        return svc.objects.list_objects(
            call.bucket.name, prefix, delimiter, start, max_keys, call.bucket
        )
    except NoSuchBucket:
        raise no_such_bucket(call.bucket.name) from None


async def list_objects(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket is not None
    prefix = call.param("prefix") or ""
    delimiter = call.param("delimiter") or ""
    marker = call.param("marker") or ""
    max_keys = _max_keys(call)
    page = _page(svc, call, prefix, delimiter, marker, max_keys)
    owner = canonical_owner(call.bucket.account_id).id
    body = list_bucket_result_v1(
        bucket=call.bucket.name,
        prefix=prefix,
        marker=marker,
        max_keys=max_keys,
        is_truncated=page.is_truncated,
        contents=[_entry(o, owner) for o in page.objects],
        common_prefixes=page.common_prefixes,
        delimiter=delimiter or None,
        # NextMarker only with a delimiter (API_ListObjects.html); without one clients use the
        # last key.
        next_marker=page.next_start if page.is_truncated and delimiter else None,
        encoding_type=_encoding(call),
    )
    return S3Reply(200, [], body, "application/xml")


async def list_objects_v2(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket is not None
    prefix = call.param("prefix") or ""
    delimiter = call.param("delimiter") or ""
    token = call.param("continuation-token")
    start_after = call.param("start-after") or ""
    start = _from_token(token) if token is not None else start_after
    max_keys = _max_keys(call)
    page = _page(svc, call, prefix, delimiter, start, max_keys)
    owner = (
        canonical_owner(call.bucket.account_id).id if call.param("fetch-owner") == "true" else None
    )
    body = list_bucket_result_v2(
        bucket=call.bucket.name,
        prefix=prefix,
        max_keys=max_keys,
        is_truncated=page.is_truncated,
        contents=[_entry(o, owner) for o in page.objects],
        common_prefixes=page.common_prefixes,
        delimiter=delimiter or None,
        continuation_token=token,
        next_continuation_token=(
            _token(page.next_start) if page.is_truncated and page.next_start else None
        ),
        start_after=start_after or None,
        encoding_type=_encoding(call),
    )
    return S3Reply(200, [], body, "application/xml")
