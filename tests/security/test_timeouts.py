"""Connections that stall are not held forever: half-sent headers and bodies that stop arriving
get S3's `400 RequestTimeout` and the socket is closed (AmazonS3/latest/API/ErrorResponses.html:
RequestTimeout, "Your socket connection to the server was not read from or written to within the
timeout period"), a stalled upload leaves no temp file, and a pile of idle sockets neither wedges
the server nor keeps others out once they time out (past the bound: `503 SlowDown`)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from tests.rolegate_server import RunningServer
from tests.security.audit_lines import line_for
from tests.security.servers import attack_server, per_worker_count
from tests.security.wire import (
    RawResponse,
    connection_closed,
    exchange,
    read_response,
    request_bytes,
    signed_headers,
)

TIMEOUT = 1.0
MAX_CONNECTIONS = 8
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


@dataclass(frozen=True)
class Bounded:
    server: RunningServer
    workers: int


@per_worker_count
def bounded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Bounded]:
    for running in attack_server(
        request,
        tmp_path_factory,
        "bounded",
        "--header-timeout",
        str(TIMEOUT),
        "--body-timeout",
        str(TIMEOUT),
        "--max-connections",
        str(MAX_CONNECTIONS),
    ):
        yield Bounded(running, request.param)


def _connect(server: RunningServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def test_half_sent_headers_time_out(bounded: Bounded) -> None:
    with _connect(bounded.server) as sock:
        sock.sendall(b"GET /some-bucket HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Da")
        response = read_response(sock)
        closed = connection_closed(sock, within=5 * TIMEOUT)

    assert response.status == 400
    assert b"<Code>RequestTimeout</Code>" in response.body
    assert closed


def test_a_socket_that_sends_nothing_is_closed(bounded: Bounded) -> None:
    with _connect(bounded.server) as sock:
        assert connection_closed(sock, within=5 * TIMEOUT)


def test_a_stalled_upload_times_out_and_leaves_no_temp_file(bounded: Bounded) -> None:
    server = bounded.server
    owner = server.new_account()
    bucket = f"stalled-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=bucket)
    body = b"s" * 200_000
    headers = signed_headers(owner, "PUT", f"{server.url}/{bucket}/big.bin", body)
    request = request_bytes("PUT", f"/{bucket}/big.bin", headers, body)

    with _connect(server) as sock:
        sock.sendall(request[: len(request) - len(body) + 70_000])  # then nothing more
        time.sleep(TIMEOUT / 2)
        assert list((server.data_dir / "blobs" / "tmp").glob("*.part"))  # the upload began
        response = read_response(sock)
        closed = connection_closed(sock, within=5 * TIMEOUT)

    assert response.status == 400
    assert b"<Code>RequestTimeout</Code>" in response.body
    assert closed
    assert not list((server.data_dir / "blobs" / "tmp").glob("*.part"))
    line = line_for(server, response.headers["x-amz-request-id"])
    assert [entry["error"] for entry in line] == ["RequestTimeout"]


def test_a_stalled_form_times_out_in_the_query_shape(bounded: Bounded) -> None:
    server = bounded.server
    owner = server.new_account()
    body = b"Action=ListUsers&Version=2010-05-08"
    headers = signed_headers(owner, "POST", f"{server.url}/", body, FORM, service="iam")

    with _connect(server) as sock:
        sock.sendall(request_bytes("POST", "/", headers, body)[:-10])
        response = read_response(sock)
        closed = connection_closed(sock, within=5 * TIMEOUT)

    assert response.status == 400
    assert b"<ErrorResponse" in response.body
    assert b"<Code>RequestTimeout</Code>" in response.body
    assert closed


def _list_buckets(server: RunningServer) -> RawResponse:
    owner = server.new_account()
    headers = signed_headers(owner, "GET", f"{server.url}/")
    return exchange(server.port, request_bytes("GET", "/", headers), timeout=5 * TIMEOUT)


def test_idle_sockets_past_the_bound_do_not_shut_others_out(bounded: Bounded) -> None:
    server = bounded.server
    idle = [_connect(server) for _ in range(MAX_CONNECTIONS * bounded.workers + 4)]
    try:
        time.sleep(0.1)
        response = _list_buckets(server)  # answered, not queued behind the idle ones

        if bounded.workers == 1:
            assert response.status == 503
        if response.status != 200:
            # AmazonS3/latest/API/ErrorResponses.html: SlowDown, 503 Service Unavailable.
            assert b"<Code>SlowDown</Code>" in response.body
            assert response.headers.get("connection") == "close"
            line = line_for(server, response.headers["x-amz-request-id"])
            assert [entry["error"] for entry in line] == ["SlowDown"]
        assert all(connection_closed(sock, within=5 * TIMEOUT) for sock in idle)
        assert _list_buckets(server).status == 200
    finally:
        for sock in idle:
            sock.close()


def test_an_answer_the_client_stops_reading_is_dropped(bounded: Bounded) -> None:
    server = bounded.server
    owner = server.new_account()
    bucket = f"unread-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    size = 24 * 1024 * 1024  # far more than both sockets' buffers hold
    s3.put_object(Bucket=bucket, Key="big.bin", Body=b"u" * size)
    headers = signed_headers(owner, "GET", f"{server.url}/{bucket}/big.bin")

    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", server.port))
        sock.sendall(request_bytes("GET", f"/{bucket}/big.bin", headers))
        time.sleep(4 * TIMEOUT)  # reading nothing
        sock.settimeout(5 * TIMEOUT)
        received = 0
        try:
            while chunk := sock.recv(1 << 20):
                received += len(chunk)
        except (ConnectionResetError, TimeoutError):
            pass

    assert received < size


def test_an_endless_header_is_cut_off_at_the_head_limit(server: RunningServer) -> None:
    """One header line that never ends must not grow the server: past the bound on a request's
    line and headers the answer is S3's RequestHeaderSectionTooLarge (ErrorResponses.html; S3
    reports <MaxSizeAllowed>) and the connection closes, well before the header timeout."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ")
        sent = 0
        try:
            while sent < 4 * 1024 * 1024:
                sock.sendall(b"a" * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused mid-stream: the answer below was sent before the close
        response = read_response(sock)

    assert response.status == 400
    assert b"<Code>RequestHeaderSectionTooLarge</Code>" in response.body
