"""S3Error: an AwsError whose extra elements keep S3's order."""

from __future__ import annotations

from rolegate.aws.errors import AwsError
from rolegate.aws.s3 import errors


def test_s3_errors_are_aws_errors_with_ordered_elements() -> None:
    error = errors.S3Error(
        "NoSuchKey",
        "The specified key does not exist.",
        404,
        key="k",
        bucket_name="b",
        extra={"ArgumentName": "x", "ArgumentValue": "y"},
    )
    assert isinstance(error, AwsError)
    assert str(error) == "NoSuchKey: The specified key does not exist."
    assert error.elements() == [
        ("BucketName", "b"),
        ("Key", "k"),
        ("ArgumentName", "x"),
        ("ArgumentValue", "y"),
    ]


def test_not_implemented_names_the_header_or_the_subresource() -> None:
    by_header = errors.not_implemented(header="Transfer-Encoding")
    assert (by_header.status, by_header.sender_fault) == (501, False)
    assert by_header.elements() == [("Header", "Transfer-Encoding")]
    assert errors.not_implemented(subresource="torrent").elements() == [("Subresource", "torrent")]


def test_bad_digest_names_the_algorithm_as_s3_does() -> None:
    assert errors.bad_digest("CRC64NVME").message == (
        "The CRC64NVME you specified did not match the calculated checksum."
    )


def test_a_bad_chunk_signature_is_s3s_signature_mismatch() -> None:
    error = errors.chunk_signature_mismatch()
    assert (error.code, error.status) == ("SignatureDoesNotMatch", 403)
    assert "Check your key and signing method." in error.message
