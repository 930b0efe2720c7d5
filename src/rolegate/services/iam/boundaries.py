"""Permissions boundaries of users and roles (UG/access_policies_boundaries.html).

A boundary is a managed policy of the account or an AWS managed policy, named by ARN. Naming one
that does not exist is NoSuchEntity "Scope ARN: ARN does not exist or is not attachable.".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from rolegate.model import PolicyOwnerKind
from rolegate.services.call import Call
from rolegate.services.iam import params
from rolegate.services.iam.errors import no_such_boundary
from rolegate.services.iam.owners import authorized_owner, current_identity
from rolegate.services.iam.policy_access import visible_policy
from rolegate.services.iam.request_keys import boundary_key
from rolegate.store import MetadataStore


def require_boundary(store: MetadataStore, account_id: str, arn: str) -> str:
    if visible_policy(store, account_id, arn) is None:
        raise no_such_boundary(arn)
    return arn


def _put(
    store: MetadataStore, call: Call, kind: PolicyOwnerKind, action: str
) -> Mapping[str, object]:
    asked = params.required_str(call.params, "PermissionsBoundary")
    owner = authorized_owner(store, call, kind, action, boundary_key(asked))
    with store.transaction():
        # In the write's transaction, as for attachments: a boundary deleted meanwhile must not
        # be set (DeletePolicy refuses only boundaries it sees).
        arn = require_boundary(store, call.caller.account_id, asked)
        store.put(replace(current_identity(store, owner), permissions_boundary=arn))
    return {}


def _delete(
    store: MetadataStore, call: Call, kind: PolicyOwnerKind, action: str
) -> Mapping[str, object]:
    owner = authorized_owner(store, call, kind, action)
    with store.transaction():
        store.put(replace(current_identity(store, owner), permissions_boundary=None))
    return {}


def put_role_permissions_boundary(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _put(store, call, PolicyOwnerKind.ROLE, "iam:PutRolePermissionsBoundary")


def delete_role_permissions_boundary(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _delete(store, call, PolicyOwnerKind.ROLE, "iam:DeleteRolePermissionsBoundary")


def put_user_permissions_boundary(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _put(store, call, PolicyOwnerKind.USER, "iam:PutUserPermissionsBoundary")


def delete_user_permissions_boundary(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _delete(store, call, PolicyOwnerKind.USER, "iam:DeleteUserPermissionsBoundary")
