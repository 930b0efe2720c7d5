"""What a caller learns about a key that holds no object.

API_GetObject.html / API_HeadObject.html: "If the object you request doesn't exist, the error that
Amazon S3 returns depends on whether you also have the s3:ListBucket permission": 404 NoSuchKey
with it, 403 AccessDenied without it. A caller that may not list the bucket must not learn which
keys exist, so every path that would answer NoSuchKey asks the same question first: GetObject and
HeadObject, a conditional write or delete (`If-Match`) on a missing key, DeleteObjects' per-key
`<ETag>`, and CopyObject's source (judged against the source bucket and its policy).
"""

from __future__ import annotations

from rolegate.aws.errors import AwsError
from rolegate.model import Bucket
from rolegate.services.authz import Judgement
from rolegate.services.s3.authorize import s3_access_denied
from rolegate.services.s3.call import S3Call
from rolegate.services.s3.errors import no_such_key


def listing_judgement(call: S3Call, bucket_name: str, bucket: Bucket | None) -> Judgement:
    """s3:ListBucket on `bucket_name`, under that bucket's policy."""
    return call.judge("s3:ListBucket", f"arn:aws:s3:::{bucket_name}", bucket)


def missing_key(
    call: S3Call, key: str, bucket_name: str | None = None, bucket: Bucket | None = None
) -> AwsError:
    """The answer for `key` holding no object in `bucket_name` (the request's bucket unless
    given): NoSuchKey to a caller allowed to list it, AccessDenied to anyone else."""
    if bucket_name is None:
        assert call.bucket_name is not None
        bucket_name, bucket = call.bucket_name, call.bucket
    listing = listing_judgement(call, bucket_name, bucket)
    if listing.allowed:
        return no_such_key(key)
    return s3_access_denied(call.caller, listing)
