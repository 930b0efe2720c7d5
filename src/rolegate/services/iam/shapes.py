"""Stored records as the structures of botocore's IAM output shapes.

What each operation includes follows the API reference: list operations leave out what they say
they do not return (API_ListRoles.html: "does not return ... PermissionsBoundary, RoleLastUsed,
Tags"; API_ListUsers.html likewise; API_Policy.html: Description "is not included in the response
to the ListPolicies operation"), and optional members are omitted when unset, as IAM omits them.
Policy documents stay the raw text as stored; the wire layer URL-encodes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from rolegate.model import AccessKey, Account, ManagedPolicy, Role, Tag, User
from rolegate.services.iam.aws_managed import AwsManagedPolicy
from rolegate.services.iam.catalog import AnyPolicy

Shape = dict[str, object]


@dataclass(frozen=True, slots=True)
class PolicyUsage:
    attachment_count: int = 0
    boundary_count: int = 0


def tags_shape(tags: Iterable[Tag]) -> list[Shape]:
    return [{"Key": tag.key, "Value": tag.value} for tag in tags]


def boundary_shape(arn: str) -> Shape:
    # API_AttachedPermissionsBoundary.html: the type "can only have a value of Policy".
    return {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}


def role_shape(role: Role, *, listing: bool = False) -> Shape:
    out: Shape = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.role_id,
        "Arn": role.arn,
        "CreateDate": role.created,
        "AssumeRolePolicyDocument": role.assume_role_policy,
    }
    if role.description is not None:
        out["Description"] = role.description
    out["MaxSessionDuration"] = role.max_session_duration
    if listing:
        return out
    if role.permissions_boundary is not None:
        out["PermissionsBoundary"] = boundary_shape(role.permissions_boundary)
    if role.tags:
        out["Tags"] = tags_shape(role.tags)
    # Roles are never used here through the console or a service, so the last-use record is empty.
    out["RoleLastUsed"] = {}
    return out


def user_shape(user: User, *, listing: bool = False) -> Shape:
    out: Shape = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.user_id,
        "Arn": user.arn,
        "CreateDate": user.created,
    }
    if listing:
        return out
    if user.permissions_boundary is not None:
        out["PermissionsBoundary"] = boundary_shape(user.permissions_boundary)
    if user.tags:
        out["Tags"] = tags_shape(user.tags)
    return out


def root_user_shape(account: Account) -> Shape:
    """GetUser called with root credentials: the account is the user (no name, no path)."""
    return {"UserId": account.account_id, "Arn": account.root_arn, "CreateDate": account.created}


def policy_shape(
    policy: AnyPolicy,
    usage: PolicyUsage,
    *,
    with_description: bool = False,
    with_tags: bool = False,
) -> Shape:
    out: Shape = {
        "PolicyName": policy.name,
        "PolicyId": policy.policy_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version_id,
        "AttachmentCount": usage.attachment_count,
        "PermissionsBoundaryUsageCount": usage.boundary_count,
        "IsAttachable": True,
    }
    if with_description and policy.description is not None:
        out["Description"] = policy.description
    out["CreateDate"] = policy.created
    out["UpdateDate"] = policy.updated
    if with_tags and isinstance(policy, ManagedPolicy) and policy.tags:
        out["Tags"] = tags_shape(policy.tags)
    return out


def version_shape(
    version_id: str, created: datetime, *, is_default: bool, document: str | None = None
) -> Shape:
    """GetPolicyVersion carries the document; CreatePolicyVersion and ListPolicyVersions do not."""
    out: Shape = {}
    if document is not None:
        out["Document"] = document
    out.update({"VersionId": version_id, "IsDefaultVersion": is_default, "CreateDate": created})
    return out


def aws_version_shape(policy: AwsManagedPolicy, *, with_document: bool) -> Shape:
    return version_shape(
        policy.default_version_id,
        policy.updated,
        is_default=True,
        document=policy.document if with_document else None,
    )


def access_key_shape(key: AccessKey, *, with_secret: bool = False) -> Shape:
    out: Shape = {}
    if key.user_name is not None:
        out["UserName"] = key.user_name
    out["AccessKeyId"] = key.access_key_id
    out["Status"] = key.status.value
    if with_secret:
        out["SecretAccessKey"] = key.secret_access_key
    out["CreateDate"] = key.created
    return out


def attached_policy_shape(arn: str) -> Shape:
    return {"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn}
