"""A request body as S3 handlers get it: decoded, bounded, and checked against what was signed.

The endpoint wraps every S3 request's body in a `VerifiedBody`; handlers see no other. A SigV4
signature covers the body only through `x-amz-content-sha256`
(AmazonS3/latest/API/sig-v4-header-based-auth.html), so a body is only as authentic as the check
that it hashes to that value: without it a request seen once (in a proxy log) could be replayed
for 15 minutes with any body. So whatever reads a body, at its end:

- a hex `x-amz-content-sha256` must be the body's SHA-256 (XAmzContentSHA256Mismatch);
- `aws-chunked` bodies (`STREAMING-...`) are checked chunk by chunk by `AwsChunkedDecoder`;
- `UNSIGNED-PAYLOAD` signs no body, as S3 allows, but then as always:
- `Content-MD5` must match (InvalidDigest when malformed, BadDigest when different), and so must
  an `x-amz-checksum-*` header or trailer (BadDigest) (API_PutObject.html).

Two ways to read, both ending in that check: `read_all` for the small XML and JSON documents
(the whole body under the operation's limit, checked, and only then handed back to be parsed),
and `stream` for object bytes, which go to disk as they arrive and are committed only after
`PayloadStream.finish` passed. A body is never held past its operation's limit: an over-long
Content-Length is refused before the first byte is read, a longer body as soon as it passes it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.checksums import ChecksumAlgorithm, Checksummer, algorithm_of_header
from rolegate.aws.s3.chunk_signing import ChunkSigning
from rolegate.aws.s3.chunked import AwsChunkedDecoder
from rolegate.aws.s3.errors import bad_digest
from rolegate.aws.s3.numbers import saturating_decimal
from rolegate.aws.sigv4_canonical import is_sha256_hex
from rolegate.aws.sigv4_errors import content_sha256_mismatch

__all__ = [
    "BodyLimit",
    "PayloadStream",
    "ReceivedChecksum",
    "VerifiedBody",
]

STREAMING_PREFIX = "STREAMING-"
# Larger than any body S3 takes (5 GiB): a length past it is refused by every limit anyway.
_LENGTH_CEILING = 2**63


class Hasher(Protocol):
    def update(self, data: bytes | memoryview, /) -> None: ...


@dataclass(frozen=True, slots=True)
class BodyLimit:
    """The most payload bytes an operation reads, and the error past it."""

    max_bytes: int
    too_large: Callable[[], AwsError]


@dataclass(frozen=True, slots=True)
class ReceivedChecksum:
    algorithm: ChecksumAlgorithm
    value: str  # base64, as x-amz-checksum-* carries it


def _bad_md5() -> AwsError:
    return AwsError(
        "BadDigest", "The Content-MD5 you specified did not match what we received.", 400
    )


def _expected_md5(headers: Mapping[str, str]) -> bytes | None:
    given = headers.get("content-md5")
    if given is None:
        return None
    try:
        raw = base64.b64decode(given, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 16:
        raise AwsError("InvalidDigest", "The Content-MD5 you specified was invalid.", 400)
    return raw


def _announced_trailer(headers: Mapping[str, str], payload_hash: str | None) -> str | None:
    """The x-amz-trailer header of an aws-chunked body. No other body has a trailer section, so
    on a plain body the header announces nothing: it must not excuse an x-amz-checksum-* header
    from its check (a replayed UNSIGNED-PAYLOAD body then went unchecked)."""
    if not (payload_hash or "").startswith(STREAMING_PREFIX):
        return None
    return headers.get("x-amz-trailer") or None


def _requested_checksum(
    headers: Mapping[str, str], trailer: str | None
) -> tuple[ChecksumAlgorithm | None, str | None, bool]:
    """(algorithm, value given in a header, value comes in the trailer), `trailer` the
    `_announced_trailer`."""
    if trailer:
        return algorithm_of_header(trailer), None, True
    for name, value in headers.items():
        algorithm = algorithm_of_header(name)
        if algorithm is not None:
            return algorithm, value, False
    declared = headers.get("x-amz-sdk-checksum-algorithm") or headers.get(
        "x-amz-checksum-algorithm"
    )
    if declared:
        try:
            return ChecksumAlgorithm(declared.upper()), None, False
        except ValueError:
            raise AwsError(
                "InvalidRequest", f"Value for x-amz-checksum-algorithm is invalid: {declared}", 400
            ) from None
    return None, None, False


def _length(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    # Saturated: a length of 5,000 digits is simply more than any limit (EntityTooLarge).
    value = saturating_decimal(raw.strip(), _LENGTH_CEILING)
    if value is None:
        # [unconfirmed] S3's answer to a length that is not a number was not found; a 400 that
        # names the header, never a 500 from int().
        raise AwsError("InvalidArgument", f"Invalid value for the {name} header.", 400)
    return value


class VerifiedBody:
    """The body of one S3 request. Reading it (`read_all` or `stream`) happens at most once."""

    __slots__ = ("_headers", "_payload_hash", "_raw", "_signing", "_taken")

    def __init__(
        self,
        raw: AsyncIterator[bytes],
        headers: Mapping[str, str],
        payload_hash: str | None,
        signing: ChunkSigning | None,
    ) -> None:
        # Nothing is parsed here: most requests (GET, HEAD, DELETE) never read their body.
        self._raw = raw
        self._headers = headers
        self._payload_hash = payload_hash
        self._signing = signing
        self._taken = False

    def has_integrity_header(self) -> bool:
        """Whether the request carries Content-MD5 or an x-amz-checksum-* header or trailer."""
        headers = self._headers
        if "content-md5" in headers:
            return True
        if _announced_trailer(headers, self._payload_hash):
            return True
        return any(algorithm_of_header(name) is not None for name in headers)

    def stream(self, limit: BodyLimit, *, md5_by_reader: bool = False) -> PayloadStream:
        """The payload as it arrives, for a reader that feeds `PayloadStream.hashers` with every
        byte and calls `finish` before acting on it. `md5_by_reader`: the reader computes the
        payload's MD5 itself and hands it to `finish` (a blob writer does, for the ETag)."""
        if self._taken:
            raise RuntimeError("a request body is read once")
        self._taken = True
        return PayloadStream(
            self._raw, self._headers, self._payload_hash, self._signing, limit, md5_by_reader
        )

    async def read_all(self, limit: BodyLimit) -> bytes:
        """The whole payload, once it is known to be the one the request vouches for."""
        stream = self.stream(limit)
        data = bytearray()
        async for chunk in stream:
            data += chunk
        whole = bytes(data)
        for hasher in stream.hashers:
            hasher.update(whole)
        stream.finish()
        return whole


