"""aws-chunked decoding: AWS's published signing examples, botocore's own encoder, any split."""

from __future__ import annotations

import hashlib
import hmac
import io
import itertools
import os
from datetime import UTC, datetime

import pytest
from botocore import httpchecksum
from hypothesis import given, settings
from hypothesis import strategies as st

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.checksums import ChecksumAlgorithm, Checksummer, header_name
from rolegate.aws.s3.chunk_signing import EMPTY_SHA256, ChunkSigning
from rolegate.aws.s3.chunked import (
    MIN_CHUNK_SIZE,
    AwsChunkedDecoder,
    StreamingMode,
    streaming_mode,
)
from rolegate.aws.s3.errors import S3Error
from rolegate.aws.sigv4 import HttpRequest, SigV4Verifier, parse_auth

# --- AWS's examples -------------------------------------------------------------------------------
# https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html: PUT of 66,560 bytes of "a"
# in 64 KiB chunks, and https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
# the same with a CRC32C trailer. Seed and chunk signatures are the pages' own.

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PAYLOAD = b"a" * 66560
SIGNED_HEADERS = (
    "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
    "x-amz-decoded-content-length;x-amz-storage-class"
)
TRAILER_SIGNED_HEADERS = (
    "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;"
    "x-amz-storage-class;x-amz-trailer"
)
SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
CHUNK_SIGNATURES = (
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
)
TRAILER_SEED = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
TRAILER_CHUNK_SIGNATURES = (
    "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
    "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
    "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
)
TRAILER_SIGNATURE = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"


def signed_body(signatures: tuple[str, str, str], trailer: bytes = b"\r\n") -> bytes:
    return (
        f"10000;chunk-signature={signatures[0]}\r\n".encode()
        + PAYLOAD[:65536]
        + f"\r\n400;chunk-signature={signatures[1]}\r\n".encode()
        + PAYLOAD[65536:]
        + f"\r\n0;chunk-signature={signatures[2]}\r\n".encode()
        + trailer
    )


AWS_BODY = signed_body(CHUNK_SIGNATURES)
AWS_TRAILER_BODY = signed_body(
    TRAILER_CHUNK_SIGNATURES,
    b"x-amz-checksum-crc32c:sOO8/Q==\r\n"
    + f"x-amz-trailer-signature:{TRAILER_SIGNATURE}\r\n\r\n".encode(),
)


def aws_signing(signed_headers: str, seed: str, mode: str, trailer: bool) -> ChunkSigning:
    """The example request's seed signature verified by rolegate's SigV4 verifier, then the
    chunk-signing context taken from it exactly as a server would."""
    headers = [
        (b"host", b"s3.amazonaws.com"),
        (b"x-amz-date", b"20130524T000000Z"),
        (b"x-amz-storage-class", b"REDUCED_REDUNDANCY"),
        (
            b"authorization",
            f"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
            f"aws4_request,SignedHeaders={signed_headers},Signature={seed}".encode(),
        ),
        (b"x-amz-content-sha256", mode.encode()),
        (b"content-encoding", b"aws-chunked"),
        (b"x-amz-decoded-content-length", b"66560"),
        (b"content-length", b"66824"),
    ]
    if trailer:
        headers.append((b"x-amz-trailer", b"x-amz-checksum-crc32c"))
    request = HttpRequest("PUT", b"/examplebucket/chunkObject.txt", b"", tuple(headers))
    auth = parse_auth(request)
    assert auth is not None
    verifier = SigV4Verifier()
    verifier.verify(auth, request, SECRET, None, datetime(2013, 5, 24, tzinfo=UTC))
    return ChunkSigning.for_request(verifier, auth, SECRET)


SIGNING = aws_signing(SIGNED_HEADERS, SEED, StreamingMode.SIGNED, trailer=False)
TRAILER_SIGNING = aws_signing(
    TRAILER_SIGNED_HEADERS, TRAILER_SEED, StreamingMode.SIGNED_TRAILER, trailer=True
)


def signed_decoder() -> AwsChunkedDecoder:
    return AwsChunkedDecoder(StreamingMode.SIGNED, 66560, signing=SIGNING)


def trailer_decoder() -> AwsChunkedDecoder:
    return AwsChunkedDecoder(
        StreamingMode.SIGNED_TRAILER,
        66560,
        signing=TRAILER_SIGNING,
        expected_trailer="x-amz-checksum-crc32c",
    )


