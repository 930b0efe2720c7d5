"""A body that trickles is not held forever.

The body timeout measures idle time, so a body sent a byte a little faster than it used to
hold its connection, its task and its buffers for as long as the attacker liked. Past a grace
it must average a minimum rate (the shape of Apache mod_reqtimeout's `body=20,MinRate=500`),
else S3's `400 RequestTimeout` (AmazonS3/latest/API/ErrorResponses.html: RequestTimeout, "Your
socket connection to the server was not read from or written to within the timeout period") and
the connection closes, leaving no temp file. A body sent at an honest rate is untouched.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from tests.rolegate_server import RunningServer
from tests.security.audit_lines import line_for
from tests.security.servers import attack_server, per_worker_count
from tests.security.wire import connection_closed, read_response, request_bytes, signed_headers

IDLE_TIMEOUT = 2.0  # each drip comes well within it
GRACE = 2.0
MIN_RATE = 1024
DRIP_EVERY = 0.5
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


@per_worker_count
def rated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    yield from attack_server(
        request,
        tmp_path_factory,
        "rated",
        "--body-timeout",
        str(IDLE_TIMEOUT),
        "--body-min-rate",
        str(MIN_RATE),
        "--body-rate-grace",
        str(GRACE),
    )


def _drip_until_answered(sock: socket.socket, rest: bytes, within: float) -> bytes:
    """Send `rest` a byte every DRIP_EVERY seconds, never idle for the body timeout, until the
    server answers or `within` seconds pass; what the server sent back."""
    sock.settimeout(DRIP_EVERY)
    deadline = time.monotonic() + within
    for byte in rest:
        if time.monotonic() > deadline:
            return b""
        try:
            answer = sock.recv(65536)
            return answer
        except TimeoutError:
            pass
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            break
    sock.settimeout(10)
    return sock.recv(65536)


def _answer(first: bytes, sock: socket.socket) -> tuple[int, bytes]:
    assert first, "the trickling body was still being read: no answer"
    buffer = first
    while b"</Error>" not in buffer and b"</ErrorResponse>" not in buffer:
        more = sock.recv(65536)
        if not more:
            break
        buffer += more
    status = int(buffer.split(b" ", 2)[1])
    return status, buffer


def test_a_trickling_upload_is_ended_and_leaves_no_temp_file(rated: RunningServer) -> None:
    owner = rated.new_account()
    bucket = f"trickle-{owner.account_id}"
    rated.client("s3", owner).create_bucket(Bucket=bucket)
    body = b"t" * 100_000
    headers = signed_headers(owner, "PUT", f"{rated.url}/{bucket}/slow.bin", body)
    request = request_bytes("PUT", f"/{bucket}/slow.bin", headers, body)
    head = request[: len(request) - len(body)]

    with socket.create_connection(("127.0.0.1", rated.port), timeout=10) as sock:
        sock.sendall(head + body[:10])
        first = _drip_until_answered(sock, body[10:], within=GRACE + 8 * IDLE_TIMEOUT)
        status, answer = _answer(first, sock)
        closed = connection_closed(sock, within=5 * IDLE_TIMEOUT)

    assert status == 400
    assert b"<Code>RequestTimeout</Code>" in answer
    assert closed
    assert not list((rated.data_dir / "blobs" / "tmp").glob("*.part"))
    request_id = answer.split(b"x-amz-request-id: ", 1)[1].split(b"\r\n", 1)[0].decode()
    assert [entry["error"] for entry in line_for(rated, request_id)] == ["RequestTimeout"]


def test_a_trickling_form_is_ended_in_the_query_shape(rated: RunningServer) -> None:
    owner = rated.new_account()
    body = b"Action=ListUsers&Version=2010-05-08" + b"&Pad=" + b"p" * 200
    headers = signed_headers(owner, "POST", f"{rated.url}/", body, FORM, service="iam")
    request = request_bytes("POST", "/", headers, body)
    head = request[: len(request) - len(body)]

    with socket.create_connection(("127.0.0.1", rated.port), timeout=10) as sock:
        sock.sendall(head + body[:5])
        first = _drip_until_answered(sock, body[5:], within=GRACE + 8 * IDLE_TIMEOUT)
        status, answer = _answer(first, sock)

    assert status == 400
    assert b"<ErrorResponse" in answer
    assert b"<Code>RequestTimeout</Code>" in answer


def test_an_upload_at_an_honest_rate_is_stored(rated: RunningServer) -> None:
    owner = rated.new_account()
    bucket = f"steady-{owner.account_id}"
    s3 = rated.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    body = b"s" * (16 * MIN_RATE)
    headers = signed_headers(owner, "PUT", f"{rated.url}/{bucket}/steady.bin", body)
    request = request_bytes("PUT", f"/{bucket}/steady.bin", headers, body)
    head = request[: len(request) - len(body)]

    # Eight pieces, one every half second: four seconds in all, past the grace, at four times
    # the minimum rate.
    with socket.create_connection(("127.0.0.1", rated.port), timeout=10) as sock:
        sock.sendall(head)
        piece = len(body) // 8
        for start in range(0, len(body), piece):
            time.sleep(DRIP_EVERY)
            sock.sendall(body[start : start + piece])
        response = read_response(sock)

    assert response.status == 200, response.text
    assert s3.get_object(Bucket=bucket, Key="steady.bin")["Body"].read() == body
