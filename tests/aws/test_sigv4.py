"""SigV4 verification against requests signed by botocore itself, as they would go on the wire."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import botocore.auth
import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode
from hypothesis import given, settings
from hypothesis import strategies as st

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.errors import S3Error
from rolegate.aws.sigv4 import (
    HttpRequest,
    SignedAuth,
    SigV4Verifier,
    check_region,
    check_service,
    parse_auth,
    service_of,
)

SIGNED_AT = datetime(2026, 11, 28, 8, 40, 4, tzinfo=UTC)
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
CREDS = Credentials("AKIDEXAMPLE", SECRET)
TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN//+=="
SESSION_CREDS = Credentials("ASIAEXAMPLE", SECRET, TOKEN)
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
IAM_BODY = b"Action=ListUsers&Version=2010-05-08"
IAM_TEXT = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details."
)
S3_TEXT = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)
VERIFIER = SigV4Verifier()


@contextmanager
def _clock(at: datetime) -> Iterator[None]:
    """botocore stamps requests with `botocore.auth.get_current_datetime()` (naive UTC)."""
    naive = at.astimezone(UTC).replace(tzinfo=None)
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: naive):
        yield


def wire(prepared: Any) -> HttpRequest:
    """The prepared request as an ASGI server would see it: raw path and query, Host added by the
    HTTP client from the URL (botocore signs it from there too), names lowercased."""
    parts = urlsplit(prepared.url)
    headers = [
        (name.lower().encode(), value if isinstance(value, bytes) else value.encode())
        for name, value in prepared.headers.items()
    ]
    if not any(name == b"host" for name, _ in headers):
        headers.insert(0, (b"host", parts.netloc.encode()))
    return HttpRequest(prepared.method, parts.path.encode(), parts.query.encode(), tuple(headers))


def sign(
    signer: Any,
    method: str,
    url: str,
    *,
    data: Any = None,
    headers: dict[str, str] | None = None,
    params: Any = None,
    at: datetime = SIGNED_AT,
) -> tuple[HttpRequest, bytes]:
    request = AWSRequest(method, url, data=data, headers=headers or {}, params=params or {})
    with _clock(at):
        signer.add_auth(request)
    prepared = request.prepare()
    body = prepared.body or b""
    return wire(prepared), body.encode() if isinstance(body, str) else body


def iam(signer_creds: Credentials = CREDS, service: str = "iam", region: str = "us-east-1") -> Any:
    return SigV4Auth(signer_creds, service, region)


def s3(signer_creds: Credentials = CREDS) -> Any:
    return S3SigV4Auth(signer_creds, "s3", "us-east-1")


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def verify(
    request: HttpRequest,
    body_hash: str | None,
    *,
    now: datetime = SIGNED_AT,
    secret: str = SECRET,
    default_service: str | None = None,
) -> SignedAuth:
    auth = parse_auth(request, default_service)
    assert auth is not None
    VERIFIER.verify(auth, request, secret, body_hash, now)
    return auth


def refused(
    request: HttpRequest,
    body_hash: str | None = None,
    *,
    now: datetime = SIGNED_AT,
    secret: str = SECRET,
    default_service: str | None = None,
) -> AwsError:
    with pytest.raises(AwsError) as caught:
        verify(request, body_hash, now=now, secret=secret, default_service=default_service)
    return caught.value


def replace_header(request: HttpRequest, name: bytes, value: bytes) -> HttpRequest:
    headers = tuple((k, value if k == name else v) for k, v in request.headers)
    return HttpRequest(request.method, request.raw_path, request.query_string, headers)


def with_authorization(request: HttpRequest, value: str) -> HttpRequest:
    return replace_header(request, b"authorization", value.encode())


def s3_put(key: str, body: bytes = b"hello", **kwargs: Any) -> tuple[HttpRequest, bytes]:
    url = "https://bucket.s3.amazonaws.com/" + percent_encode(key, safe="/~")
    return sign(s3(), "PUT", url, data=body, **kwargs)


# --- IAM and STS: form bodies, query strings, tokens ---------------------------------------------


def test_iam_post_form_body_verifies() -> None:
    request, body = sign(iam(), "POST", "https://iam.amazonaws.com/", data=IAM_BODY, headers=FORM)
    auth = verify(request, digest(body))
    assert auth.scope.service == "iam"
    assert auth.scope.access_key_id == "AKIDEXAMPLE"
    assert auth.signed_headers == ("content-type", "host", "x-amz-date")
    assert auth.amz_date == SIGNED_AT
    assert auth.amz_date_text == "20261128T084004Z"
    assert not auth.presigned
    assert service_of(request) == "iam"


def test_parsed_auth_is_a_complete_signed_auth() -> None:
    """parse_auth builds SignedAuth through its slots (for speed): every field must be set."""
    request, _ = s3_put("k", headers={"X-Amz-Security-Token": "tok"})
    auth = parse_auth(request)
    assert auth is not None
    assert auth == SignedAuth(**{name: getattr(auth, name) for name in SignedAuth.__slots__})
    assert auth.payload_hash == digest(b"hello") and auth.security_token == "tok"
    with pytest.raises(AttributeError):
        auth.signature = "changed"  # type: ignore[misc]  # still frozen


def test_sts_post_with_session_token_verifies() -> None:
    data = b"Action=GetCallerIdentity&Version=2011-06-15"
    signer = SigV4Auth(SESSION_CREDS, "sts", "us-east-1")
    request, body = sign(signer, "POST", "https://sts.amazonaws.com/", data=data, headers=FORM)
    auth = verify(request, digest(body))
    assert auth.security_token == TOKEN
    assert "x-amz-security-token" in auth.signed_headers
    assert TOKEN not in repr(auth)


def test_iam_get_with_query_parameters_verifies() -> None:
    params = {
        "Action": "ListUsers",
        "Version": "2010-05-08",
        "PathPrefix": "/a b/ü+~*'()!",
        "Marker": "x=y&z",
    }
    request, body = sign(iam(), "GET", "https://iam.amazonaws.com/", params=params)
    assert b"+" in request.query_string  # botocore writes spaces as '+' on the wire
    verify(request, digest(body))


@pytest.mark.parametrize(
    "path",
    ["/", "/a%20b/c", "/a/../b/./c", "//double//slash/", "/%C3%BC/%2B/~tilde", "/x/..", "/trail/"],
)
def test_non_s3_paths_are_normalised_and_encoded_twice(path: str) -> None:
    signer = iam(service="execute-api")
    request, body = sign(signer, "GET", "https://api.example.com" + path)
    verify(request, digest(body))


@given(segments=st.lists(st.text(max_size=8), max_size=4))
@settings(max_examples=150, deadline=None)
def test_non_s3_arbitrary_paths_verify(segments: list[str]) -> None:
    path = "/" + "/".join(percent_encode(s, safe="") for s in segments)
    request, body = sign(iam(service="execute-api"), "GET", "https://api.example.com" + path)
    verify(request, digest(body))


# --- S3: odd keys, queries, headers -------------------------------------------------------------

ODD_KEYS = [
    "plain.txt",
    "with space.txt",
    "ünïcödé/€uro.bin",
    "a+b",
    "100%",
    "tilde~name",
    "k=v&x",
    "dir/../up",
    "./dot",
    "a//b",
    "trailing/",
    "q?x#y",
    "!$'()*,;:@[]",
    "",
]


@pytest.mark.parametrize("key", ODD_KEYS)
def test_s3_put_with_odd_keys_verifies(key: str) -> None:
    request, body = s3_put(key)
    auth = verify(request, digest(body))
    assert auth.payload_hash == digest(body)
    verify(request, None)  # None: the signed x-amz-content-sha256 header is the payload hash


@given(key=st.text(max_size=20))
@settings(max_examples=200, deadline=None)
def test_s3_arbitrary_keys_verify(key: str) -> None:
    request, _ = s3_put(key, b"")
    verify(request, None)


def test_s3_keys_sent_with_other_percent_encodings_are_normalised() -> None:
    """S3 decodes the path and re-encodes it its own way: `%7e`, `%41` and a bare `!` are the
    key `~A!` and sign as `~A%21`."""
    canonical, _ = s3_put("~A!x")
    odd = HttpRequest(canonical.method, b"/%7eA!x", canonical.query_string, canonical.headers)
    verify(odd, None)


def test_query_sent_in_other_encodings_is_normalised() -> None:
    """AWS decodes each parameter and re-encodes it: a bare `=` in a value, lowercase escapes and
    `%7E` sign as `%3D`, uppercase escapes and `~`."""
    params = {"a": "b=c", "p": "x/y~z"}
    request, _ = sign(s3(), "GET", "https://bucket.s3.amazonaws.com/key", params=params)
    assert request.query_string == b"a=b%3Dc&p=x%2Fy~z"
    odd = HttpRequest(request.method, request.raw_path, b"p=x%2fy%7Ez&a=b=c", request.headers)
    verify(odd, None)


def test_s3_repeated_and_empty_query_keys_verify() -> None:
    url = "https://bucket.s3.amazonaws.com/key?a=2&a=1&b=&c"
    request, _ = sign(s3(), "GET", url)
    verify(request, None)
    params = [("a", "2"), ("a", "1"), ("b", ""), ("c d", "x y"), ("e", "1+1=2"), ("~k", "€")]
    request, _ = sign(s3(), "GET", "https://bucket.s3.amazonaws.com/key", params=params)
    verify(request, None)


@given(params=st.lists(st.tuples(st.text(min_size=1, max_size=6), st.text(max_size=6)), max_size=4))
@settings(max_examples=150, deadline=None)
def test_s3_arbitrary_query_parameters_verify(params: list[tuple[str, str]]) -> None:
    request, _ = sign(s3(), "GET", "https://bucket.s3.amazonaws.com/key", params=params)
    verify(request, None)


def test_header_whitespace_is_folded() -> None:
    headers = {"X-Amz-Meta-Note": "  lots   of\t\tspace  ", "Content-Type": "text/plain"}
    request, _ = s3_put("k", headers=headers)
    assert b"  lots   of\t\tspace  " in [value for _, value in request.headers]
    verify(request, None)


def test_repeated_headers_are_joined_with_commas() -> None:
    request, _ = s3_put("k", headers={"X-Amz-Meta-Multi": "a,b"})
    split = tuple(
        pair
        for name, value in request.headers
        for pair in (
            [(name, b"a"), (name, b"  b ")] if name == b"x-amz-meta-multi" else [(name, value)]
        )
    )
    verify(HttpRequest(request.method, request.raw_path, request.query_string, split), None)


def test_s3_session_token_header_verifies() -> None:
    request, _ = sign(
        S3SigV4Auth(SESSION_CREDS, "s3", "us-east-1"), "GET", "https://b.s3.amazonaws.com/k"
    )
    assert verify(request, None).security_token == TOKEN


def test_date_header_instead_of_x_amz_date() -> None:
    headers = {"Date": "placeholder", **FORM}
    request, body = sign(
        iam(), "POST", "https://iam.amazonaws.com/", data=IAM_BODY, headers=headers
    )
    assert not any(name == b"x-amz-date" for name, _ in request.headers)
    assert verify(request, digest(body)).amz_date_text == "20261128T084004Z"


# --- presigned URLs ------------------------------------------------------------------------------


def presign(method: str, url: str, expires: int = 3600, creds: Credentials = CREDS) -> HttpRequest:
    request, _ = sign(S3SigV4QueryAuth(creds, "s3", "us-east-1", expires=expires), method, url)
    return request


def test_s3_presigned_get_and_put_verify() -> None:
    get = presign("GET", "https://bucket.s3.amazonaws.com/some%20dir/%E2%82%AC.txt")
    auth = verify(get, None)
    assert auth.presigned and auth.expires_seconds == 3600 and auth.signed_headers == ("host",)
    assert service_of(get) == "s3"
    put = presign("PUT", "https://bucket.s3.amazonaws.com/upload.bin", creds=SESSION_CREDS)
    auth = verify(put, digest(b"any body at all"))  # UNSIGNED-PAYLOAD: the body is not signed
    assert auth.security_token == TOKEN


def test_sts_presigned_get_caller_identity_verifies() -> None:
    signer = SigV4QueryAuth(CREDS, "sts", "us-east-1", expires=60)
    params = {"Action": "GetCallerIdentity", "Version": "2011-06-15"}
    request, body = sign(signer, "GET", "https://sts.amazonaws.com/", params=params)
    auth = verify(request, digest(body))
    assert auth.presigned and auth.scope.service == "sts" and auth.expires_seconds == 60


def test_s3_presigned_expiry() -> None:
    request = presign("GET", "https://bucket.s3.amazonaws.com/k", expires=300)
    verify(request, None, now=SIGNED_AT + timedelta(seconds=300))
    error = refused(request, now=SIGNED_AT + timedelta(seconds=301))
    assert (error.code, error.message, error.status) == ("AccessDenied", "Request has expired", 403)
    early = refused(request, now=SIGNED_AT - timedelta(minutes=16))
    assert (early.code, early.message) == ("AccessDenied", "Request is not valid yet")


def test_sts_presigned_expiry() -> None:
    signer = SigV4QueryAuth(CREDS, "sts", "us-east-1", expires=60)
    params = {"Action": "GetCallerIdentity", "Version": "2011-06-15"}
    request, body = sign(signer, "GET", "https://sts.amazonaws.com/", params=params)
    error = refused(request, digest(body), now=SIGNED_AT + timedelta(seconds=61))
    assert error.code == "SignatureDoesNotMatch" and error.status == 403
    assert error.message.startswith("Signature expired: 20261128T084004Z is now earlier than")


def test_presigned_expires_longer_than_a_week_is_refused() -> None:
    request = presign("GET", "https://bucket.s3.amazonaws.com/k", expires=604801)
    with pytest.raises(AwsError) as caught:
        parse_auth(request)
    assert caught.value.code == "AuthorizationQueryParametersError"
    assert caught.value.status == 400
    assert "X-Amz-Expires must be less than a week" in caught.value.message
    verify(presign("GET", "https://bucket.s3.amazonaws.com/k", expires=604800), None)


@pytest.mark.parametrize(
    ("expires", "text"),
    [("abc", "should be a number"), ("-5", "must be non-negative")],
)
def test_presigned_bad_expires_values(expires: str, text: str) -> None:
    request = presign("GET", "https://bucket.s3.amazonaws.com/k")
    query = request.query_string.replace(b"X-Amz-Expires=3600", f"X-Amz-Expires={expires}".encode())
    with pytest.raises(AwsError) as caught:
        parse_auth(HttpRequest("GET", request.raw_path, query, request.headers))
    assert caught.value.code == "AuthorizationQueryParametersError" and text in caught.value.message


def test_presigned_with_missing_parameter() -> None:
    request = presign("GET", "https://bucket.s3.amazonaws.com/k")
    query = b"&".join(
        p for p in request.query_string.split(b"&") if not p.startswith(b"X-Amz-Date")
    )
    with pytest.raises(AwsError) as caught:
        parse_auth(HttpRequest("GET", request.raw_path, query, request.headers))
    assert caught.value.code == "AuthorizationQueryParametersError"


def test_presigned_unsigned_amz_header_is_refused() -> None:
    request = presign("PUT", "https://bucket.s3.amazonaws.com/k")
    added = (*request.headers, (b"x-amz-acl", b"public-read"))
    error = refused(HttpRequest("PUT", request.raw_path, request.query_string, added))
    assert error.code == "AccessDenied"
    assert error.message == "There were headers present in the request which were not signed"
    assert isinstance(error, S3Error) and error.extra == {"HeadersNotSigned": "x-amz-acl"}


def test_header_and_query_auth_together_are_refused() -> None:
    request = presign("GET", "https://bucket.s3.amazonaws.com/k")
    both = (*request.headers, (b"authorization", b"AWS4-HMAC-SHA256 Credential=x"))
    with pytest.raises(AwsError) as caught:
        parse_auth(HttpRequest("GET", request.raw_path, request.query_string, both))
    assert caught.value.status == 400


# --- tampering and wrong keys --------------------------------------------------------------------


def test_wrong_secret_is_signature_mismatch_without_leaking_it() -> None:
    request, body = sign(iam(), "POST", "https://iam.amazonaws.com/", data=IAM_BODY, headers=FORM)
    other = "x" * 40
    error = refused(request, digest(body), secret=other)
    assert (error.code, error.message, error.status) == ("SignatureDoesNotMatch", IAM_TEXT, 403)
    key = VERIFIER.signing_key(other, "20261128", "us-east-1", "iam")
    for leaked in (other, SECRET, key.hex()):
        assert leaked not in str(error) and leaked not in repr(error)
        assert leaked not in repr(VERIFIER)
    s3_error = refused(s3_put("k")[0], secret=other)
    assert (s3_error.code, s3_error.message) == ("SignatureDoesNotMatch", S3_TEXT)


def test_tampered_parts_fail() -> None:
    request, body = sign(
        iam(), "POST", "https://iam.amazonaws.com/path?x=1", data=IAM_BODY, headers=FORM
    )
    verify(request, digest(body))
    header = replace_header(request, b"content-type", b"application/json")
    path = HttpRequest(request.method, b"/other", request.query_string, request.headers)
    query = HttpRequest(request.method, request.raw_path, b"x=2", request.headers)
    method = HttpRequest("PUT", request.raw_path, request.query_string, request.headers)
    for tampered in (header, path, query, method):
        assert refused(tampered, digest(body)).code == "SignatureDoesNotMatch"
    assert refused(request, digest(IAM_BODY + b"&Extra=1")).code == "SignatureDoesNotMatch"


def test_tampered_s3_path_query_and_body() -> None:
    request, _body = s3_put("dir/key.txt", b"payload")
    path = HttpRequest(request.method, b"/dir/key2.txt", request.query_string, request.headers)
    assert refused(path).message == S3_TEXT
    query = HttpRequest(request.method, request.raw_path, b"versionId=1", request.headers)
    assert refused(query).code == "SignatureDoesNotMatch"
    mismatch = refused(request, digest(b"other payload"))
    assert (mismatch.code, mismatch.status) == ("XAmzContentSHA256Mismatch", 400)


def test_signed_header_missing_from_request_fails() -> None:
    request, body = sign(iam(), "POST", "https://iam.amazonaws.com/", data=IAM_BODY, headers=FORM)
    dropped = tuple(pair for pair in request.headers if pair[0] != b"content-type")
    stripped = HttpRequest(request.method, request.raw_path, request.query_string, dropped)
    assert refused(stripped, digest(body)).code == "SignatureDoesNotMatch"


def test_non_ascii_signature_is_a_mismatch_not_a_crash() -> None:
    request, body = sign(iam(), "POST", "https://iam.amazonaws.com/", data=IAM_BODY, headers=FORM)
    auth = request_auth_text(request)
    bad = with_authorization(request, auth.rsplit("=", 1)[0] + "=ü" * 64)
    assert refused(bad, digest(body)).code == "SignatureDoesNotMatch"


def request_auth_text(request: HttpRequest) -> str:
    return next(v for k, v in request.headers if k == b"authorization").decode()


def test_scope_is_taken_as_claimed_and_its_region_checked() -> None:
    signer = iam(service="sts", region="eu-west-1")
    request, body = sign(signer, "POST", "https://sts.amazonaws.com/", data=IAM_BODY, headers=FORM)
    auth = parse_auth(request)
    assert auth is not None
    assert (auth.scope.service, auth.scope.region) == ("sts", "eu-west-1")
    SigV4Verifier(region="eu-west-1").verify(auth, request, SECRET, digest(body), SIGNED_AT)
    check_region(auth, "eu-west-1")
    with pytest.raises(AwsError) as caught:
        check_region(auth, "us-east-1")
    assert caught.value.code == "SignatureDoesNotMatch"
    assert (
        caught.value.message == "Credential should be scoped to a valid region, not 'eu-west-1'. "
    )
    # The verifier of a us-east-1 server refuses it the same way, before the signature.
    refusal = refused(request, digest(body))
    assert (refusal.code, refusal.message) == (caught.value.code, caught.value.message)
    with pytest.raises(AwsError) as caught:
        check_service(auth, "iam")
    assert caught.value.message == "Credential should be scoped to correct service: 'iam'. "
    claimed = request_auth_text(request).replace("/eu-west-1/sts/", "/us-east-1/sts/")
    assert refused(with_authorization(request, claimed), digest(body)).code == (
        "SignatureDoesNotMatch"
    )
    s3_auth = verify(s3_put("k")[0], None)
    with pytest.raises(AwsError) as caught:
        check_region(s3_auth, "eu-central-1")
    assert caught.value.code == "AuthorizationHeaderMalformed"
    assert caught.value.message == (
        "The authorization header is malformed; the region 'us-east-1' is wrong; "
        "expecting 'eu-central-1'"
    )


def test_iam_is_signed_for_us_east_1_whatever_the_server_region() -> None:
    request, body = sign(iam(), "POST", "https://iam.amazonaws.com/", data=IAM_BODY, headers=FORM)
    auth = parse_auth(request)
    assert auth is not None
    SigV4Verifier(region="eu-west-1").verify(auth, request, SECRET, digest(body), SIGNED_AT)


def test_an_empty_region_is_refused() -> None:
    # AWS answers "Credential should be scoped to a valid region." (sigv4_errors.wrong_region).
    signer = iam(region="")
    request, body = sign(signer, "POST", "https://iam.amazonaws.com/", data=IAM_BODY, headers=FORM)
    refusal = refused(request, digest(body))
    assert (refusal.code, refusal.message) == (
        "SignatureDoesNotMatch",
        "Credential should be scoped to a valid region. ",
    )


# --- time ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [-14, 14])
def test_skew_within_fifteen_minutes_is_accepted(minutes: int) -> None:
    request, body = sign(iam(), "POST", "https://iam.amazonaws.com/", data=IAM_BODY, headers=FORM)
    verify(request, digest(body), now=SIGNED_AT + timedelta(minutes=minutes))
    verify(s3_put("k")[0], None, now=SIGNED_AT + timedelta(minutes=minutes))


def test_skew_past_fifteen_minutes_is_refused() -> None:
    request, body = sign(iam(), "POST", "https://iam.amazonaws.com/", data=IAM_BODY, headers=FORM)
    late = refused(request, digest(body), now=SIGNED_AT + timedelta(minutes=16))
    assert (late.code, late.status) == ("SignatureDoesNotMatch", 403)
    assert late.message == (
        "Signature expired: 20261128T084004Z is now earlier than 20261128T084104Z "
        "(20261128T085604Z - 15 min.)"
    )
    early = refused(request, digest(body), now=SIGNED_AT - timedelta(minutes=16))
    assert early.message == (
        "Signature not yet current: 20261128T084004Z is still later than 20261128T083904Z "
        "(20261128T082404Z + 15 min.)"
    )
    for minutes in (16, -16):
        skewed = refused(s3_put("k")[0], now=SIGNED_AT + timedelta(minutes=minutes))
        assert (skewed.code, skewed.status) == ("RequestTimeTooSkewed", 403)
        assert skewed.message == (
            "The difference between the request time and the current time is too large."
        )


def test_credential_date_must_match_request_date() -> None:
    request, body = sign(iam(), "POST", "https://iam.amazonaws.com/", data=IAM_BODY, headers=FORM)
    shifted = with_authorization(
        request, request_auth_text(request).replace("/20261128/", "/20261127/")
    )
    error = refused(shifted, digest(body))
    assert error.code == "SignatureDoesNotMatch" and "Date in Credential scope" in error.message
    s3_request, _ = s3_put("k")
    s3_shifted = with_authorization(
        s3_request, request_auth_text(s3_request).replace("/20261128/", "/20261127/")
    )
    s3_error = refused(s3_shifted)
    assert s3_error.code == "AuthorizationHeaderMalformed"
    assert s3_error.message.endswith("Invalid credential date. Date is not the same as X-Amz-Date.")


# --- malformed Authorization headers --------------------------------------------------------------

GOOD = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/{service}/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)


def malformed(
    header: str, service: str | None = None, date: bytes = b"20261128T084004Z"
) -> AwsError:
    headers = [(b"host", b"example.com"), (b"authorization", header.encode())]
    if date:
        headers.append((b"x-amz-date", date))
    request = HttpRequest("GET", b"/", b"", tuple(headers))
    with pytest.raises(AwsError) as caught:
        auth = parse_auth(request, service)
        assert auth is not None
        VERIFIER.verify(auth, request, SECRET, digest(b""), SIGNED_AT)
    return caught.value


def test_missing_credential_signature_or_signed_headers() -> None:
    header = "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abc"
    error = malformed(header)
    assert (error.code, error.status) == ("IncompleteSignature", 400)
    assert (
        error.message
        == f"Authorization header requires 'Credential' parameter. Authorization={header}"
    )
    header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/iam/aws4_request"
    assert malformed(header).message == (
        "Authorization header requires 'Signature' parameter. Authorization header requires "
        f"'SignedHeaders' parameter. Authorization={header}"
    )
    s3_header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/s3/aws4_request"
    s3_error = malformed(s3_header)
    assert (s3_error.code, s3_error.status) == ("AuthorizationHeaderMalformed", 400)
    assert "requires three components" in s3_error.message


def test_other_schemes_are_refused_clearly() -> None:
    v2 = "AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="
    error = malformed(v2)
    assert error.code == "IncompleteSignature"
    assert error.message.startswith("Authorization header requires 'Credential' parameter.")
    assert malformed(v2, service="s3").code == "InvalidRequest"
    bearer = malformed("Bearer eyJhbGciOi", service="s3")
    assert (bearer.code, bearer.message) == ("InvalidArgument", "Unsupported Authorization Type")


def test_malformed_credential() -> None:
    header = GOOD.format(service="iam").replace("/us-east-1/", "/")
    error = malformed(header)
    assert error.code == "IncompleteSignature"
    assert error.message.startswith("Credential must have exactly 5 slash-delimited elements")
    s3_header = "AWS4-HMAC-SHA256 Credential=AKID/x/y/s3/aws4_request/extra, SignedHeaders=host, Signature=0"
    assert malformed(s3_header).code == "AuthorizationHeaderMalformed"
    spaced = GOOD.format(service="iam").replace("Credential=", "Credential= ")
    assert "missing equal-sign" in malformed(spaced).message
    terminator = GOOD.format(service="iam").replace("aws4_request", "aws5_request")
    assert malformed(terminator).code == "IncompleteSignature"


@pytest.mark.parametrize("date", [b"2026-11-28T08:40:04Z", b"20261328T084004Z", b"yesterday", b""])
def test_bad_or_missing_date(date: bytes) -> None:
    error = malformed(GOOD.format(service="iam"), date=date)
    assert error.code == "IncompleteSignature"
    assert "requires existence of either a 'X-Amz-Date' or a 'Date' header" in error.message
    s3_error = malformed(GOOD.format(service="s3"), date=date)
    assert (s3_error.code, s3_error.status) == ("AccessDenied", 403)
    assert s3_error.message == "AWS authentication requires a valid Date or x-amz-date header"


def test_host_must_be_signed() -> None:
    header = GOOD.format(service="iam").replace("host;x-amz-date", "x-amz-date")
    assert "must be a 'SignedHeader'" in malformed(header).message
    s3_header = GOOD.format(service="s3").replace("host;x-amz-date", "x-amz-date")
    assert malformed(s3_header).code == "AccessDenied"


def test_s3_payload_hash_header_rules() -> None:
    missing = malformed(GOOD.format(service="s3"))  # no x-amz-content-sha256 header
    assert (missing.code, missing.status) == ("InvalidRequest", 400)
    request, _ = s3_put("k")
    bogus = replace_header(request, b"x-amz-content-sha256", b"not-a-hash")
    assert refused(bogus).code == "InvalidArgument"
    unsigned = replace_header(request, b"x-amz-content-sha256", b"UNSIGNED-PAYLOAD")
    assert (
        refused(unsigned).code == "SignatureDoesNotMatch"
    )  # allowed value, but not the one signed


def test_non_s3_needs_a_body_hash() -> None:
    request, _ = sign(iam(), "POST", "https://iam.amazonaws.com/", data=IAM_BODY, headers=FORM)
    auth = parse_auth(request)
    assert auth is not None
    with pytest.raises(ValueError, match="SHA-256"):
        VERIFIER.verify(auth, request, SECRET, None, SIGNED_AT)


def test_anonymous_requests_have_no_auth() -> None:
    request = HttpRequest("GET", b"/bucket/key", b"versionId=3", ((b"host", b"s3.amazonaws.com"),))
    assert parse_auth(request) is None
    assert service_of(request) is None
    v2_query = HttpRequest("GET", b"/k", b"AWSAccessKeyId=AKID&Expires=1&Signature=abc", ())
    assert malformed_query(v2_query, "s3").code == "InvalidRequest"


def malformed_query(request: HttpRequest, service: str | None) -> AwsError:
    with pytest.raises(AwsError) as caught:
        parse_auth(request, service)
    return caught.value


# --- the verifier itself ---------------------------------------------------------------------------


def test_signing_key_is_cached_and_right() -> None:
    verifier = SigV4Verifier()
    key = verifier.signing_key(SECRET, "20261128", "us-east-1", "iam")
    assert verifier.signing_key(SECRET, "20261128", "us-east-1", "iam") is key
    expected = ("AWS4" + SECRET).encode()
    for part in ("20261128", "us-east-1", "iam", "aws4_request"):
        expected = hmac.new(expected, part.encode(), hashlib.sha256).digest()
    assert key == expected
    for day in range(5000):  # the cache stays bounded and keeps giving right keys
        verifier.signing_key(SECRET, f"2026{day:04d}", "us-east-1", "s3")
    assert verifier.signing_key(SECRET, "20261128", "us-east-1", "iam") == expected
    assert len(verifier._keys) <= 4096  # a private peek: the bound is the point of this test


def test_streaming_context_gives_key_and_seed_signature() -> None:
    request, _ = s3_put("k")
    auth = verify(request, None)
    key, seed = VERIFIER.streaming_context(auth, SECRET)
    assert key == VERIFIER.signing_key(SECRET, "20261128", "us-east-1", "s3")
    assert seed == auth.signature


def test_a_thousand_requests_verify() -> None:
    verifier = SigV4Verifier()
    signed = [
        sign(
            iam(),
            "POST",
            "https://iam.amazonaws.com/",
            data=IAM_BODY + f"&N={n}".encode(),
            headers=FORM,
        )
        for n in range(20)
    ]
    for n in range(1000):
        request, body = signed[n % len(signed)]
        auth = parse_auth(request)
        assert auth is not None
        verifier.verify(auth, request, SECRET, digest(body), SIGNED_AT + timedelta(seconds=n % 60))


@pytest.mark.parametrize(
    ("authorization", "query"),
    [
        (
            b"AWS4-HMAC-SHA256 XCredential=AKID/20261204/us-east-1/s3/aws4_request, "
            b"Credential=AKID/20261204/us-east-1/sts/aws4_request, SignedHeaders=host, "
            b"Signature=00",
            b"",
        ),
        (
            b"AWS4-HMAC-SHA256 SignedHeaders=host,Credential=AKID/20261204/us-east-1/iam/"
            b"aws4_request,Signature=00,Credential=AKID/20261204/us-east-1/s3/aws4_request",
            b"",
        ),
        (
            b"AWS4-HMAC-SHA256 Credential=AKID/20261204/us-east-1/iam/aws4_request\t"
            b"SignedHeaders=host Signature=00",
            b"",
        ),
        (
            None,
            b"Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-%43redential="
            b"AKID%2F20261204%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20261204T000000Z&"
            b"X-Amz-SignedHeaders=host&X-Amz-Signature=00",
        ),
    ],
)
def test_service_of_reads_the_scope_parse_auth_verifies(
    authorization: bytes | None, query: bytes
) -> None:
    # The router and the verifier must agree on the service, else a signature for STS is
    # served by S3 (tests/security/test_auth_service_confusion.py).
    headers = [(b"host", b"localhost"), (b"x-amz-date", b"20261204T000000Z")]
    if authorization is not None:
        headers.append((b"authorization", authorization))
    request = HttpRequest("GET", b"/", query, tuple(headers))
    auth = parse_auth(request)
    assert auth is not None
    assert service_of(request) == auth.scope.service
