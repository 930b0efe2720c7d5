"""The chain of signatures in a signed aws-chunked body.

Each chunk's signature signs the one before it, starting from the request's own (the seed), so
chunks can be neither altered, dropped nor reordered
(https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html):

    AWS4-HMAC-SHA256-PAYLOAD\\n<X-Amz-Date>\\n<scope>\\n<previous signature>\\n
    <SHA-256 of "">\\n<SHA-256 of the chunk data>

and the trailer, after the final (empty) chunk, is signed over its canonical lines
(https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html):

    AWS4-HMAC-SHA256-TRAILER\\n<X-Amz-Date>\\n<scope>\\n<final chunk signature>\\n
    <SHA-256 of "name:value\\n" for each trailer>
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from rolegate.aws.s3.errors import chunk_signature_mismatch
from rolegate.aws.sigv4 import SignedAuth, SigV4Verifier

__all__ = ["EMPTY_SHA256", "ChunkSigning", "SignatureChain"]

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True, slots=True)
class ChunkSigning:
    """What a signed chunk stream is checked with: taken from the request's verified SigV4 auth."""

    signing_key: bytes = field(repr=False)  # a credential: kept out of logs
    seed_signature: str
    amz_date: str  # the request's timestamp as signed (X-Amz-Date)
    scope: str  # "20130524/us-east-1/s3/aws4_request"

    @classmethod
    def for_request(
        cls, verifier: SigV4Verifier, auth: SignedAuth, secret_access_key: str
    ) -> ChunkSigning:
        """From a request whose seed signature `verifier.verify` has accepted."""
        key, seed = verifier.streaming_context(auth, secret_access_key)
        s = auth.scope
        return cls(key, seed, auth.amz_date_text, f"{s.date}/{s.region}/{s.service}/aws4_request")


class SignatureChain:
    """Checks signatures in stream order; each accepted one becomes the next's predecessor."""

    __slots__ = ("_key", "_payload_prefix", "_previous", "_trailer_prefix")

    def __init__(self, signing: ChunkSigning) -> None:
        self._key = signing.signing_key
        self._previous = signing.seed_signature
        head = f"\n{signing.amz_date}\n{signing.scope}\n"
        self._payload_prefix = ("AWS4-HMAC-SHA256-PAYLOAD" + head).encode("ascii")
        self._trailer_prefix = ("AWS4-HMAC-SHA256-TRAILER" + head).encode("ascii")

    def verify_chunk(self, data_sha256_hex: str, provided: str) -> None:
        message = self._payload_prefix + (
            f"{self._previous}\n{EMPTY_SHA256}\n{data_sha256_hex}".encode("ascii")
        )
        self._accept(message, provided)

    def verify_trailer(self, canonical_trailers: bytes, provided: str) -> None:
        digest = hashlib.sha256(canonical_trailers).hexdigest()
        self._accept(self._trailer_prefix + f"{self._previous}\n{digest}".encode("ascii"), provided)

    def _accept(self, message: bytes, provided: str) -> None:
        expected = hmac.digest(self._key, message, "sha256").hex()
        if not (provided.isascii() and hmac.compare_digest(expected, provided)):
            raise chunk_signature_mismatch()
        self._previous = expected
