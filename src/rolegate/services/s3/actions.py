"""Which IAM action and resource each S3 operation is authorized as.

From the Service Authorization Reference for Amazon S3
(service-authorization/latest/reference/list_amazons3.html) and the S3 API pages: ListObjects and
ListObjectsV2 are `s3:ListBucket` on the bucket; HeadObject is `s3:GetObject` and HeadBucket
`s3:ListBucket`; multipart parts and completion are `s3:PutObject`; ListBuckets is
`s3:ListAllMyBuckets` on `*`; CopyObject needs `s3:GetObject` on the source as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ResourceKind(StrEnum):
    NONE = "none"  # "*"
    BUCKET = "bucket"  # arn:aws:s3:::BUCKET
    OBJECT = "object"  # arn:aws:s3:::BUCKET/KEY


@dataclass(frozen=True, slots=True)
class S3Permission:
    action: str
    resource: ResourceKind


_BUCKET = ResourceKind.BUCKET
_OBJECT = ResourceKind.OBJECT

PERMISSIONS: dict[str, S3Permission] = {
    "ListBuckets": S3Permission("s3:ListAllMyBuckets", ResourceKind.NONE),
    "CreateBucket": S3Permission("s3:CreateBucket", _BUCKET),
    "HeadBucket": S3Permission("s3:ListBucket", _BUCKET),
    "DeleteBucket": S3Permission("s3:DeleteBucket", _BUCKET),
    "GetBucketLocation": S3Permission("s3:GetBucketLocation", _BUCKET),
    "PutBucketPolicy": S3Permission("s3:PutBucketPolicy", _BUCKET),
    "GetBucketPolicy": S3Permission("s3:GetBucketPolicy", _BUCKET),
    "DeleteBucketPolicy": S3Permission("s3:DeleteBucketPolicy", _BUCKET),
    "ListObjects": S3Permission("s3:ListBucket", _BUCKET),
    "ListObjectsV2": S3Permission("s3:ListBucket", _BUCKET),
    "ListMultipartUploads": S3Permission("s3:ListBucketMultipartUploads", _BUCKET),
    "PutObject": S3Permission("s3:PutObject", _OBJECT),
    "CopyObject": S3Permission("s3:PutObject", _OBJECT),
    "GetObject": S3Permission("s3:GetObject", _OBJECT),
    "HeadObject": S3Permission("s3:GetObject", _OBJECT),
    "DeleteObject": S3Permission("s3:DeleteObject", _OBJECT),
    # DeleteObjects is judged per key as s3:DeleteObject (API_DeleteObjects.html).
    "DeleteObjects": S3Permission("s3:DeleteObject", _OBJECT),
    "CreateMultipartUpload": S3Permission("s3:PutObject", _OBJECT),
    "UploadPart": S3Permission("s3:PutObject", _OBJECT),
    "UploadPartCopy": S3Permission("s3:PutObject", _OBJECT),
    "CompleteMultipartUpload": S3Permission("s3:PutObject", _OBJECT),
    "AbortMultipartUpload": S3Permission("s3:AbortMultipartUpload", _OBJECT),
    "ListParts": S3Permission("s3:ListMultipartUploadParts", _OBJECT),
}


def resource_arn(kind: ResourceKind, bucket: str | None, key: str | None) -> str:
    if kind is ResourceKind.NONE or bucket is None:
        return "*"
    if kind is ResourceKind.BUCKET:
        return f"arn:aws:s3:::{bucket}"
    return f"arn:aws:s3:::{bucket}/{key or ''}"
