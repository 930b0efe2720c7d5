"""Signed aws-chunked bodies carry no unsigned trailer.

`STREAMING-AWS4-HMAC-SHA256-PAYLOAD` ends with the signed 0-byte chunk
(AmazonS3/latest/API/sigv4-streaming.html); trailing headers belong to the `-TRAILER` framing,
whose trailer chunk carries its own `x-amz-trailer-signature`
(AmazonS3/latest/API/sigv4-streaming-trailers.html: "You must set x-amz-content-sha256 to an
appropriate value that indicates a trailer will be included"). Lines after the final chunk of the
plain framing, or an x-amz-trailer announced with it, would be read by no signature: refused,
and nothing stored.
"""

from __future__ import annotations

import base64
import zlib

from tests.chunk_signer import signed_chunked_put
from tests.rolegate_server import Credentials, RunningServer
from tests.security.wire import RawResponse, exchange, request_bytes

PAYLOAD = b"t" * 20_000


def _signed_chunked_put(
    server: RunningServer,
    owner: Credentials,
    key: str,
    trailer: bytes,
    extra_headers: dict[str, str] | None = None,
) -> RawResponse:
    """A PUT in STREAMING-AWS4-HMAC-SHA256-PAYLOAD framing, every chunk signed, with `trailer`
    sent after the final chunk and before the closing CRLF."""
    bucket = f"trailers-{owner.account_id}"
    url = f"{server.url}/{bucket}/{key}"
    pieces = [PAYLOAD[:10_000], PAYLOAD[10_000:]]
    sent, body = signed_chunked_put(owner, url, pieces, extra_headers)
    body += trailer + b"\r\n"  # after `0;chunk-signature=...\r\n`: lines, then the empty one
    sent["Host"] = f"127.0.0.1:{server.port}"
    return exchange(server.port, request_bytes("PUT", f"/{bucket}/{key}", sent, bytes(body)))


def _keys(server: RunningServer, owner: Credentials) -> list[str]:
    listed = server.client("s3", owner).list_objects_v2(Bucket=f"trailers-{owner.account_id}")
    return [entry["Key"] for entry in listed.get("Contents", [])]


def _owner(server: RunningServer) -> Credentials:
    owner = server.new_account()
    server.client("s3", owner).create_bucket(Bucket=f"trailers-{owner.account_id}")
    return owner


def test_the_plain_signed_framing_is_stored_as_sent(server: RunningServer) -> None:
    owner = _owner(server)
    response = _signed_chunked_put(server, owner, "plain.bin", b"")
    assert response.status == 200, response.text
    got = server.client("s3", owner).get_object(
        Bucket=f"trailers-{owner.account_id}", Key="plain.bin"
    )
    assert got["Body"].read() == PAYLOAD


def test_unsigned_trailer_lines_after_signed_chunks_are_refused(server: RunningServer) -> None:
    owner = _owner(server)
    checksum = base64.b64encode(zlib.crc32(PAYLOAD).to_bytes(4, "big")).decode()
    trailer = f"x-amz-checksum-crc32:{checksum}\r\nx-amz-meta-injected:yes\r\n".encode()

    response = _signed_chunked_put(server, owner, "trailed.bin", trailer)

    assert response.status == 400, response.text
    assert "<Code>IncompleteBody</Code>" in response.text
    assert "trailed.bin" not in _keys(server, owner)


def test_a_trailer_announced_with_the_plain_signed_framing_is_refused(
    server: RunningServer,
) -> None:
    owner = _owner(server)
    checksum = base64.b64encode(zlib.crc32(PAYLOAD).to_bytes(4, "big")).decode()
    trailer = f"x-amz-checksum-crc32:{checksum}\r\n".encode()

    response = _signed_chunked_put(
        server, owner, "announced.bin", trailer, {"x-amz-trailer": "x-amz-checksum-crc32"}
    )

    assert response.status == 400, response.text
    assert "<Code>InvalidRequest</Code>" in response.text
    assert "announced.bin" not in _keys(server, owner)
