"""ARN condition operators: ArnEquals, ArnLike, ArnNotEquals, ArnNotLike.

UG/reference_policies_elements_condition_operators.html#Conditions_ARN: "Case-sensitive matching of
the ARN. Each of the six colon-delimited components of the ARN is checked separately and each can
include multi-character match wildcards (*) or single-character match wildcards (?). The ArnEquals
and ArnLike condition operators behave identically", and so do their negations. A wildcard never
crosses a colon, unlike StringLike.

Policy variables may be used (UG/reference_policies_variables.html). A value is split into its six
components where it is written, and each variable is filled in within its component as literal
text. A value that does not have six components (policy or request side) is not an ARN and matches
nothing; it is not a validation problem, since nothing in the IAM documentation says IAM refuses one.
"""

from __future__ import annotations

from rolegate.policy.arn import ArnPattern, split_arn
from rolegate.policy.context import RequestContext
from rolegate.policy.errors import Problem
from rolegate.policy.kinds import PolicyVersion
from rolegate.policy.variables import Literal, Template

from .operators import OperatorSpec
from .patterns import PatternTemplate, split_literals
from .strings import parse_templates, variable_names
from .values import CompiledValues, PolicyValue, ValueTest

_SEPARATORS = 5  # six components: arn:partition:service:region:account:resource


class _ArnTemplate:
    """An ARN value holding variables or `${*}`-style escapes, compiled component by component."""

    __slots__ = ("_filled", "_fixed")

    def __init__(self, components: tuple[PatternTemplate, ...]) -> None:
        # Components without variables are prepared now (a `*` alone needs no check); components
        # with variables are filled in per request.
        self._fixed = tuple(
            (i, c.fixed_matcher())
            for i, c in enumerate(components)
            if not c.variables and not c.matches_anything
        )
        self._filled = tuple((i, c) for i, c in enumerate(components) if c.variables)

    @classmethod
    def of(cls, template: Template) -> _ArnTemplate | None:
        groups = split_literals(template.parts, ":", _SEPARATORS)
        if len(groups) != _SEPARATORS + 1:
            return None
        return cls(tuple(PatternTemplate.of(group) for group in groups))

    def matches(self, arn: tuple[str, ...], context: RequestContext) -> bool:
        for index, test in self._fixed:
            if not test(arn[index]):
                return False
        return all(component.matches(arn[index], context) for index, component in self._filled)


def _plain_arn(template: Template) -> str | None:
    """The text of a value that is one ARN-shaped literal with wildcards, or None."""
    parts = template.parts
    if len(parts) == 1 and isinstance(parts[0], Literal) and parts[0].is_pattern:
        text = parts[0].text
        return text if split_arn(text) is not None else None
    return None


def _test(fixed: ArnPattern | None, templated: tuple[_ArnTemplate, ...]) -> ValueTest:
    if not templated:
        if fixed is None:
            return lambda value, context: False
        # The common case: every value of the key in one pattern set, no per-value loop.
        matches = fixed.matches
        return lambda value, context: matches(value)

    def test(value: str, context: RequestContext) -> bool:
        if fixed is not None and fixed.matches(value):
            return True
        arn = split_arn(value)
        if arn is None:
            return False
        return any(template.matches(arn, context) for template in templated)

    return test


def compile_arn(
    spec: OperatorSpec,
    values: tuple[PolicyValue, ...],
    version: PolicyVersion,
    problems: list[Problem],
) -> CompiledValues | None:
    fixed, variable = parse_templates(values, version)
    plain: list[str] = []
    templated: list[_ArnTemplate] = []
    for template in fixed:
        text = _plain_arn(template)
        if text is not None:
            plain.append(text)
        elif (compiled_template := _ArnTemplate.of(template)) is not None:
            templated.append(compiled_template)
    for template in variable:
        compiled = _ArnTemplate.of(template)
        if compiled is not None:
            templated.append(compiled)
    test = _test(ArnPattern(*plain) if plain else None, tuple(templated))
    return CompiledValues(test, variable_names(variable))
