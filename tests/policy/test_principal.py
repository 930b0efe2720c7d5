"""The caller as the policy language sees it: ARNs, and the global keys derived from them.

UG/reference_identifiers.html (ARN formats), UG/reference_policies_condition-keys.html (the
`aws:Principal*` keys and `aws:username`), UG/reference_policies_elements_principal.html (session
ARNs carry no role path).
"""

from __future__ import annotations

import dataclasses

import pytest

from rolegate.policy import Principal, PrincipalType, Request, RequestContext

ACCOUNT = "111122223333"


def test_user_from_its_arn() -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:user/division/alice"
    alice = Principal.from_arn(arn)
    assert (alice.type, alice.account, alice.arn, alice.principal_arn) == (
        PrincipalType.USER,
        ACCOUNT,
        arn,
        arn,
    )
    assert alice.account_root_arn == f"arn:aws:iam::{ACCOUNT}:root"
    assert not alice.is_session
    assert not alice.is_anonymous


def test_user_context_entries() -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:user/division/alice"
    assert Principal.from_arn(arn).context_entries() == {
        "aws:PrincipalArn": arn,
        "aws:PrincipalAccount": ACCOUNT,
        "aws:PrincipalType": "User",
        "aws:username": "alice",
    }


def test_role_arn_stands_for_a_session_of_that_role() -> None:
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/service/reader"
    session = Principal.from_arn(role_arn)
    assert session.type is PrincipalType.ASSUMED_ROLE
    assert session.principal_arn == role_arn
    # The session ARN names the role without its path.
    assert session.arn.startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/")
    assert session.is_session


def test_assumed_role_without_role_arn_assumes_the_root_path() -> None:
    arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/job-42"
    session = Principal.from_arn(arn)
    assert (session.type, session.account, session.arn, session.principal_arn) == (
        PrincipalType.ASSUMED_ROLE,
        ACCOUNT,
        arn,
        f"arn:aws:iam::{ACCOUNT}:role/reader",
    )


def test_assumed_role_with_role_arn_keeps_the_path() -> None:
    # UG/reference_policies_condition-keys.html#condition-keys-principalarn: for a role session
    # aws:PrincipalArn is the role's ARN, path included.
    arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/job-42"
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/team/app/reader"
    session = Principal.from_arn(arn, role_arn=role_arn)
    assert session.arn == arn
    assert session.principal_arn == role_arn
    assert session.context_entries() == {
        "aws:PrincipalArn": role_arn,
        "aws:PrincipalAccount": ACCOUNT,
        "aws:PrincipalType": "AssumedRole",
    }


def test_root_user() -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:root"
    root = Principal.from_arn(arn)
    assert (root.type, root.arn, root.principal_arn) == (PrincipalType.ACCOUNT, arn, arn)
    assert root.context_entries() == {
        "aws:PrincipalArn": arn,
        "aws:PrincipalAccount": ACCOUNT,
        "aws:PrincipalType": "Account",
        "aws:userid": ACCOUNT,
    }


def test_federated_user() -> None:
    arn = f"arn:aws:sts::{ACCOUNT}:federated-user/carol"
    carol = Principal.from_arn(arn)
    assert (carol.type, carol.arn, carol.principal_arn) == (PrincipalType.FEDERATED_USER, arn, arn)
    assert carol.is_session
    entries = carol.context_entries()
    assert entries["aws:PrincipalType"] == "FederatedUser"
    assert "aws:username" not in entries


def test_principal_tags_become_principal_tag_keys() -> None:
    alice = dataclasses.replace(
        Principal.from_arn(f"arn:aws:iam::{ACCOUNT}:user/alice"),
        tags=(("team", "blue"), ("CostCenter", "42")),
    )
    entries = alice.context_entries()
    assert entries["aws:PrincipalTag/team"] == "blue"
    assert entries["aws:PrincipalTag/CostCenter"] == "42"


