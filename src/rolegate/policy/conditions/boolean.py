"""The Boolean condition operator, `Bool`.

UG/reference_policies_elements_condition_operators.html#Conditions_Boolean: it compares a key to
"true" or "false". The text is read without regard to case on both sides (`"True"` is true), and a
JSON `true`/`false` value is the same as the quoted one (UG/reference_policies_grammar.html: quotes
are optional for Boolean values). Any other policy value is a validation problem; a request value
that is not a Boolean matches nothing.

Policy variables are not substituted: UG/reference_policies_variables.html#policy-vars-conditionelement
says they cannot be used with Boolean operators (the older operators page said they could; the
variables page and the IAM Access Analyzer check "Policy variables can only be used with String
and ARN operators" agree with each other, so they are followed).
"""

from __future__ import annotations

from rolegate.policy.context import RequestContext
from rolegate.policy.errors import Problem
from rolegate.policy.kinds import PolicyVersion

from .numeric import typed_value_problem
from .operators import OperatorSpec
from .values import CompiledValues, PolicyValue, ValueTest

BOOLEAN_TEXTS = frozenset({"true", "false"})


def read_booleans(
    spec: OperatorSpec, values: tuple[PolicyValue, ...], problems: list[Problem]
) -> frozenset[str] | None:
    """The policy values lower-cased, or None (with a problem) if one is not true or false."""
    lowered: set[str] = set()
    for value in values:
        text = value.text.lower()
        if text not in BOOLEAN_TEXTS:
            problems.append(typed_value_problem(spec, value, '"true" or "false"'))
            return None
        lowered.add(text)
    return frozenset(lowered)


def _test(accepted: frozenset[str]) -> ValueTest:
    def test(value: str, context: RequestContext) -> bool:
        return value.lower() in accepted

    return test


def compile_bool(
    spec: OperatorSpec,
    values: tuple[PolicyValue, ...],
    version: PolicyVersion,
    problems: list[Problem],
) -> CompiledValues | None:
    accepted = read_booleans(spec, values, problems)
    return None if accepted is None else CompiledValues(_test(accepted))
