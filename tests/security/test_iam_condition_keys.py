"""IAM requests carry the condition keys of what they ask and what they act on.

UG/reference_policies_iam-condition-keys.html and UG/access_iam-tags.html: an IAM request carries
`aws:RequestTag/K` and `aws:TagKeys` (the tags it sets), `aws:ResourceTag/K` and `iam:ResourceTag/K`
(the tags of the role or user it acts on), `iam:PermissionsBoundary` and `iam:PolicyARN`. Before
the fix none were present, so every policy that named them was judged against an absent key: a
Deny protecting tagged roles or AdministratorAccess never matched (the delegate got through), an
Allow limiting the tags a delegate sets with `ForAllValues`/`...IfExists` matched any tags, and
AWS's own boundary-delegation policy allowed nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer

VERSION = "2012-10-17"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": VERSION, "Statement": list(statements)})


def _code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


class Account:
    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.root = server.new_account()
        self.id = self.root.account_id
        self.iam = server.client("iam", self.root)

    def credentials(self, name: str, policy: str) -> Credentials:
        """The access key of a new user `name` whose only policy is `policy`."""
        self.iam.create_user(UserName=name)
        self.iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy)
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        return Credentials(key["AccessKeyId"], key["SecretAccessKey"], None, self.id)

    def user(self, name: str, policy: str) -> Any:
        """An IAM client signed by a new user `name` whose only policy is `policy`."""
        return self.server.client("iam", self.credentials(name, policy))

    def trust_account(self) -> str:
        return _policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{self.id}:root"},
                "Action": "sts:AssumeRole",
            }
        )


def test_a_delegate_sets_only_the_tags_its_policy_allows(server: RunningServer) -> None:
    # UG/reference_policies_examples_iam-new-user-tag.html, verbatim: create users only with
    # Department in (Development, QualityAssurance) and JobFunction = Employee, and no other key.
    account = Account(server)
    delegate = account.user(
        "tagger",
        _policy(
            {
                "Effect": "Allow",
                "Action": ["iam:CreateUser", "iam:TagUser"],
                "Resource": "*",
                "Condition": {
                    "StringEqualsIfExists": {
                        "aws:RequestTag/Department": ["Development", "QualityAssurance"],
                        "aws:RequestTag/JobFunction": "Employee",
                    },
                    "ForAllValues:StringEquals": {"aws:TagKeys": ["Department", "JobFunction"]},
                },
            }
        ),
    )
    for tags in ([{"Key": "Department", "Value": "Finance"}], [{"Key": "admin", "Value": "true"}]):
        with pytest.raises(ClientError) as denied:
            delegate.create_user(UserName="intruder", Tags=tags)
        assert _code(denied) == "AccessDenied"
    delegate.create_user(UserName="dev1", Tags=[{"Key": "Department", "Value": "Development"}])
    with pytest.raises(ClientError) as denied:
        delegate.tag_user(UserName="dev1", Tags=[{"Key": "admin", "Value": "true"}])
    assert _code(denied) == "AccessDenied"
    assert account.iam.list_user_tags(UserName="dev1")["Tags"] == [
        {"Key": "Department", "Value": "Development"}
    ]
    with pytest.raises(ClientError):
        account.iam.get_user(UserName="intruder")


def test_a_deny_on_resource_tags_protects_tagged_roles_and_users(server: RunningServer) -> None:
    # UG/access_iam-tags.html: aws:ResourceTag / iam:ResourceTag hold the tags of the role or user
    # a request acts on; a guardrail denying every IAM action on `protected` identities must hold.
    account = Account(server)
    guard = {"StringEquals": {"aws:ResourceTag/protected": "true"}}
    admin = account.user(
        "dev",
        _policy(
            {"Effect": "Allow", "Action": ["iam:*", "sts:AssumeRole"], "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*", "Condition": guard},
            {
                "Effect": "Deny",
                "Action": "sts:AssumeRole",
                "Resource": "*",
                "Condition": {"StringEquals": {"iam:ResourceTag/protected": "true"}},
            },
        ),
    )
    protected = [{"Key": "Protected", "Value": "true"}]  # tag keys are case-insensitive
    account.iam.create_role(
        RoleName="guarded", AssumeRolePolicyDocument=account.trust_account(), Tags=protected
    )
    account.iam.create_user(UserName="boss", Tags=protected)
    everything = _policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    attacks = [
        lambda: admin.put_role_policy(
            RoleName="guarded", PolicyName="x", PolicyDocument=everything
        ),
        lambda: admin.attach_role_policy(RoleName="guarded", PolicyArn=ADMIN),
        lambda: admin.update_assume_role_policy(
            RoleName="guarded", PolicyDocument=account.trust_account()
        ),
        lambda: admin.untag_role(RoleName="guarded", TagKeys=["Protected"]),
        lambda: admin.create_access_key(UserName="boss"),
        lambda: admin.put_user_policy(UserName="boss", PolicyName="x", PolicyDocument=everything),
        # The simulator shows which statements of the role's policies decide: reading them.
        lambda: admin.simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{account.id}:role/guarded", ActionNames=["s3:GetObject"]
        ),
    ]
    for attack in attacks:
        with pytest.raises(ClientError) as denied:
            attack()
        assert _code(denied) == "AccessDenied"
    assert account.iam.list_role_policies(RoleName="guarded")["PolicyNames"] == []
    assert account.iam.list_attached_role_policies(RoleName="guarded")["AttachedPolicies"] == []
    assert account.iam.list_access_keys(UserName="boss")["AccessKeyMetadata"] == []
    # The same calls on an untagged role go through: the Deny is about the tag.
    account.iam.create_role(RoleName="open", AssumeRolePolicyDocument=account.trust_account())
    admin.put_role_policy(RoleName="open", PolicyName="x", PolicyDocument=everything)


def test_assume_role_sees_the_role_tags(server: RunningServer) -> None:
    # UG/reference_policies_examples_iam-assume-tagged-role.html: "Allow sts:AssumeRole ...
    # StringEquals iam:ResourceTag/Project ExampleCorpABC" lets the user assume exactly the roles
    # with that tag; a Deny on a tag keeps it off the others.
    account = Account(server)
    account.iam.create_user(UserName="alice")
    account.iam.put_user_policy(
        UserName="alice",
        PolicyName="p",
        PolicyDocument=_policy(
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": "*",
                "Condition": {"StringEquals": {"iam:ResourceTag/Project": "ExampleCorpABC"}},
            },
            {
                "Effect": "Deny",
                "Action": "sts:AssumeRole",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceTag/tier": "break-glass"}},
            },
        ),
    )
    key = account.iam.create_access_key(UserName="alice")["AccessKey"]
    sts = server.client(
        "sts", Credentials(key["AccessKeyId"], key["SecretAccessKey"], None, account.id)
    )
    project = {"Key": "Project", "Value": "ExampleCorpABC"}
    for name, tags in (
        ("project", [project]),
        ("other", [{"Key": "Project", "Value": "Other"}]),
        ("glass", [project, {"Key": "tier", "Value": "break-glass"}]),
    ):
        account.iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=account.trust_account(), Tags=tags
        )
    arn = f"arn:aws:iam::{account.id}:role/"
    sts.assume_role(RoleArn=arn + "project", RoleSessionName="ses")
    for name in ("other", "glass"):
        with pytest.raises(ClientError) as denied:
            sts.assume_role(RoleArn=arn + name, RoleSessionName="ses")
        assert _code(denied) == "AccessDenied"


def test_a_deny_on_the_policy_arn_keeps_administrator_access_off(server: RunningServer) -> None:
    # UG/reference_policies_iam-condition-keys.html (iam:PolicyARN): "Checks the ARN of a managed
    # policy in requests that involve a managed policy".
    account = Account(server)
    delegate = account.user(
        "dev",
        _policy(
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": ["iam:AttachUserPolicy", "iam:AttachRolePolicy"],
                "Resource": "*",
                "Condition": {"ArnEquals": {"iam:PolicyARN": ADMIN}},
            },
        ),
    )
    with pytest.raises(ClientError) as denied:
        delegate.attach_user_policy(UserName="dev", PolicyArn=ADMIN)
    assert _code(denied) == "AccessDenied"
    assert account.iam.list_attached_user_policies(UserName="dev")["AttachedPolicies"] == []
    delegate.attach_user_policy(
        UserName="dev", PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    )


def test_a_delegate_bound_to_a_boundary_cannot_escape_it(server: RunningServer) -> None:
    # UG/access_policies_boundaries.html, "Delegating responsibility to others using permissions
    # boundaries": CreateUser, PutUserPolicy, AttachUserPolicy, PutUserPermissionsBoundary...
    # allowed only with `StringEquals iam:PermissionsBoundary` the company boundary.
    account = Account(server)
    boundary = account.iam.create_policy(
        PolicyName="XCompanyBoundaries",
        PolicyDocument=_policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
    )["Policy"]["Arn"]
    other = account.iam.create_policy(
        PolicyName="Wide",
        PolicyDocument=_policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    )["Policy"]["Arn"]
    delegate = account.user(
        "maria",
        _policy(
            {
                "Effect": "Allow",
                "Action": [
                    "iam:CreateUser",
                    "iam:PutUserPolicy",
                    "iam:AttachUserPolicy",
                    "iam:DeleteUserPolicy",
                    "iam:PutUserPermissionsBoundary",
                ],
                "Resource": "*",
                "Condition": {"StringEquals": {"iam:PermissionsBoundary": boundary}},
            }
        ),
    )
    everything = _policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    # Within the boundary: allowed (before the fix the key was absent and this was denied).
    delegate.create_user(UserName="bounded", PermissionsBoundary=boundary)
    delegate.put_user_policy(UserName="bounded", PolicyName="p", PolicyDocument=everything)
    account.iam.create_user(UserName="free")
    attacks = [
        lambda: delegate.create_user(UserName="unbounded"),
        lambda: delegate.create_user(UserName="wide", PermissionsBoundary=other),
        lambda: delegate.put_user_policy(
            UserName="free", PolicyName="p", PolicyDocument=everything
        ),
        lambda: delegate.attach_user_policy(UserName="maria", PolicyArn=ADMIN),
        lambda: delegate.put_user_permissions_boundary(
            UserName="bounded", PermissionsBoundary=other
        ),
    ]
    for attack in attacks:
        with pytest.raises(ClientError) as denied:
            attack()
        assert _code(denied) == "AccessDenied"
    assert (
        account.iam.get_user(UserName="bounded")["User"]["PermissionsBoundary"][
            "PermissionsBoundaryArn"
        ]
        == boundary
    )
    assert account.iam.list_user_policies(UserName="free")["PolicyNames"] == []


def test_tags_under_the_reserved_aws_prefix_are_refused(server: RunningServer) -> None:
    # UG/id_tags.html (tag naming rules): "The aws: prefix is reserved for AWS use"; a customer
    # could otherwise forge an AWS-set tag (aws:cloudformation:stack-name) that policies trust
    # through aws:ResourceTag or aws:PrincipalTag. UG/id_session-tags.html: session tags follow
    # the same rules.
    account = Account(server)
    forged = [{"Key": "AWS:cloudformation:stack-name", "Value": "prod"}]
    account.iam.create_role(RoleName="r", AssumeRolePolicyDocument=account.trust_account())
    attacks = [
        lambda: account.iam.tag_role(RoleName="r", Tags=forged),
        lambda: account.iam.create_user(UserName="u", Tags=forged),
    ]
    for attack in attacks:
        with pytest.raises(ClientError) as refused:
            attack()
        assert _code(refused) == "InvalidInput"
    assert account.iam.list_role_tags(RoleName="r")["Tags"] == []
    account.iam.update_assume_role_policy(
        RoleName="r",
        PolicyDocument=_policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account.id}:root"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ),
    )
    tagger = account.credentials(
        "tagger", _policy({"Effect": "Allow", "Action": "sts:*", "Resource": "*"})
    )
    sts = server.client("sts", tagger)
    with pytest.raises(ClientError) as refused:
        sts.assume_role(
            RoleArn=f"arn:aws:iam::{account.id}:role/r", RoleSessionName="ses", Tags=forged
        )
    assert _code(refused) == "InvalidParameterValue"
