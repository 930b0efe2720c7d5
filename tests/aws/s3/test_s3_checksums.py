"""S3 checksums agree with botocore's own implementations, whatever the pieces they are fed in."""

from __future__ import annotations

import base64
import itertools
import os

import pytest
from botocore import httpchecksum
from hypothesis import given
from hypothesis import strategies as st

from rolegate.aws.s3.checksums import (
    ChecksumAlgorithm,
    Checksummer,
    ChecksumValue,
    algorithm_of_header,
    digest_size,
    header_name,
    is_valid_value,
)

# botocore's checksum class for each algorithm (the CRT ones need awscrt, a rolegate dependency).
BOTOCORE = {
    ChecksumAlgorithm.CRC32: httpchecksum.CrtCrc32Checksum,
    ChecksumAlgorithm.CRC32C: httpchecksum.CrtCrc32cChecksum,
    ChecksumAlgorithm.CRC64NVME: httpchecksum.CrtCrc64NvmeChecksum,
    ChecksumAlgorithm.SHA1: httpchecksum.Sha1Checksum,
    ChecksumAlgorithm.SHA256: httpchecksum.Sha256Checksum,
}


def botocore_b64(algorithm: ChecksumAlgorithm, data: bytes) -> str:
    checksum = BOTOCORE[algorithm]()
    checksum.update(data)
    digest: str = checksum.b64digest()
    return digest


@pytest.mark.parametrize("algorithm", list(ChecksumAlgorithm))
@pytest.mark.parametrize("size", [0, 1, 7, 4096, 1_000_003])
def test_digest_matches_botocore_on_random_data(algorithm: ChecksumAlgorithm, size: int) -> None:
    data = os.urandom(size)
    ours = Checksummer(algorithm)
    ours.update(data)
    assert ours.b64digest() == botocore_b64(algorithm, data)
    assert len(ours.digest()) == digest_size(algorithm)


def test_crc32_is_zlibs_and_botocores_pure_python_one() -> None:
    data = os.urandom(10_000)
    ours = Checksummer(ChecksumAlgorithm.CRC32)
    ours.update(data)
    pure = httpchecksum.Crc32Checksum()
    pure.update(data)
    assert ours.b64digest() == pure.b64digest()


@given(
    algorithm=st.sampled_from(list(ChecksumAlgorithm)),
    data=st.binary(max_size=3000),
    cuts=st.lists(st.integers(min_value=0, max_value=3000), max_size=8),
)
def test_pieces_give_the_same_digest_as_the_whole(
    algorithm: ChecksumAlgorithm, data: bytes, cuts: list[int]
) -> None:
    ours = Checksummer(algorithm)
    bounds = sorted({0, len(data), *(cut for cut in cuts if cut <= len(data))})
    for start, end in itertools.pairwise(bounds):
        ours.update(memoryview(data)[start:end])  # the decoder feeds memoryview slices
    assert ours.b64digest() == botocore_b64(algorithm, data)


def test_known_vectors() -> None:
    # The catalogued check value of each CRC: its digest of b"123456789".
    expected = {
        ChecksumAlgorithm.CRC32: "cbf43926",
        ChecksumAlgorithm.CRC32C: "e3069283",
        ChecksumAlgorithm.CRC64NVME: "ae8b14860a799888",
    }
    for algorithm, hex_digest in expected.items():
        ours = Checksummer(algorithm)
        ours.update(b"123456789")
        assert ours.digest().hex() == hex_digest


def test_header_names() -> None:
    assert [header_name(algorithm) for algorithm in ChecksumAlgorithm] == [
        "x-amz-checksum-crc32",
        "x-amz-checksum-crc32c",
        "x-amz-checksum-crc64nvme",
        "x-amz-checksum-sha1",
        "x-amz-checksum-sha256",
    ]
    assert algorithm_of_header("X-Amz-Checksum-CRC64NVME") is ChecksumAlgorithm.CRC64NVME
    assert algorithm_of_header("x-amz-checksum-md5") is None
    assert algorithm_of_header("content-md5") is None
    assert ChecksumValue(ChecksumAlgorithm.SHA256, "x").element_name == "ChecksumSHA256"


def test_valid_values_are_base64_of_the_right_size() -> None:
    four = base64.b64encode(b"\x00\x01\x02\x03").decode()
    assert is_valid_value(ChecksumAlgorithm.CRC32, four)
    assert not is_valid_value(ChecksumAlgorithm.CRC64NVME, four)
    assert not is_valid_value(ChecksumAlgorithm.CRC32, "AAAA")  # three bytes
    assert not is_valid_value(ChecksumAlgorithm.CRC32, "not base64!")
    assert not is_valid_value(ChecksumAlgorithm.CRC32, "")
