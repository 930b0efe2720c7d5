"""Roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
UpdateAssumeRolePolicy, DeleteRole (https://docs.aws.amazon.com/IAM/latest/APIReference/).

The trust policy is validated as a trust policy (Principal required, STS actions only, no Resource)
and is limited to 2,048 characters; MaxSessionDuration's 3600..43200 range is the model's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from rolegate.model import InlinePolicy, PolicyAttachment, PolicyOwnerKind, Role
from rolegate.policy.dialects import IAM
from rolegate.services.call import Call
from rolegate.services.iam import params
from rolegate.services.iam.boundaries import require_boundary
from rolegate.services.iam.errors import (
    MUST_DELETE_POLICIES,
    MUST_DETACH_POLICIES,
    delete_conflict,
    owner_exists,
)
from rolegate.services.iam.names import DEFAULT_PATH, entity_arn, under_path
from rolegate.services.iam.owners import authorized_role, current_identity, owner_of
from rolegate.services.iam.paging import paginate
from rolegate.services.iam.request_keys import boundary_key, request_tag_keys
from rolegate.services.iam.shapes import role_shape
from rolegate.services.iam.tags import QUOTA_NAMES, merge_tags
from rolegate.services.iam.validation import check_trust_policy
from rolegate.services.ids import IdPrefix, unique_id
from rolegate.services.principal_bindings import bind_principals, resolve_principals
from rolegate.store import AlreadyExists, MetadataStore

DEFAULT_MAX_SESSION_DURATION = 3600


def create_role(store: MetadataStore, call: Call) -> Mapping[str, object]:
    account_id = call.caller.account_id
    name = params.required_str(call.params, "RoleName")
    path = params.optional_str(call.params, "Path") or DEFAULT_PATH
    given = params.tags(call.params)
    boundary = params.optional_str(call.params, "PermissionsBoundary")
    call.authorize(
        "iam:CreateRole",
        entity_arn(account_id, PolicyOwnerKind.ROLE, path, name),
        {**request_tag_keys(given), **boundary_key(boundary)},
    )
    document = params.required_str(call.params, "AssumeRolePolicyDocument")
    check_trust_policy(document)
    tags = merge_tags((), given, QUOTA_NAMES[PolicyOwnerKind.ROLE])
    role = Role(
        account_id=account_id,
        name=name,
        path=path,
        role_id=unique_id(IdPrefix.ROLE),
        assume_role_policy=document,
        created=call.now,
        description=params.optional_str(call.params, "Description"),
        max_session_duration=params.optional_int(call.params, "MaxSessionDuration")
        or DEFAULT_MAX_SESSION_DURATION,
        permissions_boundary=boundary,
        tags=tags,
    )
    try:
        with store.transaction():
            if boundary is not None:  # in the transaction: see boundaries._put
                require_boundary(store, account_id, boundary)
            # Bound in the write's transaction: a principal deleted meanwhile is not bound.
            role = replace(role, trust_principals=bind_principals(store, document, IAM))
            store.insert(role)
    except AlreadyExists:
        raise owner_exists(PolicyOwnerKind.ROLE, name) from None
    return {"Role": _shown(store, role)}


def _shown(store: MetadataStore, role: Role, *, listing: bool = False) -> dict[str, object]:
    """The role as IAM shows it: a trust principal deleted since shows as its unique id."""
    trust = resolve_principals(store, role.assume_role_policy, role.trust_principals)
    return role_shape(replace(role, assume_role_policy=trust), listing=listing)


def get_role(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return {"Role": _shown(store, authorized_role(store, call, "iam:GetRole"))}


def list_roles(store: MetadataStore, call: Call) -> Mapping[str, object]:
    account_id = call.caller.account_id
    prefix = params.optional_str(call.params, "PathPrefix") or DEFAULT_PATH
    # IAM authorizes ListRoles on the role ARN of the path prefix ("... iam:ListRoles on resource:
    # arn:aws:iam::ACCOUNT:role/" in its AccessDenied messages).
    call.authorize("iam:ListRoles", f"arn:aws:iam::{account_id}:role{prefix}")
    roles = [role for role in store.list(Role, account_id) if under_path(role.path, prefix)]
    page = paginate(roles, lambda role: role.record_key, call.params)
    return page.fields("Roles", [_shown(store, role, listing=True) for role in page.items])


def _current(store: MetadataStore, role: Role) -> Role:
    found = current_identity(store, role)
    assert isinstance(found, Role)
    return found


def update_role(store: MetadataStore, call: Call) -> Mapping[str, object]:
    role = authorized_role(store, call, "iam:UpdateRole")
    description = params.optional_str(call.params, "Description")
    duration = params.optional_int(call.params, "MaxSessionDuration")
    with store.transaction():
        role = _current(store, role)
        store.put(
            replace(
                role,
                description=role.description if description is None else description,
                max_session_duration=role.max_session_duration if duration is None else duration,
            )
        )
    return {}


def update_role_description(store: MetadataStore, call: Call) -> Mapping[str, object]:
    role = authorized_role(store, call, "iam:UpdateRoleDescription")
    description = params.required_str(call.params, "Description")
    with store.transaction():
        updated = replace(_current(store, role), description=description)
        store.put(updated)
    return {"Role": _shown(store, updated)}


def update_assume_role_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    role = authorized_role(store, call, "iam:UpdateAssumeRolePolicy")
    document = params.required_str(call.params, "PolicyDocument")
    check_trust_policy(document)
    with store.transaction():
        bindings = bind_principals(store, document, IAM)
        store.put(
            replace(_current(store, role), assume_role_policy=document, trust_principals=bindings)
        )
    return {}


def delete_role(store: MetadataStore, call: Call) -> Mapping[str, object]:
    role = authorized_role(store, call, "iam:DeleteRole")
    prefix = owner_of(role).key_prefix
    # Checked and deleted in one transaction: a policy put between the check and the delete
    # would otherwise be left behind without its role.
    with store.transaction():
        if store.list(InlinePolicy, role.account_id, prefix=prefix):
            raise delete_conflict(MUST_DELETE_POLICIES)
        if store.list(PolicyAttachment, role.account_id, prefix=prefix):
            raise delete_conflict(MUST_DETACH_POLICIES)
        store.delete(Role, role.account_id, role.record_key)
    return {}
