"""The errors the transport itself answers with: timeouts, overload, our own failures.

S3's codes and messages are from AmazonS3/latest/API/ErrorResponses.html ("List of error
codes"); IAM and STS answer `InternalFailure` (IAM/latest/APIReference/CommonErrors.html).
"""

from __future__ import annotations

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.errors import S3Error


def request_timeout() -> AwsError:
    """A body (or headers) that stopped arriving: S3's `400 RequestTimeout`."""
    return AwsError(
        "RequestTimeout",
        "Your socket connection to the server was not read from or written to within the "
        "timeout period. Idle connections will be closed.",
        400,
    )


def slow_down() -> AwsError:
    """More connections than the server keeps open: S3's `503 SlowDown`, which SDKs retry."""
    return AwsError("SlowDown", "Please reduce your request rate.", 503, sender_fault=False)


def s3_internal_error() -> AwsError:
    """S3 calls its 500 `InternalError`, where the Query services say `InternalFailure`."""
    return AwsError(
        "InternalError", "We encountered an internal error. Please try again.", 500, False
    )


def entity_too_large() -> AwsError:
    return AwsError("RequestEntityTooLarge", "The request body is too large.", 413)


def header_section_too_large(limit: int) -> AwsError:
    """A request line and headers past `limit` bytes: S3's `400 RequestHeaderSectionTooLarge`
    with its `<MaxSizeAllowed>` (S3 allows 8 KiB of headers)."""
    return S3Error(
        "RequestHeaderSectionTooLarge",
        "Your request header section exceeds the maximum allowed size.",
        400,
        extra={"MaxSizeAllowed": str(limit)},
    )
