"""Which S3 operation a request is: method and subresource to the operation's AWS name.

From the request syntax of each operation in the Amazon S3 API reference
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html):
`GET /?acl` is GetBucketAcl, `PUT /Key+?partNumber=N&uploadId=U` is UploadPart, and so on. Names
are the operation names of botocore's S3 model (a test checks every one). Naming an operation is
not serving it: the services decide which they implement.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "BUCKET_PLAIN",
    "BUCKET_SUBRESOURCES",
    "CONFIGURATION_LISTS",
    "OBJECT_PLAIN",
    "OBJECT_SUBRESOURCES",
]

Table = Mapping[str, Mapping[str, str]]  # subresource -> method -> operation


def _crud(noun: str, *, delete: str | None = None) -> dict[str, str]:
    """GET/PUT/DELETE of a bucket configuration: GetBucketCors, PutBucketCors, DeleteBucketCors."""
    return {"GET": f"Get{noun}", "PUT": f"Put{noun}", "DELETE": delete or f"Delete{noun}"}


# A bucket with no subresource. GET with list-type=2 is ListObjectsV2 (decided in routing).
BUCKET_PLAIN: Mapping[str, str] = {
    "GET": "ListObjects",
    "PUT": "CreateBucket",
    "HEAD": "HeadBucket",
    "DELETE": "DeleteBucket",
}

BUCKET_SUBRESOURCES: Table = {
    "accelerate": {
        "GET": "GetBucketAccelerateConfiguration",
        "PUT": "PutBucketAccelerateConfiguration",
    },
    "acl": {"GET": "GetBucketAcl", "PUT": "PutBucketAcl"},
    "analytics": _crud("BucketAnalyticsConfiguration"),
    "cors": _crud("BucketCors"),
    "delete": {"POST": "DeleteObjects"},
    "encryption": _crud("BucketEncryption"),
    "intelligent-tiering": _crud("BucketIntelligentTieringConfiguration"),
    "inventory": _crud("BucketInventoryConfiguration"),
    "lifecycle": {
        "GET": "GetBucketLifecycleConfiguration",
        "PUT": "PutBucketLifecycleConfiguration",
        "DELETE": "DeleteBucketLifecycle",
    },
    "location": {"GET": "GetBucketLocation"},
    "logging": {"GET": "GetBucketLogging", "PUT": "PutBucketLogging"},
    "metadataTable": {
        "GET": "GetBucketMetadataTableConfiguration",
        "POST": "CreateBucketMetadataTableConfiguration",
        "DELETE": "DeleteBucketMetadataTableConfiguration",
    },
    "metrics": _crud("BucketMetricsConfiguration"),
    "notification": {
        "GET": "GetBucketNotificationConfiguration",
        "PUT": "PutBucketNotificationConfiguration",
    },
    "object-lock": {
        "GET": "GetObjectLockConfiguration",
        "PUT": "PutObjectLockConfiguration",
    },
    "ownershipControls": _crud("BucketOwnershipControls"),
    "policy": _crud("BucketPolicy"),
    "policyStatus": {"GET": "GetBucketPolicyStatus"},
    "publicAccessBlock": _crud("PublicAccessBlock"),
    "replication": _crud("BucketReplication"),
    "requestPayment": {"GET": "GetBucketRequestPayment", "PUT": "PutBucketRequestPayment"},
    "tagging": _crud("BucketTagging"),
    "uploads": {"GET": "ListMultipartUploads"},
    "versioning": {"GET": "GetBucketVersioning", "PUT": "PutBucketVersioning"},
    "versions": {"GET": "ListObjectVersions"},
    "website": _crud("BucketWebsite"),
}

# Configurations kept per id: GET without `?id=` lists them (ListBucketMetricsConfigurations).
CONFIGURATION_LISTS: Mapping[str, str] = {
    "analytics": "ListBucketAnalyticsConfigurations",
    "intelligent-tiering": "ListBucketIntelligentTieringConfigurations",
    "inventory": "ListBucketInventoryConfigurations",
    "metrics": "ListBucketMetricsConfigurations",
}

# An object with no subresource. PUT with x-amz-copy-source is CopyObject (decided in routing).
OBJECT_PLAIN: Mapping[str, str] = {
    "GET": "GetObject",
    "PUT": "PutObject",
    "HEAD": "HeadObject",
    "DELETE": "DeleteObject",
}

OBJECT_SUBRESOURCES: Table = {
    "acl": {"GET": "GetObjectAcl", "PUT": "PutObjectAcl"},
    "attributes": {"GET": "GetObjectAttributes"},
    "legal-hold": {"GET": "GetObjectLegalHold", "PUT": "PutObjectLegalHold"},
    "restore": {"POST": "RestoreObject"},
    "retention": {"GET": "GetObjectRetention", "PUT": "PutObjectRetention"},
    "select": {"POST": "SelectObjectContent"},
    "tagging": _crud("ObjectTagging"),
    "torrent": {"GET": "GetObjectTorrent"},
    # PUT ?partNumber&uploadId is UploadPart, UploadPartCopy with x-amz-copy-source (routing).
    "uploadId": {
        "GET": "ListParts",
        "PUT": "UploadPart",
        "POST": "CompleteMultipartUpload",
        "DELETE": "AbortMultipartUpload",
    },
    "uploads": {"POST": "CreateMultipartUpload"},
}
