"""`aws:SourceIp` is the connecting address (IAM/latest/UserGuide/
reference_policies_condition-keys.html#condition-keys-sourceip): a client cannot pick its own
by sending X-Forwarded-For, unless it connects from a proxy the operator named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.rolegate_server import RunningServer
from tests.security.audit_lines import line_for
from tests.security.wire import exchange, request_bytes, signed_headers

SPOOFED = "203.0.113.9"


def _bucket_open_to(server: RunningServer, network: str) -> str:
    owner = server.new_account()
    bucket = f"by-ip-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="data.txt", Body=b"for the office only")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"IpAddress": {"aws:SourceIp": network}},
            }
        ],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    return bucket


def _anonymous_get(server: RunningServer, bucket: str) -> tuple[int, dict[str, object]]:
    headers = {"Host": f"127.0.0.1:{server.port}", "X-Forwarded-For": SPOOFED}
    response = exchange(server.port, request_bytes("GET", f"/{bucket}/data.txt", headers))
    request_id = response.headers["x-amz-request-id"]
    return response.status, line_for(server, request_id)[0]


def test_forwarded_for_does_not_move_source_ip(server: RunningServer) -> None:
    bucket = _bucket_open_to(server, "203.0.113.0/24")

    status, line = _anonymous_get(server, bucket)

    assert status == 403
    assert line["source_ip"] == "127.0.0.1"


@pytest.fixture(scope="module")
def behind_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir: Path = tmp_path_factory.mktemp("behind-proxy") / "data"
    running = RunningServer(data_dir, "--trusted-proxy", "127.0.0.1/32").start()
    yield running
    running.stop()


def test_a_named_proxy_names_the_client(behind_proxy: RunningServer) -> None:
    bucket = _bucket_open_to(behind_proxy, "203.0.113.0/24")

    status, line = _anonymous_get(behind_proxy, bucket)

    assert status == 200
    assert line["source_ip"] == SPOOFED


def test_forwarded_for_does_not_pass_a_trust_policy_ip_condition(server: RunningServer) -> None:
    owner = server.new_account()
    iam = server.client("iam", owner)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{owner.account_id}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            }
        ],
    }
    role = iam.create_role(RoleName="office-only", AssumeRolePolicyDocument=json.dumps(trust))
    body = (
        "Action=AssumeRole&Version=2011-06-15&RoleSessionName=spoof&RoleArn="
        + role["Role"]["Arn"].replace(":", "%3A").replace("/", "%2F")
    ).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    headers = signed_headers(owner, "POST", f"{server.url}/", body, form, service="sts")
    headers["X-Forwarded-For"] = SPOOFED  # not signed: a proxy would add it the same way

    response = exchange(server.port, request_bytes("POST", "/", headers, body))

    assert response.status == 403
    assert b"<Code>AccessDenied</Code>" in response.body
    assert line_for(server, response.headers["x-amzn-requestid"])[0]["source_ip"] == "127.0.0.1"


def _bucket_for_tls_only(server: RunningServer) -> str:
    """Anonymous reads allowed, and denied to every request not over TLS: the guard rail of
    AmazonS3/latest/userguide/security-best-practices.html (aws:SecureTransport false -> Deny)."""
    owner = server.new_account()
    bucket = f"tls-only-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="data.txt", Body=b"over TLS only")
    resource = f"arn:aws:s3:::{bucket}/*"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": resource},
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": resource,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    return bucket


def _get_claiming_https(server: RunningServer, bucket: str) -> int:
    headers = {"Host": f"127.0.0.1:{server.port}", "X-Forwarded-Proto": "https"}
    return exchange(server.port, request_bytes("GET", f"/{bucket}/data.txt", headers)).status


def test_forwarded_proto_does_not_make_a_request_secure(server: RunningServer) -> None:
    # rolegate speaks plain HTTP: a client saying https is not over TLS.
    assert _get_claiming_https(server, _bucket_for_tls_only(server)) == 403


def test_a_named_proxy_that_terminated_tls_makes_it_secure(behind_proxy: RunningServer) -> None:
    # Behind a TLS-terminating proxy the operator named, its X-Forwarded-Proto is the transport.
    assert _get_claiming_https(behind_proxy, _bucket_for_tls_only(behind_proxy)) == 200