class PayloadStream:
    """The decoded payload, bounded, with the hashes that `finish` compares with the claims."""

    def __init__(
        self,
        raw: AsyncIterator[bytes],
        headers: Mapping[str, str],
        payload_hash: str | None,
        signing: ChunkSigning | None,
        limit: BodyLimit,
        md5_by_reader: bool,
    ) -> None:
        self._raw = raw
        self._limit = limit
        # The claims, read before any byte: a malformed one fails the request before its body.
        self._expected_md5 = _expected_md5(headers)
        trailer = _announced_trailer(headers, payload_hash)
        algorithm, self._header_value, in_trailer = _requested_checksum(headers, trailer)
        self._algorithm = algorithm
        declared = payload_hash or ""
        self._decoder: AwsChunkedDecoder | None = None
        if declared.startswith(STREAMING_PREFIX):
            decoded_length = _length(headers, "x-amz-decoded-content-length")
            if decoded_length is not None and decoded_length > limit.max_bytes:
                raise limit.too_large()
            # The decoder checks chunk signatures and a trailer's checksum itself.
            self._decoder = AwsChunkedDecoder(
                declared,
                decoded_length,
                signing=signing,
                expected_trailer=trailer,
            )
        else:
            content_length = _length(headers, "content-length")
            if content_length is not None and content_length > limit.max_bytes:
                raise limit.too_large()
        hashers: list[Hasher] = []
        self._sha256 = hashlib.sha256() if is_sha256_hex(declared) else None
        self._expected_sha256 = declared.lower()
        if self._sha256 is not None:
            hashers.append(self._sha256)
        self._checksummer = (
            Checksummer(algorithm) if algorithm is not None and not in_trailer else None
        )
        if self._checksummer is not None:
            hashers.append(self._checksummer)
        self._md5 = None
        if self._expected_md5 is not None and not md5_by_reader:
            self._md5 = hashlib.md5(usedforsecurity=False)
            hashers.append(self._md5)
        self._in_trailer = in_trailer
        self.hashers: tuple[Hasher, ...] = tuple(hashers)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        decoder = self._decoder
        maximum = self._limit.max_bytes
        received = 0
        async for chunk in self._raw:
            data = decoder.feed(chunk) if decoder is not None else chunk
            received += len(data)
            if received > maximum:
                raise self._limit.too_large()
            if data:
                yield data
        if decoder is not None:
            decoder.finish()

    def finish(self, md5: bytes | None = None) -> ReceivedChecksum | None:
        """Raise unless the payload read is the one the request claimed; its checksum if any.

        `md5`: the payload's MD5 digest, when the reader computed it (`md5_by_reader`).
        """
        if self._sha256 is not None and self._sha256.hexdigest() != self._expected_sha256:
            raise content_sha256_mismatch()
        checksum = None
        algorithm = self._algorithm
        if algorithm is not None and self._in_trailer and self._decoder is not None:
            computed = self._decoder.checksum_value()
            if computed is not None:
                checksum = ReceivedChecksum(algorithm, computed)
        elif self._checksummer is not None and algorithm is not None:
            computed = self._checksummer.b64digest()
            if self._header_value is not None and self._header_value != computed:
                raise bad_digest(algorithm.value)
            checksum = ReceivedChecksum(algorithm, computed)
        if self._expected_md5 is not None:
            got = self._md5.digest() if self._md5 is not None else md5
            if got != self._expected_md5:
                raise _bad_md5()
        return checksum
