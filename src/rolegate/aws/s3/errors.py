"""S3's error shape and the errors the S3 wire layer raises.

An S3 error body carries more than a code and a message: elements such as `<BucketName>`, `<Key>`
or `<Header>` follow `<Message>` (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
`S3Error` keeps them, in order, for `xml.error_body`.

Texts marked [seen] were checked against S3 answers quoted in public threads (URL given); [docs] are
the descriptions in the error-code list on the page above, which S3 sends as the message for these
codes; [unconfirmed] are rolegate's choice where no S3 answer was found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rolegate.aws.errors import AwsError
from rolegate.aws.sigv4_errors import signature_mismatch

__all__ = [
    "S3Error",
    "bad_digest",
    "body_length_mismatch",
    "chunk_signature_mismatch",
    "incomplete_body",
    "invalid_bucket_name",
    "invalid_chunk_size",
    "invalid_trailer_value",
    "invalid_uri",
    "malformed_xml",
    "method_not_allowed",
    "multiple_checksums",
    "not_implemented",
    "unsupported_trailer",
]


@dataclass(slots=True)
class S3Error(AwsError):
    """An `AwsError` with the extra elements S3 puts between `<Message>` and `<RequestId>`."""

    bucket_name: str | None = None
    key: str | None = None
    resource: str | None = None  # overrides the request path as <Resource> when set
    extra: dict[str, str] = field(default_factory=dict)  # more elements, in document order

    def elements(self) -> list[tuple[str, str]]:
        """The extra elements in the order S3 writes them: BucketName, Key, then the rest."""
        found: list[tuple[str, str]] = []
        if self.bucket_name is not None:
            found.append(("BucketName", self.bucket_name))
        if self.key is not None:
            found.append(("Key", self.key))
        found.extend(self.extra.items())
        return found


def invalid_bucket_name(name: str) -> S3Error:
    # [docs]; S3 names the bucket in <BucketName>.
    return S3Error("InvalidBucketName", "The specified bucket is not valid.", 400, bucket_name=name)


def malformed_xml() -> S3Error:
    # [seen] https://github.com/aws/aws-sdk-java/issues/1293 (also S3's answer to >1000 keys in
    # DeleteObjects) and https://github.com/andrewrk/node-s3-client/issues/25 (a Delete with no
    # Object). No full stop at the end: that is S3's text.
    return S3Error(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
        400,
    )


def not_implemented(*, header: str | None = None, subresource: str | None = None) -> S3Error:
    """[seen] https://github.com/automattic/knox/issues/43: the text, 501 and <Header>.

    `subresource` is rolegate's own element: S3 has no name for "a query subresource this server
    does not serve", and the caller deserves to know which one it was.
    """
    extra = {}
    if header is not None:
        extra["Header"] = header
    if subresource is not None:
        extra["Subresource"] = subresource
    return S3Error(
        "NotImplemented",
        "A header you provided implies functionality that is not implemented",
        501,
        sender_fault=False,
        extra=extra,
    )


def method_not_allowed(method: str, resource_type: str) -> S3Error:
    """[docs] text and 405; the <Method> and <ResourceType> (BUCKET, OBJECT, SERVICE) elements are
    [unconfirmed], from memory of S3 answers."""
    return S3Error(
        "MethodNotAllowed",
        "The specified method is not allowed against this resource.",
        405,
        extra={"Method": method, "ResourceType": resource_type},
    )


def invalid_uri() -> S3Error:
    # [docs]: a path that is not UTF-8 once percent-decoded, or not a path at all.
    return S3Error("InvalidURI", "Couldn't parse the specified URI.", 400)


def incomplete_body() -> S3Error:
    """The body ended inside a chunk, or its framing could not be read.

    [seen] https://github.com/aws/aws-sdk-java-v2/issues/2908 for a body cut short. For framing
    that does not parse (no hex size, no CRLF after the data) the code is [unconfirmed]: no S3
    answer to that was found, and "the body ended before a valid chunk stream did" is what it is.
    """
    return S3Error("IncompleteBody", "The request body terminated unexpectedly", 400)


def body_length_mismatch(expected: int, provided: int) -> S3Error:
    # [seen] https://github.com/versity/versitygw/issues/1684: S3's answer when the chunks do not
    # add up to x-amz-decoded-content-length, with both numbers.
    return S3Error(
        "IncompleteBody",
        "You did not provide the number of bytes specified by the Content-Length HTTP header",
        400,
        extra={"NumberBytesExpected": str(expected), "NumberBytesProvided": str(provided)},
    )


def invalid_chunk_size(chunk_number: int, bad_size: int) -> S3Error:
    """A chunk other than the last one smaller than 8 KiB.

    Body [seen] https://github.com/versity/versitygw/issues/1683 and /1665 (S3 names the chunk
    whose header showed the earlier one was not the last, and the earlier one's size); 403 [seen]
    https://github.com/aws/aws-sdk-cpp/issues/2727.
    """
    return S3Error(
        "InvalidChunkSizeError",
        "Only the last chunk is allowed to have a size less than 8192 bytes",
        403,
        extra={"Chunk": str(chunk_number), "BadChunkSize": str(bad_size)},
    )


def chunk_signature_mismatch() -> AwsError:
    """A chunk or trailer signature that is wrong or missing: S3's SignatureDoesNotMatch."""
    return signature_mismatch("s3")


