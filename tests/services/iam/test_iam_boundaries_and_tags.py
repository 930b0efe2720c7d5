"""Permissions boundaries (Put/Delete Role and User PermissionsBoundary) and tags (Tag/Untag/List
Role and User tags)."""

from __future__ import annotations

from iam_harness import ACCOUNT, Iam

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/worker"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"
S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess"


def test_role_boundary_put_and_delete(iam: Iam) -> None:
    iam.role()
    arn = iam.policy()
    assert iam.call("PutRolePermissionsBoundary", RoleName="worker", PermissionsBoundary=arn) == {}
    assert iam.last_asked == ("iam:PutRolePermissionsBoundary", ROLE_ARN)
    role = iam.call("GetRole", RoleName="worker")["Role"]
    assert role["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": arn,
    }
    # An AWS managed policy can be a boundary too, replacing the first.
    iam.call("PutRolePermissionsBoundary", RoleName="worker", PermissionsBoundary=S3_FULL)
    role = iam.call("GetRole", RoleName="worker")["Role"]
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == S3_FULL
    assert iam.call("DeleteRolePermissionsBoundary", RoleName="worker") == {}
    assert iam.last_asked == ("iam:DeleteRolePermissionsBoundary", ROLE_ARN)
    assert "PermissionsBoundary" not in iam.call("GetRole", RoleName="worker")["Role"]


def test_user_boundary_put_and_delete(iam: Iam) -> None:
    iam.user()
    iam.call("PutUserPermissionsBoundary", UserName="alice", PermissionsBoundary=S3_FULL)
    assert iam.last_asked == ("iam:PutUserPermissionsBoundary", USER_ARN)
    user = iam.call("GetUser", UserName="alice")["User"]
    assert user["PermissionsBoundary"]["PermissionsBoundaryArn"] == S3_FULL
    iam.call("DeleteUserPermissionsBoundary", UserName="alice")
    assert iam.last_asked == ("iam:DeleteUserPermissionsBoundary", USER_ARN)
    assert "PermissionsBoundary" not in iam.call("GetUser", UserName="alice")["User"]


def test_missing_boundary_policy(iam: Iam) -> None:
    iam.role()
    arn = f"arn:aws:iam::{ACCOUNT}:policy/nope"
    before = iam.snapshot()
    error = iam.error("PutRolePermissionsBoundary", RoleName="worker", PermissionsBoundary=arn)
    # "Scope ARN: ARN does not exist or is not attachable." (NoSuchEntity 404; rosa CLI logs).
    assert (error.code, error.status) == ("NoSuchEntity", 404)
    assert error.message == f"Scope ARN: {arn} does not exist or is not attachable."
    assert iam.snapshot() == before


def test_tag_list_untag_role(iam: Iam) -> None:
    iam.role(Tags=[{"Key": "Team", "Value": "data"}])
    tags = [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "platform"}]
    assert iam.call("TagRole", RoleName="worker", Tags=tags) == {}
    assert iam.last_asked == ("iam:TagRole", ROLE_ARN)
    listed = iam.call("ListRoleTags", RoleName="worker")
    assert iam.last_asked == ("iam:ListRoleTags", ROLE_ARN)
    # Keys are case-insensitive: "team" replaced "Team" (UG/id_tags.html, case sensitivity).
    assert listed == {"Tags": tags, "IsTruncated": False}
    assert iam.call("UntagRole", RoleName="worker", TagKeys=["ENV"]) == {}
    assert iam.last_asked == ("iam:UntagRole", ROLE_ARN)
    assert iam.call("ListRoleTags", RoleName="worker")["Tags"] == [
        {"Key": "team", "Value": "platform"}
    ]


def test_tag_list_untag_user(iam: Iam) -> None:
    iam.user()
    iam.call(
        "TagUser", UserName="alice", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    )
    assert iam.last_asked == ("iam:TagUser", USER_ARN)
    page = iam.call("ListUserTags", UserName="alice", MaxItems=1)
    assert iam.last_asked == ("iam:ListUserTags", USER_ARN)
    assert page["Tags"] == [{"Key": "a", "Value": "1"}] and page["IsTruncated"] is True
    rest = iam.call("ListUserTags", UserName="alice", Marker=page["Marker"])
    assert rest["Tags"] == [{"Key": "b", "Value": "2"}] and rest["IsTruncated"] is False
    iam.call("UntagUser", UserName="alice", TagKeys=["a", "b", "never-there"])
    assert iam.last_asked == ("iam:UntagUser", USER_ARN)
    assert iam.call("ListUserTags", UserName="alice")["Tags"] == []


def test_fifty_tags_at_most(iam: Iam) -> None:
    iam.role(Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    before = iam.snapshot()
    error = iam.error("TagRole", RoleName="worker", Tags=[{"Key": "one-more", "Value": "v"}])
    # UG/reference_iam-quotas.html: 50 tags per role; LimitExceeded 409.
    assert (error.code, error.status) == ("LimitExceeded", 409)
    assert iam.snapshot() == before
    # Replacing an existing key is not a 51st tag.
    assert iam.call("TagRole", RoleName="worker", Tags=[{"Key": "K1", "Value": "new"}]) == {}


def test_duplicate_keys_in_one_tag_request(iam: Iam) -> None:
    iam.user()
    error = iam.error(
        "TagUser", UserName="alice", Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}]
    )
    assert (error.code, error.status) == ("InvalidInput", 400)
