"""The numbers clients write into S3 requests, read as S3 reads them: ASCII decimal digits only.

Python's `int()` and `str.isdigit()` take any Unicode digit (`int` of a full-width 1 is 1; a
superscript 2 passes `isdigit`, then `int()` raises), `_` separators, signs and spaces, and `int()`
refuses strings past 4,300 digits with a ValueError: none of that may decide which part, page or
byte a request names, or turn into a 500. Every number a client sends (query parameters, headers,
Range) goes through here, bounded.
"""

from __future__ import annotations

__all__ = ["INT32_MAX", "ascii_decimal", "saturating_decimal"]

INT32_MAX = 2**31 - 1  # the xsd:int S3's model gives max-keys, max-parts, part-number-marker, ...
_MAX_DIGITS = 19  # every bound used here is below 10**19: more significant digits exceed it


def _digits(text: str) -> str | None:
    """`text` without leading zeros if it is one or more ASCII digits, else None."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    return text.lstrip("0") or "0"


def ascii_decimal(text: str | None, maximum: int) -> int | None:
    """The value of `text` when it is a plain decimal (ASCII digits, nothing else) of at most
    `maximum`; None for anything else: absent, empty, signed, spaced, non-ASCII, or too large."""
    if text is None:
        return None
    digits = _digits(text)
    if digits is None or len(digits) > _MAX_DIGITS:
        return None
    value = int(digits)
    return value if value <= maximum else None


def saturating_decimal(text: str, ceiling: int) -> int | None:
    """The value of the ASCII decimal `text`, or `ceiling` if it is larger (a Range end past any
    object means "to the end"); None if `text` is not ASCII digits."""
    digits = _digits(text)
    if digits is None:
        return None
    if len(digits) > _MAX_DIGITS:
        return ceiling
    return min(int(digits), ceiling)
