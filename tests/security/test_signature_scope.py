"""SigV4 checks that used to give wrong answers and weaken authentication (issue 10).

- The credential scope's region must be the endpoint's: a signature for eu-west-1 is not one for
  us-east-1 (the signing key is derived from the region;
  IAM/latest/UserGuide/reference_sigv-create-signed-request.html). S3 answers
  AuthorizationHeaderMalformed "the region 'eu-west-1' is wrong; expecting 'us-east-1'" with a
  <Region> element (AmazonS3/latest/API/ErrorResponses.html lists AuthorizationHeaderMalformed),
  or AuthorizationQueryParametersError for a presigned URL; IAM and STS answer
  SignatureDoesNotMatch "Credential should be scoped to a valid region". IAM is global and signed
  for us-east-1.
- `host` must be signed ("The host header must be included as a signed header",
  IAM/latest/UserGuide/reference_sigv-create-signed-request.html): for S3 it names the bucket of
  a virtual-hosted request. `:authority` is HTTP/2's; over HTTP/1.1 it signs nothing.
- A presigned X-Amz-Expires above a week is refused with AuthorizationQueryParametersError
  (AmazonS3/latest/API/sigv4-query-string-auth.html: "The maximum expiration time is 604800
  seconds"), never a 500, whatever its length.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from tests.rolegate_server import Credentials, RunningServer
from tests.security.wire import exchange, presigned_target, request_bytes, signed_headers

FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def owner_with_object(server: RunningServer) -> tuple[Credentials, str]:
    owner = server.new_account()
    bucket = f"scope-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"secret")
    return owner, bucket


def boto(credentials: Credentials) -> BotoCredentials:
    return BotoCredentials(
        credentials.access_key_id, credentials.secret_access_key, credentials.session_token
    )


# --- region ------------------------------------------------------------------------------------


def test_s3_request_signed_for_another_region_is_refused(server: RunningServer) -> None:
    owner, bucket = owner_with_object(server)
    url = f"{server.url}/{bucket}/k"
    headers = signed_headers(owner, "GET", url, region="eu-west-1")

    answer = exchange(server.port, request_bytes("GET", f"/{bucket}/k", headers))

    assert answer.status == 400
    assert b"<Code>AuthorizationHeaderMalformed</Code>" in answer.body
    assert (
        b"<Message>The authorization header is malformed; the region 'eu-west-1' is wrong; "
        b"expecting 'us-east-1'</Message>" in answer.body
    )
    assert b"<Region>us-east-1</Region>" in answer.body
    assert b"secret" not in answer.body


def test_s3_presigned_url_for_another_region_is_refused(server: RunningServer) -> None:
    owner, bucket = owner_with_object(server)
    target = presigned_target(owner, f"{server.url}/{bucket}/k", region="eu-west-1")

    answer = exchange(
        server.port, request_bytes("GET", target, {"Host": f"127.0.0.1:{server.port}"})
    )

    assert answer.status == 400
    assert b"<Code>AuthorizationQueryParametersError</Code>" in answer.body
    assert b"the region 'eu-west-1' is wrong; expecting 'us-east-1'" in answer.body
    assert b"secret" not in answer.body


def query_call(
    server: RunningServer, credentials: Credentials, service: str, region: str, action: str
) -> Any:
    body = urlencode({"Action": action, "Version": "2011-06-15"}).encode()
    if service == "iam":
        body = urlencode({"Action": action, "Version": "2010-05-08"}).encode()
    headers = signed_headers(
        credentials, "POST", f"{server.url}/", body, FORM, service=service, region=region
    )
    return exchange(server.port, request_bytes("POST", "/", headers, body))


def test_sts_request_signed_for_another_region_is_refused(server: RunningServer) -> None:
    owner = server.new_account()
    # STS/CommonErrors.html: SignatureDoesNotMatch; the text is AWS's, trailing space included.
    honest = query_call(server, owner, "sts", "us-east-1", "GetCallerIdentity")
    answer = query_call(server, owner, "sts", "ap-south-1", "GetCallerIdentity")

    assert honest.status == 200
    assert answer.status == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in answer.body
    assert b"Credential should be scoped to a valid region, not 'ap-south-1'. " in answer.body
    assert owner.account_id.encode() not in answer.body


def test_iam_is_signed_for_us_east_1_only(server: RunningServer) -> None:
    owner = server.new_account()
    honest = query_call(server, owner, "iam", "us-east-1", "ListUsers")
    answer = query_call(server, owner, "iam", "eu-west-1", "ListUsers")

    assert honest.status == 200
    assert answer.status == 403
    assert b"Credential should be scoped to a valid region, not 'eu-west-1'. " in answer.body


# --- host must be signed -------------------------------------------------------------------------


class _AuthorityInsteadOfHost(S3SigV4Auth):
    """botocore's S3 signer, with `:authority` (empty here) signed where `host` should be."""

    def headers_to_sign(self, request: AWSRequest) -> Any:
        headers = super().headers_to_sign(request)
        del headers["host"]
        headers[":authority"] = ""
        return headers


