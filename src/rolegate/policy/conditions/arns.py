"""ARN condition operators: ArnEquals, ArnLike, ArnNotEquals, ArnNotLike.

UG/reference_policies_elements_condition_operators.html#Conditions_ARN: "Case-sensitive matching of
the ARN. Each of the six colon-delimited components of the ARN is checked separately and each can
include multi-character match wildcards (*) or single-character match wildcards (?). The ArnEquals
and ArnLike condition operators behave identically", and so do their negations. A wildcard never
crosses a colon, unlike StringLike. Policy variables may be used (UG/reference_policies_variables.html);
their values are substituted first, then the ARN is split, and substituted text is literal.

A value that does not have the six components (policy or request side) matches nothing: it is not
an ARN. It is not a validation problem, since nothing in the IAM documentation says IAM refuses one.
"""

from __future__ import annotations

import re

from rolegate.policy.arn import ArnPattern, split_arn
from rolegate.policy.context import EMPTY_CONTEXT, RequestContext
from rolegate.policy.errors import Problem
from rolegate.policy.kinds import PolicyVersion
from rolegate.policy.variables import Literal, Template
from rolegate.policy.wildcard import glob_to_regex_source

from .operators import OperatorSpec
from .strings import cached_regex, parse_templates, variable_names
from .values import CompiledValues, PolicyValue, ValueTest

_COMPONENTS = 6


def component_sources(template: Template, context: RequestContext) -> tuple[str, ...] | None:
    """Regex sources for the six components of a rendered ARN value; None if it has fewer.

    Literal policy text keeps `*` and `?` as wildcards; substituted values and the `${*}`-style
    escapes are literal. The sixth component takes the rest, colons included.
    """
    components: list[list[str]] = [[]]
    for part in template.parts:
        if isinstance(part, Literal):
            text, wildcards = part.text, part.is_pattern
        else:
            resolved = Template((part,)).render(context)
            if resolved is None:
                return None  # an unresolvable variable: this value matches nothing
            text, wildcards = resolved, False
        pieces = text.split(":", _COMPONENTS - len(components))
        for index, piece in enumerate(pieces):
            if index:
                components.append([])
            components[-1].append(glob_to_regex_source(piece) if wildcards else re.escape(piece))
    if len(components) != _COMPONENTS:
        return None
    return tuple("".join(component) for component in components)


def _matches_components(sources: tuple[str, ...], arn: tuple[str, ...]) -> bool:
    return all(
        cached_regex(source).fullmatch(part) is not None
        for source, part in zip(sources, arn, strict=True)
    )


class _EscapedPattern:
    """A fixed ARN value holding `${*}`, `${?}` or `${$}`: compiled once like an ArnPattern."""

    __slots__ = ("_components",)

    def __init__(self, sources: tuple[str, ...]) -> None:
        self._components = tuple(cached_regex(source) for source in sources)

    def matches(self, arn: str) -> bool:
        parts = split_arn(arn)
        if parts is None:
            return False
        return all(
            regex.fullmatch(part) is not None
            for regex, part in zip(self._components, parts, strict=True)
        )


def _plain_text(template: Template) -> str | None:
    """The text of a value that is one literal with wildcards, or None."""
    if len(template.parts) == 1 and isinstance(template.parts[0], Literal):
        part = template.parts[0]
        return part.text if part.is_pattern else None
    return None


def _escaped_pattern(template: Template) -> _EscapedPattern | None:
    sources = component_sources(template, EMPTY_CONTEXT)
    return _EscapedPattern(sources) if sources is not None else None


def _test(fixed: ArnPattern | None, escaped: tuple[_EscapedPattern, ...],
          variable: tuple[Template, ...]) -> ValueTest:  # fmt: skip
    if not escaped and not variable:
        if fixed is None:
            return lambda value, context: False
        # The common case: one regex for every fixed value of the key, no per-value loop.
        matches = fixed.matches
        return lambda value, context: matches(value)

    def test(value: str, context: RequestContext) -> bool:
        if fixed is not None and fixed.matches(value):
            return True
        if any(pattern.matches(value) for pattern in escaped):
            return True
        if not variable:
            return False
        arn = split_arn(value)
        if arn is None:
            return False
        for template in variable:
            sources = component_sources(template, context)
            if sources is not None and _matches_components(sources, arn):
                return True
        return False

    return test


def compile_arn(
    spec: OperatorSpec,
    values: tuple[PolicyValue, ...],
    version: PolicyVersion,
    problems: list[Problem],
) -> CompiledValues | None:
    fixed, variable = parse_templates(values, version)
    plain = [text for t in fixed if (text := _plain_text(t)) is not None]
    arn_shaped = [text for text in plain if split_arn(text) is not None]
    escaped = (_escaped_pattern(t) for t in fixed if _plain_text(t) is None)
    test = _test(
        ArnPattern(*arn_shaped) if arn_shaped else None,
        tuple(pattern for pattern in escaped if pattern is not None),
        tuple(variable),
    )
    return CompiledValues(test, variable_names(variable))
