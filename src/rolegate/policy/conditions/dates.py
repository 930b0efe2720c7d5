"""Date condition operators: DateEquals, DateLessThan, ... and DateNotEquals.

UG/reference_policies_elements_condition_operators.html#Conditions_Date: values are "one of the W3C
implementations of the ISO 8601 date formats" (https://www.w3.org/TR/NOTE-datetime) "or in epoch
(UNIX) time"; wildcards and policy variables are not allowed. Both sides are read as instants and
compared as such, so `2020-06-30T23:59:59+02:00` is before `2020-06-30T22:30:00Z`.

Forms read: `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.fraction]]` with `Z` or `+hh:mm`/`-hh:mm`
(a time without a zone is read as UTC), and integer epoch seconds. A string of digits alone is epoch
seconds, never the W3C year-only form `YYYY`: the two cannot be told apart and the epoch reading is
the one AWS documents for `aws:EpochTime`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache

from rolegate.policy.errors import Problem
from rolegate.policy.kinds import PolicyVersion

from .numeric import ordered_test, typed_value_problem
from .operators import OperatorSpec
from .values import CompiledValues, PolicyValue

_EPOCH_SECONDS = re.compile(r"-?\d+")
_W3C = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})"
    r"(?:-(?P<day>\d{2})"
    r"(?:[Tt](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?"
    r"(?P<zone>[Zz]|[+-]\d{2}:\d{2})?)?)?"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


def _zone(text: str | None) -> timezone | None:
    if text is None or text in ("Z", "z"):
        return UTC
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 23 or minutes > 59:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if text[0] == "-" else offset)


def _w3c_instant(found: re.Match[str]) -> Decimal | None:
    zone = _zone(found["zone"])
    if zone is None:
        return None
    try:
        moment = datetime(
            int(found["year"]),
            int(found["month"]),
            int(found["day"] or 1),
            int(found["hour"] or 0),
            int(found["minute"] or 0),
            int(found["second"] or 0),
            tzinfo=zone,
        )
    except ValueError:  # month 13, February 30, hour 24, year 0000, ...
        return None
    seconds = Decimal((moment - _EPOCH) // _SECOND)
    fraction = found["fraction"]
    return seconds + Decimal(f"0.{fraction}") if fraction else seconds


@lru_cache(maxsize=4096)
def parse_instant(text: str) -> Decimal | None:
    """The instant `text` names, as epoch seconds; None when it is not a date AWS reads."""
    if _EPOCH_SECONDS.fullmatch(text) is not None:
        return Decimal(text)
    found = _W3C.fullmatch(text)
    return _w3c_instant(found) if found is not None else None


def compile_date(
    spec: OperatorSpec,
    values: tuple[PolicyValue, ...],
    version: PolicyVersion,
    problems: list[Problem],
) -> CompiledValues | None:
    instants: list[Decimal] = []
    for value in values:
        instant = parse_instant(value.text)
        if instant is None:
            expected = "a W3C ISO 8601 date or epoch seconds"
            problems.append(typed_value_problem(spec, value, expected))
            return None
        instants.append(instant)
    return CompiledValues(ordered_test(tuple(instants), spec.comparison, parse_instant))