def test_authority_does_not_stand_in_for_a_signed_host(server: RunningServer) -> None:
    owner, bucket = owner_with_object(server)
    request = AWSRequest(method="GET", url=f"{server.url}/{bucket}/k")
    request.headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    _AuthorityInsteadOfHost(boto(owner), "s3", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    assert "SignedHeaders=:authority;" in headers["Authorization"]
    # The signature covers no host, so the same bytes would do for any virtual-hosted bucket.
    headers["Host"] = f"{bucket}.localhost:{server.port}"

    answer = exchange(server.port, request_bytes("GET", "/k", headers))

    assert answer.status == 403
    assert b"<Code>AccessDenied</Code>" in answer.body
    assert b"There were headers present in the request which were not signed" in answer.body
    assert b"secret" not in answer.body


def test_query_services_refuse_a_signature_without_host(server: RunningServer) -> None:
    owner = server.new_account()

    class NoHost(SigV4Auth):
        def headers_to_sign(self, request: AWSRequest) -> Any:
            headers = super().headers_to_sign(request)
            del headers["host"]
            headers[":authority"] = ""
            return headers

    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    request = AWSRequest(method="POST", url=f"{server.url}/", data=body, headers=dict(FORM))
    NoHost(boto(owner), "sts", "us-east-1").add_auth(request)
    headers = {**dict(request.headers.items()), "Host": f"127.0.0.1:{server.port}"}

    answer = exchange(server.port, request_bytes("POST", "/", headers, body))

    assert answer.status == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in answer.body
    assert b"must be a 'SignedHeader'" in answer.body


# --- X-Amz-Expires ---------------------------------------------------------------------------------


def presigned_with_expires(
    server: RunningServer, owner: Credentials, bucket: str, expires: str
) -> bytes:
    """A presigned GET whose X-Amz-Expires is replaced by `expires` (checked before the signature)."""
    target = presigned_target(owner, f"{server.url}/{bucket}/k").replace(
        "X-Amz-Expires=300", f"X-Amz-Expires={expires}"
    )
    return request_bytes("GET", target, {"Host": f"127.0.0.1:{server.port}"})


def test_huge_presigned_expires_is_refused_not_a_server_error(server: RunningServer) -> None:
    owner, bucket = owner_with_object(server)
    for expires in ("9" * 5000, "604801", "0" * 5000 + "604801"):
        answer = exchange(server.port, presigned_with_expires(server, owner, bucket, expires))

        assert answer.status == 400, expires[:20]
        assert b"<Code>AuthorizationQueryParametersError</Code>" in answer.body
        assert b"X-Amz-Expires must be less than a week" in answer.body


def test_expires_in_other_digits_or_negative_is_refused(server: RunningServer) -> None:
    owner, bucket = owner_with_object(server)
    for expires in ("%EF%BC%91", "-1", "1e3", ""):  # a fullwidth one (U+FF11), negative, ...
        answer = exchange(server.port, presigned_with_expires(server, owner, bucket, expires))

        assert answer.status == 400, expires
        assert b"<Code>AuthorizationQueryParametersError</Code>" in answer.body
        assert b"secret" not in answer.body


def test_sts_presigned_with_huge_expires_is_refused_not_a_server_error(
    server: RunningServer,
) -> None:
    owner = server.new_account()
    url = f"{server.url}/?Action=GetCallerIdentity&Version=2011-06-15"
    target = presigned_target(owner, url, service="sts", expires=60).replace(
        "X-Amz-Expires=60", "X-Amz-Expires=" + "9" * 5000
    )

    answer = exchange(
        server.port, request_bytes("GET", target, {"Host": f"127.0.0.1:{server.port}"})
    )

    assert answer.status == 400
    assert b"X-Amz-Expires must be less than a week" in answer.body
