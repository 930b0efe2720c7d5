"""S3's additional checksums: CRC32, CRC32C, CRC64NVME, SHA1, SHA256, as x-amz-checksum-* carry them.

A header value is the base64 of the big-endian digest
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html). CRC32 is
zlib's; CRC32C and CRC64NVME come from `awscrt`, the AWS Common Runtime that botocore itself uses
for them (C with hardware CRC instructions, so gigabytes per second); the SHAs are hashlib's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

# awscrt ships no type information: the two functions used are given their types here.
from awscrt import checksums as _crt  # type: ignore[import-untyped]  # no py.typed in awscrt

if TYPE_CHECKING:
    from hashlib import _Hash

__all__ = [
    "ChecksumAlgorithm",
    "ChecksumValue",
    "Checksummer",
    "algorithm_of_header",
    "digest_size",
    "header_name",
    "is_valid_value",
]

_Buffer = bytes | bytearray | memoryview
_CrcFunction = Callable[[_Buffer, int], int]


class ChecksumAlgorithm(StrEnum):
    CRC32 = "CRC32"
    CRC32C = "CRC32C"
    CRC64NVME = "CRC64NVME"
    SHA1 = "SHA1"
    SHA256 = "SHA256"


@dataclass(frozen=True, slots=True)
class ChecksumValue:
    """A checksum as S3 carries it: `ChecksumCRC32` in XML, `x-amz-checksum-crc32` in headers."""

    algorithm: ChecksumAlgorithm
    value: str  # base64 of the big-endian digest

    @property
    def element_name(self) -> str:
        return "Checksum" + self.algorithm.value


_crc32c: _CrcFunction = _crt.crc32c
_crc64nvme: _CrcFunction = _crt.crc64nvme
_CRCS: dict[ChecksumAlgorithm, tuple[_CrcFunction, int]] = {
    ChecksumAlgorithm.CRC32: (zlib.crc32, 4),
    ChecksumAlgorithm.CRC32C: (_crc32c, 4),
    ChecksumAlgorithm.CRC64NVME: (_crc64nvme, 8),
}
_HASHES = {ChecksumAlgorithm.SHA1: "sha1", ChecksumAlgorithm.SHA256: "sha256"}
_SIZES = {
    ChecksumAlgorithm.CRC32: 4,
    ChecksumAlgorithm.CRC32C: 4,
    ChecksumAlgorithm.CRC64NVME: 8,
    ChecksumAlgorithm.SHA1: 20,
    ChecksumAlgorithm.SHA256: 32,
}
_HEADER_PREFIX = "x-amz-checksum-"
_BY_HEADER = {_HEADER_PREFIX + algorithm.lower(): algorithm for algorithm in ChecksumAlgorithm}


def header_name(algorithm: ChecksumAlgorithm) -> str:
    """`x-amz-checksum-crc32` and so on: the header (or trailer) that carries the checksum."""
    return _HEADER_PREFIX + algorithm.lower()


def algorithm_of_header(name: str) -> ChecksumAlgorithm | None:
    """The algorithm a header name such as `X-Amz-Checksum-CRC32C` stands for, else None."""
    return _BY_HEADER.get(name.strip().lower())


def digest_size(algorithm: ChecksumAlgorithm) -> int:
    return _SIZES[algorithm]


def is_valid_value(algorithm: ChecksumAlgorithm, value: str) -> bool:
    """Whether `value` is strict base64 of a digest of the algorithm's size."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) == _SIZES[algorithm]


class Checksummer:
    """A running checksum: `update` with the payload in any pieces, then `b64digest`."""

    __slots__ = ("_crc", "_hash", "_update_crc", "_width", "algorithm")

    def __init__(self, algorithm: ChecksumAlgorithm) -> None:
        self.algorithm = algorithm
        self._crc = 0
        self._hash: _Hash | None = None
        self._update_crc: _CrcFunction = zlib.crc32  # a SHA never calls it: no Optional to test
        self._width = 0
        crc = _CRCS.get(algorithm)
        if crc is None:
            self._hash = hashlib.new(_HASHES[algorithm])
        else:
            self._update_crc, self._width = crc

    def __repr__(self) -> str:
        return f"Checksummer({self.algorithm.value})"

    def update(self, data: _Buffer) -> None:
        if self._hash is not None:
            self._hash.update(data)
        else:
            self._crc = self._update_crc(data, self._crc)

    def digest(self) -> bytes:
        if self._hash is not None:
            return self._hash.digest()
        return self._crc.to_bytes(self._width, "big")

    def b64digest(self) -> str:
        return base64.b64encode(self.digest()).decode("ascii")
