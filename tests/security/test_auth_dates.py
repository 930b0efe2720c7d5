"""A request's date is read before anything is verified: an unreadable one is an auth error.

Without X-Amz-Date, SigV4 takes the timestamp from the `Date` header
(AmazonS3/latest/API/sig-v4-header-based-auth.html: "... the x-amz-date header or the Date
header"). A Date whose zone offset has 20 digits, or 31 Dec 9999 at -2359 (which is in the year
10000 in UTC), raised OverflowError in the parser: S3 answered 500 InternalError and STS
uvicorn's bare text 500 with no audit line, from one unauthenticated request. S3 answers a
missing or unusable date AccessDenied "AWS authentication requires a valid Date or x-amz-date
header" (as answered by S3, quoted in hubrick/vertx-s3-client#5); IAM and STS
IncompleteSignature (STS/latest/APIReference/CommonErrors.html).
"""

from __future__ import annotations

import pytest
from tests.rolegate_server import RunningServer
from tests.security.audit_lines import line_for
from tests.security.wire import exchange, request_bytes

OVERFLOWING_DATES = [
    "Fri, 31 Dec 9999 23:59:59 -2359",
    "Fri, 04 Dec 2026 10:00:00 +99999999999999999999",
]


def authorization(service: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential=AKIAAAAAAAAAAAAAAAAA/20261204/us-east-1/{service}/"
        f"aws4_request, SignedHeaders=date;host, Signature={'0' * 64}"
    )


@pytest.mark.parametrize("date", OVERFLOWING_DATES)
def test_s3_request_with_an_overflowing_date_is_refused(server: RunningServer, date: str) -> None:
    headers = {
        "Host": f"127.0.0.1:{server.port}",
        "Date": date,
        "Authorization": authorization("s3"),
        "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
    }
    answer = exchange(server.port, request_bytes("GET", "/some-bucket/k", headers))

    assert answer.status == 403, answer.text
    assert b"<Code>AccessDenied</Code>" in answer.body
    assert b"requires a valid Date or x-amz-date header" in answer.body


@pytest.mark.parametrize("date", OVERFLOWING_DATES)
def test_sts_request_with_an_overflowing_date_is_refused_and_audited(
    server: RunningServer, date: str
) -> None:
    headers = {
        "Host": f"127.0.0.1:{server.port}",
        "Date": date,
        "Authorization": authorization("sts"),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    answer = exchange(server.port, request_bytes("POST", "/", headers, body))

    assert answer.status == 400, answer.text
    assert b"<Code>IncompleteSignature</Code>" in answer.body
    lines = line_for(server, answer.headers["x-amzn-requestid"])
    assert [(line["service"], line["error"]) for line in lines] == [("sts", "IncompleteSignature")]
