"""The headers an object keeps and returns (API_PutObject.html, API_GetObject.html)."""

from __future__ import annotations

from collections.abc import Mapping

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.times import http_date
from rolegate.model import StoredObject
from rolegate.services.call import Caller

META_PREFIX = "x-amz-meta-"
# Representation headers S3 stores as given on PUT and returns on GET/HEAD.
STORED = ("cache-control", "content-disposition", "content-encoding", "content-language", "expires")
_CANONICAL = {
    "cache-control": "Cache-Control",
    "content-disposition": "Content-Disposition",
    "content-encoding": "Content-Encoding",
    "content-language": "Content-Language",
    "expires": "Expires",
    "content-type": "Content-Type",
}
# GetObject's response-* query parameters override these headers (API_GetObject.html).
OVERRIDES = {
    "response-content-type": "Content-Type",
    "response-content-language": "Content-Language",
    "response-expires": "Expires",
    "response-cache-control": "Cache-Control",
    "response-content-disposition": "Content-Disposition",
    "response-content-encoding": "Content-Encoding",
}


def refuse_anonymous_overrides(caller: Caller, query: Mapping[str, list[str]]) -> None:
    """API_GetObject.html: the response-* overrides are for signed requests only (a presigned URL
    is signed); an unsigned GET with one is refused, lest anyone's link to a public object serve
    it as, say, text/html under the bucket's name."""
    if caller.principal.is_anonymous and any(parameter in query for parameter in OVERRIDES):
        raise AwsError(
            "InvalidRequest",
            "Request specific response headers cannot be used for anonymous GET requests.",
            400,
        )


# Control characters (tab aside): no HTTP header value may hold one (RFC 9110 section 5.5).
_CONTROL = frozenset(chr(c) for c in (*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F))


def refuse_unsafe_overrides(query: Mapping[str, list[str]]) -> None:
    """A response-* value becomes a response header verbatim: one holding CR or LF (sent as
    `%0D%0A` in a presigned URL) would add headers of the signer's choosing to the answer a
    victim's browser gets (a Set-Cookie under the endpoint's name), and the server refused to
    send it at all, dropping the connection unanswered and unaudited. S3's answer for it is
    [unconfirmed]: rolegate refuses it as it refuses other unusable arguments."""
    if not query:
        return
    for parameter in OVERRIDES:
        for value in query.get(parameter, ()):
            if not _CONTROL.isdisjoint(value):
                raise AwsError(
                    "InvalidArgument",
                    f"Invalid value for {parameter}: a header value may not hold control "
                    "characters",
                    400,
                )


# userguide/UsingMetadata.html: "the user-defined metadata is limited to 2 KB in size",
# measured as "the sum of the number of bytes in the UTF-8 encoding of each key and value".
MAX_USER_METADATA = 2048


def user_metadata(headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The x-amz-meta-* pairs, names without the prefix; past 2 KB, S3's MetadataTooLarge.

    Header values arrive as Latin-1 text of their raw bytes, so a length is a byte count.
    Without the bound an object kept whatever 16 KiB of headers carried, on every copy of it.
    """
    metadata = tuple(
        (name[len(META_PREFIX) :], value)
        for name, value in sorted(headers.items())
        if name.startswith(META_PREFIX)
    )
    if sum(len(name) + len(value) for name, value in metadata) > MAX_USER_METADATA:
        # ErrorResponses.html: MetadataTooLarge, 400.
        raise AwsError(
            "MetadataTooLarge",
            "Your metadata headers exceed the maximum allowed metadata size.",
            400,
        )
    return metadata


def stored_headers(headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    kept: list[tuple[str, str]] = []
    for name in STORED:
        value = headers.get(name)
        if value is None:
            continue
        if name == "content-encoding":
            # `aws-chunked` describes the upload, not the object (sigv4-streaming.html).
            value = ",".join(p for p in (v.strip() for v in value.split(",")) if p != "aws-chunked")
            if not value:
                continue
        kept.append((_CANONICAL[name], value))
    return tuple(kept)


def object_headers(obj: StoredObject, query: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    headers: dict[str, str] = {
        "Content-Type": obj.content_type or "binary/octet-stream",
        **dict(obj.headers),
    }
    for parameter, header in OVERRIDES.items():
        values = query.get(parameter)
        if values:
            headers[header] = values[0]
    out = [
        ("ETag", obj.etag),
        ("Last-Modified", http_date(obj.last_modified)),
        ("Accept-Ranges", "bytes"),
        *headers.items(),
        *((META_PREFIX + name, value) for name, value in obj.metadata),
    ]
    if obj.parts_count is not None:
        out.append(("x-amz-mp-parts-count", str(obj.parts_count)))
    return out
