"""IAM condition operators: the `Condition` element of a statement, compiled once, evaluated fast.

UG/reference_policies_elements_condition.html, UG/reference_policies_elements_condition_operators.html,
UG/reference_policies_multi-value-conditions.html. One module per operator family (strings,
numeric, dates, boolean, binary, ip, arns, null); `registry` maps operator names to them; `values`
narrows the JSON values, `patterns` prepares values holding policy variables, `keys` applies
negation, IfExists and the set qualifiers to one key, and `block` ANDs it all.
"""

from __future__ import annotations

from .block import ConditionBlock, compile_condition_block
from .keys import KeyCondition
from .operators import ConditionOperator, Family, OperatorSpec, QualifiedOperator, SetQualifier
from .registry import OPERATORS, parse_operator

__all__ = [
    "OPERATORS",
    "ConditionBlock",
    "ConditionOperator",
    "Family",
    "KeyCondition",
    "OperatorSpec",
    "QualifiedOperator",
    "SetQualifier",
    "compile_condition_block",
    "parse_operator",
]
