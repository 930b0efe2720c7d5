"""Set operators (ForAllValues, ForAnyValue) and multivalued request keys.

Sources: UG/reference_policies_multi-value-conditions.html (MV) and
UG/reference_policies_condition_examples-multi-valued-context-keys.html (EX), with
UG = https://docs.aws.amazon.com/IAM/latest/UserGuide/. Each table row below is a row of the page.
"""

from __future__ import annotations

import pytest

from rolegate.policy.conditions import compile_condition_block
from rolegate.policy.context import RequestContext
from rolegate.policy.errors import Problem
from rolegate.policy.kinds import PolicyVersion

ABSENT = None


def holds(condition: object, key: str, values: list[str] | str | None) -> bool:
    problems: list[Problem] = []
    block = compile_condition_block(condition, "/C", PolicyVersion.V2012_10_17, problems)
    assert problems == []
    assert block is not None
    context = {} if values is None else {key: values}
    return block.matches(RequestContext(context))


# MV, "Examples of using multiple values": ForAllValues:StringEquals over dynamodb:Attributes.
ALLOWED_ATTRIBUTES = {
    "ForAllValues:StringEquals": {"dynamodb:Attributes": ["ID", "Message", "Tags"]}
}


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        (["ID", "Message", "Tags"], True),  # "the request is allowed"
        (["Message", "Tags"], True),
        (
            ["ID", "Message", "UserName"],
            False,
        ),  # "if the user's request includes UserName ... fails"
        ([], True),  # Note: "an empty list ... ForAllValues returns true"
        (ABSENT, True),  # "It also returns true if there are no keys in the request"
        ("", True),  # "or if the key values resolve to a null data set, such as an empty string"
    ],
)
def test_for_all_values_requires_every_request_value_listed(
    attributes: list[str] | str | None, expected: bool
) -> None:
    assert holds(ALLOWED_ATTRIBUTES, "dynamodb:Attributes", attributes) is expected


def test_for_all_values_evaluation_table() -> None:
    # MV, "Evaluation logic": PostDateTime and UserName against PostDateTime, Message, Tags —
    # "There's no match for UserName, so the condition operator returns false".
    condition = {
        "ForAllValues:StringEquals": {"dynamodb:Attributes": ["PostDateTime", "Message", "Tags"]}
    }
    assert not holds(condition, "dynamodb:Attributes", ["PostDateTime", "UserName"])
    assert holds(condition, "dynamodb:Attributes", ["PostDateTime", "Tags"])


FORBIDDEN_ATTRIBUTES = {"ForAnyValue:StringEquals": {"dynamodb:Attributes": ["ID", "PostDateTime"]}}


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        (["PostDateTime", "Message"], True),  # "there is one match (PostDateTime)"
        (["UserName", "Message", "PostDateTime"], True),  # "The last test returns true"
        (["UserName"], False),  # "The condition returns false"
        ([], False),  # Note: "A condition operator modified by ForAnyValue returns false"
        (ABSENT, False),  # "For no matching key or a null dataset, the condition returns false"
        ("", False),
    ],
)
def test_for_any_value_requires_one_listed_request_value(
    attributes: list[str] | str | None, expected: bool
) -> None:
    assert holds(FORBIDDEN_ATTRIBUTES, "dynamodb:Attributes", attributes) is expected


# EX, "Deny a single policy condition value for a multivalued context key" (DenyRestrictedTags).
DENY_UNLESS_KEY1 = {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}


@pytest.mark.parametrize(
    ("tag_keys", "expected"),
    [
        (["key1:legal"], False),  # No match
        (["key1:hr", "key1:personnel"], False),  # No match
        (["key2:audit"], True),  # Match
        (ABSENT, True),  # "No aws:TagKeys in the request context": Match
    ],
)
def test_for_all_values_with_a_negated_operator(tag_keys: list[str] | None, expected: bool) -> None:
    # With a negated operator the per-value test is the negated one: every request value must be
    # unlike every policy value.
    assert holds(DENY_UNLESS_KEY1, "aws:TagKeys", tag_keys) is expected


def test_for_all_values_negated_with_several_policy_values_is_nor_per_request_value() -> None:
    # MV Note (NOR over the values of a negated operator), applied to each request value.
    condition = {"ForAllValues:StringNotLike": {"aws:TagKeys": ["key1*", "key2*"]}}
    assert holds(condition, "aws:TagKeys", ["key3:legal"])
    assert not holds(condition, "aws:TagKeys", ["key3:legal", "key2:audit"])
    assert not holds(condition, "aws:TagKeys", ["key1:legal"])


