"""What is read before a signature is checked must not be kept at the sender's size.

The credential scope and the SignedHeaders list are parsed, and were cached (4,096 entries each),
before the signature is verified: an unauthenticated client sending 15 KiB Credentials (the head
may be 16 KiB) grew each worker by ~120 MB, and one who knows any access key id (not a secret: it
is in every presigned URL) by ~390 MB more with 7,000-name SignedHeaders lists. AWS answers such
requests with an error and keeps nothing (AmazonS3/latest/API/sig-v4-header-based-auth.html:
the Authorization header's three components); here the error answers stay the same and only
entries of a real credential's size are cached.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime

from tests.rolegate_server import RunningServer
from tests.security.server_processes import rss_mib
from tests.security.wire import read_response, request_bytes

REQUESTS = 1500


def _send_all(server: RunningServer, requests: list[bytes]) -> set[int]:
    statuses = set()
    for data in requests:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(data)
            statuses.add(read_response(sock).status)
    return statuses


def _headers(credential: str, signed: str, amz_date: str, port: int) -> dict[str, str]:
    return {
        "Host": f"127.0.0.1:{port}",
        "x-amz-date": amz_date,
        "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders={signed}, "
            f"Signature={'0' * 64}"
        ),
    }


def test_long_credentials_are_not_kept(server: RunningServer) -> None:
    amz_date = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    _send_all(server, [request_bytes("GET", "/b/k", _headers("x", "host", amz_date, 1))] * 4)
    before = rss_mib(server)
    requests = [
        request_bytes(
            "GET",
            "/b/k",
            _headers(
                f"{n:06d}{'A' * 14000}/{amz_date[:8]}/us-east-1/s3/aws4_request",
                "host",
                amz_date,
                server.port,
            ),
        )
        for n in range(REQUESTS)
    ]

    statuses = _send_all(server, requests)

    grown = rss_mib(server) - before
    assert statuses == {403}  # an unknown key, every time
    assert grown < 16, f"the server grew {grown:.0f} MiB keeping unauthenticated credentials"


def test_long_signed_header_lists_are_not_kept(server: RunningServer) -> None:
    # Only the victim's access key id is needed, never its secret.
    victim = server.new_account()
    amz_date = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    credential = f"{victim.access_key_id}/{amz_date[:8]}/us-east-1/s3/aws4_request"
    warm = request_bytes("GET", "/b/k", _headers(credential, "host", amz_date, server.port))
    _send_all(server, [warm] * 4)
    before = rss_mib(server)
    requests = [
        request_bytes(
            "GET",
            "/b/k",
            _headers(credential, f"host;{n}" + ";a" * 6500, amz_date, server.port),
        )
        for n in range(REQUESTS)
    ]

    statuses = _send_all(server, requests)

    grown = rss_mib(server) - before
    assert statuses == {403}  # SignatureDoesNotMatch, every time
    assert grown < 16, f"the server grew {grown:.0f} MiB keeping unverified SignedHeaders lists"
