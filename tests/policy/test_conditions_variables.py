"""Policy variables in condition values: UG/reference_policies_variables.html (VARS), with
UG = https://docs.aws.amazon.com/IAM/latest/UserGuide/.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from rolegate.policy.conditions import ConditionBlock, compile_condition_block
from rolegate.policy.context import RequestContext
from rolegate.policy.errors import Problem
from rolegate.policy.kinds import PolicyVersion

V2012 = PolicyVersion.V2012_10_17
V2008 = PolicyVersion.V2008_10_17


def compiled(condition: object, version: PolicyVersion = V2012) -> ConditionBlock:
    problems: list[Problem] = []
    block = compile_condition_block(condition, "/C", version, problems)
    assert problems == []
    assert block is not None
    return block


def holds(condition: object, context: Mapping[str, object], version: PolicyVersion = V2012) -> bool:
    return compiled(condition, version).matches(RequestContext(context))


def test_string_like_with_the_user_name() -> None:
    # UG/reference_policies_elements_condition.html: {"StringLike": {"s3:prefix": ["${aws:username}/*"]}}
    condition = {"StringLike": {"s3:prefix": ["${aws:username}/*"]}}
    assert holds(condition, {"aws:username": "janedoe", "s3:prefix": "janedoe/photos"})
    assert not holds(condition, {"aws:username": "janedoe", "s3:prefix": "bob/photos"})


def test_sns_endpoint_example() -> None:
    # VARS, "Condition element": the topic policy granting access only "if the URL matches their
    # AWS user name".
    condition = {
        "StringLike": {"sns:endpoint": "https://example.com/${aws:username}/"},
        "StringEquals": {"sns:Protocol": "https"},
    }
    context = {"aws:username": "carol", "sns:Protocol": "https"}
    assert holds(condition, context | {"sns:endpoint": "https://example.com/carol/"})
    assert not holds(condition, context | {"sns:endpoint": "https://example.com/dave/"})


def test_variable_key_names_are_case_insensitive() -> None:
    # VARS: "Key names are case-insensitive. For example, aws:CurrentTime is equivalent to
    # AWS:currenttime."
    condition = {"StringEquals": {"s3:prefix": "${AWS:UserName}"}}
    assert holds(condition, {"aws:username": "Zoe", "s3:prefix": "Zoe"})


def test_tag_comparison_example_with_and_without_the_principal_tag() -> None:
    # VARS, "Policy variables with no value": Deny with StringNotEquals s3:ExistingObjectTag/Team vs
    # ${aws:PrincipalTag/Team}: "Access is specifically denied when aws:principaltag/Team is not set."
    condition = {"StringNotEquals": {"s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}"}}
    assert not holds(
        condition, {"s3:ExistingObjectTag/Team": "red", "aws:PrincipalTag/Team": "red"}
    )
    assert holds(condition, {"s3:ExistingObjectTag/Team": "red", "aws:PrincipalTag/Team": "blue"})
    assert holds(condition, {"s3:ExistingObjectTag/Team": "red"})


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", False),
        ("StringLike", False),
        ("StringEqualsIgnoreCase", False),
        ("ArnLike", False),
        ("StringNotEquals", True),
        ("StringNotLike", True),
        ("StringNotEqualsIgnoreCase", True),
        ("ArnNotLike", True),
    ],
)
def test_a_variable_with_no_value_matches_nothing(operator: str, expected: bool) -> None:
    # VARS: "StringEquals or StringLike do not match ... Inverted condition operators like
    # StringNotEquals or StringNotLike do match against a null value".
    value = (
        "arn:aws:iam::111122223333:user/${aws:username}"
        if operator.startswith("Arn")
        else "${aws:username}"
    )
    condition = {operator: {"ex:key": value}}
    request_value = "arn:aws:iam::111122223333:user/" if operator.startswith("Arn") else ""
    assert holds(condition, {"ex:key": request_value}) is expected


def test_a_default_value_stands_in_for_a_missing_key() -> None:
    # VARS, "Specifying default values": ${aws:PrincipalTag/team, 'company-wide'}.
    condition = {"StringEquals": {"s3:prefix": "${aws:PrincipalTag/team, 'company-wide'}"}}
    assert holds(condition, {"s3:prefix": "company-wide"})
    assert holds(condition, {"s3:prefix": "yellow", "aws:PrincipalTag/team": "yellow"})
    assert not holds(condition, {"s3:prefix": "company-wide", "aws:PrincipalTag/team": "yellow"})


def test_special_characters_are_literal() -> None:
    # VARS, "Special characters": ${*}, ${?} and ${$} stand for the characters, not wildcards.
    condition = {"StringLike": {"ex:key": "a${*}b${?}c${$}*"}}
    assert holds(condition, {"ex:key": "a*b?c$anything"})
    assert not holds(condition, {"ex:key": "aXbYc$"})
    assert holds({"ArnLike": {"ex:key": "arn:aws:s3:::b/${*}"}}, {"ex:key": "arn:aws:s3:::b/*"})
    assert not holds({"ArnLike": {"ex:key": "arn:aws:s3:::b/${*}"}}, {"ex:key": "arn:aws:s3:::b/x"})


def test_substituted_values_are_literal_text() -> None:
    # A context value holding `*` does not become a wildcard.
    condition = {"StringLike": {"s3:prefix": "home/${aws:username}/*"}}
    assert not holds(condition, {"aws:username": "*", "s3:prefix": "home/alice/x"})
    assert holds(condition, {"aws:username": "*", "s3:prefix": "home/*/x"})


def test_arn_like_with_variables_in_several_components() -> None:
    condition = {
        "ArnLike": {
            "aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:role/${aws:username}-*"
        }
    }
    context = {"aws:PrincipalAccount": "111122223333", "aws:username": "app"}
    assert holds(condition, context | {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app-1"})
    assert not holds(
        condition, context | {"aws:PrincipalArn": "arn:aws:iam::444455556666:role/app-1"}
    )


def test_a_multivalued_key_is_no_variable() -> None:
    # UG/reference_policies_single-vs-multi-valued-condition-keys.html: "You cannot use a
    # multivalued condition key as a policy variable."
    condition = {"StringEquals": {"ex:key": "${aws:TagKeys}"}}
    assert not holds(condition, {"aws:TagKeys": ["a", "b"], "ex:key": "a"})


@pytest.mark.parametrize("version", [V2008, None])
def test_no_substitution_before_2012_10_17(version: PolicyVersion | None) -> None:
    # UG/reference_policies_elements_version.html: variables exist only in 2012-10-17; the parser
    # passes 2008-10-17 when the Version element is missing (UG/troubleshoot_policies.html).
    condition = {"StringEquals": {"s3:prefix": "${aws:username}"}}
    chosen = version or V2008
    assert holds(condition, {"aws:username": "alice", "s3:prefix": "${aws:username}"}, chosen)
    assert not holds(condition, {"aws:username": "alice", "s3:prefix": "alice"}, chosen)
    assert compiled(condition, chosen).referenced_keys == ("s3:prefix",)


@pytest.mark.parametrize(
    "operator", ["NumericEquals", "DateEquals", "Bool", "BinaryEquals", "IpAddress", "Null"]
)
def test_variables_are_refused_outside_string_and_arn_operators(operator: str) -> None:
    # VARS: "You can't use a policy variable with other operators, such as Numeric, Date, Boolean,
    # Binary, IP Address, or Null operators." IAM Access Analyzer's text for it is "Policy variables
    # can only be used with String and ARN operators." (UG/access-analyzer-reference-policy-checks.html)
    problems: list[Problem] = []
    condition = {operator: {"ex:key": "${aws:username}"}}
    assert compile_condition_block(condition, "/C", V2012, problems) is None
    (problem,) = problems
    assert problem.detail == "Policy variables can only be used with String and ARN operators."


def test_variable_keys_are_referenced_and_reported_missing() -> None:
    block = compiled(
        {"StringLike": {"s3:prefix": "home/${aws:username}/${aws:PrincipalTag/team, 'x'}"}}
    )
    assert block.referenced_keys == ("s3:prefix", "aws:username", "aws:PrincipalTag/team")
    context = RequestContext({"s3:prefix": "home/a/x"})
    assert block.missing_keys(context) == ("aws:username", "aws:PrincipalTag/team")
