"""Wildcard patterns holding policy variables, prepared once so a request only fills them in.

UG/reference_policies_variables.html: a variable is replaced by the value of its (single-valued)
context key, or by its default when the key is absent; with neither it cannot be resolved and the
value holding it matches nothing. Substituted text is literal: a `*` in a user name is not a
wildcard. UG/reference_policies_elements_condition_operators.html#Conditions_String: `*` and `?` in
the policy text are wildcards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rolegate.policy.context import RequestContext
from rolegate.policy.variables import Literal, Part, Variable
from rolegate.policy.wildcard import glob_to_regex_source, has_wildcard


@lru_cache(maxsize=4096)
def cached_regex(source: str) -> re.Pattern[str]:
    """A compiled DOTALL regex for a filled-in pattern: the same values recur across requests."""
    return re.compile(source, re.DOTALL)


@dataclass(frozen=True, slots=True)
class PatternTemplate:
    """Policy text with variables, prepared so that a request only fills in the variables.

    `sources` holds the regex source of the literal text, converted once; it is None when the text
    has no wildcard, and the filled-in text is then compared as it is, without a regex.
    """

    texts: tuple[str | Variable, ...]
    sources: tuple[str | Variable, ...] | None

    @classmethod
    def of(cls, parts: tuple[Part, ...]) -> PatternTemplate:
        texts: list[str | Variable] = []
        sources: list[str | Variable] = []
        wildcards = False
        for part in parts:
            if isinstance(part, Variable):
                texts.append(part)
                sources.append(part)
                continue
            texts.append(part.text)
            if part.is_pattern:
                wildcards = wildcards or has_wildcard(part.text)
                sources.append(glob_to_regex_source(part.text))
            else:  # `${*}`, `${?}`, `${$}`: literal characters
                sources.append(re.escape(part.text))
        return cls(tuple(texts), tuple(sources) if wildcards else None)

    @property
    def variables(self) -> bool:
        return any(isinstance(text, Variable) for text in self.texts)

    def fixed_regex(self) -> re.Pattern[str]:
        """The compiled pattern of a template without variables."""
        if self.sources is None:
            return cached_regex(re.escape("".join(t for t in self.texts if isinstance(t, str))))
        return cached_regex("".join(s for s in self.sources if isinstance(s, str)))

    def _fill(
        self, pieces: tuple[str | Variable, ...], context: RequestContext, escape: bool
    ) -> str | None:
        out: list[str] = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            value = piece.resolve(context)
            if value is None:
                return None
            out.append(re.escape(value) if escape else value)
        return "".join(out)

    def matches(self, text: str, context: RequestContext) -> bool:
        """Whether `text` matches; False when a variable cannot be resolved (it matches nothing)."""
        if self.sources is None:
            return self._fill(self.texts, context, escape=False) == text
        source = self._fill(self.sources, context, escape=True)
        return source is not None and cached_regex(source).fullmatch(text) is not None


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
