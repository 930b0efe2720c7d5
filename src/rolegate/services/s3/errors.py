"""S3's errors for missing things and refusals (API/ErrorResponses.html#ErrorCodeList)."""

from __future__ import annotations

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.errors import S3Error


def no_such_bucket(name: str) -> S3Error:
    return S3Error("NoSuchBucket", "The specified bucket does not exist", 404, bucket_name=name)


def no_such_key(key: str) -> S3Error:
    return S3Error("NoSuchKey", "The specified key does not exist.", 404, key=key)


def no_such_upload(upload_id: str) -> S3Error:
    return S3Error(
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may "
        "have been aborted or completed.",
        404,
        extra={"UploadId": upload_id},
    )


MAX_KEY_BYTES = 1024  # userguide/object-keys.html: a key's UTF-8 is at most 1,024 bytes


def key_too_long() -> AwsError:
    return AwsError("KeyTooLongError", "Your key is too long", 400)


def checked_key(key: str) -> str:
    """`key`, unless its UTF-8 is longer than any S3 key may be (KeyTooLongError)."""
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise key_too_long()
    return key