def bad_digest(algorithm: str) -> S3Error:
    # [seen] https://github.com/aws/aws-sdk-ruby/issues/3322 ("The CRC32 you specified ...");
    # the other algorithms by the same pattern, their names as S3 spells them (SHA256, CRC64NVME).
    return S3Error(
        "BadDigest", f"The {algorithm} you specified did not match the calculated checksum.", 400
    )


def invalid_trailer_value(header_name: str) -> S3Error:
    # [seen] https://github.com/versity/versitygw/issues/1165: a trailer checksum that is not the
    # base64 of a digest of the right size.
    return S3Error("InvalidRequest", f"Value for {header_name} trailing header is invalid.", 400)


def multiple_checksums() -> S3Error:
    # [unconfirmed]: S3's text as quoted in a conformance test suite found in public code; no S3
    # thread with it was found. For a checksum header and a trailer of different algorithms.
    return S3Error(
        "InvalidRequest",
        "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.",
        400,
    )


def unsupported_trailer() -> S3Error:
    # [seen] https://github.com/versity/versitygw/issues/1161
    return S3Error(
        "InvalidRequest", "The value specified in the x-amz-trailer header is not supported", 400
    )


def s3_credential_error(error: AwsError, access_key_id: str, has_token: bool) -> AwsError:
    """S3's own words for a credential the Query services call `InvalidClientTokenId` or
    `ExpiredToken` (AmazonS3/latest/API/ErrorResponses.html): an access key that does not exist
    is `403 InvalidAccessKeyId` (naming the key), a session token that does not authenticate is
    `400 InvalidToken`, an expired one `400 ExpiredToken`. Other errors pass unchanged."""
    if error.code == "ExpiredToken":
        return S3Error("ExpiredToken", "The provided token has expired.", 400)
    if error.code != "InvalidClientTokenId":
        return error
    if has_token:
        return S3Error("InvalidToken", "The provided token is malformed or otherwise invalid.", 400)
    return S3Error(
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
        403,
        extra={"AWSAccessKeyId": access_key_id},
    )


def conflicting_subresources(first: str, second: str) -> S3Error:
    """Two subresources that each name an operation (`?policy&uploads`). S3's answer to this is
    not documented; rolegate refuses it (`400 InvalidArgument`, the code S3 gives a query
    parameter it cannot take) rather than pick one: the signature covers the query sorted, so
    the order of the names must not decide what a signed request does."""
    names = sorted((first, second))
    return S3Error(
        "InvalidArgument",
        f"Conflicting query string parameters: {names[0]}, {names[1]}",
        400,
        extra={"ArgumentName": "ResourceType", "ArgumentValue": names[0]},
    )


def repeated_parameter(name: str) -> S3Error:
    """One query parameter given twice with different values; like two subresources, refused
    by rolegate (S3's answer is not documented) so that their order decides nothing."""
    return S3Error(
        "InvalidArgument",
        f"The query parameter {name} was given more than once with different values",
        400,
        extra={"ArgumentName": name},
    )
