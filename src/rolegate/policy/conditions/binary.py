"""The binary condition operator, `BinaryEquals`.

UG/reference_policies_elements_condition_operators.html#Conditions_BinaryEquals: "It compares the
value of the specified key byte for byte against a base-64 encoded representation of the binary
value in the policy." Binary request values reach the request context base64-encoded too
(tests/corpus/README.md), so both sides are decoded and the bytes compared: two encodings of the
same bytes are equal. A policy value that is not base64 is a validation problem.
"""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache

from rolegate.policy.context import RequestContext
from rolegate.policy.errors import Problem
from rolegate.policy.kinds import PolicyVersion

from .numeric import typed_value_problem
from .operators import OperatorSpec
from .values import CompiledValues, PolicyValue, ValueTest


@lru_cache(maxsize=1024)
def decode_base64(text: str) -> bytes | None:
    """Strict standard base64 (padding required, no stray characters); None if it is not."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):  # ValueError: text that is not ASCII
        return None


def _test(accepted: frozenset[bytes]) -> ValueTest:
    def test(value: str, context: RequestContext) -> bool:
        return decode_base64(value) in accepted

    return test


def compile_binary(
    spec: OperatorSpec,
    values: tuple[PolicyValue, ...],
    version: PolicyVersion,
    problems: list[Problem],
) -> CompiledValues | None:
    accepted: set[bytes] = set()
    for value in values:
        decoded = decode_base64(value.text)
        if decoded is None:
            problems.append(typed_value_problem(spec, value, "base64-encoded bytes"))
            return None
        accepted.add(decoded)
    return CompiledValues(_test(frozenset(accepted)))
