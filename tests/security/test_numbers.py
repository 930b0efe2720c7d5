"""Numbers a client writes into a request: too large, too long, or not ASCII.

Each once reached `int()` (which takes full-width digits and fails past 4,300 digits) or SQLite
(which overflows past 2**63) and came back as a 500 or as another number than the one sent. S3
reads them as xsd:int or long in ASCII and answers 4xx (ErrorResponses.html: InvalidArgument,
InvalidRange).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.rolegate_server import Credentials, RunningServer
from tests.security.wire import RawResponse, exchange, request_bytes, signed_headers

HUGE = "9" * 26
FULL_WIDTH_ONE = "%EF%BC%91"  # U+FF11, which int() reads as 1


@pytest.fixture(scope="module")
def world(server: RunningServer) -> tuple[Credentials, Any, str, str]:
    owner = server.new_account()
    bucket = f"numbers-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="ten", Body=b"0123456789")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="multi")["UploadId"]
    return owner, s3, bucket, upload


def _get(
    server: RunningServer, owner: Credentials, target: str, extra: dict[str, str] | None = None
) -> RawResponse:
    headers = signed_headers(owner, "GET", f"{server.url}{target}", headers=extra)
    return exchange(server.port, request_bytes("GET", target, headers))


@pytest.mark.parametrize(
    "query",
    [
        f"max-keys={HUGE}",
        f"max-keys={FULL_WIDTH_ONE}",
        f"list-type=2&max-keys={HUGE}",
        "max-keys=-1",
        "max-keys=2147483648",
    ],
)
def test_listing_max_keys_out_of_range_is_invalid_argument(
    server: RunningServer, world: tuple[Credentials, Any, str, str], query: str
) -> None:
    owner, _, bucket, _ = world

    response = _get(server, owner, f"/{bucket}?{query}")

    # API_ListObjectsV2.html: MaxKeys is an Integer; S3 answers InvalidArgument past int range.
    assert (response.status, response.code) == (400, "InvalidArgument")


@pytest.mark.parametrize(
    "query",
    [
        f"part-number-marker={'1' * 25}",
        f"max-parts={HUGE}",
        f"max-parts={FULL_WIDTH_ONE}",
        "part-number-marker=9223372036854775808",
    ],
)
def test_list_parts_numbers_out_of_range_are_invalid_argument(
    server: RunningServer, world: tuple[Credentials, Any, str, str], query: str
) -> None:
    owner, _, bucket, upload = world

    response = _get(server, owner, f"/{bucket}/multi?uploadId={upload}&{query}")

    # API_ListParts.html: MaxParts and PartNumberMarker are Integers.
    assert (response.status, response.code) == (400, "InvalidArgument")


def test_list_uploads_max_uploads_out_of_range_is_invalid_argument(
    server: RunningServer, world: tuple[Credentials, Any, str, str]
) -> None:
    owner, _, bucket, _ = world

    response = _get(server, owner, f"/{bucket}?uploads&max-uploads={HUGE}")

    # API_ListMultipartUploads.html: MaxUploads is an Integer.
    assert (response.status, response.code) == (400, "InvalidArgument")


@pytest.mark.parametrize("number", [FULL_WIDTH_ONE, "0", "10001", HUGE, "%2B1", "1_0", "-1"])
def test_upload_part_number_must_be_ascii_1_to_10000(
    server: RunningServer, world: tuple[Credentials, Any, str, str], number: str
) -> None:
    owner, s3, bucket, upload = world
    target = f"/{bucket}/multi?partNumber={number}&uploadId={upload}"
    headers = signed_headers(owner, "PUT", f"{server.url}{target}", b"part")

    response = exchange(server.port, request_bytes("PUT", target, headers, b"part"))

    # API_UploadPart.html: "Part number of part being uploaded. This is a positive integer
    # between 1 and 10,000."
    assert (response.status, response.code) == (400, "InvalidArgument")
    assert "Part number must be an integer between 1 and 10000" in response.text
    assert s3.list_parts(Bucket=bucket, Key="multi", UploadId=upload).get("Parts", []) == []


@pytest.mark.parametrize(
    ("range_header", "status", "body"),
    [
        ("bytes=0-" + "9" * 5000, 206, b"0123456789"),  # int() fails past 4,300 digits
        ("bytes=2-" + "9" * 30, 206, b"23456789"),
        ("bytes=-" + "9" * 5000, 206, b"0123456789"),
        ("bytes=\uff10-\uff11", 200, b"0123456789"),  # full-width digits: no range, ignored
        # Two huge numbers, the first larger: no valid range, ignored (RFC 9110 14.1.1).
        ("bytes=" + "9" * 30 + "-" + "9" * 25, 200, b"0123456789"),
    ],
)
def test_range_numbers_of_any_length(
    server: RunningServer,
    world: tuple[Credentials, Any, str, str],
    range_header: str,
    status: int,
    body: bytes,
) -> None:
    owner, _, bucket, _ = world
    headers = signed_headers(owner, "GET", f"{server.url}/{bucket}/ten")
    headers["Range"] = range_header.encode("utf-8").decode("latin-1")

    response = exchange(server.port, request_bytes("GET", f"/{bucket}/ten", headers))

    # API_GetObject.html: Range per RFC 9110; a range past the end is the rest of the object.
    assert (response.status, response.body) == (status, body)


@pytest.mark.parametrize("start", ["9" * 5000, "10", "11"])
def test_range_starting_past_the_end_is_invalid_range(
    server: RunningServer, world: tuple[Credentials, Any, str, str], start: str
) -> None:
    owner, _, bucket, _ = world
    headers = signed_headers(owner, "GET", f"{server.url}/{bucket}/ten")
    headers["Range"] = f"bytes={start}-"

    response = exchange(server.port, request_bytes("GET", f"/{bucket}/ten", headers))

    # API_GetObject.html / ErrorResponses.html: InvalidRange, 416.
    assert (response.status, response.code) == (416, "InvalidRange")


def test_if_modified_since_with_an_absurd_year_is_ignored(
    server: RunningServer, world: tuple[Credentials, Any, str, str]
) -> None:
    owner, _, bucket, _ = world

    response = _get(
        server,
        owner,
        f"/{bucket}/ten",
        {"If-Modified-Since": "Mon, 01 Jan 99999999999999999999 00:00:00 GMT"},
    )

    # API_GetObject.html: S3 ignores a conditional header it cannot read.
    assert (response.status, response.body) == (200, b"0123456789")


@pytest.mark.parametrize(
    ("decoded_length", "code"),
    [("9" * 5000, "EntityTooLarge"), (HUGE, "EntityTooLarge"), ("\uff11", "InvalidArgument")],
)
def test_decoded_content_length_out_of_range_is_refused(
    server: RunningServer,
    world: tuple[Credentials, Any, str, str],
    decoded_length: str,
    code: str,
) -> None:
    _, s3, bucket, _ = world
    public_put = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/anon",
            }
        ],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_put))
    headers = {
        "Host": f"127.0.0.1:{server.port}",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": decoded_length.encode("utf-8").decode("latin-1"),
    }

    response = exchange(server.port, request_bytes("PUT", f"/{bucket}/anon", headers, b"0\r\n\r\n"))

    # API_PutObject.html: at most 5 GB (EntityTooLarge); a length that is no number is a 400.
    assert (response.status, response.code) == (400, code)


@pytest.mark.parametrize(
    ("service", "body"),
    [
        ("sts", b"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=" + b"9" * 5000),
        (
            "iam",
            b"Action=TagUser&Version=2010-05-08&UserName=nobody&Tags.member."
            + b"9" * 5000
            + b".Key=a",
        ),
    ],
)
def test_query_numbers_of_thousands_of_digits_are_no_500(
    server: RunningServer, service: str, body: bytes
) -> None:
    owner = server.new_account()
    headers = signed_headers(
        owner,
        "POST",
        f"{server.url}/",
        body,
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        service=service,
    )

    response = exchange(server.port, request_bytes("POST", "/", headers, body))

    # int() raises past 4,300 digits; the Query protocol answers a client error or ignores a
    # name that is no list index (IAM/latest/APIReference/CommonErrors.html), never InternalFailure.
    assert response.status < 500, response.text
