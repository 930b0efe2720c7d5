"""Compiled Action and Resource matchers: one anchored regex per list, built once per statement.

UG/reference_policies_elements_action.html: actions match case-insensitively, `*` and `?` anywhere.
UG/reference_policies_elements_resource.html: resources match case-sensitively; `*` spans any
characters, `/` and `:` included (so `bucket/*/test/*` matches `bucket/1/2/test/3`). A resource
pattern with policy variables is rendered per request; one whose variable cannot be resolved
matches nothing (UG/reference_policies_variables.html).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rolegate.policy.context import RequestContext
from rolegate.policy.variables import Template, Variable
from rolegate.policy.wildcard import any_glob_regex


@dataclass(frozen=True, slots=True)
class ActionMatcher:
    regex: re.Pattern[str]
    patterns: tuple[str, ...]

    @classmethod
    def compile(cls, patterns: list[str]) -> ActionMatcher:
        return cls(any_glob_regex(patterns, ignore_case=True), tuple(patterns))

    def matches(self, action: str) -> bool:
        return self.regex.fullmatch(action) is not None


@dataclass(frozen=True, slots=True)
class ResourceMatcher:
    """Fixed patterns share one regex; patterns with variables are kept as templates."""

    fixed: re.Pattern[str] | None
    templates: tuple[Template, ...]
    patterns: tuple[str, ...]

    @classmethod
    def compile(cls, patterns: list[str], *, substitute: bool) -> ResourceMatcher:
        parsed = [Template.parse(p, substitute=substitute) for p in patterns]
        fixed = [p for p, t in zip(patterns, parsed, strict=True) if not t.has_variables]
        templates = tuple(t for t in parsed if t.has_variables)
        regex = any_glob_regex(fixed) if fixed else None
        return cls(regex, templates, tuple(patterns))

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
        if self.fixed is not None and self.fixed.fullmatch(resource) is not None:
            return True
        for template in self.templates:
            source = template.render_regex_source(context)
            if source is not None and re.fullmatch(source, resource, re.DOTALL) is not None:
                return True
        return False
