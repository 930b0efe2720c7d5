"""Compiled Action and Resource matchers: one glob set per list (wildcard.py), built once.

UG/reference_policies_elements_action.html: actions match case-insensitively, `*` and `?` anywhere.
UG/reference_policies_elements_resource.html: resources match case-sensitively; `*` spans any
characters, `/` and `:` included (so `bucket/*/test/*` matches `bucket/1/2/test/3`). A resource
pattern with policy variables is rendered per request; one whose variable cannot be resolved
matches nothing (UG/reference_policies_variables.html).
"""

from __future__ import annotations

from dataclasses import dataclass

from rolegate.policy.context import RequestContext
from rolegate.policy.variables import Template, Variable
from rolegate.policy.wildcard import Matcher, any_glob, compile_tokens, fold_case


@dataclass(frozen=True, slots=True)
class ActionMatcher:
    """Case-insensitive: patterns are case-folded once, the action per call."""

    test: Matcher
    patterns: tuple[str, ...]

    @classmethod
    def compile(cls, patterns: list[str]) -> ActionMatcher:
        return cls(any_glob(fold_case(p) for p in patterns), tuple(patterns))

    def matches(self, action: str) -> bool:
        return self.test(fold_case(action))


@dataclass(frozen=True, slots=True)
class ResourceMatcher:
    """Fixed patterns share one test; patterns with variables are kept as templates."""

    fixed: Matcher | None
    templates: tuple[Template, ...]
    patterns: tuple[str, ...]

    @classmethod
    def compile(cls, patterns: list[str], *, substitute: bool) -> ResourceMatcher:
        parsed = [Template.parse(p, substitute=substitute) for p in patterns]
        fixed = [p for p, t in zip(patterns, parsed, strict=True) if not t.has_variables]
        templates = tuple(t for t in parsed if t.has_variables)
        test = any_glob(fixed) if fixed else None
        return cls(test, templates, tuple(patterns))

    @property
    def variable_names(self) -> tuple[str, ...]:
        return tuple(name for t in self.templates for name in t.variable_names)

    def missing_keys(self, context: RequestContext) -> tuple[str, ...]:
        """Keys of the patterns' policy variables that the context lacks (and have no default)."""
        return tuple(
            part.name
            for template in self.templates
            for part in template.parts
            if isinstance(part, Variable) and part.resolve(context) is None
        )

    @property
    def matches_everything(self) -> bool:
        return "*" in self.patterns

    def matches(self, resource: str, context: RequestContext) -> bool:
        if self.fixed is not None and self.fixed(resource):
            return True
        for template in self.templates:
            # Substituted values are literal text: `*` in a user name is no wildcard.
            tokens = template.tokens(context)
            if tokens is not None and compile_tokens(tokens).matches(resource):
                return True
        return False
