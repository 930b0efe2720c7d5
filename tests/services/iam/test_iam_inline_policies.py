"""Put/Get/List/Delete RolePolicy and UserPolicy."""

from __future__ import annotations

import pytest
from iam_harness import ACCOUNT, ALLOW_ALL, ALLOW_S3_READ, Iam

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/worker"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"
WITH_PRINCIPAL = ALLOW_S3_READ.replace('"Action"', '"Principal":"*","Action"')


def _statement_policy(resource_chars: int) -> str:
    """A valid identity policy whose size (without whitespace) grows with `resource_chars`."""
    resource = "arn:aws:s3:::" + "b" * resource_chars
    return (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
        f'"Resource":"{resource}"}}]}}'
    )


def test_put_get_list_delete_role_policy(iam: Iam) -> None:
    iam.role()
    assert (
        iam.call(
            "PutRolePolicy", RoleName="worker", PolicyName="read", PolicyDocument=ALLOW_S3_READ
        )
        == {}
    )
    assert iam.last_asked == ("iam:PutRolePolicy", ROLE_ARN)
    got = iam.call("GetRolePolicy", RoleName="worker", PolicyName="read")
    assert iam.last_asked == ("iam:GetRolePolicy", ROLE_ARN)
    assert got == {"RoleName": "worker", "PolicyName": "read", "PolicyDocument": ALLOW_S3_READ}
    # A put with the same name replaces the document.
    iam.call("PutRolePolicy", RoleName="worker", PolicyName="read", PolicyDocument=ALLOW_ALL)
    iam.call("PutRolePolicy", RoleName="worker", PolicyName="all", PolicyDocument=ALLOW_ALL)
    assert (
        iam.call("GetRolePolicy", RoleName="worker", PolicyName="read")["PolicyDocument"]
        == ALLOW_ALL
    )
    listed = iam.call("ListRolePolicies", RoleName="worker")
    assert iam.last_asked == ("iam:ListRolePolicies", ROLE_ARN)
    assert listed == {"PolicyNames": ["all", "read"], "IsTruncated": False}
    assert iam.call("DeleteRolePolicy", RoleName="worker", PolicyName="read") == {}
    assert iam.last_asked == ("iam:DeleteRolePolicy", ROLE_ARN)
    assert iam.call("ListRolePolicies", RoleName="worker")["PolicyNames"] == ["all"]


def test_put_get_list_delete_user_policy(iam: Iam) -> None:
    iam.user()
    iam.call("PutUserPolicy", UserName="alice", PolicyName="read", PolicyDocument=ALLOW_S3_READ)
    assert iam.last_asked == ("iam:PutUserPolicy", USER_ARN)
    got = iam.call("GetUserPolicy", UserName="alice", PolicyName="read")
    assert got == {"UserName": "alice", "PolicyName": "read", "PolicyDocument": ALLOW_S3_READ}
    assert iam.call("ListUserPolicies", UserName="alice")["PolicyNames"] == ["read"]
    assert iam.last_asked == ("iam:ListUserPolicies", USER_ARN)
    iam.call("DeleteUserPolicy", UserName="alice", PolicyName="read")
    assert iam.last_asked == ("iam:DeleteUserPolicy", USER_ARN)
    assert iam.call("ListUserPolicies", UserName="alice")["PolicyNames"] == []


def test_missing_inline_policies(iam: Iam) -> None:
    iam.role()
    iam.user()
    error = iam.error("GetRolePolicy", RoleName="worker", PolicyName="nope")
    # "The role policy with name X cannot be found." (NoSuchEntity 404; aws/aws-cli#6139).
    assert (error.code, error.status) == ("NoSuchEntity", 404)
    assert error.message == "The role policy with name nope cannot be found."
    error = iam.error("DeleteUserPolicy", UserName="alice", PolicyName="nope")
    # The user twin of the text above.
    assert error.message == "The user policy with name nope cannot be found."


def test_inline_policy_on_missing_role(iam: Iam) -> None:
    error = iam.error("PutRolePolicy", RoleName="ghost", PolicyName="p", PolicyDocument=ALLOW_ALL)
    assert (error.code, error.message) == (
        "NoSuchEntity",
        "The role with name ghost cannot be found.",
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        # Identity policies may not name a principal (engine text; tests/policy cites it).
        (WITH_PRINCIPAL, "Policy document should not specify a principal."),
        ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}',
         "Policy statement must contain resources."),
    ],
)  # fmt: skip
def test_inline_policy_must_be_a_valid_identity_policy(
    iam: Iam, document: str, message: str
) -> None:
    iam.role()
    error = iam.error("PutRolePolicy", RoleName="worker", PolicyName="p", PolicyDocument=document)
    assert (error.code, error.status, error.message) == ("MalformedPolicyDocument", 400, message)
    assert iam.call("ListRolePolicies", RoleName="worker")["PolicyNames"] == []


def test_role_inline_policies_share_10240_characters(iam: Iam) -> None:
    iam.role()
    big = _statement_policy(6000)
    iam.call("PutRolePolicy", RoleName="worker", PolicyName="one", PolicyDocument=big)
    # Replacing "one" does not count the old "one" against the new one.
    iam.call("PutRolePolicy", RoleName="worker", PolicyName="one", PolicyDocument=big)
    error = iam.error("PutRolePolicy", RoleName="worker", PolicyName="two", PolicyDocument=big)
    # UG/reference_iam-quotas.html: role inline policies total 10,240 characters; IAM answers
    # "Maximum policy size of 10240 bytes exceeded for role NAME" (LimitExceeded 409, as relayed
    # by CloudFormation, e.g. aws-amplify/amplify-cli#1699).
    assert (error.code, error.status) == ("LimitExceeded", 409)
    assert error.message == "Maximum policy size of 10240 bytes exceeded for role worker"


def test_user_inline_policies_share_2048_characters(iam: Iam) -> None:
    iam.user()
    iam.call(
        "PutUserPolicy", UserName="alice", PolicyName="one", PolicyDocument=_statement_policy(1200)
    )
    error = iam.error(
        "PutUserPolicy", UserName="alice", PolicyName="two", PolicyDocument=_statement_policy(1000)
    )
    # UG/reference_iam-quotas.html: user inline policies total 2,048 characters; "Maximum policy
    # size of 2048 bytes exceeded for user NAME" (LimitExceeded 409, as CDK deployments report it).
    assert (error.code, error.status) == ("LimitExceeded", 409)
    assert error.message == "Maximum policy size of 2048 bytes exceeded for user alice"


def test_whitespace_does_not_count_toward_the_quota(iam: Iam) -> None:
    iam.user()
    spaced = _statement_policy(1800).replace(",", ",\n" + " " * 400)
    assert iam.call("PutUserPolicy", UserName="alice", PolicyName="p", PolicyDocument=spaced) == {}