def decode_in_pieces(decoder: AwsChunkedDecoder, body: bytes, step: int) -> bytes:
    out = b"".join(decoder.feed(body[i : i + step]) for i in range(0, len(body), step))
    return out


def test_aws_example_content_length_is_the_pages() -> None:
    assert len(AWS_BODY) == 66824
    assert SIGNING.scope == "20130524/us-east-1/s3/aws4_request"
    assert SIGNING.seed_signature == SEED
    assert "signing_key" not in repr(SIGNING)


@pytest.mark.parametrize("step", [len(AWS_BODY), 65536, 8192, 1000, 89, 2, 1])
def test_aws_signed_example_verifies_in_any_pieces(step: int) -> None:
    decoder = signed_decoder()
    assert decode_in_pieces(decoder, AWS_BODY, step) == PAYLOAD
    assert decoder.finish() == {}
    assert decoder.decoded_size == 66560


@pytest.mark.parametrize("step", [len(AWS_TRAILER_BODY), 4096, 7, 1])
def test_aws_trailer_example_verifies_with_its_crc32c(step: int) -> None:
    decoder = trailer_decoder()
    assert decode_in_pieces(decoder, AWS_TRAILER_BODY, step) == PAYLOAD
    assert decoder.finish() == {"x-amz-checksum-crc32c": "sOO8/Q=="}
    assert decoder.checksum_value() == "sOO8/Q=="


def test_trailer_after_a_blank_line_and_without_the_final_crlf_is_read_too() -> None:
    body = AWS_TRAILER_BODY.replace(b"f992\r\n", b"f992\r\n\r\n")[:-2]
    decoder = trailer_decoder()
    assert decoder.feed(body) == PAYLOAD
    assert decoder.finish() == {"x-amz-checksum-crc32c": "sOO8/Q=="}


def assert_signature_mismatch(error: AwsError) -> None:
    assert (error.code, error.status) == ("SignatureDoesNotMatch", 403)
    assert error.message == (
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method."
    )


@pytest.mark.parametrize("offset", [100, 65800, 66700])  # data of chunk 1, of chunk 2
def test_a_flipped_payload_byte_fails_the_chunk_signature(offset: int) -> None:
    body = bytearray(AWS_BODY)
    body[offset] ^= 0x01
    decoder = signed_decoder()
    with pytest.raises(AwsError) as caught:
        decoder.feed(bytes(body))
        decoder.finish()
    assert_signature_mismatch(caught.value)


def test_a_wrong_final_chunk_signature_fails() -> None:
    body = AWS_BODY.replace(CHUNK_SIGNATURES[2].encode(), b"0" * 64)
    with pytest.raises(AwsError) as caught:
        signed_decoder().feed(body)
    assert_signature_mismatch(caught.value)


def test_chunks_reordered_or_missing_fail() -> None:
    first = AWS_BODY[: AWS_BODY.index(b"400;")]
    final = AWS_BODY[AWS_BODY.index(b"0;chunk") :]
    with pytest.raises(AwsError) as caught:
        signed_decoder().feed(first + final)  # chunk 2 dropped: the final signature chains wrong
    assert_signature_mismatch(caught.value)


def test_a_changed_trailer_fails_the_trailer_signature() -> None:
    body = AWS_TRAILER_BODY.replace(b"sOO8/Q==", b"AAAAAA==")
    decoder = trailer_decoder()
    decoder.feed(body)
    with pytest.raises(AwsError) as caught:
        decoder.finish()
    assert_signature_mismatch(caught.value)


def test_a_missing_trailer_signature_fails() -> None:
    body = AWS_TRAILER_BODY[: AWS_TRAILER_BODY.index(b"x-amz-trailer-signature")] + b"\r\n"
    decoder = trailer_decoder()
    decoder.feed(body)
    with pytest.raises(AwsError) as caught:
        decoder.finish()
    assert_signature_mismatch(caught.value)


def test_a_chunk_without_a_signature_in_signed_mode_fails() -> None:
    with pytest.raises(AwsError) as caught:
        signed_decoder().feed(b"10000\r\n")
    assert_signature_mismatch(caught.value)


