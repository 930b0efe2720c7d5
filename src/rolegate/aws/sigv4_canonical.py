"""The plain-function pieces of AWS Signature Version 4: dates, auth parameters, the canonical
request computed from the request as received, and the HMAC.

Pure functions over bytes: no I/O, no clock. The rules are those of
https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html and, for S3,
https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html. Where the pages
leave a choice open, the choice made is the one that lets the AWS SDKs' signatures verify
(checked against botocore in tests/aws/test_sigv4.py).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote_from_bytes, unquote_to_bytes

from rolegate.aws import sigv4_errors as err
from rolegate.aws.s3.numbers import saturating_decimal

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
# The x-amz-content-sha256 values S3 accepts besides a hex digest (S3 API sigv4-streaming.html).
PAYLOAD_SENTINELS = frozenset(
    {
        UNSIGNED_PAYLOAD,
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
    }
)

_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
_PATH_PLAIN = _UNRESERVED + b"/"
# Text already in SigV4's encoding: unreserved bytes, and %XX in uppercase for any other byte
# (an escaped unreserved byte such as %7E or %41 is not canonical). Possessive quantifiers keep
# the match linear.
_ESCAPED = rb"%(?!3[0-9]|[46][1-9A-F]|[57][0-9A]|2[DE]|5F|7E)[0-9A-F]{2}"
_CANONICAL_PATH = re.compile(rb"(?:[A-Za-z0-9\-._~/]++|" + _ESCAPED + rb")*+")
_CANONICAL_PART = re.compile(rb"(?:[A-Za-z0-9\-._~]++|" + _ESCAPED + rb")*+")
_CANONICAL_QUERY = re.compile(rb"(?:[A-Za-z0-9\-._~=&]++|" + _ESCAPED + rb")*+")


def is_sha256_hex(value: str) -> bool:
    if len(value) != 64:
        return False
    try:  # fromhex skips spaces, so 32 bytes out of 64 characters means 64 hex digits
        return len(bytes.fromhex(value)) == 32
    except ValueError:
        return False


# --- dates -------------------------------------------------------------------------------------


def parse_amz_date(text: str) -> datetime | None:
    """`YYYYMMDD'T'HHMMSS'Z'` (ISO 8601 basic, UTC) or None. Not strptime: ten times slower."""
    if len(text) != 16 or text[8] != "T" or text[15] != "Z":
        return None
    digits = text[:8] + text[9:15]
    if not (digits.isascii() and digits.isdigit()):
        return None
    try:  # the shape is checked above, so fromisoformat (C code since 3.11) only reads it
        return datetime.fromisoformat(text)
    except ValueError:  # month 13, 30 February, hour 24, ...
        return None


def parse_date_header(text: str) -> datetime | None:
    """The `Date` header: ISO 8601 basic (the SigV4 pages allow it there) or an HTTP date."""
    found = parse_amz_date(text)
    if found is not None:
        return found
    try:
        parsed = parsedate_to_datetime(text)
        # "-0000" (what botocore's formatdate writes) parses as naive: it still means UTC.
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        # OverflowError: a zone offset of 20 digits, or 31 Dec 9999 -2359 moved into year
        # 10000. An unreadable Date is "no valid date" (an AwsError above), never a 500.
        return None


# --- auth parameters ---------------------------------------------------------------------------

MAX_PRESIGNED_EXPIRES = 604800  # seven days


def authorization_fields(
    header: str, tokens: list[str], date: bytes | None, default_service: str | None
) -> dict[str, str]:
    """An Authorization header's `key=value` tokens; IncompleteSignature (or S3's word for it)
    when one has no `=` or Credential, Signature or SignedHeaders is missing."""
    fields: dict[str, str] = {}
    for token_text in tokens:
        key, equals, value = token_text.partition("=")
        if not equals:
            service = err.service_hint(header, default_service)
            raise err.missing_equal_sign(service, token_text, header)
        fields.setdefault(key, value)
    missing = [name for name in ("Credential", "Signature", "SignedHeaders") if name not in fields]
    if missing:
        service = err.service_hint(header, default_service)
        raise err.incomplete_header(service, header, missing, has_date=bool(date))
    return fields


def parse_expires(text: str | None, service: str) -> int | None:
    """X-Amz-Expires: a whole number of seconds, at most a week (the signing key's lifetime)."""
    if text is None:
        return None
    # ASCII digits only, any length: anything past a week is just "too long".
    expires = saturating_decimal(text, MAX_PRESIGNED_EXPIRES + 1)
    if expires is not None:
        if expires > MAX_PRESIGNED_EXPIRES:
            raise err.query_parameter(service, err.QUERY_EXPIRES_TOO_LONG)
        # 0 passes (S3's rule is only "non-negative"); such a URL is expired once its second ends.
        return expires
    negative = text.startswith("-") and text[1:].isascii() and text[1:].isdigit()
    raise err.query_parameter(
        service, err.QUERY_EXPIRES_NEGATIVE if negative else err.QUERY_EXPIRES_NAN
    )


# --- canonical URI -----------------------------------------------------------------------------


def canonical_uri(raw_path: bytes, s3: bool) -> bytes:
    """The path line of the canonical request, from the path exactly as it came over the wire.

    S3: no dot-segment or slash clean-up (an object key may hold `..` and `//`), each segment's
    percent-encoding brought to SigV4's own form: decoded, then every byte outside A-Za-z0-9-._~
    encoded as uppercase %XX. This is the single encoding the SDKs put on the wire and sign.

    Every other service: `.`/`..` segments and empty segments removed, then the wire path is
    encoded once more ("each path segment URI-encoded twice" in the IAM guide). The SDKs sign
    exactly that of what they send (`%20` on the wire is `%2520` here), so the wire form is kept
    as it is rather than decoded first.
    """
    if raw_path == b"/" or not raw_path:
        return b"/"
    if s3:
        if not raw_path.translate(None, _PATH_PLAIN) or _CANONICAL_PATH.fullmatch(raw_path):
            return raw_path
        return b"/".join(
            [_requote(segment, plus_is_space=False) for segment in raw_path.split(b"/")]
        )
    path = raw_path
    if b"//" in path or b"/." in path:
        path = _remove_dot_segments(path)
    if not path.translate(None, _PATH_PLAIN):
        return path
    return quote_from_bytes(path, safe="/").encode("ascii")


def _remove_dot_segments(path: bytes) -> bytes:
    """RFC 3986 5.2.4 as the SDKs apply it: empty segments go too, and a trailing slash stays
    only when something is left before it."""
    kept: list[bytes] = []
    for segment in path.split(b"/"):
        if segment == b".." and kept:
            kept.pop()
        elif segment and segment not in (b".", b".."):
            kept.append(segment)
    lead = b"/" if path.startswith(b"/") else b""
    trail = b"/" if kept and path.endswith(b"/") else b""
    return lead + b"/".join(kept) + trail


# --- canonical query ---------------------------------------------------------------------------


def _requote(part: bytes, plus_is_space: bool = True) -> bytes:
    """A path segment or query key or value brought to SigV4 encoding. In a query `+` is a
    space: botocore puts request parameters there with urlencode, which writes spaces as `+` and
    a `+` as `%2B`. In a path `+` is itself."""
    if plus_is_space and b"+" in part:
        part = part.replace(b"+", b" ")
    if b"%" in part:
        part = unquote_to_bytes(part)
    return quote_from_bytes(part, safe="").encode("ascii")


def canonical_query(raw_query: bytes, presigned: bool) -> bytes:
    """Each `k=v` decoded and re-encoded, a key without `=` given an empty value, repeated keys
    kept, sorted by key then value; a presigned request's own X-Amz-Signature left out."""
    if not raw_query:
        return b""
    # Usually the whole query is in SigV4's encoding already: one regex pass says so.
    canonical = _CANONICAL_QUERY.fullmatch(raw_query) is not None
    pairs: list[tuple[bytes, bytes]] = []
    for item in raw_query.split(b"&"):
        if not item:
            continue
        key, _, value = item.partition(b"=")
        if not canonical:
            if not _CANONICAL_PART.fullmatch(key):
                key = _requote(key)
            if not _CANONICAL_PART.fullmatch(value):
                value = _requote(value)
        elif b"=" in value:  # a bare `=` inside a value is %3D in the canonical form
            value = _requote(value)
        if presigned and key == b"X-Amz-Signature":
            continue
        pairs.append((key, value))
    pairs.sort()
    return b"&".join(map(b"=".join, pairs))


def decode_query(raw_query: bytes) -> dict[str, str]:
    """The query's parameters decoded (first value of each wins), for reading X-Amz-* values."""
    found: dict[str, str] = {}
    for item in raw_query.split(b"&"):
        if not item:
            continue
        key, _, value = item.partition(b"=")
        name = unquote_to_bytes(key.replace(b"+", b" ")).decode("utf-8", "replace")
        if name not in found:
            found[name] = unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8", "replace")
    return found


# --- canonical headers -------------------------------------------------------------------------


def canonical_headers(
    headers: tuple[tuple[bytes, bytes], ...],
    names: list[bytes],
    table: dict[bytes, bytes] | None = None,
) -> bytes:
    """`name:value\\n` for each signed header in the order signed; values trimmed, inner runs of
    whitespace made one space, repeated headers joined with `,` in wire order. A signed header
    the request lacks is given an empty value: the signature then fails, as it should.
    `table` is `dict(headers)` when the caller has it already."""
    if table is None:
        table = dict(headers)
    lines = []
    if len(table) == len(headers):  # no header repeated: the usual case, one lookup each
        for name in names:
            # bytes.split() folds ASCII whitespace only; botocore's str.split() would also fold
            # Unicode spaces, but botocore refuses non-ASCII header values before signing anyway.
            lines.append(name + b":" + b" ".join(table.get(name, b"").split()) + b"\n")
        return b"".join(lines)
    for name in names:
        values = [b" ".join(value.split()) for key, value in headers if key == name]
        lines.append(name + b":" + b",".join(values) + b"\n")
    return b"".join(lines)


# --- payload and signature -----------------------------------------------------------------------


def canonical_payload(
    declared: str | None, presigned: bool, body_sha256: str | None, s3: bool
) -> str:
    """The canonical request's last line. S3 signs what x-amz-content-sha256 declares (and a
    presigned URL UNSIGNED-PAYLOAD); every other service signs the body's own hash."""
    if not s3:
        if body_sha256 is not None:
            return body_sha256
        if declared is not None:
            return declared
        raise ValueError("verify() needs the body's SHA-256 for services other than S3")
    if declared is None:
        if presigned:
            return UNSIGNED_PAYLOAD
        raise err.missing_content_sha256()
    if declared in PAYLOAD_SENTINELS or is_sha256_hex(declared):
        return declared
    raise err.invalid_content_sha256()


_IPAD = bytes(byte ^ 0x36 for byte in range(256))
_OPAD = bytes(byte ^ 0x5C for byte in range(256))


def hmac_states(key: bytes) -> tuple[Any, Any]:
    """HMAC-SHA256's inner and outer hash states for `key` (RFC 2104; a signing key is 32 bytes,
    under the 64-byte block). Kept per signing key, they make each signature two hash copies
    instead of a fresh HMAC set-up, which OpenSSL 3 makes cost about a microsecond."""
    padded = key.ljust(64, b"\0")
    return hashlib.sha256(padded.translate(_IPAD)), hashlib.sha256(padded.translate(_OPAD))


def hmac_hex(inner: Any, outer: Any, message: bytes) -> str:
    """HMAC-SHA256(key, message) in hex, from `hmac_states(key)` (which it leaves untouched)."""
    inner = inner.copy()
    inner.update(message)
    outer = outer.copy()
    outer.update(inner.digest())
    return str(outer.hexdigest())
