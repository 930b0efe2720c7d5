"""The IAM operation table: AWS operation name -> handler, and `operations(store)` binding it.

Every handler is `handler(store, call) -> output`, written against `MetadataStore`; the table is
explicit so that grepping an operation's name finds its handler.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from rolegate.services.call import Call, Operation
from rolegate.services.iam import (
    access_keys,
    attachments,
    boundaries,
    inline_policies,
    managed_policies,
    policy_versions,
    roles,
    simulation,
    tags,
    users,
)
from rolegate.store import MetadataStore

Handler = Callable[[MetadataStore, Call], Mapping[str, object]]

HANDLERS: dict[str, Handler] = {
    # roles
    "CreateRole": roles.create_role,
    "GetRole": roles.get_role,
    "ListRoles": roles.list_roles,
    "UpdateRole": roles.update_role,
    "UpdateRoleDescription": roles.update_role_description,
    "UpdateAssumeRolePolicy": roles.update_assume_role_policy,
    "DeleteRole": roles.delete_role,
    "TagRole": tags.tag_role,
    "UntagRole": tags.untag_role,
    "ListRoleTags": tags.list_role_tags,
    "PutRolePermissionsBoundary": boundaries.put_role_permissions_boundary,
    "DeleteRolePermissionsBoundary": boundaries.delete_role_permissions_boundary,
    "PutRolePolicy": inline_policies.put_role_policy,
    "GetRolePolicy": inline_policies.get_role_policy,
    "ListRolePolicies": inline_policies.list_role_policies,
    "DeleteRolePolicy": inline_policies.delete_role_policy,
    "AttachRolePolicy": attachments.attach_role_policy,
    "DetachRolePolicy": attachments.detach_role_policy,
    "ListAttachedRolePolicies": attachments.list_attached_role_policies,
    # users
    "CreateUser": users.create_user,
    "GetUser": users.get_user,
    "ListUsers": users.list_users,
    "DeleteUser": users.delete_user,
    "TagUser": tags.tag_user,
    "UntagUser": tags.untag_user,
    "ListUserTags": tags.list_user_tags,
    "PutUserPermissionsBoundary": boundaries.put_user_permissions_boundary,
    "DeleteUserPermissionsBoundary": boundaries.delete_user_permissions_boundary,
    "PutUserPolicy": inline_policies.put_user_policy,
    "GetUserPolicy": inline_policies.get_user_policy,
    "ListUserPolicies": inline_policies.list_user_policies,
    "DeleteUserPolicy": inline_policies.delete_user_policy,
    "AttachUserPolicy": attachments.attach_user_policy,
    "DetachUserPolicy": attachments.detach_user_policy,
    "ListAttachedUserPolicies": attachments.list_attached_user_policies,
    # access keys
    "CreateAccessKey": access_keys.create_access_key,
    "ListAccessKeys": access_keys.list_access_keys,
    "UpdateAccessKey": access_keys.update_access_key,
    "DeleteAccessKey": access_keys.delete_access_key,
    # managed policies
    "CreatePolicy": managed_policies.create_policy,
    "GetPolicy": managed_policies.get_policy,
    "DeletePolicy": managed_policies.delete_policy,
    "ListPolicies": managed_policies.list_policies,
    "CreatePolicyVersion": policy_versions.create_policy_version,
    "GetPolicyVersion": policy_versions.get_policy_version,
    "ListPolicyVersions": policy_versions.list_policy_versions,
    "DeletePolicyVersion": policy_versions.delete_policy_version,
    "SetDefaultPolicyVersion": policy_versions.set_default_policy_version,
    "ListEntitiesForPolicy": attachments.list_entities_for_policy,
    # simulator
    "SimulateCustomPolicy": simulation.simulate_custom_policy,
    "SimulatePrincipalPolicy": simulation.simulate_principal_policy,
}


def operations(store: MetadataStore) -> dict[str, Operation]:
    """The IAM operations bound to `store`, keyed by AWS operation name."""
    return {name: partial(handler, store) for name, handler in HANDLERS.items()}
