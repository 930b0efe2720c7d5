"""The statement index narrows the statements looked at, never the answer.

The property: over generated policy sets (several policies; Resource and NotResource lists with
wildcards at varied places, exact patterns, policy variables; StringEquals conditions, filed by the
value index, beside operators it leaves alone), evaluation gives the decision, the set of matched
statements and the missing context keys of a naive reference that loops over every statement with
the plain matchers. The plain tests pin the edges of the resource-prefix lookup.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolegate.policy import (
    CompiledPolicy,
    Decision,
    Effect,
    PolicySet,
    Principal,
    Request,
    evaluate,
    parse_policy,
)
from rolegate.policy import statement_index as index_module
from rolegate.policy.statement_index import ActionSlice, literal_prefix

# A role session: it brings no aws:username of its own, so the key can be missing.
CALLER = Principal.from_arn("arn:aws:sts::111122223333:assumed-role/reader/s")
ACTION = "s3:GetObject"
S3 = "arn:aws:s3:::"

# Pattern pieces chosen to collide: shared prefixes of several lengths, a wildcard at the start.
HEADS = ["", "d", "data", "data-1", "data-1/", "logs", "a?", "*", "?ata"]
TAILS = ["", "*", "?", "/*", "*/k", "-1*", "?/k"]
VARIABLE_PATTERNS = [f"{S3}home/${{aws:username}}/*", f"{S3}data-${{aws:username}}", f"{S3}${{*}}"]
RESOURCE_TAILS = [
    "",
    "d",
    "data",
    "data-1",
    "data-1/",
    "data-1/k",
    "data-12",
    "logs/x",
    "home/bob/x",
]


@st.composite
def patterns(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([*VARIABLE_PATTERNS, "*"]))
    return f"{S3}{draw(st.sampled_from(HEADS))}{draw(st.sampled_from(TAILS))}"


CONDITIONS = st.sampled_from(
    [
        None,
        {"StringEquals": {"aws:ResourceTag/team": "red"}},
        {"StringEquals": {"aws:ResourceTag/team": ["red", "blue"]}},
        {"StringEquals": {"aws:ResourceTag/team": "blue", "aws:ResourceTag/TEAM": "red"}},
        {"StringEquals": {"aws:ResourceTag/team": "${aws:username}"}},
        {"StringEquals": {"aws:ResourceTag/env": "prod"}, "Bool": {"aws:SecureTransport": "true"}},
        {"StringEqualsIfExists": {"aws:ResourceTag/team": "red"}},
        {"StringNotEquals": {"aws:ResourceTag/team": "red"}},
        {"ForAnyValue:StringEquals": {"aws:ResourceTag/team": "blue"}},
        {"StringLike": {"aws:ResourceTag/team": "r*"}},
    ]
)


@st.composite
def statements(draw: st.DrawFn, pool: list[str]) -> dict[str, object]:
    element = draw(st.sampled_from(["Resource", "Resource", "Resource", "NotResource"]))
    statement: dict[str, object] = {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
        "Action": draw(st.sampled_from([ACTION, "s3:*", "s3:Get*", "s3:PutObject"])),
        element: draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3)),
    }
    condition = draw(CONDITIONS)
    if condition is not None:
        statement["Condition"] = condition
    return statement


@st.composite
def policy_sets(draw: st.DrawFn) -> list[list[dict[str, object]]]:
    """Up to 4 policies of up to 10 statements, drawing their Resources from one small pool.

    A small pool makes statements share patterns, so buckets hold several and values get filed.
    """
    pool = draw(st.lists(patterns(), min_size=1, max_size=6, unique=True))
    policy = st.lists(statements(pool), min_size=1, max_size=10)
    return draw(st.lists(policy, min_size=1, max_size=4))


CONTEXTS = st.fixed_dictionaries(
    {},
    optional={
        "aws:ResourceTag/team": st.sampled_from(["red", "blue", ["red", "blue"], []]),
        "aws:ResourceTag/env": st.just("prod"),
        "aws:SecureTransport": st.sampled_from(["true", "false"]),
        "aws:username": st.sampled_from(["red", "blue", "1"]),
    },
)


def compile_all(documents: list[list[dict[str, object]]]) -> tuple[CompiledPolicy, ...]:
    return tuple(
        parse_policy({"Version": "2012-10-17", "Statement": statements}, policy_id=f"p{i}")
        for i, statements in enumerate(documents)
    )


Outcome = tuple[Decision, frozenset[tuple[str, int]], frozenset[str]]


def indexed_outcome(policies: tuple[CompiledPolicy, ...], request: Request) -> Outcome:
    policy_set = PolicySet(identity=policies)
    found = policy_set.identity_slice(ACTION).candidates(request.resource, request.context, [])
    assert len({id(statement) for statement in found}) == len(found), "a statement found twice"
    result = evaluate(request, policy_set)
    refs = frozenset((ref.policy_id, ref.index) for ref in result.matched_statements)
    return result.decision, refs, frozenset(result.missing_context_keys)


def reference_outcome(policies: tuple[CompiledPolicy, ...], request: Request) -> Outcome:
    """Every statement of every policy, checked in turn with the plain matchers."""
    context = request.context
    allows: set[tuple[str, int]] = set()
    denies: set[tuple[str, int]] = set()
    missing: set[str] = set()
    for statement in (s for policy in policies for s in policy.statements):
        if not statement.covers_action(request.action.lower()):
            continue
        if statement.resource_filter is not None:
            missing.update(statement.resource_filter.missing_keys(context))
        if not statement.covers_resource(request.resource, context):
            continue
        if statement.condition is not None:
            missing.update(statement.condition.missing_keys(context))
            if not statement.condition.matches(context):
                continue
        ref = (statement.ref.policy_id, statement.ref.index)
        (denies if statement.effect is Effect.DENY else allows).add(ref)
    if denies:
        return Decision.EXPLICIT_DENY, frozenset(denies), frozenset(missing)
    if allows:
        return Decision.ALLOWED, frozenset(allows), frozenset(missing)
    return Decision.IMPLICIT_DENY, frozenset(), frozenset(missing)


@contextmanager
def thresholds(index: int, value_index: int) -> Iterator[None]:
    """Index sooner or later than by default: the answer must not depend on it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "INDEX_THRESHOLD", index)
        patch.setattr(index_module, "VALUE_INDEX_THRESHOLD", value_index)
        yield


