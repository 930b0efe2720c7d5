"""The condition operators of the IAM policy language, as closed sets.

UG/reference_policies_elements_condition_operators.html lists every operator; a condition type is
written `[ForAllValues:|ForAnyValue:]<Operator>[IfExists]`
(UG/reference_policies_multi-value-conditions.html for the set qualifiers,
`...IfExists condition operators` on the operators page for the suffix). Names are case-sensitive:
IAM answers `MalformedPolicyDocument: Invalid Condition type : stringEquals` for a lower-cased
operator (quoted in ministryofjustice/modernisation-platform-environments PR #8893).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Family(StrEnum):
    """Operators of one family read their values the same way and share one module."""

    STRING = "String"
    NUMERIC = "Numeric"
    DATE = "Date"
    BOOLEAN = "Boolean"
    BINARY = "Binary"
    IP_ADDRESS = "IpAddress"
    ARN = "Arn"
    NULL = "Null"


class Comparison(StrEnum):
    """How one request value is compared with one policy value, before any negation."""

    EQUALS = "Equals"
    EQUALS_IGNORE_CASE = "EqualsIgnoreCase"
    LIKE = "Like"
    LESS_THAN = "LessThan"
    LESS_THAN_EQUALS = "LessThanEquals"
    GREATER_THAN = "GreaterThan"
    GREATER_THAN_EQUALS = "GreaterThanEquals"
    IN_RANGE = "InRange"  # an address inside a CIDR block
    IS_NULL = "IsNull"  # the Null operator: a presence test, no comparison of values


class ConditionOperator(StrEnum):
    """Every base operator AWS defines, spelled as AWS spells it."""

    STRING_EQUALS = "StringEquals"
    STRING_NOT_EQUALS = "StringNotEquals"
    STRING_EQUALS_IGNORE_CASE = "StringEqualsIgnoreCase"
    STRING_NOT_EQUALS_IGNORE_CASE = "StringNotEqualsIgnoreCase"
    STRING_LIKE = "StringLike"
    STRING_NOT_LIKE = "StringNotLike"
    NUMERIC_EQUALS = "NumericEquals"
    NUMERIC_NOT_EQUALS = "NumericNotEquals"
    NUMERIC_LESS_THAN = "NumericLessThan"
    NUMERIC_LESS_THAN_EQUALS = "NumericLessThanEquals"
    NUMERIC_GREATER_THAN = "NumericGreaterThan"
    NUMERIC_GREATER_THAN_EQUALS = "NumericGreaterThanEquals"
    DATE_EQUALS = "DateEquals"
    DATE_NOT_EQUALS = "DateNotEquals"
    DATE_LESS_THAN = "DateLessThan"
    DATE_LESS_THAN_EQUALS = "DateLessThanEquals"
    DATE_GREATER_THAN = "DateGreaterThan"
    DATE_GREATER_THAN_EQUALS = "DateGreaterThanEquals"
    BOOL = "Bool"
    BINARY_EQUALS = "BinaryEquals"
    IP_ADDRESS = "IpAddress"
    NOT_IP_ADDRESS = "NotIpAddress"
    ARN_EQUALS = "ArnEquals"
    ARN_LIKE = "ArnLike"
    ARN_NOT_EQUALS = "ArnNotEquals"
    ARN_NOT_LIKE = "ArnNotLike"
    NULL = "Null"


class SetQualifier(StrEnum):
    """UG/reference_policies_multi-value-conditions.html: how a set of request values is tested."""

    FOR_ALL_VALUES = "ForAllValues"
    FOR_ANY_VALUE = "ForAnyValue"


IF_EXISTS = "IfExists"


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """What a base operator does: its family, its comparison, and whether it is negated.

    A negated operator (`StringNotEquals`, `NotIpAddress`, ...) is true for a request value that
    matches none of the policy values (UG/reference_policies_multi-value-conditions.html: the
    values of a negated operator combine as a NOR).
    """

    operator: ConditionOperator
    family: Family
    comparison: Comparison
    negated: bool = False

    @property
    def takes_variables(self) -> bool:
        # UG/reference_policies_variables.html#policy-vars-conditionelement: only the string and
        # ARN operators substitute policy variables in their values.
        return self.family in (Family.STRING, Family.ARN)


@dataclass(frozen=True, slots=True)
class QualifiedOperator:
    """One condition type as written: a base operator with its set qualifier and IfExists."""

    written: str
    spec: OperatorSpec
    qualifier: SetQualifier | None = None
    if_exists: bool = False
