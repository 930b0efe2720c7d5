"""A write that asks for a protection rolegate does not give is refused, not stored unprotected.

- Object Lock (AmazonS3/latest/userguide/object-lock.html): a retention or legal hold on a bucket
  without Object Lock is 400 InvalidRequest "Bucket is missing ObjectLockConfiguration"; ignored,
  the "locked" object was deleted a moment later.
- SSE-C (AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html): an object written with
  a customer key is readable only with that key; ignored, anyone with s3:GetObject read it
  without one.
- `x-amz-tagging`: a tag a policy denies on (s3:ExistingObjectTag) was dropped.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from tests.rolegate_server import RunningServer
from tests.security.identities import refusal

_KEY = b"k" * 32
PROTECTIONS: dict[str, tuple[dict[str, Any], tuple[int, str]]] = {
    "retention": (
        {
            "ObjectLockMode": "COMPLIANCE",
            "ObjectLockRetainUntilDate": datetime.now(UTC) + timedelta(days=30),
        },
        (400, "InvalidRequest"),
    ),
    "legal-hold": ({"ObjectLockLegalHoldStatus": "ON"}, (400, "InvalidRequest")),
    "sse-c": (
        {
            "SSECustomerAlgorithm": "AES256",
            "SSECustomerKey": _KEY.decode(),
            "SSECustomerKeyMD5": base64.b64encode(hashlib.md5(_KEY).digest()).decode(),
        },
        (501, "NotImplemented"),
    ),
    "tagging": ({"Tagging": "classification=secret"}, (501, "NotImplemented")),
}


@pytest.fixture(scope="module")
def bucket_client(server: RunningServer) -> tuple[Any, str]:
    owner = server.new_account()
    bucket = f"protections-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="source", Body=b"data")
    return s3, bucket


@pytest.mark.parametrize("protection", sorted(PROTECTIONS))
def test_an_unserved_protection_is_refused(bucket_client: tuple[Any, str], protection: str) -> None:
    s3, bucket = bucket_client
    extra, expected = PROTECTIONS[protection]
    key = f"protected-{protection}"
    assert refusal(lambda: s3.put_object(Bucket=bucket, Key=key, Body=b"x", **extra)) == expected
    copy = partial(s3.copy_object, Bucket=bucket, Key=key, CopySource=f"{bucket}/source")
    assert refusal(lambda: copy(**extra)) == expected
    assert refusal(lambda: s3.create_multipart_upload(Bucket=bucket, Key=key, **extra)) == expected
    # Nothing was stored under the protected key.
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix=key)
    assert s3.list_multipart_uploads(Bucket=bucket, Prefix=key).get("Uploads", []) == []


def test_a_bucket_asked_to_be_lockable_is_not_made_unlockable(server: RunningServer) -> None:
    owner = server.new_account()
    s3 = server.client("s3", owner)
    bucket = f"lockable-{owner.account_id}"
    assert refusal(lambda: s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)) == (
        501,
        "NotImplemented",
    )
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