@settings(max_examples=300, deadline=None)
@given(
    documents=policy_sets(),
    tails=st.lists(st.sampled_from(RESOURCE_TAILS), min_size=1, max_size=4),
    contexts=st.lists(CONTEXTS, min_size=1, max_size=3),
    index=st.sampled_from([1, index_module.INDEX_THRESHOLD]),
    value_index=st.sampled_from([1, index_module.VALUE_INDEX_THRESHOLD]),
)
def test_index_gives_the_answers_of_a_naive_loop(
    documents: list[list[dict[str, object]]],
    tails: list[str],
    contexts: list[dict[str, object]],
    index: int,
    value_index: int,
) -> None:
    with thresholds(index, value_index):
        policies = compile_all(documents)
        for tail in tails:
            for context in contexts:
                request = Request.build(CALLER, ACTION, f"{S3}{tail}", context)
                assert indexed_outcome(policies, request) == reference_outcome(policies, request)


# --- the edges of the lookup, on slices large enough to be indexed ------------------------------

FILLERS = [
    {"Effect": "Allow", "Action": ACTION, "Resource": f"{S3}filler-{i}/*"}
    for i in range(index_module.INDEX_THRESHOLD)
]


def indexed_slice(*resources: str | list[str]) -> ActionSlice:
    """The slice of one Allow per Resource (statement i lists resources[i]), plus fillers."""
    allows = [{"Effect": "Allow", "Action": ACTION, "Resource": r} for r in resources]
    policy = parse_policy({"Version": "2012-10-17", "Statement": allows + FILLERS})
    found = policy.slice_for(ACTION)
    assert found.indexed
    return found


def hits(found: ActionSlice, resource: str) -> set[int]:
    """The indexes of the statements the index finds for `resource` (fillers never match)."""
    context = Request.build(CALLER, ACTION, resource).context
    return {statement.index for statement in found.candidates(resource, context, [])}


def test_literal_prefix_stops_at_the_first_wildcard() -> None:
    assert literal_prefix(f"{S3}bucket/*") == f"{S3}bucket/"
    assert literal_prefix(f"{S3}b?cket/*") == f"{S3}b"
    assert literal_prefix(f"{S3}bucket") == f"{S3}bucket"
    assert literal_prefix("*") == ""