def test_signed_mode_without_a_verified_signature_is_refused() -> None:
    with pytest.raises(AwsError) as caught:
        AwsChunkedDecoder(StreamingMode.SIGNED, 1)
    assert_signature_mismatch(caught.value)


def test_a_signed_trailer_signed_by_this_module_verifies() -> None:
    # The chain for a body of our own making, signed independently here with hmac.
    key = TRAILER_SIGNING.signing_key
    data = os.urandom(9000)
    head = "\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"

    def sign(kind: str, previous: str, digest: str, rest: str = "") -> str:
        text = f"AWS4-HMAC-SHA256-{kind}{head}{previous}\n{rest}{digest}"
        return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()

    first = sign("PAYLOAD", TRAILER_SEED, hashlib.sha256(data).hexdigest(), EMPTY_SHA256 + "\n")
    final = sign("PAYLOAD", first, EMPTY_SHA256, EMPTY_SHA256 + "\n")
    checksum = Checksummer(ChecksumAlgorithm.SHA256)
    checksum.update(data)
    trailer = f"x-amz-checksum-sha256:{checksum.b64digest()}\n"
    signature = sign("TRAILER", final, hashlib.sha256(trailer.encode()).hexdigest())
    body = (
        f"{len(data):x};chunk-signature={first}\r\n".encode()
        + data
        + f"\r\n0;chunk-signature={final}\r\n".encode()
        + trailer.replace("\n", "\r\n").encode()
        + f"x-amz-trailer-signature:{signature}\r\n\r\n".encode()
    )
    decoder = AwsChunkedDecoder(
        StreamingMode.SIGNED_TRAILER,
        len(data),
        signing=TRAILER_SIGNING,
        expected_trailer="x-amz-checksum-sha256",
    )
    assert decode_in_pieces(decoder, body, 333) == data
    assert decoder.finish() == {"x-amz-checksum-sha256": checksum.b64digest()}


# --- botocore's unsigned encoder ------------------------------------------------------------------

BOTOCORE_CLASSES = {
    ChecksumAlgorithm.CRC32: httpchecksum.CrtCrc32Checksum,
    ChecksumAlgorithm.CRC32C: httpchecksum.CrtCrc32cChecksum,
    ChecksumAlgorithm.CRC64NVME: httpchecksum.CrtCrc64NvmeChecksum,
    ChecksumAlgorithm.SHA1: httpchecksum.Sha1Checksum,
    ChecksumAlgorithm.SHA256: httpchecksum.Sha256Checksum,
}


def botocore_body(
    data: bytes, algorithm: ChecksumAlgorithm | None, chunk_size: int = MIN_CHUNK_SIZE
) -> bytes:
    """What botocore sends for a STREAMING-UNSIGNED-PAYLOAD-TRAILER upload."""
    if algorithm is None:
        wrapper = httpchecksum.AwsChunkedWrapper(io.BytesIO(data), chunk_size=chunk_size)
    else:
        wrapper = httpchecksum.AwsChunkedWrapper(
            io.BytesIO(data),
            checksum_cls=BOTOCORE_CLASSES[algorithm],
            checksum_name=header_name(algorithm),
            chunk_size=chunk_size,
        )
    body: bytes = wrapper.read()
    return body


def unsigned_decoder(
    algorithm: ChecksumAlgorithm | None, decoded_length: int | None
) -> AwsChunkedDecoder:
    return AwsChunkedDecoder(
        StreamingMode.UNSIGNED_TRAILER,
        decoded_length,
        expected_trailer=header_name(algorithm) if algorithm is not None else None,
    )


@pytest.mark.parametrize("algorithm", list(ChecksumAlgorithm))
@pytest.mark.parametrize("size", [0, 1, MIN_CHUNK_SIZE, 100_000])
def test_botocore_bodies_decode_with_their_trailer(algorithm: ChecksumAlgorithm, size: int) -> None:
    data = os.urandom(size)
    body = botocore_body(data, algorithm)
    decoder = unsigned_decoder(algorithm, size)
    assert decoder.feed(body) == data
    trailers = decoder.finish()
    checksum = BOTOCORE_CLASSES[algorithm]()
    checksum.update(data)
    assert trailers == {header_name(algorithm): checksum.b64digest()}
    assert decoder.checksum_value() == checksum.b64digest()


