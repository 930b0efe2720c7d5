"""From an HTTP request to the S3 operation, bucket and key it names.

Path-style (`/bucket/key`) and virtual-hosted-style (`Host: bucket.s3.amazonaws.com`) addressing
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html). The key is taken from
the raw path, percent-decoded as UTF-8, and otherwise kept as S3 keeps it: `+` is a plus, `%2F` a
slash, and `..`, `//` or a leading `/` are part of the key (`/bucket//a` is the key `/a`).
Bucket names: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote_to_bytes

from rolegate.aws.s3 import errors
from rolegate.aws.s3.operations import (
    BUCKET_PLAIN,
    BUCKET_SUBRESOURCES,
    CONFIGURATION_LISTS,
    OBJECT_PLAIN,
    OBJECT_SUBRESOURCES,
    Table,
)

__all__ = ["S3Target", "check_bucket_name", "parse_query", "resolve"]


@dataclass(frozen=True, slots=True)
class S3Target:
    operation: str  # the AWS name: "GetObject", "ListObjectsV2", ...
    bucket: str | None
    key: str | None


def resolve(
    method: str,
    raw_path: bytes,
    query: Mapping[str, list[str]],
    host: str | None,
    base_hosts: Sequence[str],
    *,
    copy_source: bool = False,
) -> S3Target:
    """The operation a request names.

    `raw_path` is the path as sent (ASGI `raw_path`, no query); `query` is `parse_query` of the
    query string; `base_hosts` are the endpoint's own `host[:port]` names (`localhost:4566`), below
    which a label is a bucket. `copy_source`: the request has an `x-amz-copy-source` header, which
    makes a PUT a CopyObject or UploadPartCopy.
    """
    if raw_path[:1] != b"/":
        raise errors.invalid_uri()
    bucket = _bucket_of_host(host, _as_tuple(base_hosts)) if host else None
    if bucket is not None:
        key = _decode(raw_path[1:]) or None
    else:
        rest = raw_path[1:]
        slash = rest.find(b"/")
        raw_bucket, raw_key = (rest, b"") if slash < 0 else (rest[:slash], rest[slash + 1 :])
        bucket = _decode(raw_bucket) if raw_bucket else None
        key = _decode(raw_key) or None
        if bucket is None and slash >= 0:
            raise errors.invalid_bucket_name("")  # `//key`: a key with no bucket
    if bucket is None:
        if method == "GET":
            return S3Target("ListBuckets", None, None)
        raise errors.method_not_allowed(method, "SERVICE")
    if "/" in bucket:  # only a `%2F` gets here; no bucket can hold one, and ARNs must stay whole
        raise errors.invalid_bucket_name(bucket)
    if query:
        _check_repeats(query)
    if key is None:
        return S3Target(_bucket_operation(method, query), bucket, None)
    return S3Target(_object_operation(method, query, copy_source), bucket, key)


def _check_repeats(query: Mapping[str, list[str]]) -> None:
    """A parameter given twice with different values is refused: the signature covers the
    values sorted too, so "the first one" (the handlers read `values[0]`) would be whichever a
    replayer put first: `?versionId=a&versionId=b` deleting b, `response-content-type` chosen."""
    for name, values in query.items():
        if len(values) > 1 and any(value != values[0] for value in values):
            raise errors.repeated_parameter(name)


def _subresource(query: Mapping[str, list[str]], table: Table) -> str | None:
    """The one subresource the query names, whatever the order of its parameters.

    The signature covers the query sorted (sigv4 canonical request), so a signed request can be
    replayed with its parameters reordered: with "the first one wins", `?uploads&policy` signed
    as ListMultipartUploads would run as GetBucketPolicy when sent `?policy&uploads`. Two are
    refused instead."""
    found: str | None = None
    for name in query:
        if name in table:
            if found is not None and found != name:
                raise errors.conflicting_subresources(found, name)
            found = name
    return found


def _bucket_operation(method: str, query: Mapping[str, list[str]]) -> str:
    # prefix, max-keys, x-id, X-Amz-*: parameters, not subresources
    name = _subresource(query, BUCKET_SUBRESOURCES) if query else None
    if name is not None:
        by_method = BUCKET_SUBRESOURCES[name]
        operation = by_method.get(method)
        if operation is None:
            if method == "HEAD":
                return "HeadBucket"
            raise errors.method_not_allowed(method, "BUCKET")
        if method == "GET" and name in CONFIGURATION_LISTS and "id" not in query:
            return CONFIGURATION_LISTS[name]
        return operation
    if method == "GET" and query.get("list-type", ("",))[0] == "2":
        return "ListObjectsV2"
    operation = BUCKET_PLAIN.get(method)
    if operation is not None:
        return operation
    if method == "POST":  # a browser form upload (POST Object): not served
        raise errors.not_implemented(header="Content-Type")
    raise errors.method_not_allowed(method, "BUCKET")


def _object_operation(method: str, query: Mapping[str, list[str]], copy_source: bool) -> str:
    # versionId, partNumber on GET, response-*, X-Amz-*: parameters, not subresources
    name = _subresource(query, OBJECT_SUBRESOURCES) if query else None
    if name is not None:
        by_method = OBJECT_SUBRESOURCES[name]
        operation = by_method.get(method)
        if operation is None:
            if method == "HEAD":
                return "HeadObject"
            raise errors.method_not_allowed(method, "OBJECT")
        if operation == "UploadPart" and copy_source:
            return "UploadPartCopy"
        return operation
    if method == "PUT" and copy_source:
        return "CopyObject"
    operation = OBJECT_PLAIN.get(method)
    if operation is None:
        raise errors.method_not_allowed(method, "OBJECT")
    return operation


# --- names ----------------------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    """Percent-decoded UTF-8; `+` stays a plus (in a path it is one)."""
    if b"%" in raw:
        raw = unquote_to_bytes(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.invalid_uri() from None


def _as_tuple(base_hosts: Sequence[str]) -> tuple[str, ...]:
    return base_hosts if isinstance(base_hosts, tuple) else tuple(base_hosts)


# AWS's own endpoints: s3.amazonaws.com, s3.us-east-1.amazonaws.com, s3-us-west-2.amazonaws.com,
# s3.dualstack.eu-west-1.amazonaws.com, s3-accelerate.amazonaws.com, .amazonaws.com.cn in China.
# Each `.` or `-` after "s3" starts a run of letters and digits: with `-` allowed in the runs too
# (as it once was), "s3-a-a-a...-a!" could be split 2^n ways and the Host header of one
# unauthenticated request stalled the worker (issue 10). A DNS name has at most 253 characters
# (RFC 1035), so a longer Host is not one of these and is not matched at all.
_AWS_ENDPOINT = re.compile(r"(?:(?P<bucket>.+)\.)?s3(?:[.-][a-z0-9]+)*\.amazonaws\.com(?:\.cn)?")
_MAX_DNS_NAME = 253


@lru_cache(maxsize=512)  # a server sees few distinct Host values; the cache is bounded anyway
def _bucket_of_host(host: str, base_hosts: tuple[str, ...]) -> str | None:
    """The bucket a virtual-hosted-style Host names, or None for path-style."""
    host = host.strip().lower().rstrip(".")
    bare = host.rsplit(":", 1)[0] if host.count(":") == 1 else host  # not an IPv6 literal
    for given in base_hosts:
        base = given.lower()
        candidate = host if ":" in base else bare  # a base given without a port matches any
        if candidate == base:
            return None
        if candidate.endswith("." + base):
            return candidate[: -len(base) - 1]
    if len(bare) > _MAX_DNS_NAME:
        return None
    found = _AWS_ENDPOINT.fullmatch(bare)
    return found.group("bucket") if found is not None else None


def parse_query(query_string: bytes) -> dict[str, list[str]]:
    """`k=v&k2` to `{"k": ["v"], "k2": [""]}`, values in order.

    Percent-decoded as UTF-8, `+` a space: the form encoding every SDK uses for query strings
    (and the one `sigv4_canonical.decode_query` reads), unlike the path's.
    """
    found: dict[str, list[str]] = {}
    if not query_string:
        return found
    for item in query_string.split(b"&"):
        if not item:
            continue
        name, _, value = item.partition(b"=")
        found.setdefault(_decode_query_part(name), []).append(_decode_query_part(value))
    return found


def _decode_query_part(raw: bytes) -> str:
    if b"+" in raw:
        raw = raw.replace(b"+", b" ")
    return _decode(raw)


# 3-63 of [a-z0-9.-], a letter or digit at each end.
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_IP_ADDRESS = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")  # sthree-configurator is in sthree-
# Access point aliases, Object Lambda aliases, Multi-Region Access Points, directory buckets,
# table buckets.
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def check_bucket_name(name: str) -> None:
    """Raise InvalidBucketName unless `name` follows the general purpose bucket naming rules."""
    if (
        _BUCKET_NAME.fullmatch(name) is None
        or ".." in name
        or _IP_ADDRESS.fullmatch(name) is not None
        or name.startswith(_RESERVED_PREFIXES)
        or name.endswith(_RESERVED_SUFFIXES)
    ):
        raise errors.invalid_bucket_name(name)
