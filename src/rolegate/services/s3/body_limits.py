"""How many body bytes each S3 operation that reads a document will hold, and what S3 says past it.

A document body is read whole before it is parsed, so each has a ceiling, enforced before the
first byte (from Content-Length or x-amz-decoded-content-length) and while reading: without one a
single anonymous `POST ?delete` of 256 MiB was held whole, and more than that while parsed.
Where AWS documents a size, it is used; where it documents a count, the ceiling leaves room for
that count of the largest legitimate entries, and the count itself is checked after parsing.
"""

from __future__ import annotations

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.verified_body import BodyLimit

__all__ = [
    "BUCKET_POLICY_LIMIT",
    "COMPLETE_MULTIPART_LIMIT",
    "CREATE_BUCKET_LIMIT",
    "DELETE_OBJECTS_LIMIT",
]


def max_message_length_exceeded() -> AwsError:
    # ErrorResponses.html: MaxMessageLengthExceeded, "Your request was too big.", 400.
    return AwsError("MaxMessageLengthExceeded", "Your request was too big.", 400)


def policy_too_large() -> AwsError:
    # userguide/using-iam-policies.html: "Bucket policies are limited to 20 KB in size." S3's
    # MalformedPolicy is its answer to a policy it will not store (API_PutBucketPolicy.html);
    # the text is [unconfirmed]: no S3 answer to an over-size policy was found in public threads.
    return AwsError("MalformedPolicy", "Policies must be less than 20KB", 400)


# userguide/using-iam-policies.html: 20 KB.
BUCKET_POLICY_LIMIT = BodyLimit(20 * 1024, policy_too_large)
# API_DeleteObjects.html: at most 1,000 keys of at most 1,024 bytes (userguide/object-keys.html);
# with their markup, a version id and an ETag that is about 1.2 MB, so 2 MiB.
DELETE_OBJECTS_LIMIT = BodyLimit(2 * 1024 * 1024, max_message_length_exceeded)
# API_CompleteMultipartUpload.html: at most 10,000 parts (userguide/qfacts.html); a part with its
# number, ETag and a checksum is under 200 bytes, with all five checksums under 512: 5 MiB.
COMPLETE_MULTIPART_LIMIT = BodyLimit(5 * 1024 * 1024, max_message_length_exceeded)
# API_CreateBucket.html: a CreateBucketConfiguration of a location and a few optional elements
# (at most 50 tags of 128 + 256 characters); 64 KiB holds any of them.
CREATE_BUCKET_LIMIT = BodyLimit(64 * 1024, max_message_length_exceeded)