def test_for_any_value_with_a_negated_operator() -> None:
    # ForAnyValue: "at least one member of the set of request values" passes the (negated) test.
    condition = {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["owner", "cost-center"]}}
    assert holds(condition, "aws:TagKeys", ["owner", "project"])
    assert not holds(condition, "aws:TagKeys", ["owner", "cost-center"])
    assert not holds(condition, "aws:TagKeys", ABSENT)


def test_null_false_guards_for_all_values_against_a_missing_key() -> None:
    # EX: "You can prevent missing context keys or context keys with empty values from evaluating
    # to true by including a Null condition operator in your policy with a value of false".
    condition = {
        "Null": {"aws:TagKeys": "false"},
        "ForAllValues:StringLike": {"aws:TagKeys": ["key1*", "key2*", "key3*"]},
    }
    assert holds(condition, "aws:TagKeys", ["key1-team", "key3-cost"])
    assert not holds(condition, "aws:TagKeys", ["key1-team", "owner"])
    assert not holds(condition, "aws:TagKeys", ABSENT)
    assert not holds(condition, "aws:TagKeys", [])


@pytest.mark.parametrize(
    ("tag_keys", "expected"),
    [(["environment", "owner"], True), (["owner", "cost-center"], False), (ABSENT, False)],
)
def test_for_any_value_snapshot_tag_example(tag_keys: list[str] | None, expected: bool) -> None:
    # EX, "Deny policy with condition set operator ForAnyValue": a request with any of the tag keys
    # environment or webserver is denied.
    condition = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment", "webserver"]}}
    assert holds(condition, "aws:TagKeys", tag_keys) is expected


def test_set_operators_take_wildcards_with_string_like() -> None:
    # MV: "if you include a multivalued string key in your policy with a wildcard or a variable,
    # you must also use the StringLike condition operator".
    condition = {"ForAnyValue:StringLike": {"aws:TagKeys": "cost-*"}}
    assert holds(condition, "aws:TagKeys", ["owner", "cost-center"])
    assert not holds(condition, "aws:TagKeys", ["owner"])


def test_set_operators_accept_a_single_request_value() -> None:
    # "The difference between single-valued and multivalued context keys depends on the number of
    # values in the request context": one value is a set of one.
    assert holds(ALLOWED_ATTRIBUTES, "dynamodb:Attributes", "ID")
    assert holds(FORBIDDEN_ATTRIBUTES, "dynamodb:Attributes", "ID")


@pytest.mark.parametrize(
    "operator", ["StringEquals", "StringLike", "StringNotEquals", "StringNotLike"]
)
def test_a_plain_operator_does_not_match_several_request_values(operator: str) -> None:
    # UG/reference_policies_condition-single-vs-multi-valued-context-keys.html: "Multivalued context
    # keys require a condition set operator." Without one, a request carrying several values for the
    # key does not match, for positive and negated operators alike (observed: a bare StringEquals on
    # aws:CalledVia with two services never matched, boogy/iam-policy-validator PR #161).
    condition = {operator: {"aws:CalledVia": "athena.amazonaws.com"}}
    several = ["athena.amazonaws.com", "glue.amazonaws.com"]
    assert not holds(condition, "aws:CalledVia", several)
    assert not holds(condition, "aws:CalledVia", [])
    assert not holds({f"{operator}IfExists": {"aws:CalledVia": "x"}}, "aws:CalledVia", several)


def test_for_all_values_is_true_for_an_absent_key_with_or_without_if_exists() -> None:
    condition = {"ForAllValues:StringEqualsIfExists": {"aws:TagKeys": "a"}}
    assert holds(condition, "aws:TagKeys", ABSENT)
    assert not holds(condition, "aws:TagKeys", ["b"])


def test_for_any_value_if_exists_is_true_for_an_absent_key() -> None:
    # #Conditions_IfExists: "IfExists" goes on "any condition operator name except the Null
    # condition": an absent key makes it true.
    condition = {"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "a"}}
    assert holds(condition, "aws:TagKeys", ABSENT)
    assert not holds(condition, "aws:TagKeys", ["b"])
    assert holds(condition, "aws:TagKeys", ["b", "a"])
