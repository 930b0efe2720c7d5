"""The resource-prefix index narrows the statements checked, never the answer.

Differential: the same requests are evaluated with the index and with it switched off (every
statement checked, as the plain loop does); decision and matched statements must be identical.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolegate.policy import (
    PolicyKind,
    PolicySet,
    Principal,
    Request,
    evaluate,
    parse_policy,
    statement_index,
)
from rolegate.policy.statement_index import ActionSlice, literal_prefix

CALLER = Principal.from_arn("arn:aws:iam::111122223333:user/alice")
SEGMENTS = st.sampled_from(["data", "data-1", "logs", "a", "ab", "x/y", ""])
WILDCARDS = st.sampled_from(["", "*", "?", "/*", "*/z", "?b"])


@st.composite
def resource_patterns(draw: st.DrawFn) -> str:
    return f"arn:aws:s3:::{draw(SEGMENTS)}{draw(WILDCARDS)}"


@st.composite
def statements(draw: st.DrawFn) -> dict[str, object]:
    element = draw(st.sampled_from(["Resource", "Resource", "Resource", "NotResource"]))
    return {
        "Effect": draw(st.sampled_from(["Allow", "Deny"])),
        "Action": draw(st.sampled_from(["s3:GetObject", "s3:*", "s3:Get*"])),
        element: draw(st.lists(resource_patterns(), min_size=1, max_size=3)),
    }


def decide(policies: PolicySet, resource: str) -> tuple[str, frozenset[tuple[str, int]]]:
    result = evaluate(Request.build(CALLER, "s3:GetObject", resource), policies)
    refs = frozenset((r.policy_id, r.index) for r in result.matched_statements)
    return result.decision.value, refs


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(statements(), min_size=1, max_size=12), min_size=1, max_size=4),
    st.lists(
        st.builds(
            lambda s, tail: f"arn:aws:s3:::{s}{tail}",
            SEGMENTS,
            st.sampled_from(["", "/k", "b", "x"]),
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_index_gives_the_answers_of_the_plain_loop(
    documents: list[list[dict[str, object]]], resources: list[str]
) -> None:
    def policy_set() -> PolicySet:
        return PolicySet(
            identity=tuple(
                parse_policy(
                    {"Version": "2012-10-17", "Statement": d},
                    PolicyKind.IDENTITY,
                    policy_id=f"p{i}",
                )
                for i, d in enumerate(documents)
            )
        )

    indexed = policy_set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(statement_index, "INDEX_THRESHOLD", 10**9)
        plain = policy_set()
        expected = [decide(plain, r) for r in resources]
    assert [decide(indexed, r) for r in resources] == expected


def test_literal_prefix_stops_at_the_first_wildcard() -> None:
    assert literal_prefix("arn:aws:s3:::bucket/*") == "arn:aws:s3:::bucket/"
    assert literal_prefix("arn:aws:s3:::b?cket/*") == "arn:aws:s3:::b"
    assert literal_prefix("arn:aws:s3:::bucket") == "arn:aws:s3:::bucket"
    assert literal_prefix("*") == ""


def test_small_slices_are_not_indexed_and_large_ones_are() -> None:
    few = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b{i}/*"}
                for i in range(2)
            ],
        }
    )
    many = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b{i}/*"}
                for i in range(20)
            ]
            + [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}],
        }
    )
    assert few.slice_for("s3:GetObject").tables == ()
    reachable: ActionSlice = many.slice_for("s3:GetObject")
    assert reachable.tables
    candidates = reachable.candidates("arn:aws:s3:::b7/key")
    # The Resource "*" deny is always checked; of the 20 buckets only b7's prefix is found.
    assert {s.index for s in candidates} == {7, 20}
    assert reachable.candidates("arn:aws:s3:::zz") == reachable.always
