"""Each operator family against the examples of
UG/reference_policies_elements_condition_operators.html (UG = https://docs.aws.amazon.com/IAM/latest/UserGuide/).

Each test names the section it reproduces; the expected outcomes are the page's.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from rolegate.policy.conditions import compile_condition_block
from rolegate.policy.context import RequestContext
from rolegate.policy.errors import Problem
from rolegate.policy.kinds import PolicyVersion


def holds(condition: object, context: Mapping[str, object]) -> bool:
    problems: list[Problem] = []
    block = compile_condition_block(condition, "/C", PolicyVersion.V2012_10_17, problems)
    assert problems == []
    assert block is not None
    return block.matches(RequestContext(context))


def one(operator: str, value: object, request_value: object, key: str = "ex:key") -> bool:
    return holds({operator: {key: value}}, {key: request_value})


# --- #Conditions_String ---------------------------------------------------------------------------


def test_string_equals_is_exact() -> None:
    # "Exact matching, case sensitive"; no wildcards.
    condition = {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}
    assert holds(condition, {"aws:PrincipalTag/job-category": "iamuser-admin"})
    assert not holds(condition, {"aws:PrincipalTag/job-category": "iamuser-admin2"})
    assert not one("StringEquals", "iamuser-*", "iamuser-admin")
    assert not one("StringEquals", "abc", "ABC")


def test_string_like_wildcards_match_anywhere() -> None:
    # "The values can include multi-character match wildcards (*) and single-character match
    # wildcards (?) anywhere in the string."
    assert one("StringLike", "janedoe/*", "janedoe/photos/1.jpg", "s3:prefix")
    assert one("StringLike", "janedoe/*", "janedoe/", "s3:prefix")  # * matches nothing too
    assert one("StringLike", "*doe/??", "janedoe/ab", "s3:prefix")
    assert not one("StringLike", "*doe/??", "janedoe/abc", "s3:prefix")
    assert not one("StringLike", "janedoe/*", "JaneDoe/x", "s3:prefix")  # case-sensitive


def test_string_like_lists_the_empty_prefix_of_the_home_directory_example() -> None:
    # The home-directory policy lists "", "home/" and "home/${aws:username}/" for s3:prefix.
    condition = {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}}
    assert holds(condition, {"s3:prefix": "", "aws:username": "David"})
    assert holds(condition, {"s3:prefix": "home/", "aws:username": "David"})
    assert holds(condition, {"s3:prefix": "home/David/", "aws:username": "David"})
    assert not holds(condition, {"s3:prefix": "home/Other/", "aws:username": "David"})


def test_string_like_wildcards_cross_slashes_and_newlines() -> None:
    # `*` is "multi-character match": any character, so also "/" and a line break.
    assert one("StringLike", "a*z", "a/b\nc/z")


@pytest.mark.parametrize(
    ("operator", "value", "request_value", "expected"),
    [
        ("StringNotEquals", "prod", "dev", True),
        ("StringNotEquals", "prod", "prod", False),
        ("StringNotEquals", "prod", "PROD", True),
        ("StringNotEqualsIgnoreCase", "prod", "PROD", False),
        ("StringNotEqualsIgnoreCase", "prod", "dev", True),
        ("StringNotLike", "dev-*", "dev-1", False),
        ("StringNotLike", "dev-*", "prod-1", True),
    ],
)
def test_negated_string_operators(
    operator: str, value: str, request_value: str, expected: bool
) -> None:
    # "Negated matching" / "Negated matching, ignoring case" / "Negated case-sensitive matching".
    assert one(operator, value, request_value) is expected


# --- #Conditions_Numeric --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_value", "expected"), [("5", True), ("10", True), ("11", False), ("10.0", True)]
)
def test_numeric_less_than_equals_max_keys(request_value: str, expected: bool) -> None:
    # "the requester can list up to 10 objects in example_bucket at a time"
    assert one("NumericLessThanEquals", "10", request_value, "s3:max-keys") is expected


@pytest.mark.parametrize(
    ("operator", "below", "equal", "above"),
    [
        ("NumericEquals", False, True, False),
        ("NumericNotEquals", True, False, True),
        ("NumericLessThan", True, False, False),
        ("NumericLessThanEquals", True, True, False),
        ("NumericGreaterThan", False, False, True),
        ("NumericGreaterThanEquals", False, True, True),
    ],
)
def test_numeric_operators(operator: str, below: bool, equal: bool, above: bool) -> None:
    # The operator table: Matching, Negated matching, "Less than", "Less than or equals", ...
    assert one(operator, "10", "9") is below
    assert one(operator, "10", "10") is equal
    assert one(operator, "10", "11") is above


def test_numeric_values_may_be_decimals() -> None:
    # "comparing a key to an integer or decimal value"
    assert one("NumericLessThan", "1.2", "1.1", "s3:TlsVersion")
    assert not one("NumericLessThan", "1.2", "1.2", "s3:TlsVersion")
    assert one("NumericEquals", "1.50", "1.5")
    assert one("NumericGreaterThan", "-1", "0")


def test_several_numeric_values_are_ored() -> None:
    # UG/reference_policies_multi-value-conditions.html: values of one key are ORed.
    assert one("NumericLessThan", ["5", "20"], "10")
    assert not one("NumericGreaterThan", ["50", "20"], "10")


def test_a_request_value_that_is_not_a_number_matches_no_number() -> None:
    assert not one("NumericEquals", "10", "ten")
    assert not one("NumericLessThan", "10", "")
    # Negated matching is the negation of matching: "ten" matches none of the values.
    assert one("NumericNotEquals", "10", "ten")


# --- #Conditions_Date ------------------------------------------------------------------------------


def test_date_greater_than_token_issue_time() -> None:
    # "the temporary security credentials used to make the request were issued in 2020"
    condition = {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}
    assert holds(condition, {"aws:TokenIssueTime": "2020-06-01T08:00:00Z"})
    assert not holds(condition, {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"})
    assert not holds(condition, {"aws:TokenIssueTime": "2019-12-31T23:59:59Z"})


@pytest.mark.parametrize(
    "same_instant",
    [
        "2020-04-01T00:00:00Z",
        "2020-04-01T00:00Z",  # W3C: minutes without seconds
        "2020-04-01",  # W3C: complete date (midnight UTC)
        "2020-04-01T02:00:00+02:00",  # the same instant written with an offset
        "2020-03-31T19:00:00-05:00",
        "2020-04-01T00:00:00.000Z",  # W3C: fractions of a second
        "1585699200",  # epoch (UNIX) time
    ],
)
def test_date_values_are_w3c_iso_8601_or_epoch_and_compare_as_instants(same_instant: str) -> None:
    # "You must specify date/time values with one of the W3C implementations of the ISO 8601 date
    # formats or in epoch (UNIX) time."
    assert one("DateEquals", same_instant, "2020-04-01T00:00:00Z", "aws:CurrentTime")
    assert one("DateEquals", "2020-04-01T00:00:00Z", same_instant, "aws:CurrentTime")


def test_dates_with_offsets_compare_as_instants() -> None:
    # 23:59:59+02:00 is 21:59:59Z, before 22:30Z.
    assert not one("DateLessThan", "2020-06-30T23:59:59+02:00", "2020-06-30T22:30:00Z")
    assert one("DateLessThan", "2020-06-30T23:59:59-02:00", "2020-06-30T22:30:00Z")


def test_date_fractions_of_a_second_count() -> None:
    assert one("DateLessThan", "2020-01-01T00:00:00.5Z", "2020-01-01T00:00:00.25Z")
    assert not one("DateLessThan", "2020-01-01T00:00:00.5Z", "2020-01-01T00:00:00.500Z")


@pytest.mark.parametrize(
    ("operator", "before", "at", "after"),
    [
        ("DateEquals", False, True, False),
        ("DateNotEquals", True, False, True),
        ("DateLessThan", True, False, False),
        ("DateLessThanEquals", True, True, False),
        ("DateGreaterThan", False, False, True),
        ("DateGreaterThanEquals", False, True, True),
    ],
)
def test_date_operators(operator: str, before: bool, at: bool, after: bool) -> None:
    bound = "2020-04-01T00:00:00Z"
    assert one(operator, bound, "2020-03-31T23:59:59Z") is before
    assert one(operator, bound, bound) is at
    assert one(operator, bound, "2020-04-01T00:00:01Z") is after


def test_date_wildcards_are_not_permitted() -> None:
    # "Wildcards are not permitted for date condition operators": a `*` is not a date.
    problems: list[Problem] = []
    condition = {"DateGreaterThan": {"aws:CurrentTime": "2020-*"}}
    assert compile_condition_block(condition, "/C", PolicyVersion.V2012_10_17, problems) is None
    assert problems


def test_a_request_value_that_is_not_a_date_matches_no_date() -> None:
    assert not one("DateGreaterThan", "2020-01-01", "soon")
    assert not one("DateEquals", "2020-01-01", "2020-01-01T25:00:00Z")


# --- #Conditions_Boolean ---------------------------------------------------------------------------


def test_bool_secure_transport_example() -> None:
    # The Deny "BooleanExample": matches exactly when the request is not over SSL.
    condition = {"Bool": {"aws:SecureTransport": "false"}}
    assert holds(condition, {"aws:SecureTransport": "false"})
    assert not holds(condition, {"aws:SecureTransport": "true"})


def test_bool_reads_true_and_false_in_any_case() -> None:
    assert one("Bool", "True", "true")
    assert one("Bool", True, "TRUE")
    assert not one("Bool", "true", "yes")
    assert one("BoolIfExists", "true", "true")


# --- #Conditions_BinaryEquals ----------------------------------------------------------------------


def test_binary_equals_compares_bytes_of_base64_values() -> None:
    # "compares the value of the specified key byte for byte against a base-64 encoded
    # representation of the binary value in the policy"
    value = "QmluYXJ5VmFsdWVJbkJhc2U2NA=="  # the page's example: "BinaryValueInBase64"
    assert one("BinaryEquals", value, value)
    assert not one("BinaryEquals", value, "QmluYXJ5VmFsdWU=")
    assert not one("BinaryEquals", value, "not base64")


# --- #Conditions_IPAddress -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [("203.0.113.0", True), ("203.0.113.255", True), ("203.0.114.0", False), ("::1", False)],
)
def test_ip_address_range(address: str, expected: bool) -> None:
    # "the request must come from the IP range 203.0.113.0 to 203.0.113.255"
    assert one("IpAddress", "203.0.113.0/24", address, "aws:SourceIp") is expected


def test_ip_address_mixes_ipv4_and_ipv6_ranges() -> None:
    # The example covering "all of your organization's valid IP addresses".
    condition = {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}
    assert holds(condition, {"aws:SourceIp": "203.0.113.9"})
    assert holds(condition, {"aws:SourceIp": "2001:db8:1234:5678:abcd::1"})
    assert not holds(condition, {"aws:SourceIp": "2001:db8:1234:5679::1"})


def test_an_address_without_a_prefix_is_a_single_host() -> None:
    # "If you specify an IP address without the associated routing prefix, IAM uses the default
    # prefix value of /32."
    assert one("IpAddress", "203.0.113.7", "203.0.113.7")
    assert not one("IpAddress", "203.0.113.7", "203.0.113.8")
    assert one("IpAddress", "2001:db8::1", "2001:db8::1")
    assert not one("IpAddress", "2001:db8::1", "2001:db8::2")


def test_not_ip_address_is_every_address_outside_the_ranges() -> None:
    # "All IP addresses except the specified IP address or range"
    assert one("NotIpAddress", ["203.0.113.0/24", "10.0.0.0/8"], "198.51.100.1")
    assert not one("NotIpAddress", ["203.0.113.0/24", "10.0.0.0/8"], "10.1.2.3")
    assert one("NotIpAddress", "203.0.113.0/24", "2001:db8::1")  # IPv6 is outside an IPv4 range


def test_a_range_written_with_host_bits_is_the_range() -> None:
    assert one("IpAddress", "203.0.113.77/24", "203.0.113.1")


def test_a_request_value_that_is_not_an_address_is_in_no_range() -> None:
    assert not one("IpAddress", "0.0.0.0/0", "localhost")


# --- #Conditions_ARN -------------------------------------------------------------------------------

PATTERN = "arn:aws:someservice:*:111122223333:finance/*"
TRICKY = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"


def test_arn_like_matches_component_by_component_unlike_string_like() -> None:
    # "With a StringLike condition, the match succeeds ... With an ArnLike condition, which matches
    # elements between colons, the match fails."
    assert one("StringLike", PATTERN, TRICKY, "aws:SourceArn")
    assert not one("ArnLike", PATTERN, TRICKY, "aws:SourceArn")
    assert one("ArnLike", PATTERN, "arn:aws:someservice:us-east-2:111122223333:finance/doc.txt")


def test_arn_equals_and_arn_like_behave_identically() -> None:
    # "The ArnEquals and ArnLike condition operators behave identically."
    for operator in ("ArnEquals", "ArnLike"):
        assert one(operator, "arn:aws:iam::*:role/app-?", "arn:aws:iam::111122223333:role/app-1")
        assert not one(operator, "arn:aws:iam::*:role/app-?", "arn:aws:iam::1:role/app-12")


def test_arn_equals_source_arn_example() -> None:
    # The SQS queue policy allowing SNS only for a given topic.
    condition = {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:REGION:123456789012:TOPIC-ID"}}
    assert holds(condition, {"aws:SourceArn": "arn:aws:sns:REGION:123456789012:TOPIC-ID"})
    assert not holds(condition, {"aws:SourceArn": "arn:aws:sns:REGION:123456789012:OTHER"})


def test_arn_matching_is_case_sensitive_and_the_resource_keeps_its_colons() -> None:
    assert not one("ArnLike", "arn:aws:iam::1:role/Admin", "arn:aws:iam::1:role/admin")
    assert one(
        "ArnLike", "arn:aws:logs:*:1:log-group:g:*", "arn:aws:logs:eu-west-1:1:log-group:g:s"
    )


def test_negated_arn_operators() -> None:
    # "Negated matching for ARN. The ArnNotEquals and ArnNotLike condition operators behave
    # identically."
    for operator in ("ArnNotEquals", "ArnNotLike"):
        assert one(operator, "arn:aws:iam::1:role/*", "arn:aws:iam::2:role/x")
        assert not one(operator, "arn:aws:iam::1:role/*", "arn:aws:iam::1:role/x")


def test_values_that_are_not_arns_match_no_arn() -> None:
    # A request value without six components is not an ARN, so it is like none of the patterns.
    assert not one("ArnLike", "arn:aws:iam::*:*", "not-an-arn")
    assert one("ArnNotLike", "arn:aws:iam::*:*", "not-an-arn")
    # A policy value without six components matches nothing, even `*`.
    assert not one("ArnLike", "*", "arn:aws:iam::1:role/x")
    assert one("ArnNotLike", "*", "arn:aws:iam::1:role/x")
