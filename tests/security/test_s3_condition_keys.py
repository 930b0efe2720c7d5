"""Documented S3 condition keys are in the request context, so a Deny written on them fires.

A key the request does not carry makes a plain condition false (UG/reference_policies_elements_
condition_operators.html): a bucket policy denying on an S3 key rolegate never set denied
nothing. AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html gives s3:authType,
s3:signatureAge ("deny any presigned URL request on objects if the signature is more than 10
minutes old") and s3:x-amz-content-sha256 ("deny any uploads that use an unsigned payload");
AmazonS3/latest/userguide/amazon-s3-policy-keys.html gives s3:x-amz-copy-source ("Restrict
object copy to a specific source").
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import pytest
from botocore.auth import S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from botocore.exceptions import ClientError
from tests.rolegate_server import REGION, Credentials, RunningServer
from tests.security.identities import user_with_policy
from tests.security.wire import exchange, request_bytes, signed_headers


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _deny(bucket: str, action: str, condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": f"arn:aws:s3:::{bucket}/*",
        "Condition": condition,
    }


def _presigned(credentials: Credentials, url: str, signed_at: datetime) -> str:
    """A presigned GET URL whose signature is dated `signed_at` (UTC), valid for an hour."""
    request = AWSRequest(method="GET", url=url)
    boto = BotoCredentials(credentials.access_key_id, credentials.secret_access_key)
    with mock.patch("botocore.auth.get_current_datetime", return_value=signed_at):
        S3SigV4QueryAuth(boto, "s3", REGION, expires=3600).add_auth(request)
    return str(request.url)


def _signed_put(
    credentials: Credentials, url: str, body: bytes, payload_hash: str
) -> dict[str, str]:
    """A PUT signed with `payload_hash` as its x-amz-content-sha256 (botocore's S3 signer would
    put the body's hash there)."""
    request = AWSRequest(
        method="PUT", url=url, data=body, headers={"X-Amz-Content-SHA256": payload_hash}
    )
    boto = BotoCredentials(credentials.access_key_id, credentials.secret_access_key)
    SigV4Auth(boto, "s3", REGION).add_auth(request)
    request.headers["Host"] = urlsplit(url).netloc
    return dict(request.headers.items())


def _get(server: RunningServer, url: str) -> int:
    parts = urlsplit(url)
    request = f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n"
    return exchange(server.port, request.encode()).status


@pytest.fixture(scope="module")
def owner(server: RunningServer) -> Credentials:
    return server.new_account()


def _bucket(server: RunningServer, owner: Credentials, name: str, policy: str) -> Any:
    s3 = server.client("s3", owner, signature_version="s3v4")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="public/a.txt", Body=b"public")
    s3.put_object(Bucket=name, Key="secret/b.txt", Body=b"secret")
    s3.put_bucket_policy(Bucket=name, Policy=policy)
    return s3


def test_an_old_presigned_url_is_denied_by_signature_age(
    server: RunningServer, owner: Credentials
) -> None:
    bucket = f"sig-age-{owner.account_id}"
    policy = _policy(_deny(bucket, "s3:*", {"NumericGreaterThan": {"s3:signatureAge": "600000"}}))
    s3 = _bucket(server, owner, bucket, policy)
    url = f"{server.url}/{bucket}/public/a.txt"
    now = datetime.now(UTC).replace(tzinfo=None)
    assert _get(server, _presigned(owner, url, now)) == 200
    # Signed 15 minutes ago, valid for an hour: within X-Amz-Expires, past the policy's age.
    assert _get(server, _presigned(owner, url, now - timedelta(minutes=15))) == 403
    assert s3.get_object(Bucket=bucket, Key="public/a.txt")["Body"].read() == b"public"


def test_presigned_urls_can_be_refused_by_auth_type(
    server: RunningServer, owner: Credentials
) -> None:
    bucket = f"auth-type-{owner.account_id}"
    policy = _policy(
        _deny(bucket, "s3:GetObject", {"StringEquals": {"s3:authType": "REST-QUERY-STRING"}})
    )
    s3 = _bucket(server, owner, bucket, policy)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "public/a.txt"})
    assert _get(server, url) == 403
    assert s3.get_object(Bucket=bucket, Key="public/a.txt")["Body"].read() == b"public"


