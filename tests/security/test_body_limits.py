"""Bodies an attacker makes as large as they like: each operation reads at most its own limit.

A 256 MiB anonymous `POST ?delete` was held whole before any check (and several times over while
parsed). Each document body now has a ceiling (services/s3/body_limits.py): an over-long
Content-Length is refused before the body is read, a longer chunked body as soon as it passes it,
with S3's error for that operation (ErrorResponses.html: MaxMessageLengthExceeded, "Your request
was too big."), and the counts S3 documents are checked too.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import time

from tests.rolegate_server import RunningServer
from tests.security.server_processes import peak_rss_kib
from tests.security.wire import RawResponse, exchange, read_response, request_bytes, signed_headers

MIB = 1024 * 1024


def _md5(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()


def _warm(server: RunningServer, bucket: str) -> None:
    """One small anonymous delete per worker connection, so code paths are loaded first."""
    for _ in range(4):
        exchange(server.port, request_bytes("POST", f"/{bucket}?delete", {"Host": "x"}, b"<x/>"))


def test_anonymous_chunked_delete_of_64_mib_is_refused_without_holding_it(
    server: RunningServer,
) -> None:
    owner = server.new_account()
    bucket = f"big-delete-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=bucket)
    _warm(server, bucket)
    before = peak_rss_kib(server)
    head = (
        f"POST /{bucket}?delete HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Transfer-Encoding: chunked\r\nContent-MD5: {_md5(b'')}\r\n\r\n"
    ).encode()
    piece = os.urandom(MIB)
    frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head)
        try:
            for _ in range(64):
                sock.sendall(frame)
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: what it should do
        response = read_response(sock)

    grown_mib = (peak_rss_kib(server) - before) / 1024
    assert grown_mib < 24, f"server peak RSS grew {grown_mib:.0f} MiB for a refused body"
    # API_DeleteObjects.html; ErrorResponses.html: MaxMessageLengthExceeded.
    assert (response.status, response.code) == (400, "MaxMessageLengthExceeded")


def test_over_long_content_length_is_refused_before_the_body(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"long-delete-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=bucket)
    head = request_bytes(
        "POST",
        f"/{bucket}?delete",
        {
            "Host": f"127.0.0.1:{server.port}",
            "Content-Length": str(256 * MIB),
            "Content-MD5": _md5(b""),
        },
    )
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head + b"<Delete>")  # and not one byte more
        response = read_response(sock)

    assert (response.status, response.code) == (400, "MaxMessageLengthExceeded")
    assert time.monotonic() - started < 10


def test_bucket_policy_over_20_kb_is_refused(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"big-policy-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=bucket)
    principal = f"arn:aws:iam::{owner.account_id}:root"
    statements = ",".join(
        f'{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},'
        f'"Action":"s3:GetObject","Resource":"arn:aws:s3:::{bucket}/k{number}"}}'
        for number in range(200)
    )
    policy = f'{{"Version":"2012-10-17","Statement":[{statements}]}}'.encode()
    assert len(policy) > 20 * 1024
    headers = signed_headers(owner, "PUT", f"{server.url}/{bucket}?policy", policy)

    response = exchange(server.port, request_bytes("PUT", f"/{bucket}?policy", headers, policy))

    # userguide/using-iam-policies.html: "Bucket policies are limited to 20 KB in size."
    assert (response.status, response.code) == (400, "MalformedPolicy")
    assert "Policies must be less than 20KB" in response.text


def test_delete_objects_of_1001_keys_is_malformed(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"many-delete-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=bucket)
    keys = "".join(f"<Object><Key>k{n}</Key></Object>" for n in range(1001))
    body = f"<Delete>{keys}</Delete>".encode()
    headers = signed_headers(
        owner, "POST", f"{server.url}/{bucket}?delete", body, {"Content-MD5": _md5(body)}
    )

    response = exchange(server.port, request_bytes("POST", f"/{bucket}?delete", headers, body))

    # API_DeleteObjects.html: "up to 1,000 keys"; S3 answers MalformedXML past that.
    assert (response.status, response.code) == (400, "MalformedXML")


def _complete_multipart(server: RunningServer, name: str, body: bytes) -> RawResponse:
    """`body`, signed, as the CompleteMultipartUpload of a fresh upload."""
    owner = server.new_account()
    bucket = f"{name}-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    target = f"/{bucket}/k?uploadId={upload}"
    headers = signed_headers(owner, "POST", f"{server.url}{target}", body)
    return exchange(server.port, request_bytes("POST", target, headers, body), timeout=30)


def test_complete_multipart_of_10001_parts_is_malformed(server: RunningServer) -> None:
    parts = "".join(
        f'<Part><PartNumber>{n}</PartNumber><ETag>"{n:032x}"</ETag></Part>'
        for n in range(1, 10_002)
    )
    body = f"<CompleteMultipartUpload>{parts}</CompleteMultipartUpload>".encode()

    response = _complete_multipart(server, "many-parts", body)

    # API_CompleteMultipartUpload.html, userguide/qfacts.html: at most 10,000 parts.
    assert (response.status, response.code) == (400, "MalformedXML")


def test_complete_multipart_with_a_huge_body_is_refused(server: RunningServer) -> None:
    body = b"<CompleteMultipartUpload>" + b" " * (6 * MIB) + b"</CompleteMultipartUpload>"

    response = _complete_multipart(server, "huge-complete", body)

    assert (response.status, response.code) == (400, "MaxMessageLengthExceeded")


def test_put_object_over_5_gib_is_refused_before_the_body(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"huge-put-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=bucket)
    headers = signed_headers(
        owner,
        "PUT",
        f"{server.url}/{bucket}/k",
        headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"},
    )
    headers["Content-Length"] = str(5 * 1024**3 + 1)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request_bytes("PUT", f"/{bucket}/k", headers) + b"x")
        response = read_response(sock)

    # API_PutObject.html: "upload a single object up to 5 GB"; ErrorResponses.html: EntityTooLarge.
    assert (response.status, response.code) == (400, "EntityTooLarge")
