"""The Query protocol (IAM, STS) checked against botocore's own serializer, parser and client.

Requests are built with botocore's `QuerySerializer` (what boto3 and the aws CLI send) and read
back with `parse_form` + `QueryProtocol.parse_request`; responses are written with
`serialize_response` / `serialize_error` and read back with botocore's `QueryParser`, and end to
end through a real botocore client whose HTTP layer is replaced by a `before-send` handler.

The exact AWS messages asserted below come from real responses quoted in public threads, cited
next to each test.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes, urlencode

import botocore.session  # type: ignore[import-untyped]
import pytest
from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from botocore.parsers import create_parser  # type: ignore[import-untyped]
from botocore.serialize import create_serializer  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolegate.aws.errors import AwsError, internal_error
from rolegate.aws.query import QueryProtocol, encode_policy_document, parse_form, protocol_for
from rolegate.aws.query_response import escape_text, xml_text
from rolegate.aws.shapes import compile_pattern, format_timestamp
from rolegate.aws.validation import validation_errors, validation_message

ROLE_ARN = "arn:aws:iam::123456789012:role/app/Reader"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringLike": {"aws:PrincipalTag/team": "data & ml + ops *"}},
            }
        ],
    },
    indent=2,
)
REQUEST_ID = "4f9c3a1e-0d6b-4c1e-9a57-2b8f5d0e7c11"
NOON = datetime(2026, 11, 28, 8, 40, 4, tzinfo=UTC)


def _model(service: str) -> Any:
    return botocore.session.get_session().get_service_model(service)


def _form(service: str, operation: str, params: Mapping[str, object]) -> dict[str, str]:
    """The form botocore sends for `operation`, through the wire encoding and parse_form."""
    serializer = create_serializer("query")
    request = serializer.serialize_to_request(params, _model(service).operation_model(operation))
    return parse_form(urlencode(request["body"]).encode(), b"")


def _round_trip(service: str, operation: str, params: Mapping[str, object]) -> None:
    parsed = protocol_for(service).parse_request(_form(service, operation, params))
    assert parsed == (operation, params)


def _parse_body(service: str, operation: str, body: bytes, status: int = 200) -> dict[str, Any]:
    shape = _model(service).operation_model(operation).output_shape
    response = {"body": body, "headers": {}, "status_code": status}
    parsed: dict[str, Any] = create_parser("query").parse(response, shape)
    return parsed


def _response_round_trip(service: str, operation: str, result: Mapping[str, object]) -> None:
    body = protocol_for(service).serialize_response(operation, result, REQUEST_ID)
    parsed = _parse_body(service, operation, body)
    assert parsed.pop("ResponseMetadata")["RequestId"] == REQUEST_ID
    assert parsed == result


def _error(call: Callable[[], object]) -> AwsError:
    with pytest.raises(AwsError) as caught:
        call()
    return caught.value


def _validation(service: str, form: Mapping[str, str]) -> str:
    error = _error(lambda: protocol_for(service).parse_request(form))
    assert (error.code, error.status, error.sender_fault) == ("ValidationError", 400, True)
    return error.message


# --- the protocol object ----------------------------------------------------------------------


def test_protocol_metadata_comes_from_the_model() -> None:
    iam, sts = protocol_for("iam"), protocol_for("sts")
    assert (iam.service_name, iam.api_version) == ("iam", "2010-05-08")
    assert iam.xml_namespace == "https://iam.amazonaws.com/doc/2010-05-08/"
    assert (sts.service_name, sts.api_version) == ("sts", "2011-06-15")
    assert sts.xml_namespace == "https://sts.amazonaws.com/doc/2011-06-15/"
    assert {"CreateRole", "SimulateCustomPolicy", "ListRoles"} <= iam.operation_names()
    assert {"AssumeRole", "GetCallerIdentity"} <= sts.operation_names()
    assert "AssumeRole" not in iam.operation_names()
    assert protocol_for("iam") is iam  # one model load per process
    assert QueryProtocol("sts").operation_names() == sts.operation_names()


def test_every_iam_and_sts_pattern_compiles() -> None:
    for service in ("iam", "sts"):
        model = _model(service)
        for name in model.shape_names:
            pattern = model.shape_for(name).metadata.get("pattern")
            if pattern is not None:
                assert compile_pattern(pattern) is not None, (service, name, pattern)


def test_patterns_follow_java_semantics() -> None:
    tag = compile_pattern(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+")
    assert tag is not None
    for ok in ("team", "données", "日本", "a b", "\u00a0", "٣", "x:y/z=1+2-@_."):
        assert tag.fullmatch(ok), ok
    for bad in ("x!", "a,b", "😀", "", "e\u0301"):
        assert not tag.fullmatch(bad), bad
    # Java's \w is ASCII-only.
    name = compile_pattern(r"[\w+=,.@-]*")
    assert name is not None
    assert name.fullmatch("a_b.c@d") and not name.fullmatch("é")


# --- parse_form -------------------------------------------------------------------------------


def test_parse_form_decodes_and_merges() -> None:
    form = parse_form(
        b"RoleName=a+b&Policy=%7B%22x%22%3A1%7D&Plus=%2B&Flag&Empty=&&Caf%C3%A9=%C3%A9",
        b"RoleName=from-query&X-Amz-Date=20261128T084004Z",
    )
    assert form == {
        "RoleName": "a b",  # the body wins over the query string
        "Policy": '{"x":1}',
        "Plus": "+",
        "Flag": "",
        "Empty": "",
        "Café": "é",
        "X-Amz-Date": "20261128T084004Z",
    }


def test_parse_form_takes_a_get_request_query_string() -> None:
    form = parse_form(b"", b"Action=ListRoles&Version=2010-05-08&MaxItems=5")
    assert protocol_for("iam").parse_request(form) == ("ListRoles", {"MaxItems": 5})


def test_parse_form_refuses_invalid_utf8() -> None:
    error = _error(lambda: parse_form(b"RoleName=%FF%FE", b""))
    assert (error.code, error.status) == ("InvalidQueryParameter", 400)
    error = _error(lambda: parse_form(b"", b"Ro%C3leName=x"))
    assert error.code == "InvalidQueryParameter"


# --- requests: botocore's serializer round trips -----------------------------------------------


def test_create_role_round_trip() -> None:
    _round_trip(
        "iam",
        "CreateRole",
        {
            "Path": "/app/",
            "RoleName": "Reader",
            "AssumeRolePolicyDocument": TRUST,
            "Description": "reads things; <not> \"html\" & 'quotes'",
            "MaxSessionDuration": 7200,
            "PermissionsBoundary": "arn:aws:iam::123456789012:policy/Boundary",
            "Tags": [
                {"Key": "team", "Value": "données"},
                {"Key": "cost-center", "Value": ""},
                {"Key": "a b", "Value": "x=y+z:w/@"},
            ],
        },
    )


def test_put_role_policy_round_trip() -> None:
    document = (
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}'
    )
    _round_trip(
        "iam",
        "PutRolePolicy",
        {"RoleName": "Reader", "PolicyName": "inline", "PolicyDocument": document},
    )


def test_attach_role_policy_round_trip() -> None:
    _round_trip(
        "iam",
        "AttachRolePolicy",
        {"RoleName": "Reader", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
    )


def test_list_roles_round_trip() -> None:
    _round_trip("iam", "ListRoles", {"PathPrefix": "/app/", "Marker": "page-2", "MaxItems": 100})
    _round_trip("iam", "ListRoles", {})


def test_simulate_custom_policy_round_trip() -> None:
    _round_trip(
        "iam",
        "SimulateCustomPolicy",
        {
            "PolicyInputList": [TRUST, '{"Version":"2012-10-17","Statement":[]}'],
            "PermissionsBoundaryPolicyInputList": [TRUST],
            "ActionNames": ["s3:GetObject", "s3:PutObject"],
            "ResourceArns": ["arn:aws:s3:::bucket/key", "arn:aws:s3:::bucket/*"],
            "CallerArn": "arn:aws:iam::123456789012:user/alice",
            "ContextEntries": [
                {
                    "ContextKeyName": "aws:SourceIp",
                    "ContextKeyValues": ["10.0.0.1", "192.168.0.0/16"],
                    "ContextKeyType": "ipList",
                },
                {
                    "ContextKeyName": "aws:MultiFactorAuthPresent",
                    "ContextKeyValues": ["true"],
                    "ContextKeyType": "boolean",
                },
            ],
            "ResourceHandlingOption": "EC2-VPC-InstanceStore",
            "MaxItems": 10,
            "Marker": "next",
        },
    )


def test_assume_role_round_trip() -> None:
    _round_trip(
        "sts",
        "AssumeRole",
        {
            "RoleArn": ROLE_ARN,
            "RoleSessionName": "alice@example.com",
            "PolicyArns": [
                {"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
                {"arn": "arn:aws:iam::123456789012:policy/Extra"},
            ],
            "Policy": '{"Version":"2012-10-17","Statement":[]}',
            "DurationSeconds": 3600,
            "Tags": [{"Key": "project", "Value": "rolegate"}, {"Key": "team", "Value": "data"}],
            "TransitiveTagKeys": ["project"],
            "ExternalId": "ext-1234",
            "SourceIdentity": "alice",
        },
    )


def test_empty_list_is_sent_as_bare_name() -> None:
    form = _form(
        "sts",
        "AssumeRole",
        {"RoleArn": ROLE_ARN, "RoleSessionName": "s1", "TransitiveTagKeys": []},
    )
    assert form["TransitiveTagKeys"] == ""  # botocore's spelling of an empty list
    _, params = protocol_for("sts").parse_request(form)
    assert params["TransitiveTagKeys"] == []


def test_map_round_trip() -> None:
    _round_trip("iam", "PutAccountProperties", {"Properties": {"color": "blue", "a/b_c-d": "2"}})


def test_list_elements_are_read_in_index_order() -> None:
    form = {
        "Action": "UntagRole",
        "Version": "2010-05-08",
        "RoleName": "Reader",
        "TagKeys.member.10": "ten",
        "TagKeys.member.2": "two",
        "TagKeys.member.1": "one",
        "TagKeys.member.x": "not an element",
        "Unknown.Parameter": "ignored",
    }
    _, params = protocol_for("iam").parse_request(form)
    assert params == {"RoleName": "Reader", "TagKeys": ["one", "two", "ten"]}


# --- requests: protocol errors -------------------------------------------------------------------


@pytest.mark.parametrize("form", [{}, {"Action": "", "Version": "2010-05-08"}])
def test_missing_action(form: dict[str, str]) -> None:
    error = _error(lambda: protocol_for("iam").parse_request(form))
    assert (error.code, error.status, error.message) == ("MissingAction", 400, "Missing Action")


def test_unknown_action() -> None:
    # Wording as AWS answers it (aws/aws-cli#37): "Could not find operation X for version Y".
    error = _error(
        lambda: protocol_for("iam").parse_request({"Action": "Frobnicate", "Version": "2010-05-08"})
    )
    assert (error.code, error.status) == ("InvalidAction", 400)
    assert error.message == "Could not find operation Frobnicate for version 2010-05-08"
    error = _error(
        lambda: protocol_for("iam").parse_request({"Action": "AssumeRole", "Version": "2010-05-08"})
    )
    assert error.message == "Could not find operation AssumeRole for version 2010-05-08"


def test_wrong_version_is_an_unknown_operation() -> None:
    error = _error(
        lambda: protocol_for("sts").parse_request(
            {"Action": "GetCallerIdentity", "Version": "2010-05-08"}
        )
    )
    assert error.code == "InvalidAction"
    assert error.message == "Could not find operation GetCallerIdentity for version 2010-05-08"
    # Without Version the current one is assumed.
    assert protocol_for("sts").parse_request({"Action": "GetCallerIdentity"}) == (
        "GetCallerIdentity",
        {},
    )


@pytest.mark.parametrize("bad", ["abc", "9e2", "1.5", " 900", "1_000", "٩٠٠", "99999999999"])
def test_bad_integer_is_malformed_input(bad: str) -> None:
    form = {"Action": "AssumeRole", "RoleArn": ROLE_ARN, "RoleSessionName": "s1"}
    error = _error(lambda: protocol_for("sts").parse_request({**form, "DurationSeconds": bad}))
    assert (error.code, error.status) == ("MalformedInput", 400)
    assert error.message == (
        f"Invalid value '{bad}' for parameter DurationSeconds: expected an integer."
    )


def test_bad_boolean_is_malformed_input() -> None:
    form = {"Action": "ListPolicies", "OnlyAttached": "yes"}
    error = _error(lambda: protocol_for("iam").parse_request(form))
    assert error.code == "MalformedInput"
    assert protocol_for("iam").parse_request({**form, "OnlyAttached": "TRUE"}) == (
        "ListPolicies",
        {"OnlyAttached": True},
    )


# --- requests: validation messages ----------------------------------------------------------------


def test_role_session_name_pattern_message() -> None:
    # Real STS message: zalando-stups/aws-credentials-service#7, JuliaCloud/AWSCore.jl#38.
    message = _validation(
        "sts", {"Action": "AssumeRole", "RoleArn": ROLE_ARN, "RoleSessionName": "x y"}
    )
    assert message == (
        "1 validation error detected: Value 'x y' at 'roleSessionName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
    )


def test_missing_required_member_message() -> None:
    message = _validation("sts", {"Action": "AssumeRole", "RoleSessionName": "s1"})
    assert message == (
        "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_duration_below_minimum_message() -> None:
    # Real STS wording for a number (goldstack/goldstack#425): "Value '600' at 'durationSeconds'
    # failed to satisfy constraint: Member must have value greater than or equal to 900".
    form = {"Action": "AssumeRole", "RoleArn": ROLE_ARN, "RoleSessionName": "s1"}
    message = _validation("sts", {**form, "DurationSeconds": "100"})
    assert message == (
        "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy "
        "constraint: Member must have value greater than or equal to 900"
    )
    message = _validation(
        "iam",
        {
            "Action": "CreateRole",
            "RoleName": "r",
            "AssumeRolePolicyDocument": TRUST,
            "MaxSessionDuration": "50000",
        },
    )
    assert message.endswith(
        "Value '50000' at 'maxSessionDuration' failed to satisfy constraint: "
        "Member must have value less than or equal to 43200"
    )


def test_two_errors_at_once() -> None:
    message = _validation(
        "sts",
        {"Action": "AssumeRole", "RoleSessionName": "x y", "DurationSeconds": "100"},
    )
    assert message == (
        "3 validation errors detected: "
        "Value null at 'roleArn' failed to satisfy constraint: Member must not be null; "
        "Value 'x y' at 'roleSessionName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+=,.@-]*; "
        "Value '100' at 'durationSeconds' failed to satisfy constraint: "
        "Member must have value greater than or equal to 900"
    )


def test_one_value_breaking_two_constraints_matches_aws() -> None:
    # Verbatim from a real STS answer to RoleArn= (newscorpaus/consigliere#18).
    message = _validation("sts", {"Action": "AssumeRole", "RoleArn": "", "RoleSessionName": "s1"})
    assert message == (
        "2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: "
        "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD"
        "\\u10000-\\u10FFFF]+; "
        "Value '' at 'roleArn' failed to satisfy constraint: "
        "Member must have length greater than or equal to 20"
    )


def test_length_messages() -> None:
    # "Value '...' at 'roleName' failed to satisfy constraint: Member must have length less than
    # or equal to 64" is IAM's answer to a long role name (NixOS/nixops#328).
    long_name = "r" * 65
    message = _validation(
        "iam", {"Action": "CreateRole", "RoleName": long_name, "AssumeRolePolicyDocument": TRUST}
    )
    assert message == (
        f"1 validation error detected: Value '{long_name}' at 'roleName' failed to satisfy "
        "constraint: Member must have length less than or equal to 64"
    )
    message = _validation(
        "sts", {"Action": "AssumeRole", "RoleArn": ROLE_ARN, "RoleSessionName": "s"}
    )
    assert message.endswith(
        "Value 's' at 'roleSessionName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 2"
    )


def test_nested_paths() -> None:
    # IAM names a list element '<list>.<n>.member' (SWO-GS/auto-tag#90: 'tags.6.member.value').
    form = {
        "Action": "AssumeRole",
        "RoleArn": ROLE_ARN,
        "RoleSessionName": "s1",
        "Tags.member.1.Key": "ok",
        "Tags.member.1.Value": "ok",
        "Tags.member.2.Key": "bad!",
        "Tags.member.2.Value": "fine",
        "TransitiveTagKeys.member.1": "ok",
        "TransitiveTagKeys.member.2": "",
    }
    message = _validation("sts", form)
    assert message == (
        "3 validation errors detected: "
        "Value 'bad!' at 'tags.2.member.key' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+; "
        "Value '' at 'transitiveTagKeys.2.member' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+; "
        "Value '' at 'transitiveTagKeys.2.member' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_list_length_message() -> None:
    form = {"Action": "TagRole", "RoleName": "Reader"}
    for index in range(1, 52):
        form[f"Tags.member.{index}.Key"] = f"k{index}"
        form[f"Tags.member.{index}.Value"] = "v"
    message = _validation("iam", form)
    assert message.startswith("1 validation error detected: Value '[{Key=k1, Value=v}, ")
    assert message.endswith(
        "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
    )


def test_enum_message() -> None:
    form = {
        "Action": "SimulateCustomPolicy",
        "PolicyInputList.member.1": TRUST,
        "ActionNames.member.1": "s3:GetObject",
        "ContextEntries.member.1.ContextKeyName": "aws:SourceIp",
        "ContextEntries.member.1.ContextKeyValues.member.1": "10.0.0.1",
        "ContextEntries.member.1.ContextKeyType": "address",
    }
    assert _validation("iam", form) == (
        "1 validation error detected: Value 'address' at 'contextEntries.1.member.contextKeyType' "
        "failed to satisfy constraint: Member must satisfy enum value set: [string, stringList, "
        "numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, "
        "dateList]"
    )


def test_map_constraint_message() -> None:
    form = {"Action": "PutAccountProperties", "Properties.entry.1.key": "9lives"}
    form["Properties.entry.1.value"] = "x"
    assert _validation("iam", form) == (
        "1 validation error detected: Value '{9lives=x}' at 'properties' failed to satisfy "
        "constraint: Map keys must satisfy constraint: [Member must have length less than or "
        "equal to 50, Member must have length greater than or equal to 1, Member must satisfy "
        "regular expression pattern: ^[A-Za-z][A-Za-z0-9/_-]*$]"
    )


def test_sensitive_values_are_not_echoed() -> None:
    form = {
        "Action": "AssumeRoleWithWebIdentity",
        "RoleArn": ROLE_ARN,
        "RoleSessionName": "s1",
        "WebIdentityToken": "abc",
    }
    assert _validation("sts", form) == (
        "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: "
        "Member must have length greater than or equal to 4"
    )


def test_unicode_tags_are_valid() -> None:
    form = {
        "Action": "TagRole",
        "RoleName": "Reader",
        "Tags.member.1.Key": "équipe",
        "Tags.member.1.Value": "日本 データ",
    }
    assert protocol_for("iam").parse_request(form) == (
        "TagRole",
        {"RoleName": "Reader", "Tags": [{"Key": "équipe", "Value": "日本 データ"}]},
    )


# --- responses: botocore's parser ----------------------------------------------------------------

ROLE: dict[str, object] = {
    "Path": "/app/",
    "RoleName": "Reader",
    "RoleId": "AROAEXAMPLEEXAMPLE01",
    "Arn": ROLE_ARN,
    "CreateDate": NOON,
    "AssumeRolePolicyDocument": encode_policy_document(TRUST),
    "Description": 'reads <things> & "stuff"\r\nline two',
    "MaxSessionDuration": 43200,
    "PermissionsBoundary": {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/Boundary",
    },
    "Tags": [{"Key": "team", "Value": "données"}, {"Key": "empty", "Value": ""}],
    "RoleLastUsed": {
        "LastUsedDate": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "Region": "eu-west-1",
    },
}


def test_create_and_get_role_responses() -> None:
    _response_round_trip("iam", "CreateRole", {"Role": ROLE})
    _response_round_trip("iam", "GetRole", {"Role": ROLE})


def test_list_roles_response() -> None:
    second = {**ROLE, "RoleName": "Writer", "Tags": []}
    del second["RoleLastUsed"]
    _response_round_trip(
        "iam", "ListRoles", {"Roles": [ROLE, second], "IsTruncated": True, "Marker": "page-2"}
    )
    _response_round_trip("iam", "ListRoles", {"Roles": [], "IsTruncated": False})


def test_list_attached_role_policies_response() -> None:
    _response_round_trip(
        "iam",
        "ListAttachedRolePolicies",
        {
            "AttachedPolicies": [
                {
                    "PolicyName": "ReadOnlyAccess",
                    "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
                },
                {"PolicyName": "Extra", "PolicyArn": "arn:aws:iam::123456789012:policy/Extra"},
            ],
            "IsTruncated": False,
        },
    )


def test_get_policy_version_response() -> None:
    _response_round_trip(
        "iam",
        "GetPolicyVersion",
        {
            "PolicyVersion": {
                "Document": encode_policy_document(TRUST),
                "VersionId": "v3",
                "IsDefaultVersion": True,
                "CreateDate": NOON,
            }
        },
    )


def test_simulate_custom_policy_response() -> None:
    statement = {
        "SourcePolicyId": "PolicyInputList.1",
        "SourcePolicyType": "none",
        "StartPosition": {"Line": 3, "Column": 5},
        "EndPosition": {"Line": 12, "Column": 6},
    }
    _response_round_trip(
        "iam",
        "SimulateCustomPolicy",
        {
            "EvaluationResults": [
                {
                    "EvalActionName": "s3:GetObject",
                    "EvalResourceName": "arn:aws:s3:::bucket/key",
                    "EvalDecision": "allowed",
                    "MatchedStatements": [statement],
                    "MissingContextValues": ["aws:SourceIp", "aws:PrincipalTag/team"],
                    "EvalDecisionDetails": {"PolicyInputList.1": "allowed"},
                    "PermissionsBoundaryDecisionDetail": {"AllowedByPermissionsBoundary": True},
                },
                {
                    "EvalActionName": "s3:PutObject",
                    "EvalResourceName": "*",
                    "EvalDecision": "implicitDeny",
                    "MatchedStatements": [],
                    "MissingContextValues": [],
                },
            ],
            "IsTruncated": False,
        },
    )


def test_assume_role_response() -> None:
    _response_round_trip(
        "sts",
        "AssumeRole",
        {
            "Credentials": {
                "AccessKeyId": "ASIAEXAMPLEEXAMPLE01",
                "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
                "SessionToken": "IQoJb3JpZ2luX2VjE+/==",
                "Expiration": NOON,
            },
            "AssumedRoleUser": {
                "AssumedRoleId": "AROAEXAMPLEEXAMPLE01:alice",
                "Arn": "arn:aws:sts::123456789012:assumed-role/Reader/alice",
            },
            "PackedPolicySize": 6,
            "SourceIdentity": "alice",
        },
    )


def test_get_caller_identity_response() -> None:
    _response_round_trip(
        "sts",
        "GetCallerIdentity",
        {
            "UserId": "AROAEXAMPLEEXAMPLE01:alice",
            "Account": "123456789012",
            "Arn": "arn:aws:sts::123456789012:assumed-role/Reader/alice",
        },
    )


def test_response_wire_shape() -> None:
    body = protocol_for("sts").serialize_response(
        "AssumeRole",
        {"Credentials": {"Expiration": datetime(2019, 11, 9, 13, 34, 41, 359000, tzinfo=UTC)}},
        "req-1",
    )
    # Whole seconds, as the STS API reference's AssumeRole example shows.
    assert body == (
        b'<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        b"<AssumeRoleResult><Credentials><Expiration>2019-11-09T13:34:41Z</Expiration>"
        b"</Credentials></AssumeRoleResult>"
        b"<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
        b"</AssumeRoleResponse>"
    )


def test_operation_without_output_has_only_metadata() -> None:
    body = protocol_for("iam").serialize_response("DeleteRole", {}, REQUEST_ID)
    assert body == (
        b'<DeleteRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
        b"<ResponseMetadata><RequestId>" + REQUEST_ID.encode() + b"</RequestId>"
        b"</ResponseMetadata></DeleteRoleResponse>"
    )
    parsed = _parse_body("iam", "DeleteRole", body)
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID


def test_empty_result_still_has_its_wrapper() -> None:
    # botocore looks the <OpResult> element up unconditionally.
    _response_round_trip("iam", "ListRoles", {})


def test_result_that_does_not_fit_the_shape_is_a_bug() -> None:
    with pytest.raises(ValueError, match="Bogus"):
        protocol_for("iam").serialize_response("GetRole", {"Bogus": 1}, REQUEST_ID)
    with pytest.raises(TypeError):
        protocol_for("iam").serialize_response("ListRoles", {"IsTruncated": "yes"}, REQUEST_ID)


# --- policy documents --------------------------------------------------------------------------


def test_encode_policy_document_matches_iam() -> None:
    # A document as IAM returned it on the wire (aws/aws-sdk-go#1513): spaces %20, newlines %0A,
    # '*' %2A, '-' and '.' left alone.
    document = (
        '{\n    "Version": "2012-10-17",\n    "Statement": [\n        {\n'
        '            "Effect": "Allow",\n            "Action": [\n'
        '                "acm:*"\n            ],\n            "Resource": "*"\n'
        "        }\n    ]\n}"
    )
    assert encode_policy_document(document) == (
        "%7B%0A%20%20%20%20%22Version%22%3A%20%222012-10-17%22%2C%0A%20%20%20%20%22Statement"
        "%22%3A%20%5B%0A%20%20%20%20%20%20%20%20%7B%0A%20%20%20%20%20%20%20%20%20%20%20%20%22"
        "Effect%22%3A%20%22Allow%22%2C%0A%20%20%20%20%20%20%20%20%20%20%20%20%22Action%22%3A%20"
        "%5B%0A%20%20%20%20%20%20%20%20%20%20%20%20%20%20%20%20%22acm%3A%2A%22%0A%20%20%20%20%20"
        "%20%20%20%20%20%20%20%5D%2C%0A%20%20%20%20%20%20%20%20%20%20%20%20%22Resource%22%3A%20"
        "%22%2A%22%0A%20%20%20%20%20%20%20%20%7D%0A%20%20%20%20%5D%0A%7D"
    )
    # '/' too (aws/aws-sdk-java#730: "...table%2Fnwh-test...%2F%2A").
    assert encode_policy_document("table/x/*_~") == "table%2Fx%2F%2A_~"


# --- end to end through a botocore client ---------------------------------------------------------


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._body


def _client(service: str, answer: Callable[[Any], tuple[int, bytes]]) -> Any:
    """A botocore client whose HTTP round trip is `answer(request) -> (status, body)`."""
    session = botocore.session.get_session()
    client = session.create_client(
        service,
        region_name="us-east-1",
        endpoint_url=f"https://{service}.amazonaws.com",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1}),
    )

    def before_send(request: Any, **_: object) -> AWSResponse:
        status, body = answer(request)
        headers = {"x-amzn-RequestId": REQUEST_ID, "Content-Type": "text/xml"}
        return AWSResponse(request.url, status, headers, _Raw(body))

    client.meta.events.register(f"before-send.{service}", before_send)
    return client


def _body_of(request: Any) -> bytes:
    body = request.body
    return body.encode() if isinstance(body, str) else bytes(body)


def test_client_get_role_decodes_the_policy_documents() -> None:
    iam = protocol_for("iam")
    seen: list[tuple[str, dict[str, object]]] = []
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/é %2F+&=?#"}
            ],
        },
        ensure_ascii=False,
    )

    def answer(request: Any) -> tuple[int, bytes]:
        operation, params = iam.parse_request(parse_form(_body_of(request), b""))
        seen.append((operation, params))
        if operation == "GetRole":
            return 200, iam.serialize_response(operation, {"Role": ROLE}, REQUEST_ID)
        result = {
            "RoleName": "Reader",
            "PolicyName": "inline",
            "PolicyDocument": encode_policy_document(document),
        }
        return 200, iam.serialize_response(operation, result, REQUEST_ID)

    client = _client("iam", answer)
    role = client.get_role(RoleName="Reader")["Role"]
    assert seen[-1] == ("GetRole", {"RoleName": "Reader"})
    assert role["AssumeRolePolicyDocument"] == json.loads(TRUST)
    assert role["CreateDate"] == NOON
    assert role["Description"] == ROLE["Description"]
    assert role["Tags"] == ROLE["Tags"]
    inline = client.get_role_policy(RoleName="Reader", PolicyName="inline")
    assert inline["PolicyDocument"] == json.loads(document)
    assert inline["ResponseMetadata"]["RequestId"] == REQUEST_ID


def test_client_request_body_parses() -> None:
    sts = protocol_for("sts")
    seen: list[tuple[str, dict[str, object]]] = []

    def answer(request: Any) -> tuple[int, bytes]:
        operation, params = sts.parse_request(parse_form(_body_of(request), b""))
        seen.append((operation, params))
        return 200, sts.serialize_response(operation, {}, REQUEST_ID)

    params: dict[str, Any] = {
        "RoleArn": ROLE_ARN,
        "RoleSessionName": "alice",
        "DurationSeconds": 900,
        "Tags": [{"Key": "team", "Value": "données + ml"}],
        "TransitiveTagKeys": ["team"],
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
        "Policy": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
    }
    _client("sts", answer).assume_role(**params)
    assert seen == [("AssumeRole", params)]


def test_client_sees_validation_error() -> None:
    sts = protocol_for("sts")

    def answer(request: Any) -> tuple[int, bytes]:
        try:
            sts.parse_request(
                {"Action": "AssumeRole", "RoleArn": ROLE_ARN, "RoleSessionName": "x y"}
            )
        except AwsError as error:
            return error.status, sts.serialize_error(error, REQUEST_ID)
        raise AssertionError("expected a validation error")

    with pytest.raises(ClientError) as caught:
        _client("sts", answer).assume_role(RoleArn=ROLE_ARN, RoleSessionName="ok-name")
    response = caught.value.response
    assert response["Error"] == {
        "Type": "Sender",
        "Code": "ValidationError",
        "Message": "1 validation error detected: Value 'x y' at 'roleSessionName' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    }
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"]["RequestId"] == REQUEST_ID


def test_client_sees_modeled_and_internal_errors() -> None:
    iam = protocol_for("iam")
    errors = iter(
        [
            AwsError("NoSuchEntity", "The role with name Ghost cannot be found.", 404),
            internal_error(),
        ]
    )

    def answer(request: Any) -> tuple[int, bytes]:
        error = next(errors)
        return error.status, iam.serialize_error(error, REQUEST_ID)

    client = _client("iam", answer)
    with pytest.raises(client.exceptions.NoSuchEntityException) as missing:
        client.get_role(RoleName="Ghost")
    assert missing.value.response["Error"]["Message"] == "The role with name Ghost cannot be found."
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as failed:
        client.get_role(RoleName="Ghost")
    assert failed.value.response["Error"]["Code"] == "InternalFailure"
    assert failed.value.response["Error"]["Type"] == "Receiver"
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_serialize_error_wire_shape() -> None:
    body = protocol_for("iam").serialize_error(
        AwsError("AccessDenied", "User: <x> & y is not authorized", 403), "req-9"
    )
    assert body == (
        b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
        b"<Type>Sender</Type><Code>AccessDenied</Code>"
        b"<Message>User: &lt;x&gt; &amp; y is not authorized</Message></Error>"
        b"<RequestId>req-9</RequestId></ErrorResponse>"
    )
    parsed = _parse_body("iam", "GetRole", body, status=403)
    assert parsed["Error"] == {
        "Type": "Sender",
        "Code": "AccessDenied",
        "Message": "User: <x> & y is not authorized",
    }
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"


# --- fast paths agree with the general ones -------------------------------------------------------
#
# The request and response paths short-cut the general code for common inputs (see the modules);
# these properties hold each short cut to the general rule it replaces.

# Pieces that exercise the form decoder's branches: escapes (ASCII, UTF-8, malformed, truncated),
# '+', separators, backslashes (the escape codec's own syntax) and raw non-ASCII / non-UTF-8 bytes.
_FORM_PIECES = [
    b"a", b"Key", b"=", b"&", b"+", b"%", b"%4", b"%41", b"%2B", b"%26", b"%3D", b"%C3", b"%A9",
    b"%c3%a9", b"%E2%82%AC", b"%F0%9F%98%80", b"%FF", b"%zz", b"%%", b"\\", b"\\x41", b"\\u00e9",
    b"\xc3", b"\xa9", "é".encode(), "€".encode(), b".", b"1",
]  # fmt: skip


def _reference_pairs(raw: bytes) -> dict[str, str]:
    """The plain rule: split on '&', then '=', '+' is a space, percent-decode bytes, UTF-8."""
    pairs: dict[str, str] = {}
    for piece in raw.split(b"&"):
        if piece:
            name, _, value = piece.partition(b"=")
            decode = [unquote_to_bytes(part.replace(b"+", b" ")).decode() for part in (name, value)]
            pairs[decode[0]] = decode[1]
    return pairs


@given(st.lists(st.sampled_from(_FORM_PIECES), max_size=12).map(b"".join) | st.binary())
def test_parse_form_follows_the_plain_rule(raw: bytes) -> None:
    try:
        expected = _reference_pairs(raw)
    except UnicodeDecodeError:
        assert _error(lambda: parse_form(raw, b"")).code == "InvalidQueryParameter"
        assert _error(lambda: parse_form(b"", raw)).code == "InvalidQueryParameter"
    else:
        assert parse_form(raw, b"") == expected
        assert parse_form(b"", raw) == expected


@given(st.text(st.sampled_from("ab=&+%419cCfF\\xé€😀 \x00")) | st.text())
def test_parse_form_reads_text_as_parse_qsl_does(text: str) -> None:
    try:
        expected = dict(parse_qsl(text, keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError:
        assert _error(lambda: parse_form(text.encode(), b"")).code == "InvalidQueryParameter"
    else:
        assert parse_form(text.encode(), b"") == expected


_XML_ALPHABET = st.sampled_from(
    "aZ09 :/+=<>&\"'\r\n\t\x00\x08\x0b\x1f\x7f\x85\ud7ff\ufffe\uffffé😀"
)


@given(st.text(_XML_ALPHABET) | st.text() | st.text(_XML_ALPHABET, min_size=100, max_size=300))
def test_xml_text_short_cut_escapes_as_the_general_escape(text: str) -> None:
    assert xml_text(text) == escape_text(text)
    long_text = text + "x" * 100  # the other short cut, for long values
    assert xml_text(long_text) == escape_text(long_text)


_ZONES = (
    st.none()
    | st.just(UTC)
    | st.builds(
        timezone, st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23))
    )
)


@given(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 1, 1), timezones=_ZONES))
def test_format_timestamp_is_iso_8601_utc_seconds(value: datetime) -> None:
    utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    assert format_timestamp(value) == (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


# --- every operation's shapes, with random values -------------------------------------------------


@functools.cache
def _cached_model(service: str) -> Any:
    return _model(service)


def _operations(service: str) -> list[str]:
    return sorted(_cached_model(service).operation_names)


_ALL_OPERATIONS = [(service, name) for service in ("iam", "sts") for name in _operations(service)]


def _values(shape: Any, *, response: bool = False) -> st.SearchStrategy[Any]:
    """Values of a botocore shape, valid and not (wrong lengths, patterns, enums, ranges)."""
    kind, metadata = shape.type_name, shape.metadata
    if kind == "structure":
        members = {name: _nested(member, response) for name, member in shape.members.items()}
        return st.fixed_dictionaries({}, optional=members)
    if kind == "list":
        return st.lists(_nested(shape.member, response), max_size=3)
    if kind == "map":
        keys, values = _values(shape.key, response=response), _nested(shape.value, response)
        return st.dictionaries(keys, values, min_size=1, max_size=3)
    if kind == "string":
        # A response carries any text XML can; a request any text at all.
        text = st.text(_XML_ALPHABET, max_size=8) if response else st.text(max_size=8)
        options = [text]
        if "enum" in metadata:
            options.append(st.sampled_from(metadata["enum"]))
        pattern = compile_pattern(metadata["pattern"]) if "pattern" in metadata else None
        if pattern is not None:
            options.append(st.from_regex(pattern, fullmatch=True))
        if "min" in metadata:
            options.append(
                st.text("ab", min_size=int(metadata["min"]), max_size=int(metadata["min"]))
            )
        if response:
            # Characters XML 1.0 cannot carry are replaced; they cannot round-trip.
            return st.one_of(options).map(
                lambda text: re.sub("[^\t\n\r -\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "", text)
            )
        return st.one_of(options)
    if kind in ("integer", "long"):
        low = max(int(metadata.get("min", -(2**31))) - 2, -(2**31))
        high = min(int(metadata.get("max", 2**31 - 1)) + 2, 2**31 - 1)
        return st.integers(low, high)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.datetimes(datetime(1970, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)).map(
            lambda value: value.replace(microsecond=0)
        )
    if kind == "blob":
        return st.binary(max_size=12)
    raise AssertionError(f"no strategy for {kind}")


def _nested(shape: Any, response: bool) -> st.SearchStrategy[Any]:
    # botocore sends nothing for an empty structure inside another, so it cannot round-trip.
    values = _values(shape, response=response)
    return values.filter(bool) if shape.type_name == "structure" else values


@functools.cache
def _input_values(service: str, operation: str) -> st.SearchStrategy[Any]:
    return _values(_cached_model(service).operation_model(operation).input_shape)


@functools.cache
def _output_values(service: str, operation: str) -> st.SearchStrategy[Any]:
    return _values(_cached_model(service).operation_model(operation).output_shape, response=True)


# The strategies of the models' patterns print as their (long) regular expressions.
_BIG_REPRS = pytest.mark.filterwarnings("ignore:Generating overly large repr")
_SLOW = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@_SLOW
@_BIG_REPRS
@given(st.data())
def test_requests_round_trip_and_validate_like_the_model_walk(data: st.DataObject) -> None:
    service, operation = data.draw(st.sampled_from(_ALL_OPERATIONS))
    shape = _cached_model(service).operation_model(operation).input_shape
    if shape is None:
        return
    params = data.draw(_input_values(service, operation))
    # Without botocore's own checks, so invalid params are sent too.
    serializer = create_serializer("query", include_validation=False)
    request = serializer.serialize_to_request(
        params, _cached_model(service).operation_model(operation)
    )
    form = parse_form(urlencode(request["body"]).encode(), b"")
    try:
        parsed = protocol_for(service).parse_request(form)
    except AwsError as error:
        # The fast check refused them: the walk must find what it found.
        assert error.code == "ValidationError"
        assert error.message == validation_message(validation_errors(shape, params))
    else:
        assert parsed == (operation, params)
        assert validation_errors(shape, params) == []


@_SLOW
@_BIG_REPRS
@given(st.data())
def test_responses_round_trip(data: st.DataObject) -> None:
    service, operation = data.draw(st.sampled_from(_ALL_OPERATIONS))
    shape = _cached_model(service).operation_model(operation).output_shape
    if shape is None:
        return
    result = data.draw(_output_values(service, operation))
    body = protocol_for(service).serialize_response(operation, result, REQUEST_ID)
    response = {"body": body, "headers": {}, "status_code": 200}
    parsed = create_parser("query").parse(response, shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == REQUEST_ID
    assert parsed == result
