"""CreateUser, GetUser, ListUsers, DeleteUser."""

from __future__ import annotations

from iam_harness import ACCOUNT, ALLOW_S3_READ, NOW, Iam, role_session_caller, user_caller

USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"


def test_create_user(iam: Iam) -> None:
    user = iam.user(Path="/staff/", Tags=[{"Key": "team", "Value": "data"}])
    assert iam.last_asked == ("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/staff/alice")
    assert user["UserName"] == "alice" and user["Path"] == "/staff/"
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/staff/alice"
    assert str(user["UserId"]).startswith("AIDA") and len(str(user["UserId"])) == 21
    assert user["CreateDate"] == NOW
    assert user["Tags"] == [{"Key": "team", "Value": "data"}]


def test_user_names_are_unique_regardless_of_case(iam: Iam) -> None:
    iam.user("Alice")
    error = iam.error("CreateUser", UserName="ALICE")
    # "User with name X already exists." (EntityAlreadyExists 409; same form as for roles, e.g.
    # ansible-collections/community.aws#2085 logs).
    assert (error.code, error.status) == ("EntityAlreadyExists", 409)
    assert error.message == "User with name ALICE already exists."


def test_get_user_by_name(iam: Iam) -> None:
    iam.user()
    user = iam.call("GetUser", UserName="ALICE")["User"]
    assert iam.last_asked == ("iam:GetUser", USER_ARN)
    assert user["UserName"] == "alice"


def test_get_missing_user(iam: Iam) -> None:
    error = iam.error("GetUser", UserName="bob")
    assert iam.last_asked == ("iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/bob")
    # "The user with name X cannot be found." (NoSuchEntity 404; fog's IAM mock records it).
    assert (error.code, error.status) == ("NoSuchEntity", 404)
    assert error.message == "The user with name bob cannot be found."


def test_get_user_without_name_is_the_calling_user(iam: Iam) -> None:
    iam.user()
    me = iam.call("GetUser", caller=user_caller(iam.stored_user("alice")))["User"]
    assert me["UserName"] == "alice"
    assert iam.last_asked == ("iam:GetUser", USER_ARN)


def test_get_user_without_name_as_root_is_the_account(iam: Iam) -> None:
    # Root credentials have no IAM user: IAM answers with the account id as UserId and the root ARN,
    # and no UserName or Path (so those required members may be missing here).
    me = iam.call("GetUser", optional=frozenset({"UserName", "Path"}))["User"]
    assert me == {
        "UserId": ACCOUNT,
        "Arn": f"arn:aws:iam::{ACCOUNT}:root",
        "CreateDate": NOW,
    }
    assert iam.last_asked == ("iam:GetUser", f"arn:aws:iam::{ACCOUNT}:root")


def test_get_user_without_name_as_role_session_is_a_validation_error(iam: Iam) -> None:
    error = iam.error("GetUser", caller=role_session_caller())
    # ValidationError "Must specify userName when calling with non-User credentials" (aws-cli
    # output quoted in many guides, e.g. for AWS SSO sessions).
    assert (error.code, error.status) == ("ValidationError", 400)
    assert error.message == "Must specify userName when calling with non-User credentials"


def test_list_users(iam: Iam) -> None:
    iam.user("bob", Tags=[{"Key": "k", "Value": "v"}])
    iam.user("alice", Path="/staff/")
    listed = iam.call("ListUsers")
    assert iam.last_asked == ("iam:ListUsers", f"arn:aws:iam::{ACCOUNT}:user/")
    users = listed["Users"]
    assert [u["UserName"] for u in users] == ["alice", "bob"]
    # API_ListUsers.html: PermissionsBoundary and Tags are not returned by the listing.
    assert all("Tags" not in u for u in users)
    staff = iam.call("ListUsers", PathPrefix="/staff/")["Users"]
    assert iam.last_asked == ("iam:ListUsers", f"arn:aws:iam::{ACCOUNT}:user/staff/")
    assert [u["UserName"] for u in staff] == ["alice"]


def test_delete_user(iam: Iam) -> None:
    iam.user()
    assert iam.call("DeleteUser", UserName="alice") == {}
    assert iam.last_asked == ("iam:DeleteUser", USER_ARN)
    assert iam.error("GetUser", UserName="alice").code == "NoSuchEntity"


def test_delete_user_with_access_key_is_a_conflict(iam: Iam) -> None:
    iam.user()
    iam.call("CreateAccessKey", UserName="alice")
    error = iam.error("DeleteUser", UserName="alice")
    # "Cannot delete entity, must delete access keys first." (DeleteConflict 409;
    # aws-controllers-k8s/community#2229 logs the live answer).
    assert (error.code, error.status) == ("DeleteConflict", 409)
    assert error.message == "Cannot delete entity, must delete access keys first."


def test_delete_user_with_policies_is_a_conflict(iam: Iam) -> None:
    iam.user()
    iam.call("PutUserPolicy", UserName="alice", PolicyName="p", PolicyDocument=ALLOW_S3_READ)
    error = iam.error("DeleteUser", UserName="alice")
    # Same texts as DeleteRole (DeleteConflict 409; see test_iam_roles.py for the sources).
    assert (error.code, error.message) == (
        "DeleteConflict",
        "Cannot delete entity, must delete policies first.",
    )
    iam.call("DeleteUserPolicy", UserName="alice", PolicyName="p")
    iam.call("AttachUserPolicy", UserName="alice", PolicyArn=iam.policy())
    error = iam.error("DeleteUser", UserName="alice")
    assert (error.code, error.message) == (
        "DeleteConflict",
        "Cannot delete entity, must detach all policies first.",
    )
