"""`Range` and the conditional request headers of GetObject/HeadObject.

API_GetObject.html: one byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`); a range that starts past
the end is `InvalidRange` (416); a malformed or multi-range header is ignored and the whole object
returned (as S3 does). Conditionals follow RFC 7232 as S3 applies them: If-Match (412) before
If-Unmodified-Since, If-None-Match (304) before If-Modified-Since.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.numbers import ascii_decimal, saturating_decimal

# [0-9], not \d: a str pattern's \d matches any Unicode digit (full-width digits, say).
_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)")


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The range asked for, None for the whole object; AwsError InvalidRange if unsatisfiable."""
    if not header:
        return None
    found = _RANGE.fullmatch(header.strip())
    if found is None:
        return None
    first, last = found.groups()
    if not first and not last:
        return None
    # Numbers past any object size mean "past the end": saturated, never int() of 10,000 digits.
    ceiling = size + 1
    if not first:
        suffix = saturating_decimal(last, ceiling) or 0
        if suffix == 0:
            raise invalid_range(size)
        return ByteRange(max(0, size - suffix), size - 1) if size else None
    start = saturating_decimal(first, ceiling) or 0
    if last:
        end = saturating_decimal(last, ceiling) or 0
        # Compared before saturating, which would make two different huge numbers equal.
        if _magnitude(last) < _magnitude(first):
            return None  # not a valid byte-range-spec (RFC 9110 14.1.1): ignored
    else:
        end = size - 1
    # Checked after the spec is known valid: `bytes=20-` on 10 bytes is 416, not the whole object.
    if start >= size:
        raise invalid_range(size)
    return ByteRange(start, min(end, size - 1))


def _magnitude(digits: str) -> tuple[int, str]:
    """A key that orders ASCII decimals of any length by value."""
    significant = digits.lstrip("0")
    return len(significant), significant


def invalid_range(size: int) -> AwsError:
    return AwsError("InvalidRange", "The requested range is not satisfiable", 416)


class Precondition(Exception):
    """The response is 304 Not Modified (`not_modified`) or 412 Precondition Failed; `header`
    names the condition that decided it (If-Match, If-None-Match, If-Modified-Since or
    If-Unmodified-Since)."""

    def __init__(self, not_modified: bool, header: str) -> None:
        super().__init__("not modified" if not_modified else "precondition failed")
        self.not_modified = not_modified
        self.header = header


def etag_matches(wanted: str, etag: str) -> bool:
    """An If-Match style list (`"a", "b"`, quotes optional) against a stored ETag; `*` is any."""
    bare = etag.strip('"')
    return any(item == "*" or item.strip('"') == bare for item in etag_items(wanted))


def etag_items(header: str) -> list[str]:
    return [item.strip() for item in header.split(",") if item.strip()]


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError, IndexError):
        # An unreadable date is ignored, as S3 does; a year or offset of 20 digits is one too
        # (parsedate_to_datetime raises OverflowError for it: a 500 before).
        return None


def check_conditions(
    etag: str,
    last_modified: datetime,
    if_match: str | None,
    if_none_match: str | None,
    if_modified_since: str | None,
    if_unmodified_since: str | None,
) -> None:
    """Raise Precondition when the conditional headers say not to send the object."""
    if (
        if_match is None
        and if_none_match is None
        and if_modified_since is None
        and if_unmodified_since is None
    ):
        return  # the usual GET: nothing to check
    modified = last_modified.replace(microsecond=0)
    if if_match is not None:
        if not etag_matches(if_match, etag):
            raise Precondition(not_modified=False, header="If-Match")
    else:
        since = _date(if_unmodified_since)
        if since is not None and modified > since:
            raise Precondition(not_modified=False, header="If-Unmodified-Since")
    if if_none_match is not None:
        if etag_matches(if_none_match, etag):
            raise Precondition(not_modified=True, header="If-None-Match")
    else:
        since = _date(if_modified_since)
        if since is not None and modified <= since:
            raise Precondition(not_modified=True, header="If-Modified-Since")


PRECONDITION_FAILED = AwsError(
    "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412
)


# --- partNumber ------------------------------------------------------------------------------------

MAX_PART_NUMBER = 10_000


def part_number(raw: str | None) -> int:
    """A `partNumber` (UploadPart, GetObject, HeadObject): ASCII digits from 1 to 10,000 only
    (`partNumber=%EF%BC%91`, a full-width 1, is no part number)."""
    number = ascii_decimal(raw, MAX_PART_NUMBER)
    if number is None or number < 1:
        raise AwsError(
            "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", 400
        )
    return number


def part_range(
    raw: str | None, range_header: str | None, size: int, part_sizes: tuple[int, ...]
) -> ByteRange | None:
    """The bytes GetObject/HeadObject `partNumber=N` names (API_GetObject.html: "Effectively
    performs a 'ranged' GET request for the part specified"); None when not given.

    Ignoring it answered every part request with the whole object, so a client downloading a
    multipart object part by part (as SDK transfer managers do) stored it N times over. An object
    not made by CompleteMultipartUpload is one part. Out of range: 416 InvalidPartNumber
    [unconfirmed text]; with a Range header too: 400 InvalidRequest [unconfirmed text].
    """
    if raw is None:
        return None
    number = part_number(raw)
    if range_header:
        raise AwsError(
            "InvalidRequest", "Cannot specify both Range header and partNumber query parameter", 400
        )
    sizes = part_sizes or (size,)
    if number > len(sizes):
        raise AwsError("InvalidPartNumber", "The requested partnumber is not satisfiable", 416)
    start = sum(sizes[: number - 1])
    length = sizes[number - 1]
    if length == 0:
        return None  # an empty object's one part: the whole (empty) object
    return ByteRange(start, start + length - 1)
