"""S3: an explicit table of operations keyed by AWS name, over the object and blob stores."""

from __future__ import annotations

from rolegate.services.s3 import buckets, listing, multipart, objects
from rolegate.services.s3.service import Handler

OPERATIONS: dict[str, Handler] = {
    "ListBuckets": buckets.list_buckets,
    "CreateBucket": buckets.create_bucket,
    "HeadBucket": buckets.head_bucket,
    "DeleteBucket": buckets.delete_bucket,
    "GetBucketLocation": buckets.get_bucket_location,
    "PutBucketPolicy": buckets.put_bucket_policy,
    "GetBucketPolicy": buckets.get_bucket_policy,
    "DeleteBucketPolicy": buckets.delete_bucket_policy,
    "ListObjects": listing.list_objects,
    "ListObjectsV2": listing.list_objects_v2,
    "PutObject": objects.put_object,
    "GetObject": objects.get_object,
    "HeadObject": objects.head_object,
    "DeleteObject": objects.delete_object,
    "DeleteObjects": objects.delete_objects,
    "CopyObject": objects.copy_object,
    "CreateMultipartUpload": multipart.create_multipart_upload,
    "UploadPart": multipart.upload_part,
    "CompleteMultipartUpload": multipart.complete_multipart_upload,
    "AbortMultipartUpload": multipart.abort_multipart_upload,
    "ListParts": multipart.list_parts,
    "ListMultipartUploads": multipart.list_multipart_uploads,
}

# Operations whose authorization the handler does itself (per key, or before a 404).
SELF_AUTHORIZED = frozenset({"DeleteObjects"})
# Operations that make the bucket, so it need not exist first.
CREATES_BUCKET = frozenset({"CreateBucket", "ListBuckets"})
# Operations that read one object: it is fetched with its bucket, in one store read.
READS_OBJECT = frozenset({"GetObject", "HeadObject"})