def test_a_resource_equal_to_the_prefix_matches_the_star_for_nothing() -> None:
    found = indexed_slice(f"{S3}bucket/*")
    assert hits(found, f"{S3}bucket/") == {0}
    assert hits(found, f"{S3}bucket") == set()


def test_a_pattern_without_wildcards_matches_only_itself() -> None:
    found = indexed_slice(f"{S3}bucket", f"{S3}bucket/*")
    assert hits(found, f"{S3}bucket") == {0}
    assert hits(found, f"{S3}bucket/k") == {1}
    assert hits(found, f"{S3}bucke") == set()


def test_a_wildcard_at_the_start_is_checked_for_every_resource() -> None:
    found = indexed_slice("*arn:aws:s3:::x-logs", "?rn:aws:s3:::x")
    assert hits(found, f"{S3}x-logs") == {0}
    assert hits(found, f"{S3}x") == {1}
    assert hits(found, f"{S3}y") == set()


def test_question_marks_stand_for_exactly_one_character() -> None:
    found = indexed_slice(f"{S3}b?cket", f"{S3}b??")
    assert hits(found, f"{S3}bucket") == {0}
    assert hits(found, f"{S3}bcket") == set()
    assert hits(found, f"{S3}bxy") == {1}


def test_resources_shorter_than_every_prefix_find_nothing() -> None:
    found = indexed_slice(f"{S3}a-long-bucket-name/*", f"{S3}another-long-name*")
    assert hits(found, "arn") == set()
    assert hits(found, "") == set()
    assert hits(found, f"{S3}a") == set()


def test_a_statement_found_by_two_patterns_is_reported_once() -> None:
    found = indexed_slice([f"{S3}data*", f"{S3}data-1/*", f"{S3}data-1/k"])
    resource = f"{S3}data-1/k"
    context = Request.build(CALLER, ACTION, resource).context
    assert [s.index for s in found.candidates(resource, context, [])] == [0]


def test_statements_differing_by_a_tag_value_are_found_by_that_value() -> None:
    teams = [
        {
            "Effect": "Allow",
            "Action": ACTION,
            "Resource": f"{S3}shared/*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": team}},
        }
        for team in ("red", "blue", "green")
    ]
    policy = parse_policy({"Version": "2012-10-17", "Statement": teams + FILLERS})

    def decide(context: dict[str, object]) -> tuple[Decision, set[int], tuple[str, ...]]:
        request = Request.build(CALLER, ACTION, f"{S3}shared/k", context)
        result = evaluate(request, PolicySet(identity=(policy,)))
        return (
            result.decision,
            {r.index for r in result.matched_statements},
            result.missing_context_keys,
        )

    assert decide({"aws:ResourceTag/team": "blue"}) == (Decision.ALLOWED, {1}, ())
    assert decide({"aws:ResourceTag/team": "grey"})[:2] == (Decision.IMPLICIT_DENY, set())
    # A multivalued key needs a set qualifier: a plain StringEquals never matches it.
    assert decide({"aws:ResourceTag/team": ["red", "blue"]})[:2] == (Decision.IMPLICIT_DENY, set())
    # Ruled out by the index, their conditions still count as read.
    assert decide({}) == (Decision.IMPLICIT_DENY, set(), ("aws:ResourceTag/team",))


def test_small_slices_are_not_indexed() -> None:
    few = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ACTION, "Resource": f"{S3}b{i}/*"} for i in range(2)
            ],
        }
    )
    found = few.slice_for(ACTION)
    assert not found.indexed
    assert found.checked == found.statements


def test_a_string_equals_value_with_a_policy_variable_is_not_filed() -> None:
    # UG/reference_policies_variables.html: the value is known only per request, so the index
    # cannot file it; the statement's condition runs and holds when the tag equals the name.
    tagged = [
        {
            "Effect": "Allow",
            "Action": ACTION,
            "Resource": f"{S3}shared/*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": value}},
        }
        for value in ("${aws:username}", "blue", "green")
    ]
    policy = parse_policy({"Version": "2012-10-17", "Statement": tagged + FILLERS})
    context = {"aws:ResourceTag/team": "red", "aws:username": "red"}
    request = Request.build(CALLER, ACTION, f"{S3}shared/k", context)
    result = evaluate(request, PolicySet(identity=(policy,)))
    assert result.decision is Decision.ALLOWED
    assert [ref.index for ref in result.matched_statements] == [0]
