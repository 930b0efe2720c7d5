"""Wildcard patterns holding policy variables, prepared once so a request only fills them in.

UG/reference_policies_variables.html: a variable is replaced by the value of its (single-valued)
context key, or by its default when the key is absent; with neither it cannot be resolved and the
value holding it matches nothing. Substituted text is literal: a `*` in a user name is not a
wildcard. UG/reference_policies_elements_condition_operators.html#Conditions_String: `*` and `?` in
the policy text are wildcards.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolegate.policy.context import EMPTY_CONTEXT, RequestContext
from rolegate.policy.variables import Literal, Part, Template, Variable
from rolegate.policy.wildcard import Matcher, any_glob, compile_tokens, has_wildcard


@dataclass(frozen=True, slots=True)
class PatternTemplate:
    """Policy text with variables, prepared so that a request only fills in the variables.

    `wildcards` says whether the policy's own text holds a `*` or `?`: without one the filled-in
    text is compared as it is. With one, the filled-in text is matched as a glob (wildcard.py,
    linear in the text) in which only the policy's own characters are wildcards.
    """

    template: Template
    wildcards: bool

    @classmethod
    def of(cls, parts: tuple[Part, ...]) -> PatternTemplate:
        wildcards = any(
            isinstance(part, Literal) and part.is_pattern and has_wildcard(part.text)
            for part in parts
        )
        return cls(Template(parts), wildcards)

    @property
    def variables(self) -> bool:
        return bool(self.template.variable_names)

    @property
    def matches_anything(self) -> bool:
        """A lone `*`: every text matches."""
        parts = self.template.parts
        return len(parts) == 1 and parts[0] == Literal("*")

    def fixed_matcher(self) -> Matcher:
        """The test of a template without variables."""
        tokens = self.template.tokens(EMPTY_CONTEXT)
        return any_glob((tokens,) if tokens is not None else ())

    def matches(self, text: str, context: RequestContext) -> bool:
        """Whether `text` matches; False when a variable cannot be resolved (it matches nothing)."""
        if not self.wildcards:
            return self.template.render(context) == text
        tokens = self.template.tokens(context)
        return tokens is not None and compile_tokens(tokens).matches(text)


def split_literals(parts: tuple[Part, ...], separator: str, limit: int) -> list[tuple[Part, ...]]:
    """Split template parts at `separator` in literal text only, into at most `limit` + 1 groups.

    Variables stay whole inside their group: what they are replaced by is literal text, so a
    separator inside a substituted value does not start a new group.
    """
    groups: list[list[Part]] = [[]]
    for part in parts:
        if isinstance(part, Variable):
            groups[-1].append(part)
            continue
        pieces = part.text.split(separator, limit - (len(groups) - 1))
        for index, piece in enumerate(pieces):
            if index:
                groups.append([])
            if piece:
                groups[-1].append(Literal(piece, part.is_pattern))
    return [tuple(group) for group in groups]
