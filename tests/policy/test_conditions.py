"""The Condition block: AND/OR/NOR, key-name case, missing keys, IfExists, Null, and validation.

Every expected outcome comes from the AWS page cited above the test. UG = the IAM User Guide,
https://docs.aws.amazon.com/IAM/latest/UserGuide/.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from rolegate.policy.conditions import ConditionBlock, compile_condition_block, parse_operator
from rolegate.policy.conditions.block import NO_VENDOR
from rolegate.policy.context import RequestContext
from rolegate.policy.errors import ErrorCode, Problem
from rolegate.policy.json_source import SYNTAX_ERROR
from rolegate.policy.kinds import PolicyVersion

POINTER = "/Statement/0/Condition"


def compiled(condition: object) -> ConditionBlock:
    problems: list[Problem] = []
    block = compile_condition_block(condition, POINTER, PolicyVersion.V2012_10_17, problems)
    assert problems == []
    assert block is not None
    return block


def holds(condition: object, context: Mapping[str, object]) -> bool:
    return compiled(condition).matches(RequestContext(context))


def problems_of(condition: object) -> list[Problem]:
    problems: list[Problem] = []
    block = compile_condition_block(condition, POINTER, PolicyVersion.V2012_10_17, problems)
    assert block is None
    assert problems
    return problems


# --- key names and values: UG/reference_policies_elements_condition.html -------------------------


def test_condition_key_names_are_case_insensitive() -> None:
    # "including the aws:SourceIP condition key is equivalent to testing for AWS:SourceIp"
    condition = {"IpAddress": {"AWS:SourceIp": "203.0.113.0/24"}}
    assert holds(condition, {"aws:SourceIP": "203.0.113.7"})
    assert holds(condition, {"aws:sourceip": "203.0.113.7"})


def test_tag_key_names_in_condition_keys_are_case_insensitive() -> None:
    # "aws:ResourceTag/TagKey1 ... matches a resource tag key named either TagKey1 or tagkey1"
    condition = {"StringEquals": {"aws:ResourceTag/TagKey1": "Value1"}}
    assert holds(condition, {"aws:ResourceTag/tagkey1": "Value1"})


def test_string_equals_values_are_case_sensitive() -> None:
    # "only requests made by johndoe match. Users named JohnDoe are denied access."
    condition = {"StringEquals": {"aws:username": "johndoe"}}
    assert holds(condition, {"aws:username": "johndoe"})
    assert not holds(condition, {"aws:username": "JohnDoe"})


def test_string_equals_ignore_case_matches_either_case() -> None:
    # "uses the StringEqualsIgnoreCase operator to match users named johndoe or JohnDoe"
    condition = {"StringEqualsIgnoreCase": {"aws:username": "johndoe"}}
    assert holds(condition, {"aws:username": "JohnDoe"})
    assert holds(condition, {"aws:username": "johndoe"})


# --- AND / OR / NOR: UG/reference_policies_multi-value-conditions.html ----------------------------

DEPARTMENT_ROLE_ACCOUNT = {
    "StringEqualsIgnoreCase": {
        "aws:PrincipalTag/department": ["finance", "hr", "legal"],
        "aws:PrincipalTag/role": ["audit", "security"],
    },
    "StringEquals": {"aws:PrincipalAccount": "123456789012"},
}


def test_operators_and_keys_are_anded_values_are_ored() -> None:
    # "The user making the request must have both principal tag keys, department and role, that
    # include one of the tag key values specified in the policy. Also, the user ... must belong to
    # the AWS account identifier specified in the policy."
    good = {
        "aws:PrincipalTag/department": "HR",
        "aws:PrincipalTag/role": "audit",
        "aws:PrincipalAccount": "123456789012",
    }
    assert holds(DEPARTMENT_ROLE_ACCOUNT, good)
    assert not holds(DEPARTMENT_ROLE_ACCOUNT, good | {"aws:PrincipalTag/role": "dev"})
    assert not holds(DEPARTMENT_ROLE_ACCOUNT, good | {"aws:PrincipalAccount": "111122223333"})
    without_role = {k: v for k, v in good.items() if k != "aws:PrincipalTag/role"}
    assert not holds(DEPARTMENT_ROLE_ACCOUNT, without_role)


def test_negated_operator_values_combine_as_nor() -> None:
    # Note: "if there are multiple aws:PrincipalAccount values in a StringNotEquals condition
    # operator, the string cannot match any of the aws:PrincipalAccount values listed to resolve
    # the condition to true."
    condition = {"StringNotEquals": {"aws:PrincipalAccount": ["111122223333", "444455556666"]}}
    assert holds(condition, {"aws:PrincipalAccount": "123456789012"})
    assert not holds(condition, {"aws:PrincipalAccount": "111122223333"})
    assert not holds(condition, {"aws:PrincipalAccount": "444455556666"})


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("StringNotLike", "dev-*"),
        ("StringNotEqualsIgnoreCase", "DEV"),
        ("NumericNotEquals", "10"),
        ("DateNotEquals", "2020-01-01T00:00:00Z"),
        ("NotIpAddress", "203.0.113.0/24"),
        ("ArnNotEquals", "arn:aws:iam::111122223333:role/*"),
    ],
)
def test_every_negated_operator_is_nor_over_its_values(operator: str, value: str) -> None:
    # UG/reference_policies_multi-value-conditions.html: "negated matching condition operators"
    # NOR their values; a second value that the request does not match cannot rescue a match.
    matching = {
        "StringNotLike": "dev-box",
        "StringNotEqualsIgnoreCase": "dev",
        "NumericNotEquals": "10",
        "DateNotEquals": "1577836800",
        "NotIpAddress": "203.0.113.9",
        "ArnNotEquals": "arn:aws:iam::111122223333:role/admin",
    }[operator]
    other = {
        "StringNotLike": "zzz",
        "StringNotEqualsIgnoreCase": "zzz",
        "NumericNotEquals": "99",
        "DateNotEquals": "1999-01-01",
        "NotIpAddress": "10.0.0.0/8",
        "ArnNotEquals": "arn:aws:iam::999999999999:role/x",
    }[operator]
    condition = {operator: {"ex:key": [value, other]}}
    assert not holds(condition, {"ex:key": matching})


# --- missing keys: UG/reference_policies_elements_condition_operators.html -------------------------

POSITIVE = [
    ("StringEquals", "a"),
    ("StringEqualsIgnoreCase", "a"),
    ("StringLike", "a*"),
    ("NumericEquals", "1"),
    ("NumericLessThan", "1"),
    ("NumericGreaterThanEquals", "1"),
    ("DateEquals", "2020-01-01"),
    ("DateLessThan", "2020-01-01"),
    ("Bool", "true"),
    ("BinaryEquals", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="),
    ("IpAddress", "10.0.0.0/8"),
    ("ArnLike", "arn:aws:s3:::*"),
    ("ArnEquals", "arn:aws:s3:::b"),
]
NEGATED = [
    ("StringNotEquals", "a"),
    ("StringNotEqualsIgnoreCase", "a"),
    ("StringNotLike", "a*"),
    ("NumericNotEquals", "1"),
    ("DateNotEquals", "2020-01-01"),
    ("NotIpAddress", "10.0.0.0/8"),
    ("ArnNotLike", "arn:aws:s3:::*"),
    ("ArnNotEquals", "arn:aws:s3:::b"),
]


@pytest.mark.parametrize(("operator", "value"), POSITIVE)
def test_absent_key_makes_a_positive_operator_false(operator: str, value: str) -> None:
    # "If the key that you specify in a policy condition is not present in the request context,
    # the values do not match and the condition is false."
    assert not holds({operator: {"ex:key": value}}, {"other:key": "x"})


@pytest.mark.parametrize(("operator", "value"), NEGATED)
def test_absent_key_makes_a_negated_operator_true(operator: str, value: str) -> None:
    # "If the policy condition requires that the key is not matched, such as StringNotLike or
    # ArnNotLike, and the right key is not present, the condition is true."
    assert holds({operator: {"ex:key": value}}, {})


@pytest.mark.parametrize(("operator", "value"), POSITIVE + NEGATED)
def test_if_exists_is_true_for_an_absent_key(operator: str, value: str) -> None:
    # #Conditions_IfExists: "If the key is not present, evaluate the condition element as true."
    assert holds({f"{operator}IfExists": {"ex:key": value}}, {})


def test_if_exists_tests_a_present_key_normally() -> None:
    # #Conditions_IfExists: the StringLikeIfExists ec2:InstanceType example.
    condition = {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}
    assert holds(condition, {})
    assert holds(condition, {"ec2:InstanceType": "t2.micro"})
    assert not holds(condition, {"ec2:InstanceType": "c5.large"})
    # Without IfExists the same policy "DOES NOT WORK" for resources without the key.
    assert not holds({"StringLike": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}, {})


def test_negated_if_exists_still_holds_for_an_absent_key() -> None:
    # #Conditions_IfExists: "If you are using an "Effect": "Deny" element with a negated condition
    # operator like StringNotEqualsIfExists, the request is still denied even if the tag is missing."
    condition = {"StringNotEqualsIfExists": {"aws:RequestTag/env": "prod"}}
    assert holds(condition, {})
    assert holds(condition, {"aws:RequestTag/env": "dev"})
    assert not holds(condition, {"aws:RequestTag/env": "prod"})


def test_a_missing_key_fails_only_its_own_condition() -> None:
    # UG/reference_policies_elements_condition.html: "A key that is not present in the request is
    # considered a mismatch"; the block is an AND, so one missing key fails the whole block.
    condition = {
        "StringEquals": {"aws:username": "alice"},
        "NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"},
    }
    assert holds(condition, {"aws:username": "alice", "aws:MultiFactorAuthAge": "600"})
    assert not holds(condition, {"aws:username": "alice"})


# --- Null: UG/reference_policies_elements_condition_operators.html#Conditions_Null ------------------


def test_null_true_means_the_key_is_absent() -> None:
    # "the user must not be using temporary credentials (the key must not exist)"
    condition = {"Null": {"aws:TokenIssueTime": "true"}}
    assert holds(condition, {})
    assert not holds(condition, {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"})


def test_null_false_means_the_key_is_present_and_not_null() -> None:
    condition = {"Null": {"aws:TokenIssueTime": "false"}}
    assert holds(condition, {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"})
    assert not holds(condition, {})


def test_null_accepts_json_booleans_and_treats_empty_values_as_null() -> None:
    # UG/reference_policies_grammar.html: quotes are optional for Boolean values.
    # UG/reference_policies_elements_condition.html: an empty string "is null";
    # UG/reference_policies_condition_examples-multi-valued-context-keys.html: Null false rejects
    # "context keys with empty values".
    condition = {"Null": {"aws:TagKeys": False}}
    assert holds(condition, {"aws:TagKeys": ["a"]})
    assert not holds(condition, {"aws:TagKeys": []})
    assert not holds(condition, {"aws:TagKeys": ""})


# --- values as JSON numbers and Booleans: UG/reference_policies_grammar.html -----------------------


def test_numbers_and_booleans_without_quotes_are_values() -> None:
    # "Quotation marks are optional for numeric and Boolean values."
    assert holds({"Bool": {"aws:SecureTransport": False}}, {"aws:SecureTransport": "false"})
    assert holds({"NumericLessThan": {"s3:max-keys": 10}}, {"s3:max-keys": "9"})
    assert holds({"NumericLessThan": {"s3:max-keys": 10.5}}, {"s3:max-keys": "10.25"})
    assert holds(
        {"StringEquals": {"aws:PrincipalAccount": 123456789012}},
        {"aws:PrincipalAccount": "123456789012"},
    )


# --- referenced and missing keys ------------------------------------------------------------------


def test_referenced_keys_are_deduplicated_and_keep_their_written_spelling() -> None:
    block = compiled(
        {
            "StringEquals": {"aws:PrincipalTag/Team": "${aws:username}"},
            "StringLike": {"AWS:PrincipalTag/team": "x*", "s3:prefix": "home/${AWS:UserName}/*"},
            "Null": {"aws:TokenIssueTime": "true"},
        }
    )
    assert block.referenced_keys == (
        "aws:PrincipalTag/Team",
        "aws:username",
        "s3:prefix",
        "aws:TokenIssueTime",
    )


def test_missing_keys_lists_referenced_keys_the_request_lacks() -> None:
    block = compiled(
        {"StringEquals": {"aws:PrincipalTag/Team": "${aws:username}", "aws:SourceVpc": "vpc-1"}}
    )
    context = RequestContext({"AWS:SourceVPC": "vpc-1"})
    assert block.missing_keys(context) == ("aws:PrincipalTag/Team", "aws:username")
    full = RequestContext({"aws:sourcevpc": "v", "aws:principaltag/team": "t", "aws:username": "u"})
    assert block.missing_keys(full) == ()


def test_an_empty_condition_element_holds() -> None:
    # Nothing to AND: no condition can fail.
    block = compiled({})
    assert block.matches(RequestContext({}))
    assert block.referenced_keys == ()


# --- operator names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "qualifier", "base", "if_exists"),
    [
        ("StringEquals", None, "StringEquals", False),
        ("StringNotLikeIfExists", None, "StringNotLike", True),
        ("ForAllValues:StringLike", "ForAllValues", "StringLike", False),
        ("ForAnyValue:ArnNotEqualsIfExists", "ForAnyValue", "ArnNotEquals", True),
        ("Null", None, "Null", False),
    ],
)
def test_operator_names_are_read(
    written: str, qualifier: str | None, base: str, if_exists: bool
) -> None:
    operator = parse_operator(written)
    assert operator is not None
    assert operator.qualifier == qualifier
    assert operator.spec.operator == base
    assert operator.if_exists is if_exists


@pytest.mark.parametrize(
    "written",
    [
        "StringEqualz",
        "stringEquals",  # IAM: "Invalid Condition type : stringEquals" (operator names are case-sensitive)
        "NullIfExists",  # IfExists goes on "any condition operator name except the Null condition"
        "IfExists",
        "StringEqualsIfExistsIfExists",
        "ForAllValue:StringEquals",
        "forallvalues:StringEquals",
        "ForAllValues:",
        "ForAllValues:ForAnyValue:StringEquals",
        "BinaryNotEquals",
        "",
    ],
)
def test_unknown_operators_are_refused_with_iams_message(written: str) -> None:
    assert parse_operator(written) is None
    problems = problems_of({written: {"aws:username": "x"}})
    assert problems == [Problem(f"Invalid Condition type : {written}", f"{POINTER}/{written}")]


# --- validation problems --------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "StringEquals", ["StringEquals"], 3, True])
def test_a_condition_element_that_is_not_an_object_is_a_syntax_error(raw: object) -> None:
    (problem,) = problems_of(raw)
    assert (problem.message, problem.pointer) == (SYNTAX_ERROR, POINTER)


@pytest.mark.parametrize("body", ["aws:username", ["aws:username"], None, 1])
def test_an_operator_must_map_keys_to_values(body: object) -> None:
    (problem,) = problems_of({"StringEquals": body})
    assert problem.message == SYNTAX_ERROR
    assert problem.pointer == f"{POINTER}/StringEquals"


@pytest.mark.parametrize(
    ("values", "pointer"),
    [
        (None, "/StringEquals/aws:username"),
        ({"a": "b"}, "/StringEquals/aws:username"),
        ([], "/StringEquals/aws:username"),  # "Arrays can take one or more values"
        (["ok", None], "/StringEquals/aws:username/1"),
        (["ok", ["nested"]], "/StringEquals/aws:username/1"),
        ([{"a": 1}], "/StringEquals/aws:username/0"),
    ],
)
def test_condition_values_must_be_scalars(values: object, pointer: str) -> None:
    (problem,) = problems_of({"StringEquals": {"aws:username": values}})
    assert problem.message == SYNTAX_ERROR
    assert problem.code is ErrorCode.MALFORMED_POLICY_DOCUMENT
    assert problem.pointer == POINTER + pointer


@pytest.mark.parametrize("key", ["username", ":username", ""])
def test_a_condition_key_needs_a_service_prefix(key: str) -> None:
    # Digest §1: IAM's "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
    (problem,) = problems_of({"StringEquals": {key: "x"}})
    assert problem.message == NO_VENDOR
    assert problem.pointer == f"{POINTER}/StringEquals/{key}"


@pytest.mark.parametrize(
    ("operator", "value", "detail_part"),
    [
        ("NumericLessThan", "ten", "integer or decimal"),
        ("NumericEquals", "", "integer or decimal"),
        ("NumericEquals", "1,000", "integer or decimal"),
        ("DateGreaterThan", "yesterday", "ISO 8601"),
        ("DateGreaterThan", "2020-13-01", "ISO 8601"),
        ("DateGreaterThan", "2020-02-30T00:00:00Z", "ISO 8601"),
        ("Bool", "yes", '"true" or "false"'),
        ("Null", "maybe", '"true" or "false"'),
        ("BinaryEquals", "not base64!", "base64"),
        ("IpAddress", "203.0.113.0/33", "CIDR"),
        ("NotIpAddress", "10.0.0.0/255.0.0.0", "CIDR"),
        ("IpAddress", "not-an-ip", "CIDR"),
        ("NumericEquals", "${aws:MultiFactorAuthAge}", "String and ARN operators"),
        ("DateLessThan", "${aws:CurrentTime}", "String and ARN operators"),
    ],
)
def test_values_an_operator_cannot_read_are_problems(
    operator: str, value: str, detail_part: str
) -> None:
    (problem,) = problems_of({operator: {"ex:key": value}})
    assert problem.message == SYNTAX_ERROR
    assert problem.pointer == f"{POINTER}/{operator}/ex:key"
    assert detail_part in problem.detail


def test_every_problem_in_a_block_is_reported() -> None:
    problems = problems_of(
        {
            "StringEqualz": {"aws:username": "x"},
            "NumericEquals": {"s3:max-keys": ["1", "two"]},
            "StringEquals": {"username": "x", "aws:ok": "fine"},
        }
    )
    assert [p.pointer for p in problems] == [
        f"{POINTER}/StringEqualz",
        f"{POINTER}/NumericEquals/s3:max-keys/1",
        f"{POINTER}/StringEquals/username",
    ]


def test_pointers_escape_tilde_and_slash() -> None:
    # RFC 6901: "~" is written "~0" and "/" is written "~1".
    (problem,) = problems_of({"NumericEquals": {"aws:PrincipalTag/a~b": "x"}})
    assert problem.pointer == f"{POINTER}/NumericEquals/aws:PrincipalTag~1a~0b"