@pytest.mark.parametrize("algorithm", [ChecksumAlgorithm.CRC32, ChecksumAlgorithm.SHA1])
def test_byte_by_byte_gives_what_one_feed_gives(algorithm: ChecksumAlgorithm) -> None:
    data = os.urandom(3 * MIN_CHUNK_SIZE + 17)
    body = botocore_body(data, algorithm)
    whole = unsigned_decoder(algorithm, len(data))
    one = whole.feed(body)
    bytewise = unsigned_decoder(algorithm, len(data))
    pieces = b"".join(bytewise.feed(body[i : i + 1]) for i in range(len(body)))
    assert one == pieces == data
    assert whole.finish() == bytewise.finish()


def test_a_body_without_trailer_from_botocore_decodes() -> None:
    data = os.urandom(20_000)
    decoder = unsigned_decoder(None, len(data))
    assert decoder.feed(botocore_body(data, None)) == data
    assert decoder.finish() == {}


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(min_size=0, max_size=40_000),
    chunk_size=st.integers(min_value=MIN_CHUNK_SIZE, max_value=20_000),
    algorithm=st.sampled_from(list(ChecksumAlgorithm)),
    cuts=st.lists(st.integers(min_value=0, max_value=41_000), max_size=30),
)
def test_any_split_of_any_body_decodes_the_same(
    data: bytes, chunk_size: int, algorithm: ChecksumAlgorithm, cuts: list[int]
) -> None:
    body = botocore_body(data, algorithm, chunk_size)
    bounds = sorted({0, len(body), *(cut for cut in cuts if cut < len(body))})
    decoder = unsigned_decoder(algorithm, len(data))
    out = b"".join(decoder.feed(body[a:b]) for a, b in itertools.pairwise(bounds))
    assert out == data
    assert header_name(algorithm) in decoder.finish()


def test_data_is_handed_back_as_it_arrives_not_held_per_chunk() -> None:
    data = os.urandom(1 << 20)
    body = botocore_body(data, ChecksumAlgorithm.CRC32, chunk_size=1 << 20)
    decoder = unsigned_decoder(ChecksumAlgorithm.CRC32, len(data))
    header_end = body.index(b"\r\n") + 2
    assert decoder.feed(body[:header_end]) == b""
    assert decoder.feed(body[header_end : header_end + 1000]) == data[:1000]
    assert decoder.feed(body[header_end + 1000 :]) == data[1000:]
    decoder.finish()


# --- what S3 refuses ------------------------------------------------------------------------------


def fails(decoder: AwsChunkedDecoder, body: bytes) -> S3Error:
    with pytest.raises(S3Error) as caught:
        decoder.feed(body)
        decoder.finish()
    return caught.value


def test_a_wrong_checksum_trailer_is_bad_digest() -> None:
    data = os.urandom(100)
    body = botocore_body(data, ChecksumAlgorithm.CRC32)
    good = body.split(b"x-amz-checksum-crc32:")[1][:8]
    error = fails(unsigned_decoder(ChecksumAlgorithm.CRC32, 100), body.replace(good, b"AAAAAA=="))
    assert (error.code, error.status) == ("BadDigest", 400)
    assert error.message == "The CRC32 you specified did not match the calculated checksum."


def test_a_checksum_trailer_that_is_not_a_digest_is_invalid_request() -> None:
    body = botocore_body(b"x" * 10, ChecksumAlgorithm.SHA1)
    value = body.split(b"x-amz-checksum-sha1:")[1].split(b"\r\n")[0]
    error = fails(unsigned_decoder(ChecksumAlgorithm.SHA1, 10), body.replace(value, b"AAAA"))
    assert (error.code, error.message) == (
        "InvalidRequest",
        "Value for x-amz-checksum-sha1 trailing header is invalid.",
    )


def test_an_announced_trailer_that_never_comes_is_incomplete() -> None:
    error = fails(unsigned_decoder(ChecksumAlgorithm.CRC32, 10), b"a\r\n0123456789\r\n0\r\n\r\n")
    assert (error.code, error.message) == (
        "IncompleteBody",
        "The request body terminated unexpectedly",
    )


