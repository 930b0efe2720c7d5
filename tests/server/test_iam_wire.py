"""IAM through boto3 and the aws CLI against a live server: shapes, errors and authorization.

Expected texts from the IAM API reference (IAM/API_CreateRole.html, API_GetRole.html,
API_PutRolePolicy.html, IAM/CommonErrors.html) and UG/troubleshoot_access-denied.html.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer, aws_cli
from tests.server.seed_world import seed_permission_policy, seed_trust_policy, trust_account


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


@pytest.fixture
def root(server: RunningServer) -> Credentials:
    return server.new_account()


def test_a_role_round_trips_with_its_trust_policy_decoded(
    server: RunningServer, root: Credentials
) -> None:
    iam = server.client("iam", root)
    trust = seed_trust_policy("377488441568")
    created = iam.create_role(
        RoleName="qwak-access-role",
        Path="/customers/",
        AssumeRolePolicyDocument=trust,
        Description="platform read access",
        Tags=[{"Key": "team", "Value": "data"}],
    )["Role"]
    assert created["Arn"] == f"arn:aws:iam::{root.account_id}:role/customers/qwak-access-role"
    assert created["RoleId"].startswith("AROA") and len(created["RoleId"]) == 21
    role = iam.get_role(RoleName="qwak-access-role")["Role"]
    # boto3 decodes the URL-encoded document IAM returns into a dict.
    assert role["AssumeRolePolicyDocument"] == json.loads(trust)
    assert role["MaxSessionDuration"] == 3600
    assert role["Tags"] == [{"Key": "team", "Value": "data"}]
    assert role["CreateDate"].tzinfo is not None


def test_inline_policies_put_get_list_delete(server: RunningServer, root: Credentials) -> None:
    iam = server.client("iam", root)
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust_account(root.account_id))
    document = seed_permission_policy("customer-data")
    iam.put_role_policy(RoleName="r", PolicyName="read", PolicyDocument=document)
    got = iam.get_role_policy(RoleName="r", PolicyName="read")
    assert got["PolicyDocument"] == json.loads(document)
    assert iam.list_role_policies(RoleName="r")["PolicyNames"] == ["read"]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_role(RoleName="r")
    assert _error(excinfo)[0] == "DeleteConflict"
    iam.delete_role_policy(RoleName="r", PolicyName="read")
    iam.delete_role(RoleName="r")
    with pytest.raises(ClientError) as excinfo:
        iam.get_role(RoleName="r")
    assert _error(excinfo) == ("NoSuchEntity", "The role with name r cannot be found.", 404)


def test_a_malformed_policy_is_refused_and_nothing_is_stored(
    server: RunningServer, root: Credentials
) -> None:
    iam = server.client("iam", root)
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName="bad", AssumeRolePolicyDocument='{"Version": "2012-10-17"')
    code, _, status = _error(excinfo)
    assert (code, status) == ("MalformedPolicyDocument", 400)
    assert iam.list_roles()["Roles"] == []


def test_names_are_unique_regardless_of_case(server: RunningServer, root: Credentials) -> None:
    iam = server.client("iam", root)
    iam.create_role(RoleName="Reader", AssumeRolePolicyDocument=trust_account(root.account_id))
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName="reader", AssumeRolePolicyDocument=trust_account(root.account_id))
    assert _error(excinfo)[0] == "EntityAlreadyExists"


def test_list_roles_pages_with_marker(server: RunningServer, root: Credentials) -> None:
    iam = server.client("iam", root)
    names = [f"role-{i:02d}" for i in range(7)]
    for name in names:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_account(root.account_id))
    pages = list(iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 3}))
    assert [len(p["Roles"]) for p in pages] == [3, 3, 1]
    assert [r["RoleName"] for p in pages for r in p["Roles"]] == names
    assert pages[0]["IsTruncated"] is True and pages[-1]["IsTruncated"] is False


def test_managed_policies_attach_and_list(server: RunningServer, root: Credentials) -> None:
    iam = server.client("iam", root)
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust_account(root.account_id))
    arn = iam.create_policy(PolicyName="read", PolicyDocument=seed_permission_policy("b"))[
        "Policy"
    ]["Arn"]
    iam.attach_role_policy(RoleName="r", PolicyArn=arn)
    attached = iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"]
    assert attached == [{"PolicyName": "read", "PolicyArn": arn}]
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert version["Document"] == json.loads(seed_permission_policy("b"))
    assert version["IsDefaultVersion"] is True


def test_an_iam_call_without_permission_is_denied_with_the_reason(
    server: RunningServer, root: Credentials
) -> None:
    iam = server.client("iam", root)
    iam.create_user(UserName="intern")
    key = iam.create_access_key(UserName="intern")["AccessKey"]
    intern = Credentials(key["AccessKeyId"], key["SecretAccessKey"])
    with pytest.raises(ClientError) as excinfo:
        server.client("iam", intern).create_role(
            RoleName="sneaky", AssumeRolePolicyDocument=trust_account(root.account_id)
        )
    code, message, status = _error(excinfo)
    assert (code, status) == ("AccessDenied", 403)
    assert message == (
        f"User: arn:aws:iam::{root.account_id}:user/intern is not authorized to perform: "
        f"iam:CreateRole on resource: arn:aws:iam::{root.account_id}:role/sneaky because no "
        "identity-based policy allows the iam:CreateRole action"
    )
    with pytest.raises(ClientError):
        iam.get_role(RoleName="sneaky")


def test_simulate_principal_policy_answers_like_the_engine(
    server: RunningServer, root: Credentials
) -> None:
    iam = server.client("iam", root)
    arn = iam.create_role(
        RoleName="reader", AssumeRolePolicyDocument=trust_account(root.account_id)
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="reader", PolicyName="read", PolicyDocument=seed_permission_policy("data")
    )
    results = iam.simulate_principal_policy(
        PolicySourceArn=arn,
        ActionNames=["s3:GetObject", "s3:PutObject"],
        ResourceArns=["arn:aws:s3:::data/x.csv"],
    )["EvaluationResults"]
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results}
    assert decisions == {"s3:GetObject": "allowed", "s3:PutObject": "implicitDeny"}


def test_the_aws_cli_creates_a_role_from_a_file(
    server: RunningServer, root: Credentials, tmp_path: Path
) -> None:
    trust_file = tmp_path / "trust.json"
    trust_file.write_text(seed_trust_policy("377488441568"))
    done = aws_cli(
        server,
        root,
        "iam",
        "create-role",
        "--role-name",
        "qwak-access-role",
        "--assume-role-policy-document",
        f"file://{trust_file}",
    )
    assert done.returncode == 0, done.stderr
    role = json.loads(done.stdout)["Role"]
    assert role["AssumeRolePolicyDocument"] == json.loads(trust_file.read_text())
    listed = aws_cli(server, root, "iam", "list-roles")
    assert [r["RoleName"] for r in json.loads(listed.stdout)["Roles"]] == ["qwak-access-role"]
