"""µs per call of the Query protocol's request and response path (`rolegate.aws.query`).

    .venv/bin/python bench/query_protocol.py           # about 10 s
    .venv/bin/python bench/query_protocol.py --quick   # a smoke run

Each row is the median (and the best) over `--runs` samples of `--calls` calls each, timed
with `perf_counter_ns` with the garbage collector off; on a busy or shared machine the best is
the steadier figure. The request rows time what a server does per request, `parse_form` of the
raw body followed by `parse_request`; the two parts are also shown on their own. The response
rows time `serialize_response` of a typical result. Every case is checked once before timing
(its request parses to the expected params, its response parses back with botocore), so a fast
but wrong implementation does not produce a row.

To compare with another version of the package, put its `src` first on the path:
`PYTHONPATH=../other/src .venv/bin/python bench/query_protocol.py`.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus, urlencode

from botocore.parsers import create_parser
from botocore.session import get_session

from rolegate.aws.query import encode_policy_document, parse_form, protocol_for

ROLE_ARN = "arn:aws:iam::123456789012:role/app/Reader"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
REQUEST_ID = "4f9c3a1e-0d6b-4c1e-9a57-2b8f5d0e7c11"
EXPIRATION = datetime(2026, 11, 28, 9, 40, 4, 123456, tzinfo=UTC)
# A session token of the size real STS tokens have (several hundred base64 characters).
SESSION_TOKEN = base64.b64encode(bytes(range(256)) + bytes(range(44))).decode()

ASSUME_ROLE_BODY = urlencode(
    {
        "Action": "AssumeRole",
        "Version": "2011-06-15",
        "RoleArn": ROLE_ARN,
        "RoleSessionName": "alice@example.com",
        "DurationSeconds": "3600",
    },
    quote_via=quote_plus,
).encode()
ASSUME_ROLE_PARAMS = {
    "RoleArn": ROLE_ARN,
    "RoleSessionName": "alice@example.com",
    "DurationSeconds": 3600,
}

CREATE_ROLE_BODY = urlencode(
    {
        "Action": "CreateRole",
        "Version": "2010-05-08",
        "RoleName": "Reader",
        "Path": "/app/",
        "AssumeRolePolicyDocument": TRUST,
        "Tags.member.1.Key": "team",
        "Tags.member.1.Value": "data",
        "Tags.member.2.Key": "cost-center",
        "Tags.member.2.Value": "1234",
    },
    quote_via=quote_plus,
).encode()
CREATE_ROLE_PARAMS = {
    "Path": "/app/",
    "RoleName": "Reader",
    "AssumeRolePolicyDocument": TRUST,
    "Tags": [{"Key": "team", "Value": "data"}, {"Key": "cost-center", "Value": "1234"}],
}

ASSUME_ROLE_RESULT: dict[str, object] = {
    "Credentials": {
        "AccessKeyId": "ASIAEXAMPLEEXAMPLE01",
        "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
        "SessionToken": SESSION_TOKEN,
        "Expiration": EXPIRATION,
    },
    "AssumedRoleUser": {
        "AssumedRoleId": "AROAEXAMPLEEXAMPLE01:alice@example.com",
        "Arn": "arn:aws:sts::123456789012:assumed-role/Reader/alice@example.com",
    },
    "PackedPolicySize": 6,
}
CALLER_IDENTITY_RESULT: dict[str, object] = {
    "UserId": "AROAEXAMPLEEXAMPLE01:alice@example.com",
    "Account": "123456789012",
    "Arn": "arn:aws:sts::123456789012:assumed-role/Reader/alice@example.com",
}
GET_ROLE_RESULT: dict[str, object] = {
    "Role": {
        "Path": "/app/",
        "RoleName": "Reader",
        "RoleId": "AROAEXAMPLEEXAMPLE01",
        "Arn": ROLE_ARN,
        "CreateDate": EXPIRATION,
        "AssumeRolePolicyDocument": encode_policy_document(TRUST),
        "Description": "reads things",
        "MaxSessionDuration": 3600,
        "Tags": [{"Key": "team", "Value": "data"}, {"Key": "cost-center", "Value": "1234"}],
        "RoleLastUsed": {"LastUsedDate": EXPIRATION, "Region": "eu-west-1"},
    }
}


def _request(service: str, body: bytes) -> Callable[[], object]:
    protocol = protocol_for(service)
    return lambda: protocol.parse_request(parse_form(body, b""))


def _form_only(body: bytes) -> Callable[[], object]:
    return lambda: parse_form(body, b"")


def _parse_only(service: str, body: bytes) -> Callable[[], object]:
    protocol = protocol_for(service)
    form = parse_form(body, b"")
    return lambda: protocol.parse_request(form)


def _response(service: str, operation: str, result: dict[str, object]) -> Callable[[], object]:
    protocol = protocol_for(service)
    return lambda: protocol.serialize_response(operation, result, REQUEST_ID)


CASES: list[tuple[str, Callable[[], object]]] = [
    ("sts AssumeRole       parse_form+parse_request", _request("sts", ASSUME_ROLE_BODY)),
    ("  of which parse_form", _form_only(ASSUME_ROLE_BODY)),
    ("  of which parse_request", _parse_only("sts", ASSUME_ROLE_BODY)),
    ("iam CreateRole+2 tags parse_form+parse_request", _request("iam", CREATE_ROLE_BODY)),
    ("  of which parse_form", _form_only(CREATE_ROLE_BODY)),
    ("  of which parse_request", _parse_only("iam", CREATE_ROLE_BODY)),
    (
        "sts AssumeRole       serialize_response",
        _response("sts", "AssumeRole", ASSUME_ROLE_RESULT),
    ),
    (
        "sts GetCallerIdentity serialize_response",
        _response("sts", "GetCallerIdentity", CALLER_IDENTITY_RESULT),
    ),
    ("iam GetRole+tags     serialize_response", _response("iam", "GetRole", GET_ROLE_RESULT)),
]


def _check() -> None:
    """Each case gives the right answer, so the timings are of correct work."""
    assert _request("sts", ASSUME_ROLE_BODY)() == ("AssumeRole", ASSUME_ROLE_PARAMS)
    assert _request("iam", CREATE_ROLE_BODY)() == ("CreateRole", CREATE_ROLE_PARAMS)
    session = get_session()
    for service, operation, result in (
        ("sts", "AssumeRole", ASSUME_ROLE_RESULT),
        ("sts", "GetCallerIdentity", CALLER_IDENTITY_RESULT),
        ("iam", "GetRole", GET_ROLE_RESULT),
    ):
        body = protocol_for(service).serialize_response(operation, result, REQUEST_ID)
        shape = session.get_service_model(service).operation_model(operation).output_shape
        parsed: dict[str, Any] = create_parser("query").parse(
            {"body": body, "headers": {}, "status_code": 200}, shape
        )
        parsed.pop("ResponseMetadata")
        # The wire carries whole seconds; compare through JSON with datetimes as ISO text.
        expected = json.loads(json.dumps(result, default=_whole_seconds))
        got = json.loads(json.dumps(parsed, default=_whole_seconds))
        assert got == expected, (operation, got, expected)


def _whole_seconds(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat()


def _time(call: Callable[[], object], runs: int, calls: int) -> tuple[float, float]:
    """(median, best) µs per call over `runs` samples of `calls` calls."""
    loop = range(calls)
    for _ in loop:  # warm-up: caches, lazily built plans
        call()
    samples: list[float] = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(runs):
            start = time.perf_counter_ns()
            for _ in loop:
                call()
            samples.append((time.perf_counter_ns() - start) / calls / 1000)
    finally:
        gc.enable()
    return statistics.median(samples), min(samples)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="3 runs x 200 calls")
    args = parser.parse_args(argv)
    runs, calls = (3, 200) if args.quick else (args.runs, args.calls)
    _check()
    print(f"µs per call over {runs} runs x {calls} calls, gc off")
    print(f"{'':<48} {'median':>8} {'best':>8}")
    for name, call in CASES:
        median, best = _time(call, runs, calls)
        print(f"{name:<48} {median:8.2f} {best:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
