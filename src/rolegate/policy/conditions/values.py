"""Condition values as written in a policy, narrowed from decoded JSON to text.

UG/reference_policies_grammar.html: a condition key maps to one value or a list of values
("Arrays can take one or more values"), and "Quotation marks are optional for numeric and Boolean
values", so `"aws:SecureTransport": false` and `"s3:max-keys": 10` are values too. Each operator
family then reads the text the way it needs (a number, a date, a CIDR block, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rolegate.policy.context import RequestContext
from rolegate.policy.errors import Problem
from rolegate.policy.json_source import SYNTAX_ERROR, pointer_child

# A compiled test of one request value against all the policy values of one condition key: true
# when the request value matches at least one of them. Negation and set qualifiers are applied
# around it (see keys.py), so every family only has to say what "matches" means.
ValueTest = Callable[[str, RequestContext], bool]


@dataclass(frozen=True, slots=True)
class PolicyValue:
    """One condition value as text, with the JSON pointer of where it was written."""

    text: str
    pointer: str


@dataclass(frozen=True, slots=True)
class CompiledValues:
    """A family's compiled form of the values of one condition key."""

    test: ValueTest
    variable_names: tuple[str, ...] = ()  # context keys read by `${...}` in the values


def value_problem(value: PolicyValue, detail: str) -> Problem:
    """IAM reports a value it cannot read as a syntax error; `detail` says what is wrong."""
    return Problem(SYNTAX_ERROR, value.pointer, detail=detail)


def _scalar_text(raw: object) -> str | None:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):  # before int: bool is an int in Python
        return "true" if raw else "false"
    if isinstance(raw, int | float):
        try:
            return str(raw)
        except ValueError:  # an int past Python's digit limit for str(); no policy has one
            return None
    return None


def narrow_values(raw: object, pointer: str, problems: list[Problem]) -> tuple[PolicyValue, ...]:
    """The values of one condition key; appends a problem and returns () when they are invalid."""
    if isinstance(raw, list):
        if not raw:
            detail = "a condition key needs at least one value; an empty list is not allowed"
            problems.append(Problem(SYNTAX_ERROR, pointer, detail=detail))
            return ()
        values: list[PolicyValue] = []
        for index, item in enumerate(raw):
            where = pointer_child(pointer, index)
            text = _scalar_text(item)
            if text is None:
                detail = "a condition value must be a string, a number or a Boolean"
                problems.append(Problem(SYNTAX_ERROR, where, detail=detail))
                return ()
            values.append(PolicyValue(text, where))
        return tuple(values)
    text = _scalar_text(raw)
    if text is None:
        detail = "a condition key takes a string, a number, a Boolean or a list of them"
        problems.append(Problem(SYNTAX_ERROR, pointer, detail=detail))
        return ()
    return (PolicyValue(text, pointer),)
