"""Marker/MaxItems paging, and the operation table itself."""

from __future__ import annotations

import botocore.session
from iam_harness import Iam

from rolegate.services.iam import HANDLERS

REQUESTED = {
    "CreateRole", "GetRole", "ListRoles", "UpdateRole", "UpdateRoleDescription", "DeleteRole",
    "UpdateAssumeRolePolicy", "TagRole", "UntagRole", "ListRoleTags", "PutRolePermissionsBoundary",
    "DeleteRolePermissionsBoundary", "PutRolePolicy", "GetRolePolicy", "ListRolePolicies",
    "DeleteRolePolicy", "CreateUser", "GetUser", "ListUsers", "DeleteUser", "TagUser", "UntagUser",
    "ListUserTags", "PutUserPermissionsBoundary", "DeleteUserPermissionsBoundary", "PutUserPolicy",
    "GetUserPolicy", "ListUserPolicies", "DeleteUserPolicy", "CreateAccessKey", "ListAccessKeys",
    "UpdateAccessKey", "DeleteAccessKey", "CreatePolicy", "GetPolicy", "DeletePolicy",
    "ListPolicies", "CreatePolicyVersion", "GetPolicyVersion", "ListPolicyVersions",
    "DeletePolicyVersion", "SetDefaultPolicyVersion", "AttachRolePolicy", "DetachRolePolicy",
    "ListAttachedRolePolicies", "AttachUserPolicy", "DetachUserPolicy", "ListAttachedUserPolicies",
    "ListEntitiesForPolicy", "SimulateCustomPolicy", "SimulatePrincipalPolicy",
}  # fmt: skip


def test_the_table_has_every_operation_and_only_real_ones() -> None:
    model = botocore.session.get_session().get_service_model("iam")
    assert set(HANDLERS) == REQUESTED
    assert set(HANDLERS) <= set(model.operation_names)


def test_list_roles_pages_with_stable_markers(iam: Iam) -> None:
    for name in ["e", "a", "c", "b", "d"]:
        iam.role(name)
    first = iam.call("ListRoles", MaxItems=2)
    assert [r["RoleName"] for r in first["Roles"]] == ["a", "b"]
    assert first["IsTruncated"] is True
    marker = first["Marker"]
    # The marker points after "b": deleting "b" and adding "bb" do not shift the next page.
    iam.call("DeleteRole", RoleName="b")
    iam.role("bb")
    second = iam.call("ListRoles", MaxItems=2, Marker=marker)
    assert [r["RoleName"] for r in second["Roles"]] == ["bb", "c"]
    third = iam.call("ListRoles", MaxItems=2, Marker=second["Marker"])
    assert [r["RoleName"] for r in third["Roles"]] == ["d", "e"]
    assert third["IsTruncated"] is False and "Marker" not in third


def test_a_page_that_ends_exactly_is_not_truncated(iam: Iam) -> None:
    iam.user("a")
    iam.user("b")
    page = iam.call("ListUsers", MaxItems=2)
    assert page["IsTruncated"] is False and "Marker" not in page


def test_max_items_defaults_to_100(iam: Iam) -> None:
    for i in range(101):
        iam.call("CreateUser", UserName=f"u{i:03d}")
    page = iam.call("ListUsers")
    assert len(page["Users"]) == 100 and page["IsTruncated"] is True


def test_a_marker_we_did_not_issue_is_rejected(iam: Iam) -> None:
    error = iam.error("ListRoles", Marker="%%%not-base64")
    assert (error.code, error.status) == ("ValidationError", 400)
