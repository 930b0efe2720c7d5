"""The `Null` condition operator: a test of whether a key is present, not of its value.

UG/reference_policies_elements_condition_operators.html#Conditions_Null: "use either true (the key
doesn't exist — it is null) or false (the key exists and its value is not null)". A key given with
no value is null too: UG/reference_policies_elements_condition.html says a user-supplied empty
string makes "the value in the request context ... null", and
UG/reference_policies_condition_examples-multi-valued-context-keys.html uses `Null: false` to
reject "context keys with empty values". `Null` takes no `IfExists` suffix and no variables.
"""

from __future__ import annotations

from collections.abc import Callable

from rolegate.policy.context import RequestContext
from rolegate.policy.errors import Problem

from .boolean import read_booleans
from .operators import OperatorSpec
from .values import PolicyValue

Evaluate = Callable[[RequestContext], bool]

_EMPTY_STRING = ("",)


def is_null(values: tuple[str, ...] | None) -> bool:
    """Absent, an empty set, or only an empty string: what AWS calls a null value."""
    return values is None or not values or values == _EMPTY_STRING


def compile_null(
    spec: OperatorSpec,
    lowered_key: str,
    values: tuple[PolicyValue, ...],
    problems: list[Problem],
) -> Evaluate | None:
    accepted = read_booleans(spec, values, problems)
    if accepted is None:
        return None
    wanted = frozenset(text == "true" for text in accepted)

    def evaluate(context: RequestContext) -> bool:
        return is_null(context.lookup(lowered_key)) in wanted

    return evaluate
