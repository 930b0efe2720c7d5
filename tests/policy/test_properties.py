"""Properties of the policy engine that hold for every input, checked with hypothesis.

- Parsing never fails with anything but PolicyValidationError, whatever it is given.
- Wildcard matching (`*` any run, `?` one character; UG/reference_policies_elements_action.html,
  UG/reference_policies_elements_resource.html) agrees with a plain reference matcher, and the
  per-component ARN matching of the Arn* operators
  (UG/reference_policies_elements_condition_operators.html#Conditions_ARN) with a reference too.
- Evaluation is deterministic and blind to statement order and to how identity statements are
  split into policies (UG/reference_policies_evaluation-logic.html: the policies are a union).
- An applicable explicit Deny always decides (UG/reference_policies_evaluation-logic.html).
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.policy import glob_strategies
from tests.policy.glob_strategies import arn_patterns, instantiated, randomise_case

from rolegate.policy import (
    CompiledPolicy,
    Decision,
    ErrorCode,
    EvaluationResult,
    PolicyKind,
    PolicySet,
    PolicyValidationError,
    Principal,
    Request,
    evaluate,
    parse_policy,
    validate_policy,
)
from rolegate.policy.arn import ArnPattern
from rolegate.policy.wildcard import glob_matches

FAST = settings(max_examples=200, deadline=None)
ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
ALICE = Principal.from_arn(f"arn:aws:iam::{ACCOUNT}:user/alice")
SESSION = Principal.from_arn(
    f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/job-1",
    role_arn=f"arn:aws:iam::{ACCOUNT}:role/app/reader",
)
ROOT = Principal.from_arn(f"arn:aws:iam::{ACCOUNT}:root")


# --- Reference matchers -----------------------------------------------------------------------------


def reference_glob(pattern: str, text: str) -> bool:
    """`*` matches any run (also empty), `?` exactly one character, everything else itself."""

    @functools.cache
    def match(p: int, t: int) -> bool:
        if p == len(pattern):
            return t == len(text)
        if pattern[p] == "*":
            return match(p + 1, t) or (t < len(text) and match(p, t + 1))
        if t == len(text):
            return False
        return pattern[p] in ("?", text[t]) and match(p + 1, t + 1)

    return match(0, 0)


def reference_glob_ignore_case(pattern: str, text: str) -> bool:
    return reference_glob(pattern.lower(), text.lower())


def reference_arn_like(pattern: str, arn: str) -> bool:
    """Both split into their six colon-delimited components; each matched on its own."""
    pattern_parts = pattern.split(":", 5)
    arn_parts = arn.split(":", 5)
    if len(pattern_parts) != 6 or len(arn_parts) != 6:
        return False
    return all(reference_glob(p, a) for p, a in zip(pattern_parts, arn_parts, strict=True))


def test_reference_glob_itself() -> None:
    assert reference_glob("a*b?c", "aXXbYc")
    assert reference_glob("*", "")
    assert not reference_glob("?", "")
    assert not reference_glob("a*", "ba")
    assert reference_glob_ignore_case("S3:Get*", "s3:getobject")
    assert reference_arn_like("arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y")
    assert not reference_arn_like(
        "arn:aws:someservice:*:111122223333:finance/*",
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt",
    )


# --- Strategies ---------------------------------------------------------------------------------------

# Regex metacharacters are in the alphabets so that escaping is exercised too.
GLOB_CHARS = "ab*?/:.+()[]\\$^|-"
TEXT_CHARS = "ab/:.+()[]\\$^|-\n"
CASE_CHARS = "aAbBzZ\u00e9\u00c9*?/.-"


def glob_cases(
    pattern_chars: str = GLOB_CHARS, text_chars: str = TEXT_CHARS
) -> st.SearchStrategy[tuple[str, str]]:
    return glob_strategies.glob_cases(pattern_chars, text_chars)


# --- Wildcards ---------------------------------------------------------------------------------------


@FAST
@given(glob_cases())
def test_glob_matches_agrees_with_the_reference(case: tuple[str, str]) -> None:
    pattern, text = case
    assert glob_matches(pattern, text) == reference_glob(pattern, text)


@FAST
@given(glob_cases(CASE_CHARS, CASE_CHARS.replace("*", "").replace("?", "")), st.data())
def test_case_insensitive_glob_agrees_with_the_reference(
    case: tuple[str, str], data: st.DataObject
) -> None:
    pattern, text = case
    text = randomise_case(data.draw, text)
    assert glob_matches(pattern, text, ignore_case=True) == reference_glob_ignore_case(
        pattern, text
    )
    assert glob_matches(pattern, text) == reference_glob(pattern, text)


def decide(policy: CompiledPolicy, principal: Principal, action: str, resource: str) -> Decision:
    request = Request.build(principal=principal, action=action, resource=resource)
    return evaluate(request, PolicySet(identity=(policy,))).decision


def allow_policy(action: str, resource: str) -> CompiledPolicy:
    return parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": action, "Resource": resource},
        }
    )


ACTION_CHARS = GLOB_CHARS.replace(":", "") + "AB"


@FAST
@given(glob_cases(ACTION_CHARS, TEXT_CHARS.replace(":", "").replace("\n", "") + "AB"), st.data())
def test_action_matching_is_a_case_insensitive_glob(
    case: tuple[str, str], data: st.DataObject
) -> None:
    pattern, text = case
    policy_action = "svc:" + pattern
    request_action = randomise_case(data.draw, "svc:" + text)
    expected = reference_glob_ignore_case(policy_action, request_action)
    decision = decide(allow_policy(policy_action, "*"), ALICE, request_action, "arn:aws:s3:::b")
    assert decision is (Decision.ALLOWED if expected else Decision.IMPLICIT_DENY)


@FAST
@given(glob_cases(GLOB_CHARS + "AB", TEXT_CHARS + "AB"))
def test_resource_matching_is_a_case_sensitive_glob(case: tuple[str, str]) -> None:
    pattern, text = case
    policy_resource = "arn:aws:s3:::" + pattern
    request_resource = "arn:aws:s3:::" + text
    expected = reference_glob(policy_resource, request_resource)
    decision = decide(
        allow_policy("s3:GetObject", policy_resource), ALICE, "s3:GetObject", request_resource
    )
    assert decision is (Decision.ALLOWED if expected else Decision.IMPLICIT_DENY)


# --- ARN patterns ------------------------------------------------------------------------------------

RESOURCE_PART_CHARS = "ab*?-./:"


@st.composite
def arn_cases(draw: st.DrawFn) -> tuple[str, str]:
    components = draw(arn_patterns(RESOURCE_PART_CHARS))
    pattern = ":".join(components)
    derived = ":".join(
        [draw(instantiated(c, "ab-.")) for c in components[:5]]
        + [draw(instantiated(components[5], "ab-./:"))]
    )
    arn = draw(
        st.one_of(
            st.just(derived),
            st.text(alphabet="ab-./:", max_size=20),
            st.builds(
                ":".join, st.lists(st.text(alphabet="ab-.", max_size=3), min_size=6, max_size=8)
            ),
        )
    )
    return pattern, arn


@FAST
@given(arn_cases())
def test_arn_pattern_agrees_with_the_per_component_reference(case: tuple[str, str]) -> None:
    pattern, arn = case
    assert ArnPattern(pattern).matches(arn) == reference_arn_like(pattern, arn)


@FAST
@given(arn_cases())
def test_arn_pattern_matches_every_arn_built_from_it(case: tuple[str, str]) -> None:
    pattern, _ = case
    components = pattern.split(":", 5)
    concrete = ":".join(c.replace("*", "").replace("?", "a") for c in components)
    assert ArnPattern(pattern).matches(concrete)


@FAST
@given(st.text(alphabet="ab*?:", max_size=12).filter(lambda s: s.count(":") < 5))
def test_arn_pattern_needs_six_components(pattern: str) -> None:
    try:
        ArnPattern(pattern)
    except ValueError:
        return
    raise AssertionError(f"{pattern!r} has fewer than six components but was accepted")


# --- Parsing never fails any other way ---------------------------------------------------------------

POLICY_WORDS = [
    "Version", "Id", "Statement", "Sid", "Effect", "Action", "NotAction", "Resource",
    "NotResource", "Principal", "NotPrincipal", "Condition", "AWS", "Service", "Federated",
    "CanonicalUser", "Allow", "Deny", "2012-10-17", "2008-10-17", "*", "s3:GetObject",
    "sts:AssumeRole", "arn:aws:s3:::b/*", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root",
    "StringEquals", "StringLike", "ArnLike", "ForAnyValue:StringEquals", "IpAddress",
    "NumericLessThan", "DateGreaterThan", "Bool", "Null", "aws:username", "aws:SourceIp",
    "${aws:username}", "${*}", "",
]  # fmt: skip
words = st.sampled_from(POLICY_WORDS)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    words,
    st.text(max_size=12),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(words, st.text(max_size=6)), children, max_size=5),
    ),
    max_leaves=25,
)

VALID_BASES: dict[PolicyKind, dict[str, object]] = {
    PolicyKind.IDENTITY: {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": ["s3:Get*"],
                "Resource": "arn:aws:s3:::b/*",
            },
            {
                "Effect": "Deny",
                "NotAction": "iam:*",
                "NotResource": ["arn:aws:s3:::b/${aws:username}"],
            },
        ],
    },
    PolicyKind.SESSION: {
        "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    },
    PolicyKind.RESOURCE: {
        "Version": "2012-10-17",
        "Id": "BucketPolicy",
        "Statement": [
            {
                "Sid": "Public read",
                "Effect": "Allow",
                "Principal": {"AWS": [ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/alice"]},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/*",
            },
            {"Effect": "Deny", "NotPrincipal": "*", "Action": "*", "Resource": "*"},
        ],
    },
    PolicyKind.TRUST: {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com", "AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        },
    },
}


def only_validation_errors(document: object, kind: PolicyKind) -> None:
    """parse_policy either compiles `document` or raises PolicyValidationError; validate agrees."""
    try:
        compiled = parse_policy(document, kind)  # type: ignore[arg-type]  # deliberately any shape
    except PolicyValidationError as error:
        assert error.problems
        assert all(isinstance(p.message, str) and p.message for p in error.problems)
        assert all(isinstance(p.code, ErrorCode) for p in error.problems)
        assert validate_policy(document, kind)  # type: ignore[arg-type]  # same
    else:
        assert compiled.kind is kind
        assert compiled.statements
        assert validate_policy(document, kind) == []  # type: ignore[arg-type]  # same


kinds = st.sampled_from(list(PolicyKind))


@FAST
@given(json_values, kinds)
def test_any_json_value_is_parsed_or_rejected(value: object, kind: PolicyKind) -> None:
    only_validation_errors(value, kind)
    only_validation_errors(json.dumps(value), kind)


@FAST
@given(st.dictionaries(words, json_values, max_size=4), kinds)
def test_any_policy_shaped_object_is_parsed_or_rejected(
    statement: dict[str, object], kind: PolicyKind
) -> None:
    only_validation_errors({"Version": "2012-10-17", "Statement": statement}, kind)
    only_validation_errors({"Version": "2012-10-17", "Statement": [statement, statement]}, kind)


@FAST
@given(st.text(max_size=200), kinds)
def test_any_text_is_parsed_or_rejected(text: str, kind: PolicyKind) -> None:
    only_validation_errors(text, kind)


def paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every path to a value inside nested dicts and lists."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(paths(child, (*prefix, index)))
    return found


def mutate(
    document: object, path: tuple[object, ...], change: Callable[[object], object]
) -> object:
    if not path:
        return change(document)
    head, rest = path[0], path[1:]
    if isinstance(document, dict):
        copy = dict(document)
        copy[head] = mutate(copy[head], rest, change)
        return copy
    if isinstance(document, list) and isinstance(head, int):
        copy_list = list(document)
        copy_list[head] = mutate(copy_list[head], rest, change)
        return copy_list
    return document


REMOVED = object()


def drop_removed(value: object) -> object:
    if isinstance(value, dict):
        return {k: drop_removed(v) for k, v in value.items() if v is not REMOVED}
    if isinstance(value, list):
        return [drop_removed(v) for v in value if v is not REMOVED]
    return value


@FAST
@given(kinds, st.data())
def test_mutated_valid_policies_are_parsed_or_rejected(
    kind: PolicyKind, data: st.DataObject
) -> None:
    document: object = VALID_BASES[kind]
    parse_policy(document, kind)  # type: ignore[arg-type]  # the base is valid
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths(document)))
        replacement = data.draw(
            st.one_of(
                json_values,
                st.just(REMOVED),
                st.dictionaries(words, json_values, min_size=1, max_size=2).map(
                    lambda extra: lambda old: {**old, **extra} if isinstance(old, dict) else extra
                ),
            )
        )
        if replacement is REMOVED and not path:
            replacement = None  # the document itself cannot be removed
        change = replacement if callable(replacement) else (lambda _old, new=replacement: new)
        document = drop_removed(mutate(document, path, change))
    only_validation_errors(document, kind)
    only_validation_errors(json.dumps(document, indent=1), kind)


def test_deeply_nested_json_is_rejected_cleanly() -> None:
    for text in ("[" * 100_000, '{"Statement":' * 50_000, "[" * 5_000 + "]" * 5_000):
        for kind in PolicyKind:
            only_validation_errors(text, kind)


# --- Evaluation: deterministic, order-blind -------------------------------------------------------

ACTION_PATTERNS = ["s3:GetObject", "s3:Get*", "s3:*", "*", "s3:PutObject", "iam:*", "S3:?ETOBJECT"]
RESOURCE_PATTERNS = [
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::other/*",
    "arn:aws:s3:::b/${aws:username}",
    f"arn:aws:iam::{ACCOUNT}:user/*",
]
REQUEST_ACTIONS = ["s3:GetObject", "s3:PutObject", "iam:GetUser", "ec2:RunInstances"]
REQUEST_RESOURCES = [
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b/alice",
    "arn:aws:s3:::other/x",
    f"arn:aws:iam::{ACCOUNT}:user/alice",
]


@st.composite
def statements(draw: st.DrawFn) -> dict[str, object]:
    action_key = draw(st.sampled_from(["Action", "NotAction"]))
    resource_key = draw(st.sampled_from(["Resource", "NotResource"]))
    return {
        "Effect": draw(st.sampled_from(["Allow", "Deny"])),
        action_key: draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=2)),
        resource_key: draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2)),
    }


def with_sids(items: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{**s, "Sid": f"S{i}"} for i, s in enumerate(items)]


def compile_identity(items: list[dict[str, object]], policy_id: str = "p") -> CompiledPolicy:
    return parse_policy({"Version": "2012-10-17", "Statement": items}, policy_id=policy_id)


def outcome(result: EvaluationResult) -> tuple[Decision, list[str]]:
    return result.decision, sorted(str(ref.sid) for ref in result.matched_statements)


requests = st.builds(
    lambda action, resource: Request.build(principal=ALICE, action=action, resource=resource),
    st.sampled_from(REQUEST_ACTIONS),
    st.sampled_from(REQUEST_RESOURCES),
)


@FAST
@given(st.lists(statements(), min_size=1, max_size=8).map(with_sids), requests, st.data())
def test_statement_order_does_not_change_the_outcome(
    items: list[dict[str, object]], request: Request, data: st.DataObject
) -> None:
    policy = compile_identity(items)
    first = outcome(evaluate(request, PolicySet(identity=(policy,))))
    again = outcome(evaluate(request, PolicySet(identity=(policy,))))
    assert again == first
    shuffled = compile_identity(data.draw(st.permutations(items)))
    assert outcome(evaluate(request, PolicySet(identity=(shuffled,)))) == first


@FAST
@given(st.lists(statements(), min_size=1, max_size=8).map(with_sids), requests, st.data())
def test_splitting_statements_across_identity_policies_does_not_change_the_decision(
    items: list[dict[str, object]], request: Request, data: st.DataObject
) -> None:
    whole = evaluate(request, PolicySet(identity=(compile_identity(items),))).decision
    cuts = (
        sorted(data.draw(st.sets(st.integers(1, len(items) - 1), max_size=3)))
        if len(items) > 1
        else []
    )
    bounds = [0, *cuts, len(items)]
    parts = [
        compile_identity(items[start:end], policy_id=f"p{i}")
        for i, (start, end) in enumerate(itertools.pairwise(bounds))
    ]
    split = evaluate(request, PolicySet(identity=tuple(parts))).decision
    reordered = evaluate(request, PolicySet(identity=tuple(data.draw(st.permutations(parts)))))
    assert split is whole
    assert reordered.decision is whole


# --- Explicit deny wins ------------------------------------------------------------------------------


@st.composite
def matching_denies(draw: st.DrawFn, action: str, resource: str) -> dict[str, object]:
    """A Deny statement that applies to (action, resource), in one of several spellings."""
    return draw(
        st.sampled_from(
            [
                {"Effect": "Deny", "Action": action, "Resource": resource},
                {"Effect": "Deny", "Action": action.upper(), "Resource": "*"},
                {"Effect": "Deny", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": action.partition(":")[0] + ":*", "Resource": resource},
                {"Effect": "Deny", "NotAction": "nosuch:Action", "Resource": resource},
                {"Effect": "Deny", "Action": action, "NotResource": "arn:aws:s3:::nosuch/*"},
            ]
        )
    )


GRANTS = [
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
]
RESOURCE_PRINCIPALS = ["*", {"AWS": ACCOUNT}, {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"}]


@FAST
@given(
    st.sampled_from([ALICE, SESSION, ROOT]),
    st.sampled_from(REQUEST_ACTIONS),
    st.sampled_from(REQUEST_RESOURCES),
    st.sampled_from([None, ACCOUNT, OTHER_ACCOUNT]),
    st.sampled_from(["identity", "boundary", "session", "resource"]),
    st.data(),
)
def test_a_matching_explicit_deny_always_wins(
    principal: Principal,
    action: str,
    resource: str,
    resource_account: str | None,
    placement: str,
    data: st.DataObject,
) -> None:
    def some_statements() -> list[dict[str, object]]:
        generated = data.draw(st.lists(statements(), max_size=3))
        return data.draw(
            st.permutations(generated + data.draw(st.lists(st.sampled_from(GRANTS), max_size=2)))
        )

    deny = data.draw(matching_denies(action, resource))
    identity_docs = [some_statements() for _ in range(data.draw(st.integers(0, 2)))]
    boundary_doc = some_statements() if data.draw(st.booleans()) else None
    session_doc = some_statements() if data.draw(st.booleans()) else None
    resource_doc = [
        {**s, "Principal": data.draw(st.sampled_from(RESOURCE_PRINCIPALS))}
        for s in some_statements()
    ]

    def insert(
        items: list[dict[str, object]] | None, statement: dict[str, object]
    ) -> list[dict[str, object]]:
        items = list(items or [])
        items.insert(data.draw(st.integers(0, len(items))), statement)
        return items

    if placement == "identity":
        index = data.draw(st.integers(0, len(identity_docs)))
        if index == len(identity_docs):
            identity_docs.append([])
        identity_docs[index] = insert(identity_docs[index], deny)
    elif placement == "boundary":
        boundary_doc = insert(boundary_doc, deny)
    elif placement == "session":
        session_doc = insert(session_doc, deny)
    else:
        resource_doc = insert(resource_doc, {**deny, "Principal": "*"})

    def compiled(
        items: list[dict[str, object]], kind: PolicyKind, policy_id: str
    ) -> CompiledPolicy:
        return parse_policy(
            {"Version": "2012-10-17", "Statement": items}, kind, policy_id=policy_id
        )

    policies = PolicySet(
        identity=tuple(
            compiled(d, PolicyKind.IDENTITY, f"id{i}") for i, d in enumerate(identity_docs) if d
        ),
        resource=compiled(resource_doc, PolicyKind.RESOURCE, "bucket") if resource_doc else None,
        boundary=compiled(boundary_doc, PolicyKind.IDENTITY, "boundary") if boundary_doc else None,
        session=(compiled(session_doc, PolicyKind.SESSION, "session"),) if session_doc else (),
    )
    request = Request.build(
        principal=principal, action=action, resource=resource, resource_account=resource_account
    )
    result = evaluate(request, policies)
    assert result.decision is Decision.EXPLICIT_DENY
    assert result.matched_statements
    assert all(ref.effect.value == "Deny" for ref in result.matched_statements)
