"""Every write asks for permission first, and a denial leaves the store exactly as it was."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest
from iam_harness import ALLOW_ALL, ALLOW_S3_READ, TRUST, Iam

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
OTHER_TRUST = TRUST.replace("111122223333:root", "444455556666:root")
World = dict[str, str]
Params = Callable[[World], Mapping[str, object]]


def _arrange(iam: Iam) -> World:
    attached = iam.policy("attached")
    spare = iam.policy("spare")
    iam.call("CreatePolicyVersion", PolicyArn=spare, PolicyDocument=ALLOW_ALL)
    iam.role("worker", Tags=[{"Key": "team", "Value": "data"}])
    iam.role("bounded", PermissionsBoundary=attached)
    iam.call("PutRolePolicy", RoleName="worker", PolicyName="inline", PolicyDocument=ALLOW_S3_READ)
    iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=attached)
    iam.user("alice", Tags=[{"Key": "team", "Value": "data"}], PermissionsBoundary=attached)
    iam.user("bob")
    iam.call("PutUserPolicy", UserName="alice", PolicyName="inline", PolicyDocument=ALLOW_S3_READ)
    iam.call("AttachUserPolicy", UserName="alice", PolicyArn=attached)
    key = iam.call("CreateAccessKey", UserName="alice")["AccessKey"]["AccessKeyId"]
    return {"attached": attached, "spare": spare, "key": str(key)}


WRITES: list[tuple[str, Params]] = [
    ("CreateRole", lambda w: {"RoleName": "new", "AssumeRolePolicyDocument": TRUST}),
    ("UpdateRole", lambda w: {"RoleName": "worker", "Description": "x"}),
    ("UpdateRoleDescription", lambda w: {"RoleName": "worker", "Description": "x"}),
    ("UpdateAssumeRolePolicy", lambda w: {"RoleName": "worker", "PolicyDocument": OTHER_TRUST}),
    ("DeleteRole", lambda w: {"RoleName": "bounded"}),
    ("TagRole", lambda w: {"RoleName": "worker", "Tags": [{"Key": "a", "Value": "b"}]}),
    ("UntagRole", lambda w: {"RoleName": "worker", "TagKeys": ["team"]}),
    ("PutRolePermissionsBoundary", lambda w: {"RoleName": "worker", "PermissionsBoundary": ADMIN}),
    ("DeleteRolePermissionsBoundary", lambda w: {"RoleName": "bounded"}),
    ("PutRolePolicy", lambda w: {"RoleName": "worker", "PolicyName": "p2", "PolicyDocument": ALLOW_ALL}),
    ("DeleteRolePolicy", lambda w: {"RoleName": "worker", "PolicyName": "inline"}),
    ("AttachRolePolicy", lambda w: {"RoleName": "worker", "PolicyArn": ADMIN}),
    ("DetachRolePolicy", lambda w: {"RoleName": "worker", "PolicyArn": w["attached"]}),
    ("CreateUser", lambda w: {"UserName": "carol"}),
    ("DeleteUser", lambda w: {"UserName": "bob"}),
    ("TagUser", lambda w: {"UserName": "alice", "Tags": [{"Key": "a", "Value": "b"}]}),
    ("UntagUser", lambda w: {"UserName": "alice", "TagKeys": ["team"]}),
    ("PutUserPermissionsBoundary", lambda w: {"UserName": "bob", "PermissionsBoundary": ADMIN}),
    ("DeleteUserPermissionsBoundary", lambda w: {"UserName": "alice"}),
    ("PutUserPolicy", lambda w: {"UserName": "alice", "PolicyName": "p2", "PolicyDocument": ALLOW_ALL}),
    ("DeleteUserPolicy", lambda w: {"UserName": "alice", "PolicyName": "inline"}),
    ("AttachUserPolicy", lambda w: {"UserName": "bob", "PolicyArn": ADMIN}),
    ("DetachUserPolicy", lambda w: {"UserName": "alice", "PolicyArn": w["attached"]}),
    ("CreateAccessKey", lambda w: {"UserName": "bob"}),
    ("UpdateAccessKey", lambda w: {"UserName": "alice", "AccessKeyId": w["key"], "Status": "Inactive"}),
    ("DeleteAccessKey", lambda w: {"UserName": "alice", "AccessKeyId": w["key"]}),
    ("CreatePolicy", lambda w: {"PolicyName": "new", "PolicyDocument": ALLOW_ALL}),
    ("DeletePolicy", lambda w: {"PolicyArn": w["spare"]}),
    ("CreatePolicyVersion", lambda w: {"PolicyArn": w["spare"], "PolicyDocument": ALLOW_ALL, "SetAsDefault": True}),
    ("DeletePolicyVersion", lambda w: {"PolicyArn": w["spare"], "VersionId": "v2"}),
    ("SetDefaultPolicyVersion", lambda w: {"PolicyArn": w["spare"], "VersionId": "v2"}),
]  # fmt: skip


@pytest.mark.parametrize(("operation", "make_params"), WRITES, ids=[op for op, _ in WRITES])
def test_a_denied_write_changes_nothing(iam: Iam, operation: str, make_params: Params) -> None:
    world = _arrange(iam)
    before = iam.snapshot()
    iam.denied.add(f"iam:{operation}")
    error = iam.error(operation, **make_params(world))
    assert (error.code, error.status) == ("AccessDenied", 403)
    assert iam.last_asked[0] == f"iam:{operation}"
    assert iam.snapshot() == before


@pytest.mark.parametrize(("operation", "make_params"), WRITES, ids=[op for op, _ in WRITES])
def test_an_allowed_write_changes_something(iam: Iam, operation: str, make_params: Params) -> None:
    """The same calls succeed when allowed, so the denial test above proves the hook stopped them."""
    world = _arrange(iam)
    before = iam.snapshot()
    if operation == "DeletePolicy":
        iam.call("DeletePolicyVersion", PolicyArn=world["spare"], VersionId="v2")
        before = iam.snapshot()
    iam.call(operation, **make_params(world))
    assert iam.snapshot() != before
