"""The statements one action can reach, indexed so a request looks only at those that may apply.

A large policy set holds many statements for the same action (every S3 statement covers
`s3:GetObject`), but a request's resource can only match patterns whose text before the first
wildcard is a prefix of it. So each fixed Resource pattern is filed under that literal prefix, in
one table per prefix length: a request looks its resource's first n characters up in each table
and matches in full only the patterns found. A pattern without wildcards is its own prefix, so it
sits in a table keyed by the whole resource and a hit needs no glob match at all. Statements that list
the same pattern (the same bucket in ten policies) share its one match.

Statements sharing a resource test often differ only by a condition value (one statement per team
tag). When enough of them test one key with a plain StringEquals, they are filed by those values
too, and the request's value of the key finds the only ones whose condition can hold.

Resource "*" needs no check. Statements the index cannot narrow are checked in full for every
request: NotResource (its patterns say where it does *not* apply) and patterns with policy
variables (rendered per request).
Small slices skip the index: with a few statements the plain loop is cheaper. The index is a pure
function of the policy, built once per action; nothing in it is keyed by a request, so it is not a
decision cache.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rolegate.policy.conditions import ConditionBlock, ConditionOperator
from rolegate.policy.context import RequestContext
from rolegate.policy.decision import KeyReport
from rolegate.policy.matchers import ResourceMatcher
from rolegate.policy.wildcard import Glob, Matcher, has_wildcard

if TYPE_CHECKING:
    from rolegate.policy.compiled import Statement

# Below this many indexable statements the slice keeps the plain loop. Measured on the benchmark:
# indexing the 4- and 5-statement slices of its 20-statement policy made that suite 5-8% slower
# (its patterns fail fast), while its 50-statement set gained ~4%; with dozens the index wins 2-3x.
INDEX_THRESHOLD = 6
# Statements of one bucket that must test the same key before they are filed by its values:
# from two such statements on, a dict lookup is cheaper than running their conditions (measured).
VALUE_INDEX_THRESHOLD = 2


def literal_prefix(pattern: str) -> str:
    """The text before the first wildcard: every resource the pattern matches starts with it."""
    cut = len(pattern)
    for wildcard in "*?":
        found = pattern.find(wildcard)
        if found != -1:
            cut = min(cut, found)
    return pattern[:cut]


def indexable_patterns(statement: Statement) -> tuple[str, ...] | None:
    """The statement's Resource patterns, or None when no index can narrow it.

    Resource "*" (no filter) is not indexed but needs no check either; NotResource and patterns
    with policy variables are checked in full.
    """
    matcher = statement.resource_filter
    if matcher is None or statement.resources_negated or matcher.templates:
        return None
    return matcher.patterns


def required_values(condition: ConditionBlock | None) -> dict[str, frozenset[str]]:
    """Lower-cased key -> values, for each plain StringEquals test of the block.

    The block can only hold when the request carries exactly one value for such a key and it is
    one of these (conditions/keys.py: a plain operator compares one value, an absent key fails).
    Values with `${` may be policy variables, known only per request: such a key is left out.
    """
    if condition is None:
        return {}
    found: dict[str, frozenset[str]] = {}
    for test in condition.conditions:
        operator = test.operator
        if (
            operator.spec.operator is ConditionOperator.STRING_EQUALS
            and operator.qualifier is None
            and not operator.if_exists
            and not any("${" in value for value in test.values)
        ):
            key = test.key.lower()
            values = frozenset(test.values)
            found[key] = found[key] & values if key in found else values
    return found


@dataclass(frozen=True, slots=True)
class Bucket:
    """Statements that share one resource test, hence its outcome, split by one condition key.

    When at least VALUE_INDEX_THRESHOLD of them require a plain StringEquals value of the same key,
    those are filed by their values in `by_value`: a request then finds, with one lookup of its
    own value, the only ones whose condition can hold. The others are in `statements`.
    """

    statements: tuple[Statement, ...]  # candidates whatever the context says
    key: str | None  # the lower-cased condition key `by_value` files the other statements by
    by_value: dict[str, tuple[Statement, ...]]
    # The conditions of the statements in `by_value`: read (for MissingContextValues) even when
    # the value index rules their statements out without running them.
    filed_conditions: tuple[ConditionBlock, ...]

    @classmethod
    def of(cls, statements: Iterable[Statement]) -> Bucket:
        members = tuple({id(s): s for s in statements}.values())  # a pattern may be listed twice
        if len(members) < VALUE_INDEX_THRESHOLD:  # most buckets: one statement, nothing to file
            return cls(members, None, {}, ())
        required = {id(s): required_values(s.condition) for s in members}
        counts = Counter(key for values in required.values() for key in values)
        key, count = counts.most_common(1)[0] if counts else (None, 0)
        if key is None or count < VALUE_INDEX_THRESHOLD:
            return cls(members, None, {}, ())
        plain: list[Statement] = []
        by_value: dict[str, list[Statement]] = defaultdict(list)
        filed: list[ConditionBlock] = []
        for statement in members:
            values = required[id(statement)].get(key)
            if values is None or statement.condition is None:
                plain.append(statement)
                continue
            filed.append(statement.condition)
            for value in values:
                by_value[value].append(statement)
        tables = {value: tuple(group) for value, group in by_value.items()}
        return cls(tuple(plain), key, tables, tuple(filed))

    def collect(
        self, context: RequestContext, found: list[Statement], considered: list[KeyReport]
    ) -> None:
        """Add the statements whose conditions may hold for `context` to `found`."""
        found.extend(self.statements)
        key = self.key
        if key is None:
            return
        considered.extend(self.filed_conditions)
        values = context.lookup(key)
        if values is not None and len(values) == 1:
            filed = self.by_value.get(values[0])
            if filed is not None:
                found.extend(filed)


# (prefix length, literal prefix -> (the bound `matches` of a pattern, the statements listing
# it)), by increasing length.
PrefixTables = tuple[tuple[int, dict[str, tuple[tuple[Matcher, Bucket], ...]]], ...]


@dataclass(frozen=True, slots=True)
class ActionSlice:
    statements: tuple[Statement, ...]  # every statement whose Action/NotAction covers the action
    checked: tuple[Statement, ...]  # resource checked in full per request (all of them if no index)
    unfiltered: Bucket | None  # Resource "*": nothing to check
    exact: dict[str, Bucket]  # wildcard-free pattern -> the statements listing it
    tables: PrefixTables
    indexed: bool  # False: `checked` holds every statement and the rest is empty
    # The Resource matchers with policy variables: the keys they read count as considered (for
    # MissingContextValues) whether or not the resource matched.
    variable_resources: tuple[ResourceMatcher, ...]

    @classmethod
    def build(cls, statements: tuple[Statement, ...]) -> ActionSlice:
        variable_resources = tuple(
            s.resource_filter
            for s in statements
            if s.resource_filter is not None and s.resource_filter.templates
        )
        checked: list[Statement] = []
        unfiltered: list[Statement] = []
        by_pattern: dict[str, list[Statement]] = defaultdict(list)
        for statement in statements:
            patterns = indexable_patterns(statement)
            if patterns is not None:
                for pattern in patterns:
                    by_pattern[pattern].append(statement)
            elif statement.resource_filter is None:
                unfiltered.append(statement)
            else:
                checked.append(statement)
        indexable = len(statements) - len(checked) - len(unfiltered)
        if indexable < INDEX_THRESHOLD:
            return cls(statements, statements, None, {}, (), False, variable_resources)
        exact: dict[str, Bucket] = {}
        by_length: dict[int, dict[str, list[tuple[Matcher, Bucket]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for pattern, group in by_pattern.items():
            bucket = Bucket.of(group)
            if not has_wildcard(pattern):
                exact[pattern] = bucket
                continue
            prefix = literal_prefix(pattern)
            by_length[len(prefix)][prefix].append((Glob.of(pattern).matches, bucket))
        tables = tuple(
            (length, {prefix: tuple(groups) for prefix, groups in table.items()})
            for length, table in sorted(by_length.items())
        )
        return cls(
            statements,
            tuple(checked),
            Bucket.of(unfiltered) if unfiltered else None,
            exact,
            tables,
            True,
            variable_resources,
        )

    def candidates(
        self, resource: str, context: RequestContext, considered: list[KeyReport]
    ) -> list[Statement]:
        """The indexed statements that may apply to `resource`, each once; `checked` is apart.

        Their Resource covers `resource`; their conditions are still to run. The conditions of
        the statements ruled out by a value index are added to `considered`, as if they had run.
        """
        found: list[Statement] = []
        if self.unfiltered is not None:
            self.unfiltered.collect(context, found, considered)
        hits = 0  # more than one bucket found: a statement may be in two of them
        bucket = self.exact.get(resource)
        if bucket is not None:
            bucket.collect(context, found, considered)
            hits = 1
        size = len(resource)
        for length, table in self.tables:
            if length > size:
                break
            groups = table.get(resource[:length])
            if groups is None:
                continue
            for matches, bucket in groups:
                if matches(resource):
                    bucket.collect(context, found, considered)
                    hits += 1
        if hits > 1:
            found = list({id(statement): statement for statement in found}.values())
        return found