def test_anonymous_caller() -> None:
    anonymous = Principal.anonymous()
    assert anonymous.is_anonymous
    assert anonymous.context_entries() == {
        "aws:PrincipalAccount": "anonymous",
        "aws:PrincipalType": "Anonymous",
    }


def test_service_caller() -> None:
    service = Principal.for_service("cloudtrail.amazonaws.com")
    assert service.type is PrincipalType.SERVICE
    assert service.context_entries() == {"aws:PrincipalServiceName": "cloudtrail.amazonaws.com"}
    assert "aws:PrincipalArn" not in service.context_entries()


@pytest.mark.parametrize(
    "arn",
    [
        "",
        "alice",
        "arn:aws:iam::111122223333",
        "arn:aws:iam::11112222333:user/alice",
        "arn:aws:iam::1111222233334:user/alice",
        "arn:aws:iam::abcdefghijkl:user/alice",
        "arn:aws:s3:::example-bucket",
        "arn:aws:iam::111122223333:group/admins",
        "arn:aws:iam::111122223333:policy/ReadOnly",
        "arn:aws:iam::111122223333:rootx",
        "arn:aws:sts::111122223333:assumed-role/reader",
        "arn:aws:sts::111122223333:assumed-role//job-42",
        "arn:aws:sts::111122223333:assumed-role/reader/",
        "arn:aws:sts::111122223333:assumed-role/reader/job/extra",
        "arn:aws:sts::111122223333:user/alice",
        "arn:aws:iam::111122223333:federated-user/carol",
        "aws:iam::111122223333:user/alice",
    ],
)
def test_anything_but_a_principal_arn_is_rejected(arn: str) -> None:
    with pytest.raises(ValueError, match="ARN"):
        Principal.from_arn(arn)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::111122223333:user/",
        "arn:aws:iam::111122223333:role/",
        "arn:aws:sts::111122223333:federated-user/",
        "arn:aws:iam:us-east-1:111122223333:user/alice",
    ],
)
def test_principal_arn_needs_a_name_and_no_region(arn: str) -> None:
    # UG/reference_identifiers.html#identifiers-arns: IAM and STS ARNs have an empty region and
    # end in a name.
    with pytest.raises(ValueError, match="ARN"):
        Principal.from_arn(arn)


def test_request_context_holds_the_callers_keys() -> None:
    alice = Principal.from_arn(f"arn:aws:iam::{ACCOUNT}:user/alice")
    request = Request.build(alice, "s3:GetObject", "arn:aws:s3:::b/k")
    assert request.context["AWS:USERNAME"] == ("alice",)
    assert request.context["aws:principaltype"] == ("User",)
    assert not request.is_cross_account


def test_explicit_context_wins_over_caller_keys_whatever_the_case() -> None:
    alice = Principal.from_arn(f"arn:aws:iam::{ACCOUNT}:user/alice")
    request = Request.build(
        alice,
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        context={"AWS:UserName": "mallory", "aws:SourceIp": "10.0.0.1"},
        resource_account="444455556666",
    )
    assert request.context["aws:username"] == ("mallory",)
    assert [name for name in request.context if name.lower() == "aws:username"] == ["AWS:UserName"]
    assert request.context["aws:sourceip"] == ("10.0.0.1",)
    assert request.is_cross_account
    # The caller's own keys are kept between requests: one request's context never leaks into
    # the next one's.
    again = Request.build(alice, "s3:GetObject", "arn:aws:s3:::b/k")
    assert again.context["aws:username"] == ("alice",)
    assert "aws:SourceIp" not in again.context


def test_context_values_become_tuples_of_text() -> None:
    context = RequestContext(
        {"aws:SecureTransport": True, "s3:max-keys": 10, "aws:TagKeys": ["a", "b"]}
    )
    assert context["aws:securetransport"] == ("true",)
    assert context["S3:Max-Keys"] == ("10",)
    assert context["aws:tagkeys"] == ("a", "b")
    assert "AWS:TAGKEYS" in context
    assert context.lookup("aws:tagkeys") == ("a", "b")
    assert context.lookup("aws:missing") is None
