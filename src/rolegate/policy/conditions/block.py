"""A statement's `Condition` element, compiled once and evaluated per request.

UG/reference_policies_elements_condition.html and UG/reference_policies_multi-value-conditions.html:
`"Condition": {"<operator>": {"<key>": <value or list>}}`. Different operators are ANDed, different
keys under one operator are ANDed; the values of one key are ORed (NORed for negated operators, see
keys.py). Condition key names are case-insensitive (`aws:SourceIP` is `AWS:SourceIp`), so keys are
lower-cased here, once, for the request context's lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rolegate.policy.context import RequestContext
from rolegate.policy.errors import NO_VENDOR, Problem
from rolegate.policy.json_source import SYNTAX_ERROR, pointer_child
from rolegate.policy.kinds import PolicyVersion

from .keys import Evaluate, KeyCondition, key_evaluator
from .null import compile_null
from .operators import Family, QualifiedOperator
from .registry import COMPILERS, parse_operator
from .values import narrow_values


@dataclass(frozen=True, slots=True)
class ConditionBlock:
    """The compiled `Condition` element of one statement.

    `referenced_keys` names every context key the block reads, as first written in the policy:
    the condition keys and the keys of policy variables in its values, each once.
    """

    conditions: tuple[KeyCondition, ...]
    referenced_keys: tuple[str, ...]
    _checks: tuple[Evaluate, ...] = field(init=False, repr=False, compare=False)
    _lookups: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)

    # The test the evaluator calls: the one key condition itself when there is only one (most
    # blocks), which saves a call per statement on the request path.
    check: Evaluate = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Derived once: matches() runs for every request that reaches this statement.
        checks = tuple(c.evaluate for c in self.conditions)
        object.__setattr__(self, "_checks", checks)
        object.__setattr__(self, "check", checks[0] if len(checks) == 1 else self.matches)
        lookups = tuple((name.lower(), name) for name in self.referenced_keys)
        object.__setattr__(self, "_lookups", lookups)

    def matches(self, context: RequestContext) -> bool:
        for check in self._checks:  # noqa: SIM110 - all() with a generator is ~25% slower here
            if not check(context):
                return False
        return True

    def missing_keys(self, context: RequestContext) -> tuple[str, ...]:
        """The referenced keys the request context does not hold, as written in the policy."""
        missing: tuple[str, ...] = ()
        for lowered, name in self._lookups:  # a loop, not a comprehension: this runs per request
            if context.lookup(lowered) is None:
                missing += (name,)
        return missing


class _Collector:
    """Accumulates the compiled key conditions and the keys they read."""

    def __init__(self) -> None:
        self.conditions: list[KeyCondition] = []
        self._keys: dict[str, str] = {}

    def reference(self, name: str) -> None:
        self._keys.setdefault(name.lower(), name)

    @property
    def referenced_keys(self) -> tuple[str, ...]:
        return tuple(self._keys.values())


def _has_vendor(key: str) -> bool:
    vendor, colon, _ = key.partition(":")
    return bool(colon and vendor)


def _compile_key(
    operator: QualifiedOperator,
    key: str,
    raw_values: object,
    pointer: str,
    version: PolicyVersion,
    problems: list[Problem],
    collector: _Collector,
) -> None:
    values = narrow_values(raw_values, pointer, problems)
    if not values:
        return
    lowered = key.lower()
    spec = operator.spec
    written = tuple(value.text for value in values)
    if spec.family is Family.NULL:
        evaluate = compile_null(spec, lowered, values, problems)
        variables: tuple[str, ...] = ()
    else:
        compiled = COMPILERS[spec.family](spec, values, version, problems)
        if compiled is None:
            return
        evaluate = key_evaluator(operator, lowered, compiled.test)
        variables = compiled.variable_names
    if evaluate is None:
        return
    collector.conditions.append(KeyCondition(operator, key, written, evaluate))
    collector.reference(key)
    for name in variables:
        collector.reference(name)


def _compile_operator(
    written: str,
    body: object,
    pointer: str,
    version: PolicyVersion,
    problems: list[Problem],
    collector: _Collector,
) -> None:
    operator = parse_operator(written)
    if operator is None:
        # IAM's own text, e.g. "Invalid Condition type : stringEquals".
        problems.append(Problem(f"Invalid Condition type : {written}", pointer))
        return
    if not isinstance(body, dict):
        detail = f"{written} must map condition keys to values"
        problems.append(Problem(SYNTAX_ERROR, pointer, detail=detail))
        return
    for key, raw_values in body.items():
        if not isinstance(key, str):
            detail = "a condition key must be a string"
            problems.append(Problem(SYNTAX_ERROR, pointer, detail=detail))
            continue
        where = pointer_child(pointer, key)
        if not _has_vendor(key):
            problems.append(Problem(NO_VENDOR, where))
            continue
        _compile_key(operator, key, raw_values, where, version, problems, collector)


def compile_condition_block(
    raw: object, pointer: str, version: PolicyVersion, problems: list[Problem]
) -> ConditionBlock | None:
    """Compile a statement's decoded `Condition` element found at JSON pointer `pointer`.

    Every problem found is appended to `problems` and the result is then None; nothing else is
    raised, whatever `raw` holds.
    """
    if not isinstance(raw, dict):
        detail = "Condition must be an object mapping condition operators to keys and values"
        problems.append(Problem(SYNTAX_ERROR, pointer, detail=detail))
        return None
    before = len(problems)
    collector = _Collector()
    for written, body in raw.items():
        if not isinstance(written, str):
            detail = "a condition operator must be a string"
            problems.append(Problem(SYNTAX_ERROR, pointer, detail=detail))
            continue
        where = pointer_child(pointer, written)
        _compile_operator(written, body, where, version, problems, collector)
    if len(problems) > before:
        return None
    return ConditionBlock(tuple(collector.conditions), collector.referenced_keys)
