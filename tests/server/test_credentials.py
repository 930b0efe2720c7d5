"""Authentication over the wire: forged, moved, expired and wrong credentials; restarts.

Codes and texts from STS/CommonErrors.html and IAM/CommonErrors.html: InvalidClientTokenId (403,
"The security token included in the request is invalid."), SignatureDoesNotMatch (403),
ExpiredToken ("The security token included in the request is expired"),
MissingAuthenticationToken (403).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import urllib3
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer, aws_cli
from tests.server.seed_world import Platform, assume, seed_trust_policy


@pytest.fixture(scope="module")
def session(server: RunningServer) -> tuple[Platform, Credentials, str]:
    platform = Platform.create(server)
    customer = server.new_account()
    role_arn = server.client("iam", customer).create_role(
        RoleName="reader", AssumeRolePolicyDocument=seed_trust_policy(platform.account)
    )["Role"]["Arn"]
    base = platform.session_of(platform.add_role("qwak-eks-base"))
    found = assume(server, base, role_arn, DurationSeconds=900)
    return platform, Credentials.from_sts(found["Credentials"]), role_arn


def _code(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_an_unknown_access_key_is_an_invalid_client_token(server: RunningServer) -> None:
    stranger = Credentials("AKIAAAAAAAAAAAAAAAAA", "x" * 40)
    with pytest.raises(ClientError) as excinfo:
        server.client("sts", stranger).get_caller_identity()
    assert _code(excinfo) == ("InvalidClientTokenId", 403)
    assert excinfo.value.response["Error"]["Message"] == (
        "The security token included in the request is invalid."
    )


def test_a_wrong_secret_does_not_match_the_signature(server: RunningServer) -> None:
    root = server.new_account()
    wrong = Credentials(root.access_key_id, "y" * 40)
    with pytest.raises(ClientError) as excinfo:
        server.client("iam", wrong).list_roles()
    assert _code(excinfo) == ("SignatureDoesNotMatch", 403)


def test_a_tampered_session_token_is_refused(
    server: RunningServer, session: tuple[Platform, Credentials, str]
) -> None:
    _, creds, _ = session
    raw = bytearray(base64.b64decode(creds.session_token or ""))
    raw[-1] ^= 0x01
    forged = Credentials(
        creds.access_key_id, creds.secret_access_key, base64.b64encode(raw).decode()
    )
    with pytest.raises(ClientError) as excinfo:
        server.client("sts", forged).get_caller_identity()
    assert _code(excinfo) == ("InvalidClientTokenId", 403)


def test_a_session_token_cannot_move_to_another_access_key(
    server: RunningServer, session: tuple[Platform, Credentials, str]
) -> None:
    platform, creds, role_arn = session
    other = Credentials.from_sts(
        assume(server, platform.session_of(platform.add_role("qwak-eks-base-2")), role_arn)[
            "Credentials"
        ]
    )
    moved = Credentials(other.access_key_id, other.secret_access_key, creds.session_token)
    with pytest.raises(ClientError) as excinfo:
        server.client("sts", moved).get_caller_identity()
    assert _code(excinfo) == ("InvalidClientTokenId", 403)


def test_a_deactivated_user_key_stops_working(server: RunningServer) -> None:
    platform = Platform.create(server)
    operator_sts = server.client("sts", platform.operator)
    assert operator_sts.get_caller_identity()["Arn"].endswith(":user/operator")
    server.client("iam", platform.root).update_access_key(
        UserName="operator", AccessKeyId=platform.operator.access_key_id, Status="Inactive"
    )
    with pytest.raises(ClientError) as excinfo:
        operator_sts.get_caller_identity()
    assert _code(excinfo) == ("InvalidClientTokenId", 403)


def test_an_unsigned_request_is_missing_authentication(server: RunningServer) -> None:
    response = urllib3.request(
        "POST",
        server.url,
        body="Action=GetCallerIdentity&Version=2011-06-15",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 403
    assert b"<Code>MissingAuthenticationToken</Code>" in response.data
    assert b"<RequestId>" in response.data


def test_a_malformed_authorization_header_is_a_clean_4xx(server: RunningServer) -> None:
    response = urllib3.request(
        "POST",
        server.url,
        body="Action=ListRoles&Version=2010-05-08",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/iam/aws4_request",
        },
    )
    assert 400 <= response.status < 500
    assert b"<ErrorResponse" in response.data


@pytest.fixture
def shifted_server(server: RunningServer, tmp_path: Path) -> Iterator[RunningServer]:
    """A second server on the same data dir whose clock runs 899 s ahead: within the 15 minutes
    of clock skew a signature may have, but past a 900 s session once a second has passed."""
    later = RunningServer(server.data_dir, "--clock-offset", "899")
    later.start()
    yield later
    later.stop()


def test_sessions_expire(
    server: RunningServer,
    shifted_server: RunningServer,
    session: tuple[Platform, Credentials, str],
) -> None:
    _, creds, _ = session  # issued for 900 s (the minimum)
    assert server.client("sts", creds).get_caller_identity()["Arn"]
    time.sleep(1.5)
    with pytest.raises(ClientError) as excinfo:
        shifted_server.client("sts", creds).get_caller_identity()
    assert _code(excinfo) == ("ExpiredToken", 403)
    assert excinfo.value.response["Error"]["Message"] == (
        "The security token included in the request is expired"
    )


def test_restart_keeps_roles_policies_and_live_sessions(tmp_path: Path) -> None:
    first = RunningServer(tmp_path / "data").start()
    try:
        platform = Platform.create(first)
        customer = first.new_account()
        role_arn = first.client("iam", customer).create_role(
            RoleName="survivor", AssumeRolePolicyDocument=seed_trust_policy(platform.account)
        )["Role"]["Arn"]
        creds = Credentials.from_sts(
            assume(first, platform.session_of(platform.add_role("qwak-eks-base")), role_arn)[
                "Credentials"
            ]
        )
    finally:
        first.stop()
    second = RunningServer(tmp_path / "data").start()
    try:
        role = second.client("iam", customer).get_role(RoleName="survivor")["Role"]
        assert role["Arn"] == role_arn
        assert role["AssumeRolePolicyDocument"] == json.loads(seed_trust_policy(platform.account))
        assert (
            second.client("sts", creds)
            .get_caller_identity()["Arn"]
            .endswith(":assumed-role/survivor/reader")
        )
    finally:
        second.stop()


def test_the_aws_cli_assumes_the_role(
    server: RunningServer, session: tuple[Platform, Credentials, str]
) -> None:
    platform, _, role_arn = session
    base = platform.session_of(platform.add_role("qwak-eks-base-cli"))
    done = aws_cli(
        server, base, "sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "cli"
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["AssumedRoleUser"]["Arn"].endswith(":assumed-role/reader/cli")
    creds = Credentials.from_sts(found["Credentials"])
    who = aws_cli(server, creds, "sts", "get-caller-identity")
    assert json.loads(who.stdout)["Arn"] == found["AssumedRoleUser"]["Arn"]


def test_the_aws_cli_shows_the_explained_denial(
    server: RunningServer, session: tuple[Platform, Credentials, str]
) -> None:
    platform, _, role_arn = session
    base = platform.session_of(platform.add_role("not-a-platform-role"))
    done = aws_cli(
        server, base, "sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "cli"
    )
    assert done.returncode != 0
    assert "AccessDenied" in done.stderr
    assert "because no resource-based policy allows the sts:AssumeRole action" in done.stderr


def test_every_request_lands_in_the_audit_log_with_its_decision(
    server: RunningServer, session: tuple[Platform, Credentials, str]
) -> None:
    platform, _, role_arn = session
    base = platform.session_of(platform.add_role("audited-outsider"), "audit-me")
    with pytest.raises(ClientError):
        assume(server, base, role_arn)
    denied = [
        e
        for e in server.audit_entries()
        if e["operation"] == "AssumeRole" and e["caller"] and e["caller"].endswith("/audit-me")
    ]
    assert denied, "the denied AssumeRole is in the audit log"
    entry = denied[-1]
    assert entry["decision"] == "implicitDeny"
    assert entry["resource"] == role_arn
    assert entry["status"] == 403 and entry["error"] == "AccessDenied"
    assert entry["principal_arn"].endswith(":role/audited-outsider")
    assert entry["source_ip"] == "127.0.0.1"
    assert "secret" not in json.dumps(entry).lower()


def test_a_request_signed_more_than_15_minutes_away_is_refused(server: RunningServer) -> None:
    # IAM/STS answer SignatureDoesNotMatch "Signature expired: ..." for a stale X-Amz-Date
    # (STS/CommonErrors.html lists RequestExpired/SignatureDoesNotMatch; text as the service sends).
    root = server.new_account()
    later = RunningServer(server.data_dir, "--clock-offset", "1200").start()
    try:
        with pytest.raises(ClientError) as excinfo:
            later.client("sts", root).get_caller_identity()
    finally:
        later.stop()
    assert _code(excinfo) == ("SignatureDoesNotMatch", 403)
    assert excinfo.value.response["Error"]["Message"].startswith("Signature expired: ")


def test_a_presigned_get_caller_identity_url_works_and_its_tampered_twin_does_not(
    server: RunningServer,
) -> None:
    root = server.new_account()
    url = server.client("sts", root).generate_presigned_url(
        "get_caller_identity", Params={}, ExpiresIn=300
    )
    # botocore presigns STS calls for their model's method, POST, with an empty body.
    response = urllib3.request("POST", url)
    assert response.status == 200, response.data
    assert f"<Arn>arn:aws:iam::{root.account_id}:root</Arn>".encode() in response.data
    tampered = url.replace("X-Amz-Expires=300", "X-Amz-Expires=301")
    assert urllib3.request("POST", tampered).status == 403
    assert urllib3.request("GET", url).status == 403  # the method is signed too


def test_audit_tail_shows_the_denials(
    server: RunningServer, session: tuple[Platform, Credentials, str]
) -> None:
    platform, _, role_arn = session
    base = platform.session_of(platform.add_role("tail-outsider"), "tail-me")
    with pytest.raises(ClientError):
        assume(server, base, role_arn)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "rolegate.cli.main",
            "audit",
            "tail",
            "--denied",
            "--json",
            "-n",
            "50",
            "--data-dir",
            str(server.data_dir),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    entries = [json.loads(line) for line in done.stdout.splitlines()]
    assert any(e["caller"] and e["caller"].endswith("/tail-me") for e in entries)
    assert all(e["status"] != 200 for e in entries)
    table = subprocess.run(
        [
            sys.executable,
            "-m",
            "rolegate.cli.main",
            "audit",
            "tail",
            "--denied",
            "--data-dir",
            str(server.data_dir),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert "because no resource-based policy allows the sts:AssumeRole action" in table.stdout
