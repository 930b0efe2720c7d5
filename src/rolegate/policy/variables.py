"""Policy variables: `${aws:username}` and friends, resolved against the request context.

UG/reference_policies_variables.html:
- A variable is `${key}`; the key name is case-insensitive. `${key, 'default'}` gives a default used
  when the key is absent.
- `${*}`, `${?}` and `${$}` stand for the literal characters `*`, `?` and `$`: they are not wildcards.
- A variable whose key is absent (and has no default) cannot be resolved: a Resource holding it
  matches nothing, a positive String/Arn condition with it is false, a negated one is true.
- Only documents with `"Version": "2012-10-17"` substitute variables; older ones match the text.
A substituted value is literal text: wildcard characters inside a context value do not match.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rolegate.policy.context import RequestContext
from rolegate.policy.wildcard import Token

_ESCAPES = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Literal:
    """Policy text; `is_pattern` says whether `*`/`?` in it act as wildcards."""

    text: str
    is_pattern: bool = True


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    key: str  # lower-cased for lookup
    default: str | None = None

    def resolve(self, context: RequestContext) -> str | None:
        """The key's value, else the default, else None (unresolvable).

        Only a single-valued key can stand in a variable
        (UG/reference_policies_single-vs-multi-valued-condition-keys.html).
        """
        values = context.lookup(self.key)
        if values is not None and len(values) == 1:
            return values[0]
        return self.default


Part = Literal | Variable


def _with_default(body: str) -> tuple[str, str] | None:
    """`key, 'default'` (spaces allowed around each) as (key, default), else None.

    String methods, not a regex: `\\s*([^,\\s][^,]*?)\\s*,` tried every split of a long run of
    spaces, quadratic in a policy's length (issue 10: no input may make matching slow).
    """
    before, comma, after = body.partition(",")
    name = before.strip()
    quoted = after.strip()
    if (
        not comma
        or not name
        or len(quoted) < 2
        or quoted[0] != "'"
        or quoted[-1] != "'"
        or "'" in quoted[1:-1]
    ):
        return None
    return name, quoted[1:-1]


def _variables(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, body) of each `${body}` in `text`, left to right, `body` without `}`.

    Each `${` runs to the first `}` after it; when none is left, no later `${` has one either,
    so the scan stops (the regex `\\$\\{([^}]*)\\}` rescanned the rest from every `${`).
    """
    position = 0
    while True:
        start = text.find("${", position)
        if start < 0:
            return
        end = text.find("}", start + 2)
        if end < 0:
            return
        yield start, end + 1, text[start + 2 : end]
        position = end + 1


def _parse_variable(body: str) -> Part | None:
    if body in _ESCAPES:
        return Literal(_ESCAPES[body], is_pattern=False)
    with_default = _with_default(body)
    if with_default:
        name, default = with_default
    else:
        name, default = body.strip(), None
    if not name or any(c.isspace() for c in name):
        return None
    return Variable(name=name, key=name.lower(), default=default)


@dataclass(frozen=True, slots=True)
class Template:
    """A policy string split into literal text and variables."""

    parts: tuple[Part, ...]

    @classmethod
    def parse(cls, text: str, *, substitute: bool = True) -> Template:
        if not substitute or "${" not in text:
            return cls((Literal(text),))
        parts: list[Part] = []
        position = 0
        for start, end, body in _variables(text):
            part = _parse_variable(body)
            if part is None:
                continue  # not a variable AWS recognises: the text stays literal
            if start > position:
                parts.append(Literal(text[position:start]))
            parts.append(part)
            position = end
        if position < len(text):
            parts.append(Literal(text[position:]))
        return cls(tuple(parts))

    @property
    def has_variables(self) -> bool:
        return any(not isinstance(p, Literal) or not p.is_pattern for p in self.parts)

    @property
    def variable_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parts if isinstance(p, Variable))

    def render(self, context: RequestContext) -> str | None:
        """The text with every variable replaced; None when one cannot be resolved."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, Literal):
                out.append(part.text)
                continue
            value = part.resolve(context)
            if value is None:
                return None
            out.append(value)
        return "".join(out)

    def tokens(self, context: RequestContext) -> tuple[Token, ...] | None:
        """The text as glob tokens (wildcard.py): the policy's own text keeps its wildcards,
        `${*}`-style escapes and substituted values do not; None when a variable cannot be resolved.
        """
        out: list[Token] = []
        for part in self.parts:
            if isinstance(part, Literal):
                out.append((part.text, part.is_pattern))
                continue
            value = part.resolve(context)
            if value is None:
                return None
            out.append((value, False))
        return tuple(out)
