"""The statements one action can reach, indexed by the literal start of their Resource patterns.

A large policy set holds many statements for the same action (every S3 statement covers
`s3:GetObject`), but a request's resource can only match patterns whose text before the first
wildcard is a prefix of it. Grouping those statements by that literal prefix, per prefix length,
turns dozens of regex matches into a handful of dict lookups; only the statements found are then
matched in full. Statements the index cannot narrow (Resource "*", NotResource, policy variables,
patterns starting with a wildcard) are always checked. Small slices skip the index: below a few
statements the plain loop is cheaper. The index is a pure function of the policy, built once per
action; it is not a decision cache (nothing is keyed by the resource).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rolegate.policy.compiled import Statement

# Below this many indexable statements the plain loop is at least as fast (measured).
INDEX_THRESHOLD = 6

Tables = tuple[tuple[int, dict[str, tuple["Statement", ...]]], ...]


def literal_prefix(pattern: str) -> str:
    """The text before the first wildcard: every resource the pattern matches starts with it."""
    cut = len(pattern)
    for wildcard in "*?":
        found = pattern.find(wildcard)
        if found != -1:
            cut = min(cut, found)
    return pattern[:cut]


def _prefixes(statement: Statement) -> list[str] | None:
    """The literal prefixes of a statement's patterns, or None if it must always be checked."""
    matcher = statement.resource_filter
    if matcher is None or statement.resources_negated or matcher.templates:
        return None
    prefixes = [literal_prefix(pattern) for pattern in matcher.patterns]
    return None if "" in prefixes else prefixes


@dataclass(frozen=True, slots=True)
class ActionSlice:
    statements: tuple[Statement, ...]  # every statement whose Action/NotAction covers the action
    always: tuple[Statement, ...]  # checked for every resource
    tables: Tables  # (prefix length, prefix -> statements), by increasing length; () = no index

    @classmethod
    def build(cls, statements: tuple[Statement, ...]) -> ActionSlice:
        always: list[Statement] = []
        by_length: dict[int, dict[str, list[Statement]]] = defaultdict(lambda: defaultdict(list))
        indexed = 0
        for statement in statements:
            prefixes = _prefixes(statement)
            if prefixes is None:
                always.append(statement)
                continue
            indexed += 1
            for prefix in dict.fromkeys(prefixes):
                by_length[len(prefix)][prefix].append(statement)
        if indexed < INDEX_THRESHOLD:
            return cls(statements, statements, ())
        tables = tuple(
            (length, {prefix: tuple(group) for prefix, group in table.items()})
            for length, table in sorted(by_length.items())
        )
        return cls(statements, tuple(always), tables)

    def candidates(self, resource: str) -> tuple[Statement, ...]:
        """The statements that may match `resource`; each still needs its full resource check."""
        tables = self.tables
        if not tables:
            return self.always
        found: list[Statement] = []
        size = len(resource)
        for length, table in tables:
            if length > size:
                break
            group = table.get(resource[:length])
            if group is not None:
                found.extend(group)
        if not found:
            return self.always
        if len(found) > 1:  # a statement with several patterns can be found twice
            found = list({id(statement): statement for statement in found}.values())
        return (*self.always, *found)
