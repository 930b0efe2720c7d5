"""S3's two ways of writing a moment.

In XML bodies, ISO 8601 with milliseconds: `2026-11-28T09:00:00.000Z` (`LastModified` in
https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html). In headers such as
Last-Modified, the HTTP date of RFC 9110 section 5.6.7: `Sat, 28 Nov 2026 09:00:00 GMT`
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). Day and month names are
spelled here, not by `strftime`, whose `%a` and `%b` follow the process locale.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

__all__ = ["http_date", "iso_timestamp"]

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _utc(moment: datetime) -> datetime:
    """A naive datetime is taken to be UTC already (what `datetime.utcnow()` gave)."""
    if moment.tzinfo is None or moment.utcoffset() == UTC.utcoffset(None):
        return moment
    return moment.astimezone(UTC)


def iso_timestamp(moment: datetime) -> str:
    """`2026-11-28T09:00:00.000Z`: milliseconds truncated, as S3 stores them."""
    m = _utc(moment)
    return (
        f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}."
        f"{m.microsecond // 1000:03d}Z"
    )


# Every GET sends its object's Last-Modified: hot objects' dates are formatted once.
@lru_cache(maxsize=4096)
def http_date(moment: datetime) -> str:
    """`Sat, 28 Nov 2026 09:00:00 GMT`: whole seconds, the fraction dropped."""
    m = _utc(moment)
    return (
        f"{_DAYS[m.weekday()]}, {m.day:02d} {_MONTHS[m.month - 1]} {m.year:04d} "
        f"{m.hour:02d}:{m.minute:02d}:{m.second:02d} GMT"
    )
