"""Object keys from a customer's bucket used as paths: local files (builds) and output keys (batch).

A bucket is the customer's, and whoever can write to it can name a key anything S3 accepts:
`p/../../x`, `p//etc/x`, `p/.`, a NUL byte, a terminal escape. S3 stores such keys literally, but
a local file system (and many S3 clients, which normalize `.` and `..` in URL paths) give the
segments meaning. Like a zip archive's member names (zip-slip), a key is used as a path only when
every segment below the listed prefix is a plain name, as the AWS CLI's recursive downloads
refuse keys that would land outside their destination.
"""

from __future__ import annotations

# C0 controls and DEL: NUL cannot be in a file name, the others reach terminals and logs.
_CONTROL = frozenset(chr(c) for c in (*range(0x20), 0x7F))


def unsafe_segments(relative: str) -> str | None:
    """Why `relative` (a key with its listed prefix removed) is no safe relative path, or None."""
    if not relative:
        return "it is empty"
    if any(c in _CONTROL for c in relative):
        return "it holds a control character"
    for segment in relative.split("/"):
        if segment == "":
            return "it has an empty segment (a leading or doubled '/')"
        if segment in (".", ".."):
            return f"it has a {segment!r} segment"
    return None
