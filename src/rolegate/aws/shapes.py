"""Facts about botocore shapes that the Query parser, validator and serializer share.

botocore's service models (`botocore/data/<service>/<version>/service-2.json`) describe every
member of every request and response; these helpers read the few properties the wire needs
(serialized names, flattening, timestamps) and turn the models' Java-flavoured `pattern`
constraints into Python regular expressions.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
import unicodedata
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger("rolegate.aws")

# botocore ships no type information; a shape is a `botocore.model.Shape` (or subclass).
Shape = Any


def lower_camel(member_name: str) -> str:
    """The member name as AWS's validation messages print it: only the first letter lowered.

    Confirmed by real messages: 'roleSessionName', 'durationSeconds', and for an acronym
    'advancedSecurityOptions.sAMLOptions.masterUserName' (SAMLOptions -> sAMLOptions).
    """
    return member_name[:1].lower() + member_name[1:]


def serialized_name(shape: Shape, default: str) -> str:
    """`locationName` of a member/list-member/map key or value, else `default`."""
    name = shape.serialization.get("name")
    return name if isinstance(name, str) and name else default


def is_flattened(shape: Shape) -> bool:
    return bool(shape.serialization.get("flattened"))


def format_timestamp(value: datetime) -> str:
    """ISO 8601 in UTC to the second, e.g. `2019-11-09T13:34:41Z`.

    Both the IAM API reference (GetRole: `<CreateDate>2012-05-08T23:34:01Z</CreateDate>`) and the
    STS API reference (AssumeRole: `<Expiration>2019-11-09T13:34:41Z</Expiration>`) show whole
    seconds, so sub-second precision is dropped. A naive datetime is taken to be UTC.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    # Not strftime: it does not zero-pad years below 1000 on every platform.
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}Z"
    )


_EPOCH = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def parse_timestamp(text: str) -> datetime:
    """A request timestamp: ISO 8601 (what botocore sends for the Query protocol) or epoch seconds.

    Raises ValueError for anything else. The result is always timezone-aware UTC.
    """
    if _EPOCH.fullmatch(text):
        return datetime.fromtimestamp(float(text), UTC)
    value = datetime.fromisoformat(text)  # Python 3.11 accepts the trailing 'Z'
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# ---------------------------------------------------------------------------------------------
# Java regular expressions -> Python
#
# The models' patterns are Java `java.util.regex` syntax, and AWS matches the whole value
# (`Matcher.matches()`), so they are compiled for `fullmatch`. The differences that matter for the
# IAM and STS models:
# - `\p{L}`, `\p{Z}`, `\p{N}` (Unicode general categories, used by tag keys and values) do not
#   exist in Python's `re`; they are expanded into explicit code point ranges.
# - Java's `\w` and `\d` are ASCII-only by default, Python's are Unicode: compiled with re.ASCII.
# - `\uXXXX` takes exactly four hex digits in both, so the STS ARN pattern's `\u10000-\u10FFFF`
#   means the same (odd) thing in both engines: `\u1000`, `0-\u10FF`, `F`, `F`.
# ---------------------------------------------------------------------------------------------

_PROPERTY = re.compile(r"\\([pP])\{(?:Is)?([A-Za-z]{1,2})\}")


@functools.cache
def _category_runs() -> tuple[tuple[str, int, int], ...]:
    """(category, first, last) for every run of code points sharing a general category.

    One pass over all of Unicode (~0.4 s), done once per process on the first pattern that needs
    it.
    """
    runs: list[tuple[str, int, int]] = []
    category = unicodedata.category
    current = category("\0")
    start = 0
    for point in range(1, sys.maxunicode + 1):
        this = category(chr(point))
        if this != current:
            runs.append((current, start, point - 1))
            current, start = this, point
    runs.append((current, start, sys.maxunicode))
    return tuple(runs)


@functools.cache
def _category_class(name: str) -> str:
    """The body of a character class matching general category `name` (`L`, `Lu`, `Zs`...)."""
    if name[0] not in "LMNPSZC" or (len(name) == 2 and not name[1].islower()):
        raise ValueError(f"unsupported Unicode property \\p{{{name}}}")
    ranges: list[tuple[int, int]] = []
    for category, first, last in _category_runs():
        if category.startswith(name):
            if ranges and ranges[-1][1] + 1 == first:
                ranges[-1] = (ranges[-1][0], last)
            else:
                ranges.append((first, last))
    if not ranges:
        raise ValueError(f"unsupported Unicode property \\p{{{name}}}")
    return "".join(
        f"\\U{first:08x}" if first == last else f"\\U{first:08x}-\\U{last:08x}"
        for first, last in ranges
    )


def _translate(pattern: str) -> str:
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            found = _PROPERTY.match(pattern, index)
            if found is None:
                out.append(pattern[index : index + 2])
                index += 2
                continue
            negated = found.group(1) == "P"
            body = _category_class(found.group(2))
            if in_class and negated:
                raise ValueError("\\P{..} inside a character class is not supported")
            out.append(body if in_class else f"[{'^' if negated else ''}{body}]")
            index = found.end()
            continue
        if char == "[":
            if in_class:
                # Java reads a nested class as a union; Python would read a literal '['.
                raise ValueError("nested character classes are not supported")
            in_class = True
            out.append(char)
            # A ']' or '^]' right after '[' is a literal in both engines.
            for literal in ("^]", "]", "^"):
                if pattern.startswith(literal, index + 1):
                    out.append(literal)
                    index += len(literal)
                    break
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        else:
            out.append(char)
        index += 1
    return "".join(out)


@functools.cache
def compile_pattern(pattern: str) -> re.Pattern[str] | None:
    """The model's `pattern` as a Python regex for `fullmatch`, or None if it cannot be translated.

    A pattern that cannot be translated is logged and skipped rather than failing every request;
    tests compile every pattern of the IAM and STS models so this does not happen silently there.
    """
    try:
        return re.compile(_translate(pattern), re.ASCII)
    except (ValueError, re.error):
        log.warning("cannot translate model pattern %r; not enforcing it", pattern, exc_info=True)
        return None
