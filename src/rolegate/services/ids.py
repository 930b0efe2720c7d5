"""Identifiers shaped as AWS forms them (UG/reference_identifiers.html#identifiers-prefixes).

Unique IDs are 21 characters: a 4-letter prefix and 17 characters of base32; access key ids are
20; secret keys are 40 characters of base64. All drawn from `secrets`, never predictable.
"""

from __future__ import annotations

import base64
import secrets
from enum import StrEnum


class IdPrefix(StrEnum):
    USER = "AIDA"
    ROLE = "AROA"
    MANAGED_POLICY = "ANPA"
    ACCESS_KEY = "AKIA"
    SESSION_ACCESS_KEY = "ASIA"


_BASE32 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# Each random byte maps to one character by its value mod 32: 256 is a multiple of 32, so every
# character stays equally likely. One `token_bytes` and one `translate` per id, instead of a
# `choice` per character (~60x cheaper; ids are made on AssumeRole's hot path).
_BYTE_TO_BASE32 = bytes(_BASE32[value % 32] for value in range(256))


def _random_base32(length: int) -> str:
    return secrets.token_bytes(length).translate(_BYTE_TO_BASE32).decode("ascii")


def unique_id(prefix: IdPrefix) -> str:
    return prefix.value + _random_base32(17)


def access_key_id(prefix: IdPrefix = IdPrefix.ACCESS_KEY) -> str:
    return prefix.value + _random_base32(16)


def secret_access_key() -> str:
    return base64.b64encode(secrets.token_bytes(30)).decode("ascii")


def account_id() -> str:
    # Never a leading zero: some tools treat account ids as numbers.
    return str(secrets.randbelow(9 * 10**11) + 10**11)


def request_id() -> str:
    """A request id in AWS's UUID form."""
    raw = secrets.token_hex(16)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
