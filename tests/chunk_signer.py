"""aws-chunked bodies signed chunk by chunk as AmazonS3/latest/API/sigv4-streaming.html
describes, written here independently of the server's code: the seed signature over the headers,
then each chunk's signature chained from the one before it."""

from __future__ import annotations

import hashlib
import hmac

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from tests.rolegate_server import REGION, Credentials

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
STREAMING = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"


def _signing_key(secret: str, date: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (date, REGION, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def signed_chunked_put(
    credentials: Credentials,
    url: str,
    pieces: list[bytes],
    extra_headers: dict[str, str] | None = None,
) -> tuple[dict[str, str], bytearray]:
    """The headers and the framed body of a PUT of `pieces` (the final empty chunk added here),
    up to and including the final chunk's line; the caller ends the body (a trailer, then CRLF,
    or just the CRLF of the empty chunk)."""
    headers = {
        "x-amz-content-sha256": STREAMING,
        "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(sum(len(piece) for piece in pieces)),
        **(extra_headers or {}),
    }
    request = AWSRequest(method="PUT", url=url, headers=headers, data=b"")
    # botocore's S3 signer would replace x-amz-content-sha256 with the hash of the (empty) body;
    # the plain SigV4 signer signs the header as given, which is what a streaming client does.
    boto = BotoCredentials(credentials.access_key_id, credentials.secret_access_key)
    SigV4Auth(boto, "s3", REGION).add_auth(request)
    amz_date = request.headers["X-Amz-Date"]
    previous = request.headers["Authorization"].rsplit("Signature=", 1)[1]
    scope = f"{amz_date[:8]}/{REGION}/s3/aws4_request"
    key = _signing_key(credentials.secret_access_key, amz_date[:8])
    body = bytearray()
    for piece in [*pieces, b""]:
        to_sign = "\n".join(
            [
                "AWS4-HMAC-SHA256-PAYLOAD",
                amz_date,
                scope,
                previous,
                EMPTY_SHA256,
                hashlib.sha256(piece).hexdigest(),
            ]
        )
        previous = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        body += f"{len(piece):x};chunk-signature={previous}\r\n".encode() + piece
        if piece:
            body += b"\r\n"
    return dict(request.headers.items()), body
