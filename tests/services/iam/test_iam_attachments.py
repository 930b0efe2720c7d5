"""Attach/Detach/ListAttached Role and User policies; ListEntitiesForPolicy."""

from __future__ import annotations

from iam_harness import ACCOUNT, Iam

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/worker"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def test_attach_list_detach_role_policy(iam: Iam) -> None:
    iam.role()
    arn = iam.policy("s3-read", Path="/team/")
    assert iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=arn) == {}
    assert iam.last_asked == ("iam:AttachRolePolicy", ROLE_ARN)
    iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=ADMIN)
    iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=ADMIN)  # again: no change
    listed = iam.call("ListAttachedRolePolicies", RoleName="worker")
    assert iam.last_asked == ("iam:ListAttachedRolePolicies", ROLE_ARN)
    assert listed == {
        "AttachedPolicies": [
            {"PolicyName": "s3-read", "PolicyArn": arn},
            {"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN},
        ],
        "IsTruncated": False,
    }
    by_path = iam.call("ListAttachedRolePolicies", RoleName="worker", PathPrefix="/team/")
    assert by_path["AttachedPolicies"] == [{"PolicyName": "s3-read", "PolicyArn": arn}]
    assert iam.call("DetachRolePolicy", RoleName="worker", PolicyArn=arn) == {}
    assert iam.last_asked == ("iam:DetachRolePolicy", ROLE_ARN)
    remaining = iam.call("ListAttachedRolePolicies", RoleName="worker")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in remaining] == [ADMIN]


def test_attach_list_detach_user_policy(iam: Iam) -> None:
    iam.user()
    iam.call("AttachUserPolicy", UserName="alice", PolicyArn=ADMIN)
    assert iam.last_asked == ("iam:AttachUserPolicy", USER_ARN)
    assert iam.call("ListAttachedUserPolicies", UserName="alice")["AttachedPolicies"] == [
        {"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN}
    ]
    assert iam.last_asked == ("iam:ListAttachedUserPolicies", USER_ARN)
    iam.call("DetachUserPolicy", UserName="alice", PolicyArn=ADMIN)
    assert iam.last_asked == ("iam:DetachUserPolicy", USER_ARN)
    assert iam.call("ListAttachedUserPolicies", UserName="alice")["AttachedPolicies"] == []


def test_attach_missing_policy_is_not_attachable(iam: Iam) -> None:
    iam.role()
    for arn in (
        f"arn:aws:iam::{ACCOUNT}:policy/nope",
        "arn:aws:iam::aws:policy/NoSuchManagedPolicy",
        "arn:aws:iam::444455556666:policy/theirs",
    ):
        error = iam.error("AttachRolePolicy", RoleName="worker", PolicyArn=arn)
        # "Policy ARN does not exist or is not attachable." (NoSuchEntity 404; getmoto/moto#6482
        # quotes the live response; pulumi/pulumi#7419 shows the 404).
        assert (error.code, error.status) == ("NoSuchEntity", 404)
        assert error.message == f"Policy {arn} does not exist or is not attachable."


def test_detach_policy_that_is_not_attached(iam: Iam) -> None:
    iam.role()
    arn = iam.policy()
    error = iam.error("DetachRolePolicy", RoleName="worker", PolicyArn=arn)
    # NoSuchEntity 404 "Policy ARN was not found." (the GetPolicy text; cloud-nuke#972 reports a
    # NoSuchEntity detaching a policy that was only a boundary).
    assert (error.code, error.status, error.message) == (
        "NoSuchEntity",
        404,
        f"Policy {arn} was not found.",
    )


def test_ten_attached_policies_at_most(iam: Iam) -> None:
    iam.role()
    iam.user()
    arns = [iam.policy(f"p{i}") for i in range(11)]
    for arn in arns[:10]:
        iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=arn)
        iam.call("AttachUserPolicy", UserName="alice", PolicyArn=arn)
    before = iam.snapshot()
    error = iam.error("AttachRolePolicy", RoleName="worker", PolicyArn=arns[10])
    # "Cannot exceed quota for PoliciesPerRole: 10" (LimitExceeded 409; UG/reference_iam-quotas.html
    # "Managed policies attached to an IAM role: 10"; the text as Palette's docs quote it).
    assert (error.code, error.status) == ("LimitExceeded", 409)
    assert error.message == "Cannot exceed quota for PoliciesPerRole: 10"
    error = iam.error("AttachUserPolicy", UserName="alice", PolicyArn=arns[10])
    assert error.message == "Cannot exceed quota for PoliciesPerUser: 10"
    assert iam.snapshot() == before
    # Re-attaching one already attached is not an eleventh.
    assert iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=arns[0]) == {}


def test_list_entities_for_policy(iam: Iam) -> None:
    arn = iam.policy()
    iam.role("worker")
    iam.role("deployer", Path="/ci/")
    iam.user("alice")
    iam.user("bob", PermissionsBoundary=arn)
    iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=arn)
    iam.call("AttachRolePolicy", RoleName="deployer", PolicyArn=arn)
    iam.call("AttachUserPolicy", UserName="alice", PolicyArn=arn)
    found = iam.call("ListEntitiesForPolicy", PolicyArn=arn)
    assert iam.last_asked == ("iam:ListEntitiesForPolicy", arn)
    assert [r["RoleName"] for r in found["PolicyRoles"]] == ["deployer", "worker"]
    assert [u["UserName"] for u in found["PolicyUsers"]] == ["alice", "bob"]
    assert found["PolicyGroups"] == [] and found["IsTruncated"] is False
    roles_only = iam.call(
        "ListEntitiesForPolicy", PolicyArn=arn, EntityFilter="Role", PathPrefix="/ci/"
    )
    assert [r["RoleName"] for r in roles_only["PolicyRoles"]] == ["deployer"]
    assert roles_only["PolicyUsers"] == []
    attached_only = iam.call(
        "ListEntitiesForPolicy", PolicyArn=arn, PolicyUsageFilter="PermissionsPolicy"
    )
    assert [u["UserName"] for u in attached_only["PolicyUsers"]] == ["alice"]
    paged = iam.call("ListEntitiesForPolicy", PolicyArn=arn, MaxItems=3)
    assert paged["IsTruncated"] is True
    rest = iam.call("ListEntitiesForPolicy", PolicyArn=arn, Marker=paged["Marker"])
    total = (
        len(paged["PolicyRoles"])
        + len(paged["PolicyUsers"])
        + len(rest["PolicyRoles"])
        + len(rest["PolicyUsers"])
    )
    assert total == 4


def test_list_entities_for_missing_policy(iam: Iam) -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:policy/nope"
    assert (
        iam.error("ListEntitiesForPolicy", PolicyArn=arn).message == f"Policy {arn} was not found."
    )
