"""One condition key under one operator: how its request values meet its compiled policy values.

The rules, each from the AWS page cited:
- A key absent from the request makes the condition false, except for negated operators, where it
  is true, and for `...IfExists`, where it is true
  (UG/reference_policies_elements_condition_operators.html, the "Important" note and #Conditions_IfExists).
- The policy values of one key are ORed; for a negated operator they are NORed: true only when the
  request value matches none of them (UG/reference_policies_multi-value-conditions.html, Note).
- `ForAllValues`: every request value must pass the per-value test; true when the key is absent or
  its values are a null set. `ForAnyValue`: some request value must pass; false when absent or null
  (UG/reference_policies_multi-value-conditions.html). With a negated operator the per-value test is
  the negated (NOR) test (UG/reference_policies_condition_examples-multi-valued-context-keys.html:
  Deny + `ForAllValues:StringNotLike key1*` matches `[key2:audit]` and a missing key only).
- A plain operator (no set qualifier) compares one value. A request carrying several values for the
  key, or an empty set, does not match it, negated or not: "Multivalued context keys require a
  condition set operator" (UG/reference_policies_condition-single-vs-multi-valued-context-keys.html).
  Observed AWS behaviour agrees: a bare `StringEquals` on a multivalued `aws:CalledVia` never
  matched (boogy/iam-policy-validator PR #161; cloud-copilot/iam-simulate, confirmed at re:Inforce
  2025 session IAM431).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rolegate.policy.context import RequestContext

from .null import is_null
from .operators import QualifiedOperator, SetQualifier
from .values import ValueTest

Evaluate = Callable[[RequestContext], bool]


@dataclass(frozen=True, slots=True)
class KeyCondition:
    """A compiled `"<operator>": {"<key>": <values>}` entry of a Condition block."""

    operator: QualifiedOperator
    key: str  # as written in the policy
    values: tuple[str, ...]  # the policy values as written, for explanations
    evaluate: Evaluate = field(repr=False, compare=False)

    def matches(self, context: RequestContext) -> bool:
        return self.evaluate(context)


def _single_value(key: str, test: ValueTest, if_exists: bool) -> Evaluate:
    def evaluate(context: RequestContext) -> bool:
        values = context.lookup(key)
        if values is None:
            return if_exists
        return len(values) == 1 and test(values[0], context)

    return evaluate


def _single_value_negated(key: str, test: ValueTest) -> Evaluate:
    def evaluate(context: RequestContext) -> bool:
        values = context.lookup(key)
        if values is None:
            return True  # a negated operator is true for an absent key, IfExists or not
        return len(values) == 1 and not test(values[0], context)

    return evaluate


def _for_all_values(key: str, test: ValueTest, negated: bool) -> Evaluate:
    # Absent or null: true, with or without IfExists.
    def evaluate(context: RequestContext) -> bool:
        values = context.lookup(key)
        if values is None or is_null(values):
            return True
        return all(test(value, context) != negated for value in values)

    return evaluate


def _for_any_value(key: str, test: ValueTest, negated: bool, if_exists: bool) -> Evaluate:
    def evaluate(context: RequestContext) -> bool:
        values = context.lookup(key)
        if values is None:
            return if_exists
        if is_null(values):
            return False
        return any(test(value, context) != negated for value in values)

    return evaluate


def key_evaluator(operator: QualifiedOperator, lowered_key: str, test: ValueTest) -> Evaluate:
    """The closure deciding this key for a request; specialised now so requests branch less."""
    negated = operator.spec.negated
    if operator.qualifier is SetQualifier.FOR_ALL_VALUES:
        return _for_all_values(lowered_key, test, negated)
    if operator.qualifier is SetQualifier.FOR_ANY_VALUE:
        return _for_any_value(lowered_key, test, negated, operator.if_exists)
    if negated:
        return _single_value_negated(lowered_key, test)
    return _single_value(lowered_key, test, operator.if_exists)