def test_unsigned_payload_uploads_can_be_refused(server: RunningServer, owner: Credentials) -> None:
    bucket = f"unsigned-{owner.account_id}"
    policy = _policy(
        _deny(
            bucket,
            "s3:PutObject",
            {"StringEquals": {"s3:x-amz-content-sha256": "UNSIGNED-PAYLOAD"}},
        )
    )
    s3 = _bucket(server, owner, bucket, policy)
    path = f"/{bucket}/upload.txt"
    headers = _signed_put(owner, server.url + path, b"data", "UNSIGNED-PAYLOAD")
    assert exchange(server.port, request_bytes("PUT", path, headers, b"data")).status == 403
    headers = signed_headers(owner, "PUT", server.url + path, b"data")
    assert exchange(server.port, request_bytes("PUT", path, headers, b"data")).status == 200
    assert s3.get_object(Bucket=bucket, Key="upload.txt")["Body"].read() == b"data"


def test_copies_can_be_restricted_by_copy_source(server: RunningServer, owner: Credentials) -> None:
    bucket = f"copy-src-{owner.account_id}"
    policy = _policy(
        _deny(
            bucket, "s3:PutObject", {"StringLike": {"s3:x-amz-copy-source": f"{bucket}/secret/*"}}
        )
    )
    s3 = _bucket(server, owner, bucket, policy)
    s3.copy_object(Bucket=bucket, Key="copy.txt", CopySource=f"{bucket}/public/a.txt")
    with pytest.raises(ClientError) as raised:
        s3.copy_object(Bucket=bucket, Key="copy.txt", CopySource=f"{bucket}/secret/b.txt")
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    assert s3.get_object(Bucket=bucket, Key="copy.txt")["Body"].read() == b"public"


@pytest.mark.parametrize("operator", ["StringNotEquals", "StringEquals"])
def test_resource_account_conditions_see_the_bucket_owner(
    server: RunningServer, operator: str
) -> None:
    # UG/reference_policies_condition-keys.html#condition-keys-resourceaccount: a data
    # perimeter written on aws:ResourceAccount. Deny on the partner's account must fire (it was
    # absent: the Deny never did), and the Deny-unless-ours must let our own buckets through (it
    # denied everything).
    ours, partner = server.new_account(), server.new_account()
    statements = [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "s3:*",
            "Resource": "*",
            # Deny what is not ours; or deny what is the partner's.
            "Condition": {
                operator: {
                    "aws:ResourceAccount": [
                        ours.account_id if operator == "StringNotEquals" else partner.account_id
                    ]
                }
            },
        },
    ]
    user = user_with_policy(server, ours, "perimeter", statements)
    own_bucket, partner_bucket = f"ours-{ours.account_id}", f"theirs-{partner.account_id}"
    server.client("s3", ours).create_bucket(Bucket=own_bucket)
    theirs = server.client("s3", partner)
    theirs.create_bucket(Bucket=partner_bucket)
    theirs.put_object(Bucket=partner_bucket, Key="data.txt", Body=b"partner data")
    grant = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ours.account_id}:user/perimeter"},
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{partner_bucket}/*",
    }
    theirs.put_bucket_policy(Bucket=partner_bucket, Policy=_policy(grant))
    s3 = server.client("s3", user)
    s3.put_object(Bucket=own_bucket, Key="mine.txt", Body=b"mine")
    assert s3.get_object(Bucket=own_bucket, Key="mine.txt")["Body"].read() == b"mine"
    for call in (
        lambda: s3.get_object(Bucket=partner_bucket, Key="data.txt"),
        # The copy's source is judged with the source bucket's owner.
        lambda: s3.copy_object(
            Bucket=own_bucket, Key="copy.txt", CopySource=f"{partner_bucket}/data.txt"
        ),
    ):
        with pytest.raises(ClientError) as raised:
            call()
        assert raised.value.response["Error"]["Code"] == "AccessDenied"


def test_a_metadata_directive_deny_cannot_be_walked_around_by_case(
    server: RunningServer, owner: Credentials
) -> None:
    # API_CopyObject.html: x-amz-metadata-directive is COPY or REPLACE. `replace` replaced the
    # metadata while `StringEquals s3:x-amz-metadata-directive REPLACE` did not match it.
    bucket = f"directive-{owner.account_id}"
    policy = _policy(
        _deny(bucket, "s3:PutObject", {"StringEquals": {"s3:x-amz-metadata-directive": "REPLACE"}})
    )
    s3 = _bucket(server, owner, bucket, policy)
    s3.put_object(Bucket=bucket, Key="doc", Body=b"data", ContentType="text/plain")
    for directive in ("REPLACE", "replace", "Replace", "bogus"):
        with pytest.raises(ClientError) as raised:
            s3.copy_object(
                Bucket=bucket,
                Key="doc",
                CopySource=f"{bucket}/doc",
                MetadataDirective=directive,
                ContentType="text/html",
            )
        assert raised.value.response["Error"]["Code"] in {"AccessDenied", "InvalidArgument"}
    assert s3.head_object(Bucket=bucket, Key="doc")["ContentType"] == "text/plain"
