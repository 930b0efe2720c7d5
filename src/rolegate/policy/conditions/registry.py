"""The operator registry: every condition type IAM accepts, and the family that compiles its values.

A name missing from the registry is refused when the policy is parsed, with IAM's own message
(`Invalid Condition type : <name>`), so a typo can never become a condition that silently fails
(or passes) at request time. Operators: UG/reference_policies_elements_condition_operators.html.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from rolegate.policy.errors import Problem
from rolegate.policy.kinds import PolicyVersion

from .arns import compile_arn
from .binary import compile_binary
from .boolean import compile_bool
from .dates import compile_date
from .ip import compile_ip
from .numeric import compile_numeric
from .operators import (
    IF_EXISTS,
    Comparison,
    ConditionOperator,
    Family,
    OperatorSpec,
    QualifiedOperator,
    SetQualifier,
)
from .strings import compile_string
from .values import CompiledValues, PolicyValue

ValueCompiler = Callable[
    [OperatorSpec, tuple[PolicyValue, ...], PolicyVersion, list[Problem]], CompiledValues | None
]

_O, _F, _C = ConditionOperator, Family, Comparison

_SPECS = (
    OperatorSpec(_O.STRING_EQUALS, _F.STRING, _C.EQUALS),
    OperatorSpec(_O.STRING_NOT_EQUALS, _F.STRING, _C.EQUALS, negated=True),
    OperatorSpec(_O.STRING_EQUALS_IGNORE_CASE, _F.STRING, _C.EQUALS_IGNORE_CASE),
    OperatorSpec(_O.STRING_NOT_EQUALS_IGNORE_CASE, _F.STRING, _C.EQUALS_IGNORE_CASE, negated=True),
    OperatorSpec(_O.STRING_LIKE, _F.STRING, _C.LIKE),
    OperatorSpec(_O.STRING_NOT_LIKE, _F.STRING, _C.LIKE, negated=True),
    OperatorSpec(_O.NUMERIC_EQUALS, _F.NUMERIC, _C.EQUALS),
    OperatorSpec(_O.NUMERIC_NOT_EQUALS, _F.NUMERIC, _C.EQUALS, negated=True),
    OperatorSpec(_O.NUMERIC_LESS_THAN, _F.NUMERIC, _C.LESS_THAN),
    OperatorSpec(_O.NUMERIC_LESS_THAN_EQUALS, _F.NUMERIC, _C.LESS_THAN_EQUALS),
    OperatorSpec(_O.NUMERIC_GREATER_THAN, _F.NUMERIC, _C.GREATER_THAN),
    OperatorSpec(_O.NUMERIC_GREATER_THAN_EQUALS, _F.NUMERIC, _C.GREATER_THAN_EQUALS),
    OperatorSpec(_O.DATE_EQUALS, _F.DATE, _C.EQUALS),
    OperatorSpec(_O.DATE_NOT_EQUALS, _F.DATE, _C.EQUALS, negated=True),
    OperatorSpec(_O.DATE_LESS_THAN, _F.DATE, _C.LESS_THAN),
    OperatorSpec(_O.DATE_LESS_THAN_EQUALS, _F.DATE, _C.LESS_THAN_EQUALS),
    OperatorSpec(_O.DATE_GREATER_THAN, _F.DATE, _C.GREATER_THAN),
    OperatorSpec(_O.DATE_GREATER_THAN_EQUALS, _F.DATE, _C.GREATER_THAN_EQUALS),
    OperatorSpec(_O.BOOL, _F.BOOLEAN, _C.EQUALS),
    OperatorSpec(_O.BINARY_EQUALS, _F.BINARY, _C.EQUALS),
    OperatorSpec(_O.IP_ADDRESS, _F.IP_ADDRESS, _C.IN_RANGE),
    OperatorSpec(_O.NOT_IP_ADDRESS, _F.IP_ADDRESS, _C.IN_RANGE, negated=True),
    # ArnEquals and ArnLike "behave identically": both take wildcards.
    OperatorSpec(_O.ARN_EQUALS, _F.ARN, _C.LIKE),
    OperatorSpec(_O.ARN_LIKE, _F.ARN, _C.LIKE),
    OperatorSpec(_O.ARN_NOT_EQUALS, _F.ARN, _C.LIKE, negated=True),
    OperatorSpec(_O.ARN_NOT_LIKE, _F.ARN, _C.LIKE, negated=True),
    OperatorSpec(_O.NULL, _F.NULL, _C.IS_NULL),
)

OPERATORS: Mapping[str, OperatorSpec] = MappingProxyType({s.operator.value: s for s in _SPECS})

# Null has no compiler here: it tests presence, not values (see null.py).
COMPILERS: Mapping[Family, ValueCompiler] = MappingProxyType(
    {
        Family.STRING: compile_string,
        Family.NUMERIC: compile_numeric,
        Family.DATE: compile_date,
        Family.BOOLEAN: compile_bool,
        Family.BINARY: compile_binary,
        Family.IP_ADDRESS: compile_ip,
        Family.ARN: compile_arn,
    }
)

_QUALIFIERS: Mapping[str, SetQualifier] = MappingProxyType({q.value: q for q in SetQualifier})


def parse_operator(written: str) -> QualifiedOperator | None:
    """Read `[ForAllValues:|ForAnyValue:]<Operator>[IfExists]`; None if IAM would refuse it.

    Case-sensitive throughout, as IAM is for operator names. `NullIfExists` is refused: IfExists
    goes on "any condition operator name except the Null condition"
    (UG/reference_policies_elements_condition_operators.html#Conditions_IfExists). A set qualifier
    on Null is accepted and changes nothing, as a presence test has no values to quantify over.
    """
    qualifier: SetQualifier | None = None
    base = written
    if ":" in written:
        prefix, _, base = written.partition(":")
        qualifier = _QUALIFIERS.get(prefix)
        if qualifier is None:
            return None
    spec = OPERATORS.get(base)
    if spec is not None:
        return QualifiedOperator(written, spec, qualifier)
    if not base.endswith(IF_EXISTS):
        return None
    spec = OPERATORS.get(base[: -len(IF_EXISTS)])
    if spec is None or spec.family is Family.NULL:
        return None
    return QualifiedOperator(written, spec, qualifier, if_exists=True)
