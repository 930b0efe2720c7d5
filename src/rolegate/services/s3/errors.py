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


def key_too_long() -> AwsError:
    return AwsError("KeyTooLongError", "Your key is too long", 400)
