"""Numeric condition operators: NumericEquals, NumericLessThan, ... and NumericNotEquals.

UG/reference_policies_elements_condition_operators.html#Conditions_Numeric: they compare "a key to
an integer or decimal value", and policy variables cannot be used with them. Numbers are compared
exactly as decimals (no float rounding). A policy value that is not a number is a validation
problem; a request value that is not a number matches no policy value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rolegate.policy.context import RequestContext
from rolegate.policy.errors import Problem
from rolegate.policy.kinds import PolicyVersion

from .operators import Comparison, OperatorSpec
from .values import CompiledValues, PolicyValue, ValueTest, value_problem

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_VARIABLE_DETAIL = "Policy variables can only be used with String and ARN operators."


@lru_cache(maxsize=4096)
def parse_number(text: str) -> Decimal | None:
    """An integer or decimal (an exponent is read too); None for anything else."""
    if _NUMBER.fullmatch(text) is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # the pattern admits only what Decimal reads; kept for safety
        return None


def ordered_test(
    points: tuple[Decimal, ...],
    comparison: Comparison,
    parse: Callable[[str], Decimal | None],
) -> ValueTest:
    """A request value against policy values on a line (numbers, or instants as epoch seconds).

    The policy values of one key are ORed, so "less than any of them" is "less than the largest":
    each comparison reduces to one bound computed here, once.
    """
    if comparison is Comparison.EQUALS:
        members = frozenset(points)

        def equals(value: str, context: RequestContext) -> bool:
            return parse(value) in members

        return equals
    if comparison in (Comparison.LESS_THAN, Comparison.LESS_THAN_EQUALS):
        upper = max(points)
        inclusive = comparison is Comparison.LESS_THAN_EQUALS

        def below(value: str, context: RequestContext) -> bool:
            number = parse(value)
            if number is None:
                return False
            return number <= upper if inclusive else number < upper

        return below
    lower = min(points)
    inclusive = comparison is Comparison.GREATER_THAN_EQUALS

    def above(value: str, context: RequestContext) -> bool:
        number = parse(value)
        if number is None:
            return False
        return number >= lower if inclusive else number > lower

    return above


def typed_value_problem(spec: OperatorSpec, value: PolicyValue, expected: str) -> Problem:
    """The problem for a value an operator cannot read, naming a variable if that is the cause."""
    if "${" in value.text:
        return value_problem(value, _VARIABLE_DETAIL)
    return value_problem(value, f"{spec.operator} needs {expected}, got {value.text!r}")


def compile_numeric(
    spec: OperatorSpec,
    values: tuple[PolicyValue, ...],
    version: PolicyVersion,
    problems: list[Problem],
) -> CompiledValues | None:
    points: list[Decimal] = []
    for value in values:
        number = parse_number(value.text)
        if number is None:
            problems.append(typed_value_problem(spec, value, "an integer or decimal number"))
            return None
        points.append(number)
    return CompiledValues(ordered_test(tuple(points), spec.comparison, parse_number))