def test_an_unsupported_trailer_is_refused_up_front() -> None:
    with pytest.raises(S3Error) as caught:
        AwsChunkedDecoder(StreamingMode.UNSIGNED_TRAILER, 1, expected_trailer="x-amz-checksum-md9")
    assert (caught.value.code, caught.value.message) == (
        "InvalidRequest",
        "The value specified in the x-amz-trailer header is not supported",
    )


@pytest.mark.parametrize("declared", [3, 9])
def test_a_decoded_length_that_does_not_match_is_incomplete_body(declared: int) -> None:
    error = fails(unsigned_decoder(None, declared), b"5\r\nhello\r\n0\r\n\r\n")
    assert error.code == "IncompleteBody"
    assert error.message == (
        "You did not provide the number of bytes specified by the Content-Length HTTP header"
    )
    assert error.extra["NumberBytesExpected"] == str(declared)
    assert error.extra["NumberBytesProvided"] == "5"


def test_a_short_chunk_before_the_last_is_invalid_chunk_size() -> None:
    # S3's own example: chunks of 3, 2 and 0 bytes answer Chunk 2, BadChunkSize 3.
    error = fails(unsigned_decoder(None, 5), b"3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n")
    assert (error.code, error.status) == ("InvalidChunkSizeError", 403)
    assert error.message == "Only the last chunk is allowed to have a size less than 8192 bytes"
    assert error.extra == {"Chunk": "2", "BadChunkSize": "3"}


@pytest.mark.parametrize(
    "body",
    [
        b"5\r\nhel",  # ends inside the data
        b"5\r\nhello",  # ends before the data's CRLF
        b"5\r\nhello\r\n",  # no final chunk
        b"5\r\nhello\r\n0\r\nx-amz-meta:",  # ends inside a trailer line
        b"zz\r\nhello\r\n0\r\n\r\n",  # a size that is not hex
        b"+5\r\nhello\r\n0\r\n\r\n",  # int() would take it
        b"5\r\nhelloX\r\n0\r\n\r\n",  # more data than declared
        b"5\r\nhello\r\n0\r\n\r\nextra",  # bytes after the end
        b"5\r\nhello\r\n0\r\nno colon\r\n\r\n",  # a trailer line that is no header
        b"5" * 5000,  # a header line longer than any chunk header
    ],
)
def test_broken_framing_is_incomplete_body(body: bytes) -> None:
    error = fails(unsigned_decoder(None, None), body)
    assert (error.code, error.status) == ("IncompleteBody", 400)


def test_a_failed_decoder_keeps_failing() -> None:
    decoder = unsigned_decoder(None, None)
    with pytest.raises(S3Error):
        decoder.feed(b"zz\r\n")
    with pytest.raises(S3Error):
        decoder.feed(b"5\r\nhello\r\n0\r\n\r\n")
    with pytest.raises(S3Error):
        decoder.finish()


def test_modes_are_read_from_x_amz_content_sha256() -> None:
    assert streaming_mode("STREAMING-UNSIGNED-PAYLOAD-TRAILER") is StreamingMode.UNSIGNED_TRAILER
    assert streaming_mode("UNSIGNED-PAYLOAD") is None
    assert streaming_mode("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD") is None
    assert streaming_mode(None) is None
    with pytest.raises(S3Error) as caught:
        AwsChunkedDecoder("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", 1)
    assert (caught.value.code, caught.value.status) == ("NotImplemented", 501)


def test_a_checksum_header_and_a_different_trailer_are_refused() -> None:
    with pytest.raises(S3Error) as caught:
        AwsChunkedDecoder(
            StreamingMode.UNSIGNED_TRAILER,
            1,
            expected_trailer="x-amz-checksum-crc32",
            checksum=ChecksumAlgorithm.SHA256,
        )
    assert caught.value.code == "InvalidRequest"


def test_a_checksum_without_a_trailer_is_computed_for_the_caller() -> None:
    data = os.urandom(MIN_CHUNK_SIZE + 1)
    decoder = AwsChunkedDecoder(
        StreamingMode.UNSIGNED_TRAILER, len(data), checksum=ChecksumAlgorithm.CRC32C
    )
    assert decoder.feed(botocore_body(data, None)) == data
    assert decoder.finish() == {}
    expected = Checksummer(ChecksumAlgorithm.CRC32C)
    expected.update(data)
    assert decoder.checksum_value() == expected.b64digest()
