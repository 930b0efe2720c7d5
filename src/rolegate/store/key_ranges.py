"""Key ranges in S3 order (UTF-8 bytes, which is code point order) for prefix and delimiter listing.

Why code points are enough: UTF-8 was designed so that comparing encoded bytes orders strings as
comparing their code points does, so Python's `str` order, SQLite's BINARY collation on a UTF-8
database and S3's order all agree.
"""

from __future__ import annotations

_MAX = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)  # not encodable in UTF-8: never part of a key


def prefix_end(prefix: str) -> str | None:
    """The least string greater than every string starting with `prefix`.

    None when there is none: the prefix is empty or all U+10FFFF, so nothing sorts after its
    range. Every key starting with `prefix` is >= prefix and < prefix_end(prefix), and no other.
    """
    end = len(prefix)
    while end:
        code = ord(prefix[end - 1])
        if code < _MAX:
            code += 1
            if code in _SURROGATES:
                code = _SURROGATES.stop
            return prefix[: end - 1] + chr(code)
        end -= 1
    return None


def common_prefix(key: str, prefix: str, delimiter: str) -> str | None:
    """What `key` rolls up to in a listing: its part up to the first `delimiter` after `prefix`.

    None when the key is listed as itself (no delimiter, or none after the prefix). The keys
    rolling up to one common prefix are exactly those starting with it, a contiguous range.
    """
    if not delimiter:
        return None
    found = key.find(delimiter, len(prefix))
    return None if found < 0 else key[: found + len(delimiter)]
