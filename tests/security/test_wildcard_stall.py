"""One request must not freeze the server through a wildcard pattern (issue 10, finding 8).

A policy's `*` used to become a backtracking regex `.*`: `B/*a*a*...*b` against a key of 1,000
`a`s tries every way of placing the `a`s, for hours, on the event loop. The attacker writes the
pattern (their own bucket policy, or a session policy passed to AssumeRole) and the text (the
key, a listing prefix). Each test sends that request, asks something else of the server
meanwhile from another client, and wants both answered within a bound that only proves "it
does not hang".

Expected answers: the pattern does not match (the key does not end in `b`), so nothing allows
the request: anonymous callers get AccessDenied (AmazonS3/latest/userguide/example-bucket-policies.html;
UG/reference_policies_evaluation-logic.html: no Allow is an implicit deny). `*` and `?` are
wildcards in Resource (UG/reference_policies_elements_resource.html), StringLike and ArnLike
(UG/reference_policies_elements_condition_operators.html).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

from tests.rolegate_server import Credentials, RunningServer
from tests.security.wire import RawResponse, exchange, request_bytes, signed_headers
from tests.server.seed_world import Platform

BOUND = 5.0  # seconds: generous for a 1,000-byte match, hours short of the old regex
KEY = "a" * 1000
TEN_WILDCARDS = "*a" * 9 + "*b"  # `*a*a*a*a*a*a*a*a*a*b`: ten stars


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def answered_while_others_are_served(
    server: RunningServer, attack: bytes, bystander: Credentials, bucket: str
) -> RawResponse:
    """Send `attack`; meanwhile another client lists its bucket. Both must be answered."""
    s3 = server.client("s3", bystander, read_timeout=BOUND, connect_timeout=BOUND)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(exchange, server.port, attack, timeout=BOUND)
        listed = s3.list_objects_v2(Bucket=bucket)
        assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200
        return pending.result(timeout=BOUND + 1)


def bucket_with_policy(server: RunningServer, owner: Credentials, name: str, document: str) -> str:
    bucket = f"{name}-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=document)
    return bucket


def other_tenant(server: RunningServer) -> tuple[Credentials, str]:
    tenant = server.new_account()
    bucket = f"bystander-{tenant.account_id}"
    server.client("s3", tenant).create_bucket(Bucket=bucket)
    return tenant, bucket


def test_anonymous_get_against_a_ten_wildcard_resource(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"stall-{owner.account_id}"
    bucket = bucket_with_policy(
        server,
        owner,
        "stall",
        policy(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/{TEN_WILDCARDS}",
            }
        ),
    )
    tenant, theirs = other_tenant(server)
    attack = request_bytes("GET", f"/{bucket}/{KEY}", {"Host": f"127.0.0.1:{server.port}"})

    answer = answered_while_others_are_served(server, attack, tenant, theirs)

    assert answer.status == 403
    assert b"<Code>AccessDenied</Code>" in answer.body


def test_session_policy_with_ten_wildcards(server: RunningServer) -> None:
    platform = Platform.create(server)
    bucket = f"session-{platform.account}"
    server.client("s3", platform.root).create_bucket(Bucket=bucket)
    role_arn = platform.add_role("reader", may_assume=False)
    server.client("iam", platform.root).put_role_policy(
        RoleName="reader",
        PolicyName="read",
        PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
        ),
    )
    # STS/API_AssumeRole.html: the session's permissions are the intersection of the role's
    # and the session policy's; the session policy's pattern is the attacker's.
    session_policy = policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/{TEN_WILDCARDS}",
        }
    )
    found = server.client("sts", platform.operator).assume_role(
        RoleArn=role_arn, RoleSessionName="stall", Policy=session_policy
    )
    session = Credentials.from_sts(found["Credentials"], platform.account)
    url = f"{server.url}/{bucket}/{KEY}"
    attack = request_bytes("GET", f"/{bucket}/{KEY}", signed_headers(session, "GET", url))
    tenant, theirs = other_tenant(server)

    answer = answered_while_others_are_served(server, attack, tenant, theirs)

    assert answer.status == 403
    assert b"<Code>AccessDenied</Code>" in answer.body


def listing_attack(server: RunningServer, operator: str, value: str, prefix: str) -> RawResponse:
    """An anonymous ListObjectsV2 whose prefix is tested by `operator` in the bucket policy.

    AmazonS3/latest/userguide/amazon-s3-policy-keys.html: `s3:prefix` is the request's prefix.
    """
    owner = server.new_account()
    bucket = f"list-{operator.lower()}-{owner.account_id}"
    bucket = bucket_with_policy(
        server,
        owner,
        f"list-{operator.lower()}",
        policy(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {operator: {"s3:prefix": value}},
            }
        ),
    )
    tenant, theirs = other_tenant(server)
    target = f"/{bucket}?list-type=2&prefix={quote(prefix, safe='')}"
    attack = request_bytes("GET", target, {"Host": f"127.0.0.1:{server.port}"})
    return answered_while_others_are_served(server, attack, tenant, theirs)


def test_string_like_on_a_listing_prefix(server: RunningServer) -> None:
    answer = listing_attack(server, "StringLike", TEN_WILDCARDS, KEY)

    assert answer.status == 403
    assert b"<Code>AccessDenied</Code>" in answer.body


def test_arn_like_on_a_listing_prefix(server: RunningServer) -> None:
    # ArnLike compares the six components of an ARN; the resource component takes `*` across
    # anything, so the attacker's text is an ARN whose resource is the 1,000 `a`s.
    pattern = f"arn:aws:s3:::{TEN_WILDCARDS}"
    answer = listing_attack(server, "ArnLike", pattern, f"arn:aws:s3:::{KEY}")

    assert answer.status == 403
    assert b"<Code>AccessDenied</Code>" in answer.body


def test_the_patterns_still_allow_what_they_match(server: RunningServer) -> None:
    """The same ten-wildcard pattern grants a key that does end in `b`: nothing was disabled."""
    owner = server.new_account()
    bucket = f"grant-{owner.account_id}"
    bucket = bucket_with_policy(
        server,
        owner,
        "grant",
        policy(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/{TEN_WILDCARDS}",
            }
        ),
    )
    key = "a" * 20 + "b"
    server.client("s3", owner).put_object(Bucket=bucket, Key=key, Body=b"granted")
    answer = exchange(
        server.port,
        request_bytes("GET", f"/{bucket}/{key}", {"Host": f"127.0.0.1:{server.port}"}),
    )
    assert (answer.status, answer.body) == (200, b"granted")
