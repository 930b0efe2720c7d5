"""Protections a write asks for that rolegate does not provide: refused, never silently dropped.

A header that asks S3 to protect an object, kept by S3 and ignored here, leaves the writer
believing in a protection that is not there:
- Object Lock (userguide/object-lock.html): `x-amz-object-lock-mode`, `-retain-until-date` and
  `-legal-hold` on PutObject, CopyObject or CreateMultipartUpload. No rolegate bucket has Object
  Lock enabled, and S3's answer for such a bucket is 400 InvalidRequest "Bucket is missing
  ObjectLockConfiguration" ([seen] https://github.com/versity/versitygw/pull/1755, the message
  S3 gives for those three operations); ignored, a "locked" object could be overwritten or
  deleted the next second. CreateBucket with `x-amz-bucket-object-lock-enabled: true` asks for
  a lockable bucket: 501 NotImplemented naming the header.
- SSE-C (userguide/ServerSideEncryptionCustomerKeys.html): an object written with
  `x-amz-server-side-encryption-customer-*` can only be read by someone presenting the same key;
  ignored, it was stored as sent and served to anyone allowed s3:GetObject, key or no key.
  501 NotImplemented naming the header.
- Tags (`x-amz-tagging`): policies decide on s3:ExistingObjectTag/<key>; a tag dropped makes a
  Deny written on it never fire. 501 NotImplemented naming the header.
"""

from __future__ import annotations

from collections.abc import Mapping

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.errors import not_implemented

_OBJECT_LOCK = (
    "x-amz-object-lock-mode",
    "x-amz-object-lock-retain-until-date",
    "x-amz-object-lock-legal-hold",
)
_NOT_SERVED = (
    "x-amz-server-side-encryption-customer-algorithm",
    "x-amz-server-side-encryption-customer-key",
    "x-amz-server-side-encryption-customer-key-md5",
    "x-amz-tagging",
)


def refuse_unserved_object_protections(headers: Mapping[str, str]) -> None:
    """For PutObject, CopyObject and CreateMultipartUpload, before any byte is stored."""
    for name in _OBJECT_LOCK:
        if name in headers:
            raise AwsError("InvalidRequest", "Bucket is missing ObjectLockConfiguration", 400)
    for name in _NOT_SERVED:
        if name in headers:
            raise not_implemented(header=name)


def refuse_object_lock_bucket(headers: Mapping[str, str]) -> None:
    """CreateBucket asking for Object Lock."""
    value = headers.get("x-amz-bucket-object-lock-enabled")
    if value is not None and value.strip().lower() == "true":
        raise not_implemented(header="x-amz-bucket-object-lock-enabled")
