"""The operation a request names does not depend on the order of its query parameters.

A SigV4 signature covers the query sorted (AmazonS3/latest/API/sig-v4-header-based-auth.html,
"CanonicalQueryString ... sorted by parameter name"), so anyone holding a signed request can
resend it with its parameters reordered and the signature still holds. When the first
subresource decided the operation, `?uploads&policy` (ListMultipartUploads) became GetBucketPolicy
sent as `?policy&uploads`: one signature, two operations. Two subresources that name operations
are refused with `400 InvalidArgument` whichever comes first. (S3's own answer to such a
request is not documented; InvalidArgument is the code its error list gives an argument it
cannot take, AmazonS3/latest/API/ErrorResponses.html.) Nothing is changed by the refused ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from tests.rolegate_server import Credentials, RunningServer
from tests.security.wire import RawResponse, exchange, request_bytes, signed_headers


@dataclass(frozen=True)
class Bucket:
    owner: Credentials
    name: str


@pytest.fixture
def bucket(server: RunningServer) -> Bucket:
    owner = server.new_account()
    name = f"order-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    return Bucket(owner, name)


def _replay(
    server: RunningServer, owner: Credentials, path: str, signed_query: str, sent_query: str
) -> RawResponse:
    """A GET signed for `path?signed_query`, sent with its query written as `sent_query`."""
    headers = signed_headers(owner, "GET", f"{server.url}{path}?{signed_query}")
    return exchange(server.port, request_bytes("GET", f"{path}?{sent_query}", headers))


@pytest.mark.parametrize(
    ("key", "signed", "sent"),
    [
        ("", "uploads&policy", "uploads&policy"),
        ("", "uploads&policy", "policy&uploads"),
        ("/k", "acl&attributes", "acl&attributes"),
        ("/k", "acl&attributes", "attributes&acl"),
    ],
)
def test_two_subresources_are_refused_in_either_order(
    server: RunningServer, bucket: Bucket, key: str, signed: str, sent: str
) -> None:
    response = _replay(server, bucket.owner, f"/{bucket.name}{key}", signed, sent)

    assert response.status == 400, response.text
    assert "<Code>InvalidArgument</Code>" in response.text


def test_one_subresource_with_parameters_still_routes(
    server: RunningServer, bucket: Bucket
) -> None:
    response = _replay(
        server, bucket.owner, f"/{bucket.name}", "uploads&prefix=a", "prefix=a&uploads"
    )

    assert response.status == 200, response.text
    assert "<ListMultipartUploadsResult" in response.text


@pytest.mark.parametrize(
    "sent",
    [
        "response-content-type=text%2Fplain&response-content-type=text%2Fhtml",
        "response-content-type=text%2Fhtml&response-content-type=text%2Fplain",
    ],
)
def test_a_parameter_repeated_with_two_values_is_refused_in_either_order(
    server: RunningServer, bucket: Bucket, sent: str
) -> None:
    # The canonical query sorts by name and then by value, so both orders carry one signature;
    # which value the answer used was the replayer's to choose.
    signed = "response-content-type=text%2Fhtml&response-content-type=text%2Fplain"
    response = _replay(server, bucket.owner, f"/{bucket.name}/k", signed, sent)

    assert response.status == 400, response.text
    assert "<Code>InvalidArgument</Code>" in response.text
