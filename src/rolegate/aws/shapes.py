"""Facts about botocore shapes that the Query parser, validator and serializer share.

botocore's service models (`botocore/data/<service>/<version>/service-2.json`) describe every
member of every request and response; these helpers read the few properties the wire needs
(serialized names, flattening, how scalars are written), turn the models' Java-flavoured `pattern`
constraints into Python regular expressions, and keep all of that per shape in `Facts`, read
once per process.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import math
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
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
    zone = value.tzinfo
    # Every response carries a timestamp or two; converting a value that is already UTC (or
    # naive, read as UTC) is a no-op that costs as much as the formatting, so it is skipped.
    if zone is not None and zone is not UTC:
        value = value.astimezone(UTC)
    # Not strftime: it does not zero-pad years below 1000 on every platform.
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (  # noqa: UP031 - faster than an f-string here
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
    )


_EPOCH = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_MAX_SIGNIFICANT_DIGITS = 20  # a Java long has 19
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Java int / long, which is what AWS deserializes `integer` / `long` members into.
_BOUNDS = {"integer": 2**31, "long": 2**63}


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


class UnreadableText(Exception):
    """Request text that is not a value of its member's type; `expected` says what would be."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


TextReader = Callable[[str], object]  # non-empty request text -> value; raises UnreadableText


def text_reader(kind: str) -> TextReader | None:
    """How a request's text is read as a scalar of botocore type `kind`; None for a string."""
    if kind in ("string", "character"):
        return None
    if kind in _BOUNDS:
        return functools.partial(_integer, _BOUNDS[kind])
    return _TEXT_READERS.get(kind, _as_text)


def _integer(bound: int, text: str) -> int:
    # int() raises ValueError past 4,300 digits (a 500): more than 20 significant digits are
    # past every bound anyway, so they are not converted.
    if ((text.isascii() and text.isdigit()) or _INTEGER.fullmatch(text)) and len(
        text.lstrip("+-").lstrip("0")
    ) <= _MAX_SIGNIFICANT_DIGITS:
        number = int(text)
        if -bound <= number < bound:
            return number
    raise UnreadableText("an integer")


def _boolean(text: str) -> bool:
    # Lenient on case; anything but true/false is refused.
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise UnreadableText("a boolean (true or false)")


def _float(text: str) -> float:
    if _FLOAT.fullmatch(text) and math.isfinite(float(text)):
        return float(text)
    raise UnreadableText("a number")


def _timestamp(text: str) -> datetime:
    try:
        return parse_timestamp(text)
    except (ValueError, OverflowError, OSError):
        raise UnreadableText("an ISO 8601 timestamp") from None


def _blob(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise UnreadableText("base64-encoded data") from None


def _as_text(text: str) -> str:
    return text  # a type the Query protocol has no reading for is kept as text


_TEXT_READERS: dict[str, TextReader] = {
    "boolean": _boolean,
    "float": _float,
    "double": _float,
    "timestamp": _timestamp,
    "blob": _blob,
}


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


# ---------------------------------------------------------------------------------------------
# Shapes read once
#
# botocore's Shape answers `type_name`, `serialization`, `metadata`, `members`... through cached
# properties and freshly merged dicts; walking them on every request was most of the protocol's
# per-request cost. `Facts` holds what the wire needs of one shape in plain slots, read once per
# process, so the request parser, the validator and the response writer read attributes only.
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class Member:
    """One member of a structure: its name in the params and its shape."""

    name: str
    facts: Facts


@dataclass(slots=True, eq=False)
class Facts:
    """One botocore shape (with the traits of the reference it was reached by), read once."""

    name: str
    kind: str  # botocore's type_name: structure, list, map, string, integer, ...
    location_name: str | None  # serialized name of a member, list member or map key/value
    flattened: bool
    low: float | None  # the model's `min` (a length, or a number's least value)
    high: float | None  # the model's `max`
    # The model's `pattern` compiled for fullmatch; None if it has none or it cannot be translated.
    regex: re.Pattern[str] | None
    enum: frozenset[str] | None
    members: tuple[Member, ...] = ()
    by_name: dict[str, Member] = field(default_factory=dict)
    # Required members that the structure has, in the model's order.
    required: tuple[str, ...] = ()
    member: Facts | None = None  # a list's element
    key: Facts | None = None  # a map's key
    value: Facts | None = None  # a map's value


FactsMemo = dict[tuple[str, str], Facts]


def shape_facts(shape: Shape, memo: FactsMemo) -> Facts:
    """The Facts of a botocore shape, shared through `memo` by every reference that reads alike.

    A member reference can add traits (`locationName`, `flattened`, ...) to the shape it names,
    so the memo is keyed by the name and the merged traits, not the name alone. The entry is
    stored before the shape's children are read, so a recursive shape refers back to itself.
    """
    serialization, metadata = shape.serialization, shape.metadata
    key = (str(shape.name), repr((sorted(serialization.items()), sorted(metadata.items()))))
    found = memo.get(key)
    if found is not None:
        return found
    pattern = metadata.get("pattern")
    enum = metadata.get("enum")
    facts = Facts(
        name=str(shape.name),
        kind=str(shape.type_name),
        location_name=serialized_name(shape, "") or None,
        flattened=is_flattened(shape),
        low=metadata.get("min"),
        high=metadata.get("max"),
        regex=None if pattern is None else compile_pattern(pattern),
        enum=frozenset(enum) if enum else None,
    )
    memo[key] = facts
    if facts.kind == "structure":
        facts.members = tuple(
            Member(str(name), shape_facts(member, memo)) for name, member in shape.members.items()
        )
        facts.by_name = {member.name: member for member in facts.members}
        required = set(shape.required_members)
        facts.required = tuple(member.name for member in facts.members if member.name in required)
    elif facts.kind == "list":
        facts.member = shape_facts(shape.member, memo)
    elif facts.kind == "map":
        facts.key = shape_facts(shape.key, memo)
        facts.value = shape_facts(shape.value, memo)
    return facts
