"""Every answered request gets exactly one audit line, with whatever identity was established
(README, "Audit log"): refusals decided before the operation runs included, and an S3 refusal
by policy names its caller and `aws:PrincipalArn` like any other line."""

from __future__ import annotations

import json
import socket

from tests.rolegate_server import RunningServer
from tests.security.audit_lines import line_for
from tests.security.wire import (
    connection_closed,
    exchange,
    read_response,
    request_bytes,
    signed_headers,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def _host(server: RunningServer) -> dict[str, str]:
    return {"Host": f"127.0.0.1:{server.port}"}


def _one_line(server: RunningServer, request_id: str) -> dict[str, object]:
    lines = line_for(server, request_id)
    assert len(lines) == 1, lines
    return lines[0]


def test_malformed_authorization_is_audited(server: RunningServer) -> None:
    body = b"Action=ListUsers&Version=2010-05-08"
    headers = {**_host(server), **FORM, "Authorization": "AWS4-HMAC-SHA256 nonsense"}

    response = exchange(server.port, request_bytes("POST", "/", headers, body))

    assert 400 <= response.status < 500
    line = _one_line(server, response.headers["x-amzn-requestid"])
    assert line["status"] == response.status
    assert line["operation"] == "ListUsers"


def test_unknown_service_in_the_scope_is_audited(server: RunningServer) -> None:
    owner = server.new_account()
    body = b"Action=DescribeInstances&Version=2016-11-15"
    headers = signed_headers(owner, "POST", f"{server.url}/", body, FORM, service="ec2")

    response = exchange(server.port, request_bytes("POST", "/", headers, body))

    assert response.status == 400
    assert b"UnknownService" in response.body
    assert _one_line(server, response.headers["x-amzn-requestid"])["error"] == "UnknownService"


def test_oversized_form_is_refused_at_once_and_audited(server: RunningServer) -> None:
    headers = {
        **_host(server),
        **FORM,
        "Content-Length": str(2 * 1024 * 1024),
        "Expect": "100-continue",
    }
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request_bytes("POST", "/?Action=ListUsers", headers))  # no body follows
        response = read_response(sock)
        closed = connection_closed(sock, within=2.0)

    assert response.status == 413
    assert closed
    line = _one_line(server, response.headers["x-amzn-requestid"])
    assert line["error"] == "RequestEntityTooLarge"


def test_presign_expiry_past_a_week_is_audited(server: RunningServer) -> None:
    # IAM/latest/UserGuide/reference_sigv-create-signed-request.html: X-Amz-Expires is at most
    # 604800 seconds.
    owner = server.new_account()
    query = (
        "Action=ListUsers&Version=2010-05-08&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={owner.access_key_id}%2F20260101%2Fus-east-1%2Fiam%2Faws4_request"
        "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=999999999&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=" + "0" * 64
    )

    response = exchange(server.port, request_bytes("GET", f"/?{query}", _host(server)))

    assert 400 <= response.status < 500
    assert _one_line(server, response.headers["x-amzn-requestid"])["status"] == response.status


def test_s3_refusal_by_policy_names_the_caller(server: RunningServer) -> None:
    owner = server.new_account()
    stranger = server.new_account()
    bucket = f"private-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=bucket)
    url = f"{server.url}/{bucket}?list-type=2"
    headers = signed_headers(stranger, "GET", url)

    response = exchange(server.port, request_bytes("GET", f"/{bucket}?list-type=2", headers))

    assert response.status == 403
    line = _one_line(server, response.headers["x-amz-request-id"])
    assert line["caller"] == f"arn:aws:iam::{stranger.account_id}:root"
    assert line["principal_arn"] == f"arn:aws:iam::{stranger.account_id}:root"
    assert json.dumps(line["decision"]) != "null"
