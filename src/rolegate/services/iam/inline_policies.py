"""Inline policies of roles and users: Put/Get/List/Delete RolePolicy and UserPolicy.

A put replaces the policy of the same name. Documents are identity policies; their aggregate size
per identity is the quota (role 10,240, user 2,048 characters without whitespace).
"""

from __future__ import annotations

from collections.abc import Mapping

from rolegate.model import InlinePolicy, PolicyOwnerKind
from rolegate.services.call import Call
from rolegate.services.iam import params
from rolegate.services.iam.errors import no_such_inline_policy
from rolegate.services.iam.owners import (
    NAME_PARAMS,
    Identity,
    authorized_owner,
    current_identity,
    owner_of,
)
from rolegate.services.iam.paging import paginate
from rolegate.services.iam.validation import check_inline_policy
from rolegate.store import MetadataStore


def _policies(store: MetadataStore, owner: Identity) -> list[InlinePolicy]:
    return store.list(InlinePolicy, owner.account_id, prefix=owner_of(owner).key_prefix)


def _find(store: MetadataStore, owner: Identity, policy_name: str) -> InlinePolicy:
    key = owner_of(owner).key_prefix + policy_name
    found = store.get(InlinePolicy, owner.account_id, key)
    if found is None:
        raise no_such_inline_policy(owner_of(owner).kind, policy_name)
    return found


def _put(
    store: MetadataStore, call: Call, kind: PolicyOwnerKind, action: str
) -> Mapping[str, object]:
    owner = authorized_owner(store, call, kind, action)
    name = params.required_str(call.params, "PolicyName")
    document = params.required_str(call.params, "PolicyDocument")
    # The size check reads the other policies, so it runs in the write's transaction.
    with store.transaction():
        # The owner must still be the one authorized: a policy put for a user deleted meanwhile
        # would otherwise be left under its name and apply to whoever is created with it next.
        current_identity(store, owner)
        others = [p.document for p in _policies(store, owner) if p.name != name]
        check_inline_policy(document, others, kind, owner.name)
        store.put(InlinePolicy(owner.account_id, owner_of(owner), name, document))
    return {}


def _get(
    store: MetadataStore, call: Call, kind: PolicyOwnerKind, action: str
) -> Mapping[str, object]:
    owner = authorized_owner(store, call, kind, action)
    policy = _find(store, owner, params.required_str(call.params, "PolicyName"))
    return {
        NAME_PARAMS[kind]: owner.name,
        "PolicyName": policy.name,
        "PolicyDocument": policy.document,
    }


def _list(
    store: MetadataStore, call: Call, kind: PolicyOwnerKind, action: str
) -> Mapping[str, object]:
    owner = authorized_owner(store, call, kind, action)
    page = paginate(_policies(store, owner), lambda p: p.name, call.params)
    return page.fields("PolicyNames", [p.name for p in page.items])


def _delete(
    store: MetadataStore, call: Call, kind: PolicyOwnerKind, action: str
) -> Mapping[str, object]:
    owner = authorized_owner(store, call, kind, action)
    with store.transaction():
        policy = _find(store, owner, params.required_str(call.params, "PolicyName"))
        store.delete(InlinePolicy, policy.account_id, policy.record_key)
    return {}


def put_role_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _put(store, call, PolicyOwnerKind.ROLE, "iam:PutRolePolicy")


def get_role_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _get(store, call, PolicyOwnerKind.ROLE, "iam:GetRolePolicy")


def list_role_policies(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _list(store, call, PolicyOwnerKind.ROLE, "iam:ListRolePolicies")


def delete_role_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _delete(store, call, PolicyOwnerKind.ROLE, "iam:DeleteRolePolicy")


def put_user_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _put(store, call, PolicyOwnerKind.USER, "iam:PutUserPolicy")


def get_user_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _get(store, call, PolicyOwnerKind.USER, "iam:GetUserPolicy")


def list_user_policies(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _list(store, call, PolicyOwnerKind.USER, "iam:ListUserPolicies")


def delete_user_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _delete(store, call, PolicyOwnerKind.USER, "iam:DeleteUserPolicy")
