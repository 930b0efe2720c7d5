"""Properties of condition compilation that hold for every input, not just the documented ones."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from rolegate.policy.conditions import OPERATORS, ConditionBlock, Family, compile_condition_block
from rolegate.policy.context import RequestContext
from rolegate.policy.errors import Problem
from rolegate.policy.kinds import PolicyVersion

QUALIFIERS = ["", "ForAllValues:", "ForAnyValue:", "ForSomeValues:"]
SUFFIXES = ["", "IfExists"]
OPERATOR_NAMES = st.builds(
    lambda q, o, s: q + o + s,
    st.sampled_from(QUALIFIERS),
    st.sampled_from(sorted(OPERATORS)),
    st.sampled_from(SUFFIXES),
) | st.text(max_size=20)
KEYS = st.sampled_from(
    ["aws:username", "AWS:SourceIp", "ex:key", "aws:TagKeys", "aws:PrincipalAccount", "no"]
) | st.text(max_size=12)
# Values that every family can read, values none can, and everything JSON can hold.
SCALARS = (
    st.sampled_from(
        [
            "alice",
            "a*b?",
            "${aws:username}",
            "${ex:key, 'd'}",
            "${*}",
            "10",
            "-1.5e3",
            "2020-04-01T00:00:00Z",
            "1585699200",
            "true",
            "False",
            "QmluYXJ5",
            "10.0.0.0/8",
            "2001:db8::/32",
            "arn:aws:iam::*:role/${aws:username}",
            "arn:aws:s3:::b",
            "",
        ]
    )
    | st.text(max_size=16)
    | st.integers()
    | st.floats()
    | st.booleans()
    | st.none()
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
VALUES = SCALARS | st.lists(SCALARS, max_size=3) | JSON
CONDITIONS = (
    st.dictionaries(OPERATOR_NAMES, st.dictionaries(KEYS, VALUES, max_size=3) | JSON, max_size=3)
    | JSON
)
# Conditions that compile: an operator, keys with a service prefix, and values of its family.
FAMILY_VALUES: dict[Family, st.SearchStrategy[object]] = {
    Family.STRING: st.sampled_from(["a*", "${aws:username}", "${ex:key, 'd'}", "x${*}", ""])
    | st.text(max_size=8),
    Family.NUMERIC: st.sampled_from(["10", "-1.5", "1e3", "0.25"]) | st.integers(-5, 5),
    Family.DATE: st.sampled_from(["2020-04-01", "2020-04-01T00:00:00+02:00", "1585699200"]),
    Family.BOOLEAN: st.sampled_from(["true", "False", True, False]),
    Family.BINARY: st.sampled_from(["QmluYXJ5", "", "AA=="]),
    Family.IP_ADDRESS: st.sampled_from(["10.0.0.0/8", "2001:db8::/32", "203.0.113.7"]),
    Family.ARN: st.sampled_from(
        ["arn:aws:s3:::b", "arn:aws:iam::${aws:PrincipalAccount}:role/*", "*", "arn:${*}:x:y:z:w"]
    ),
    Family.NULL: st.sampled_from(["true", "false", True]),
}
VALID_KEYS = st.sampled_from(["aws:username", "AWS:SourceIp", "ex:key", "aws:TagKeys", "s3:x"])


@st.composite
def valid_conditions(draw: st.DrawFn) -> dict[str, object]:
    condition: dict[str, object] = {}
    for _ in range(draw(st.integers(1, 3))):
        base = draw(st.sampled_from(sorted(OPERATORS)))
        family = OPERATORS[base].family
        qualifier = draw(st.sampled_from(["", "ForAllValues:", "ForAnyValue:"]))
        suffix = "" if family is Family.NULL else draw(st.sampled_from(SUFFIXES))
        values = FAMILY_VALUES[family]
        body = draw(st.dictionaries(VALID_KEYS, values | st.lists(values, min_size=1, max_size=3)))
        condition[qualifier + base + suffix] = body
    return condition


REQUEST_TEXT = st.sampled_from(
    ["alice", "10", "2020-04-01T00:00:00Z", "true", "10.1.2.3", "arn:aws:s3:::b", "", "QmluYXJ5"]
) | st.text(max_size=16)
CONTEXTS = st.dictionaries(KEYS, REQUEST_TEXT | st.lists(REQUEST_TEXT, max_size=3), max_size=5).map(
    RequestContext
)


def compile_any(raw: object, version: PolicyVersion) -> tuple[ConditionBlock | None, list[Problem]]:
    problems: list[Problem] = []
    return compile_condition_block(raw, "/Statement/0/Condition", version, problems), problems


@settings(max_examples=400, deadline=None)
@given(CONDITIONS, st.sampled_from(list(PolicyVersion)))
def test_compiling_never_raises_and_fails_only_with_problems(
    raw: object, version: PolicyVersion
) -> None:
    block, problems = compile_any(raw, version)
    assert (block is None) == bool(problems)
    for problem in problems:
        assert problem.pointer.startswith("/Statement/0/Condition")


@settings(max_examples=400, deadline=None)
@given(valid_conditions(), st.sampled_from(list(PolicyVersion)), st.lists(CONTEXTS, max_size=4))
def test_valid_conditions_compile_and_matching_never_raises(
    raw: object, version: PolicyVersion, contexts: list[RequestContext]
) -> None:
    block, problems = compile_any(raw, version)
    assert problems == []
    assert block is not None
    for context in contexts:
        assert isinstance(block.matches(context), bool)
        missing = block.missing_keys(context)
        assert set(missing) <= set(block.referenced_keys)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(OPERATORS)), REQUEST_TEXT, CONTEXTS)
def test_a_negated_operator_is_the_negation_of_its_positive(
    operator: str, value: str, context: RequestContext
) -> None:
    # For a present, single-valued key: "Negated matching" (UG/reference_policies_elements_condition_operators.html).
    pairs = {
        "StringEquals": "StringNotEquals",
        "StringEqualsIgnoreCase": "StringNotEqualsIgnoreCase",
        "StringLike": "StringNotLike",
        "NumericEquals": "NumericNotEquals",
        "DateEquals": "DateNotEquals",
        "IpAddress": "NotIpAddress",
        "ArnLike": "ArnNotLike",
        "ArnEquals": "ArnNotEquals",
    }
    if operator not in pairs:
        return
    policy_value = {
        "Numeric": "10",
        "Date": "2020-04-01T00:00:00Z",
        "IpAddress": "10.0.0.0/8",
        "Arn": "arn:aws:s3:::*",
    }.get(next((f for f in ("Numeric", "Date", "IpAddress", "Arn") if f in operator), ""), "a*")
    request = RequestContext(dict(context) | {"ex:key": value})
    positive, _ = compile_any({operator: {"ex:key": policy_value}}, PolicyVersion.V2012_10_17)
    negated, _ = compile_any({pairs[operator]: {"ex:key": policy_value}}, PolicyVersion.V2012_10_17)
    assert positive is not None
    assert negated is not None
    assert positive.matches(request) is not negated.matches(request)


KEY_TEXT = st.text(alphabet=string.ascii_letters + string.digits + "/-_.:", max_size=12)


@settings(max_examples=200, deadline=None)
@given(KEY_TEXT, st.text(max_size=12))
def test_key_name_case_never_matters(key_suffix: str, value: str) -> None:
    # UG/reference_policies_elements_condition.html: condition key names are not case-sensitive.
    key = f"ex:{key_suffix}"
    block, _ = compile_any({"StringEquals": {key.swapcase(): value}}, PolicyVersion.V2012_10_17)
    assert block is not None
    assert block.matches(RequestContext({key: value}))
