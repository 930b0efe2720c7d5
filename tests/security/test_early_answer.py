"""An answer sent before the request body was read closes the connection (RFC 9110 §10.1.1:
a server that refuses an `Expect: 100-continue` request must not read the unsent body as the
next request; S3 closes). Otherwise a refused upload poisons the connection for the next one."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from tests.rolegate_server import REGION, Credentials, RunningServer, aws_cli
from tests.security.audit_lines import lines_matching
from tests.security.wire import connection_closed, read_response, request_bytes, signed_headers

READ_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}
    ],
}


def _bucket_and_reader(server: RunningServer) -> tuple[str, Credentials]:
    owner = server.new_account()
    bucket = f"read-only-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=bucket)
    iam = server.client("iam", owner)
    name = f"reader-{time.monotonic_ns()}"
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="read", PolicyDocument=json.dumps(READ_ONLY))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return bucket, Credentials(key["AccessKeyId"], key["SecretAccessKey"], None, owner.account_id)


def test_refused_put_with_expect_continue_closes_the_connection(server: RunningServer) -> None:
    bucket, reader = _bucket_and_reader(server)
    body = b"x" * 4096
    url = f"{server.url}/{bucket}/upload.bin"
    headers = {**signed_headers(reader, "PUT", url, body), "Expect": "100-continue"}
    headers["Content-Length"] = str(len(body))

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request_bytes("PUT", f"/{bucket}/upload.bin", headers))  # headers only
        response = read_response(sock)
        closed = connection_closed(sock, within=2.0)  # before any keep-alive timeout (5 s)

    assert response.status == 403
    assert b"<Code>AccessDenied</Code>" in response.body
    assert closed


def test_refused_put_sent_whole_without_expect_still_gets_its_answer(
    server: RunningServer,
) -> None:
    """A client that sends the whole body without waiting (curl, raw HTTP) must read the 403 that
    explains the refusal: closing with its body unread would reset the connection and drop it."""
    bucket, reader = _bucket_and_reader(server)
    body = b"x" * (8 * 1024 * 1024)  # far more than the kernel buffers on either side
    url = f"{server.url}/{bucket}/whole.bin"
    headers = signed_headers(reader, "PUT", url, body)

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request_bytes("PUT", f"/{bucket}/whole.bin", headers, body))
        response = read_response(sock)

    assert response.status == 403
    assert b"<Code>AccessDenied</Code>" in response.body


def _uploads_refused(server: RunningServer, bucket: str) -> list[dict[str, object]]:
    return [
        entry
        for entry in server.audit_entries()
        if entry["operation"] == "PutObject"
        and entry["error"] == "AccessDenied"
        and str(entry["resource"]).startswith(f"arn:aws:s3:::{bucket}/")
    ]


def test_boto3_uploads_into_a_read_only_identity_fail_cleanly(
    server: RunningServer, tmp_path: Path
) -> None:
    bucket, reader = _bucket_and_reader(server)
    s3 = boto3.client(
        "s3",
        endpoint_url=server.url,
        region_name=REGION,
        aws_access_key_id=reader.access_key_id,
        aws_secret_access_key=reader.secret_access_key,
        config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=10),
    )
    codes = []
    started = time.monotonic()
    for index in range(4):
        source = tmp_path / f"file-{index}.bin"
        source.write_bytes(bytes([index]) * 200_000)
        with source.open("rb") as stream:
            try:
                s3.upload_fileobj(stream, bucket, f"file-{index}.bin")
            except ClientError as error:
                codes.append(error.response["Error"]["Code"])

    assert codes == ["AccessDenied"] * 4
    assert time.monotonic() - started < 20  # no 60 s stall on a poisoned connection
    assert (
        len(lines_matching(server, lambda e: e in _uploads_refused(server, bucket), count=4)) == 4
    )


def test_aws_s3_sync_into_a_read_only_identity_fails_cleanly(
    server: RunningServer, tmp_path: Path
) -> None:
    bucket, reader = _bucket_and_reader(server)
    local = tmp_path / "tree"
    local.mkdir()
    for index in range(4):
        (local / f"part-{index}.csv").write_bytes(b"a,b\n" * 50_000)

    result = aws_cli(server, reader, "s3", "sync", str(local), f"s3://{bucket}/tree")

    assert result.returncode != 0
    assert result.stderr.count("AccessDenied") == 4, result.stderr
    refused = lines_matching(server, lambda e: e in _uploads_refused(server, bucket), count=4)
    assert len(refused) == 4
