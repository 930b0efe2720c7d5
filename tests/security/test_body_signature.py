"""A signed request seen once (a proxy log) replayed with another body.

SigV4 covers an S3 body only through `x-amz-content-sha256` (AmazonS3/latest/API/
sig-v4-header-based-auth.html: "x-amz-content-sha256 ... provides a hash of the request payload"),
so S3 refuses a body that does not hash to it (XAmzContentSHA256Mismatch) and one that does not
match Content-MD5 (BadDigest, API_PutObject.html / ErrorResponses.html). IAM and STS sign the
body itself (IAM/latest/UserGuide/create-signed-request.html: the hashed payload is the body's
SHA-256), so another body is SignatureDoesNotMatch whatever header comes with it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials as BotoCredentials
from botocore.exceptions import ClientError
from tests.rolegate_server import REGION, Credentials, RunningServer
from tests.security.wire import RawResponse, exchange, request_bytes, signed_headers

PRIVATE_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}'
PUBLIC_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::%s/*"}]}'


def _signed_unsigned_payload(
    credentials: Credentials, method: str, url: str, body: bytes, headers: dict[str, str]
) -> dict[str, str]:
    """Signed as botocore signs over HTTPS with payload signing off: UNSIGNED-PAYLOAD."""
    https = url.replace("http://", "https://", 1)
    request = AWSRequest(method=method, url=https, data=body, headers=headers)
    request.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    boto = BotoCredentials(credentials.access_key_id, credentials.secret_access_key)
    S3SigV4Auth(boto, "s3", REGION).add_auth(request)
    assert request.headers["X-Amz-Content-SHA256"] == "UNSIGNED-PAYLOAD"
    return {**dict(request.headers.items()), "Host": urlsplit(url).netloc}


def _md5(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()


def _send(
    server: RunningServer, method: str, target: str, headers: dict[str, str], body: bytes
) -> RawResponse:
    return exchange(server.port, request_bytes(method, target, headers, body))


def _bucket(server: RunningServer, name: str) -> tuple[Credentials, Any, str]:
    owner = server.new_account()
    bucket = f"{name}-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    return owner, s3, bucket


def test_bucket_policy_replayed_with_a_public_policy_is_refused(server: RunningServer) -> None:
    owner, s3, bucket = _bucket(server, "policy-replay")
    seen = (PRIVATE_POLICY % bucket).encode()
    headers = signed_headers(owner, "PUT", f"{server.url}/{bucket}?policy", seen)
    honest = _send(server, "PUT", f"/{bucket}?policy", headers, seen)
    assert honest.status == 204, honest.text

    forged = _send(server, "PUT", f"/{bucket}?policy", headers, (PUBLIC_POLICY % bucket).encode())

    # API_PutBucketPolicy.html; ErrorResponses.html: XAmzContentSHA256Mismatch.
    assert (forged.status, forged.code) == (400, "XAmzContentSHA256Mismatch")
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(seen)


def test_body_sent_with_the_empty_payload_hash_is_refused(server: RunningServer) -> None:
    owner, s3, bucket = _bucket(server, "policy-empty")
    headers = signed_headers(owner, "PUT", f"{server.url}/{bucket}?policy", b"")

    forged = _send(server, "PUT", f"/{bucket}?policy", headers, (PUBLIC_POLICY % bucket).encode())

    assert (forged.status, forged.code) == (400, "XAmzContentSHA256Mismatch")
    with pytest.raises(ClientError):
        s3.get_bucket_policy(Bucket=bucket)


def _delete_body(*keys: str) -> bytes:
    objects = "".join(f"<Object><Key>{key}</Key></Object>" for key in keys)
    return f"<Delete>{objects}</Delete>".encode()


def test_delete_objects_replayed_with_another_key_is_refused(server: RunningServer) -> None:
    owner, s3, bucket = _bucket(server, "delete-replay")
    for key in ("old.txt", "precious.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    seen = _delete_body("old.txt")
    headers = signed_headers(
        owner, "POST", f"{server.url}/{bucket}?delete", seen, {"Content-MD5": _md5(seen)}
    )
    other = _delete_body("precious.txt")

    forged = _send(server, "POST", f"/{bucket}?delete", headers, other)
    # The attacker also fixes Content-MD5: it is signed, so that breaks the signature instead.
    refixed = _send(
        server, "POST", f"/{bucket}?delete", {**headers, "Content-MD5": _md5(other)}, other
    )

    assert (forged.status, forged.code) == (400, "XAmzContentSHA256Mismatch")
    assert (refixed.status, refixed.code) == (403, "SignatureDoesNotMatch")
    assert s3.get_object(Bucket=bucket, Key="precious.txt")["Body"].read() == b"x"


def _crc32(body: bytes) -> str:
    return base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()


# API_DeleteObjects.html: S3 "uses the header value to ensure that your request body has not
# been altered in transit"; ErrorResponses.html and userguide/checking-object-integrity.html: a
# Content-MD5 or checksum that does not match is BadDigest.
@pytest.mark.parametrize(
    ("header", "digest"), [("Content-MD5", _md5), ("x-amz-checksum-crc32", _crc32)]
)
def test_unsigned_payload_delete_is_held_to_its_integrity_header(
    server: RunningServer, header: str, digest: Callable[[bytes], str]
) -> None:
    owner, s3, bucket = _bucket(server, f"delete-{digest.__name__.strip('_')}")
    s3.put_object(Bucket=bucket, Key="precious.txt", Body=b"x")
    seen = _delete_body("old.txt")
    headers = _signed_unsigned_payload(
        owner, "POST", f"{server.url}/{bucket}?delete", seen, {header: digest(seen)}
    )
    honest = _send(server, "POST", f"/{bucket}?delete", headers, seen)
    assert honest.status == 200, honest.text

    forged = _send(server, "POST", f"/{bucket}?delete", headers, _delete_body("precious.txt"))

    assert (forged.status, forged.code) == (400, "BadDigest")
    assert s3.get_object(Bucket=bucket, Key="precious.txt")["Body"].read() == b"x"


def test_a_trailer_announced_on_a_plain_body_leaves_its_checksum_header_checked(
    server: RunningServer,
) -> None:
    owner, s3, bucket = _bucket(server, "delete-trailer")
    s3.put_object(Bucket=bucket, Key="precious.txt", Body=b"x")
    seen = _delete_body("old.txt")
    integrity = {"x-amz-checksum-crc32": _crc32(seen), "x-amz-trailer": "x-amz-checksum-crc32"}
    headers = _signed_unsigned_payload(
        owner, "POST", f"{server.url}/{bucket}?delete", seen, integrity
    )

    forged = _send(server, "POST", f"/{bucket}?delete", headers, _delete_body("precious.txt"))

    # A trailer comes only after an aws-chunked body (AmazonS3/latest/API/
    # sigv4-streaming-trailers.html); this body is plain, so none can come, and the checksum
    # header is the body's claim: BadDigest when it does not match
    # (userguide/checking-object-integrity.html), as without the x-amz-trailer header.
    assert (forged.status, forged.code) == (400, "BadDigest")
    assert s3.get_object(Bucket=bucket, Key="precious.txt")["Body"].read() == b"x"


def test_delete_objects_without_content_md5_or_checksum_is_refused(server: RunningServer) -> None:
    owner, s3, bucket = _bucket(server, "delete-nomd5")
    s3.put_object(Bucket=bucket, Key="precious.txt", Body=b"x")
    body = _delete_body("precious.txt")
    headers = signed_headers(owner, "POST", f"{server.url}/{bucket}?delete", body)

    response = _send(server, "POST", f"/{bucket}?delete", headers, body)

    # API_DeleteObjects.html: "the Content-MD5 header is required for all Multi-Object Delete
    # requests"; with flexible checksums an x-amz-checksum-* header does instead.
    assert (response.status, response.code) == (400, "InvalidRequest")
    assert "Missing required header for this request: Content-MD5" in response.text
    assert s3.get_object(Bucket=bucket, Key="precious.txt")["Body"].read() == b"x"
    s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "precious.txt"}]}
    )  # boto3 sends one
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def _complete_body(number: int, etag: str) -> bytes:
    return (
        f"<CompleteMultipartUpload><Part><PartNumber>{number}</PartNumber>"
        f"<ETag>{etag}</ETag></Part></CompleteMultipartUpload>"
    ).encode()


def test_complete_multipart_replayed_with_other_parts_is_refused(server: RunningServer) -> None:
    owner, s3, bucket = _bucket(server, "complete-replay")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="assembled")["UploadId"]
    first = s3.upload_part(Bucket=bucket, Key="assembled", UploadId=upload, PartNumber=1, Body=b"a")
    second = s3.upload_part(
        Bucket=bucket, Key="assembled", UploadId=upload, PartNumber=2, Body=b"b"
    )
    target = f"/{bucket}/assembled?uploadId={upload}"
    seen = _complete_body(1, first["ETag"])
    headers = signed_headers(owner, "POST", f"{server.url}{target}", seen)

    forged = _send(server, "POST", target, headers, _complete_body(2, second["ETag"]))

    assert (forged.status, forged.code) == (400, "XAmzContentSHA256Mismatch")
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="assembled")
    honest = _send(server, "POST", target, headers, seen)
    assert honest.status == 200, honest.text
    assert s3.get_object(Bucket=bucket, Key="assembled")["Body"].read() == b"a"


def test_create_bucket_replayed_with_another_body_is_refused(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"create-replay-{owner.account_id}"
    seen = b"<CreateBucketConfiguration/>"
    headers = signed_headers(owner, "PUT", f"{server.url}/{bucket}", seen)

    forged = _send(
        server,
        "PUT",
        f"/{bucket}",
        headers,
        b"<CreateBucketConfiguration><LocationConstraint>EU</LocationConstraint>"
        b"</CreateBucketConfiguration>",
    )

    assert (forged.status, forged.code) == (400, "XAmzContentSHA256Mismatch")
    with pytest.raises(ClientError):
        server.client("s3", owner).head_bucket(Bucket=bucket)


def test_put_object_replayed_with_another_body_keeps_the_object(server: RunningServer) -> None:
    owner, s3, bucket = _bucket(server, "put-replay")
    seen = b"honest bytes"
    headers = signed_headers(owner, "PUT", f"{server.url}/{bucket}/file", seen)
    assert _send(server, "PUT", f"/{bucket}/file", headers, seen).status == 200

    forged = _send(server, "PUT", f"/{bucket}/file", headers, b"forged bytes")

    assert (forged.status, forged.code) == (400, "XAmzContentSHA256Mismatch")
    assert s3.get_object(Bucket=bucket, Key="file")["Body"].read() == seen


def _form_exchange(
    server: RunningServer, credentials: Credentials, service: str, seen: bytes, sent: bytes
) -> RawResponse:
    headers = signed_headers(
        credentials,
        "POST",
        f"{server.url}/",
        seen,
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        service=service,
    )
    # A header that "vouches" for the new body: IAM and STS must ignore it and hash the body.
    lying = {**headers, "X-Amz-Content-SHA256": hashlib.sha256(seen).hexdigest()}
    return _send(server, "POST", "/", lying, sent)


def test_iam_request_replayed_with_another_body_is_refused(server: RunningServer) -> None:
    owner = server.new_account()
    seen = b"Action=CreateUser&Version=2010-05-08&UserName=harmless"
    sent = b"Action=CreateUser&Version=2010-05-08&UserName=backdoor"

    forged = _form_exchange(server, owner, "iam", seen, sent)

    assert forged.status == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in forged.text
    names = [u["UserName"] for u in server.client("iam", owner).list_users()["Users"]]
    assert "backdoor" not in names


def test_sts_request_replayed_with_another_body_is_refused(server: RunningServer) -> None:
    owner = server.new_account()
    seen = b"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900"
    sent = b"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=129600"

    forged = _form_exchange(server, owner, "sts", seen, sent)

    assert forged.status == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in forged.text
