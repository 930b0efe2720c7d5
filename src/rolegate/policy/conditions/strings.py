"""String condition operators: StringEquals, StringEqualsIgnoreCase, StringLike and their negations.

UG/reference_policies_elements_condition_operators.html#Conditions_String: `StringEquals` is exact
and case-sensitive, `StringEqualsIgnoreCase` ignores case, `StringLike` is case-sensitive with `*`
and `?` anywhere. UG/reference_policies_variables.html: their values may hold policy variables;
a variable that cannot be resolved makes its value match nothing.

Values without variables are compiled once: a set for the equality tests, one glob set
for all the patterns of `StringLike` (wildcard.any_glob). Only values with variables are rendered per request.
"""

from __future__ import annotations

from rolegate.policy.context import EMPTY_CONTEXT, RequestContext
from rolegate.policy.errors import Problem
from rolegate.policy.kinds import PolicyVersion
from rolegate.policy.variables import Template
from rolegate.policy.wildcard import Matcher, any_glob

from .operators import Comparison, OperatorSpec
from .patterns import PatternTemplate
from .values import CompiledValues, PolicyValue, ValueTest


def parse_templates(
    values: tuple[PolicyValue, ...], version: PolicyVersion
) -> tuple[list[Template], list[Template]]:
    """Split values into those without variables (compilable now) and those with variables.

    UG/reference_policies_elements_version.html: only 2012-10-17 substitutes variables; under
    2008-10-17 `${aws:username}` is literal text.
    """
    fixed: list[Template] = []
    variable: list[Template] = []
    for value in values:
        template = Template.parse(value.text, substitute=version.substitutes_variables)
        (variable if template.variable_names else fixed).append(template)
    return fixed, variable


def variable_names(templates: list[Template]) -> tuple[str, ...]:
    return tuple(name for template in templates for name in template.variable_names)


def _equals(fixed: frozenset[str], variable: tuple[Template, ...]) -> ValueTest:
    if not variable:

        def test_fixed(value: str, context: RequestContext) -> bool:
            return value in fixed

        return test_fixed

    def test(value: str, context: RequestContext) -> bool:
        if value in fixed:
            return True
        # render() is None for an unresolvable variable, which equals no value.
        return any(template.render(context) == value for template in variable)

    return test


def _equals_ignore_case(fixed: frozenset[str], variable: tuple[Template, ...]) -> ValueTest:
    # `fixed` holds the policy values already lower-cased.
    def test(value: str, context: RequestContext) -> bool:
        lowered = value.lower()
        if lowered in fixed:
            return True
        for template in variable:
            rendered = template.render(context)
            if rendered is not None and rendered.lower() == lowered:
                return True
        return False

    return test


def _like(fixed: Matcher, variable: tuple[PatternTemplate, ...]) -> ValueTest:
    if not variable:

        def test_fixed(value: str, context: RequestContext) -> bool:
            return fixed(value)

        return test_fixed

    def test(value: str, context: RequestContext) -> bool:
        if fixed(value):
            return True
        # A template with a variable without a value is like nothing.
        return any(template.matches(value, context) for template in variable)

    return test


def _alternation(templates: list[Template]) -> Matcher:
    """One test for the values without variables (their `${*}`-style escapes stay literal)."""
    tokens = (template.tokens(EMPTY_CONTEXT) for template in templates)
    return any_glob(found for found in tokens if found is not None)


def _fixed_texts(templates: list[Template]) -> list[str]:
    texts = (template.render(EMPTY_CONTEXT) for template in templates)
    return [text for text in texts if text is not None]


def compile_string(
    spec: OperatorSpec,
    values: tuple[PolicyValue, ...],
    version: PolicyVersion,
    problems: list[Problem],
) -> CompiledValues | None:
    """Every string is a valid value of a string operator, so this never reports a problem."""
    fixed, variable = parse_templates(values, version)
    with_variables = tuple(variable)
    if spec.comparison is Comparison.LIKE:
        templates = tuple(PatternTemplate.of(template.parts) for template in variable)
        test = _like(_alternation(fixed), templates)
    elif spec.comparison is Comparison.EQUALS_IGNORE_CASE:
        lowered = frozenset(text.lower() for text in _fixed_texts(fixed))
        test = _equals_ignore_case(lowered, with_variables)
    else:
        test = _equals(frozenset(_fixed_texts(fixed)), with_variables)
    return CompiledValues(test, variable_names(variable))
