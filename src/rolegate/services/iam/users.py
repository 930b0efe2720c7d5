"""Users: CreateUser, GetUser, ListUsers, DeleteUser (https://docs.aws.amazon.com/IAM/latest/APIReference/).

GetUser without a UserName answers for the caller: its own user, or for root credentials the
account itself (user id = account id, ARN = the root ARN, no name or path).
"""

from __future__ import annotations

from collections.abc import Mapping

from rolegate.aws.errors import internal_error
from rolegate.model import AccessKey, Account, InlinePolicy, PolicyAttachment, PolicyOwnerKind, User
from rolegate.services.call import Call
from rolegate.services.iam import params
from rolegate.services.iam.boundaries import require_boundary
from rolegate.services.iam.errors import (
    MUST_DELETE_ACCESS_KEYS,
    MUST_DELETE_POLICIES,
    MUST_DETACH_POLICIES,
    delete_conflict,
    owner_exists,
)
from rolegate.services.iam.names import DEFAULT_PATH, entity_arn, under_path
from rolegate.services.iam.owners import (
    authorize_identity,
    authorized_user,
    calling_user_name,
    owner_of,
)
from rolegate.services.iam.paging import paginate
from rolegate.services.iam.request_keys import boundary_key, request_tag_keys
from rolegate.services.iam.shapes import root_user_shape, user_shape
from rolegate.services.iam.tags import QUOTA_NAMES, merge_tags
from rolegate.services.ids import IdPrefix, unique_id
from rolegate.store import AlreadyExists, MetadataStore


def create_user(store: MetadataStore, call: Call) -> Mapping[str, object]:
    account_id = call.caller.account_id
    name = params.required_str(call.params, "UserName")
    path = params.optional_str(call.params, "Path") or DEFAULT_PATH
    given = params.tags(call.params)
    boundary = params.optional_str(call.params, "PermissionsBoundary")
    call.authorize(
        "iam:CreateUser",
        entity_arn(account_id, PolicyOwnerKind.USER, path, name),
        {**request_tag_keys(given), **boundary_key(boundary)},
    )
    tags = merge_tags((), given, QUOTA_NAMES[PolicyOwnerKind.USER])
    user = User(
        account_id=account_id,
        name=name,
        path=path,
        user_id=unique_id(IdPrefix.USER),
        created=call.now,
        permissions_boundary=boundary,
        tags=tags,
    )
    try:
        with store.transaction():
            if boundary is not None:  # in the transaction: see boundaries._put
                require_boundary(store, account_id, boundary)
            store.insert(user)
    except AlreadyExists:
        raise owner_exists(PolicyOwnerKind.USER, name) from None
    return {"User": user_shape(user)}


def get_user(store: MetadataStore, call: Call) -> Mapping[str, object]:
    name = params.optional_str(call.params, "UserName")
    if name is None:
        name = calling_user_name(call)
        if name is None:
            return _root_user(store, call)
    found = authorize_identity(store, call, PolicyOwnerKind.USER, name, "iam:GetUser")
    assert isinstance(found, User)
    return {"User": user_shape(found)}


def _root_user(store: MetadataStore, call: Call) -> Mapping[str, object]:
    account_id = call.caller.account_id
    call.authorize("iam:GetUser", f"arn:aws:iam::{account_id}:root")
    account = store.get(Account, "", account_id)
    if account is None:  # pragma: no cover - an authenticated root always has its account
        raise internal_error()
    return {"User": root_user_shape(account)}


def list_users(store: MetadataStore, call: Call) -> Mapping[str, object]:
    account_id = call.caller.account_id
    prefix = params.optional_str(call.params, "PathPrefix") or DEFAULT_PATH
    # As for ListRoles: "... iam:ListUsers on resource: arn:aws:iam::ACCOUNT:user/".
    call.authorize("iam:ListUsers", f"arn:aws:iam::{account_id}:user{prefix}")
    users = [user for user in store.list(User, account_id) if under_path(user.path, prefix)]
    page = paginate(users, lambda user: user.record_key, call.params)
    return page.fields("Users", [user_shape(user, listing=True) for user in page.items])


def delete_user(store: MetadataStore, call: Call) -> Mapping[str, object]:
    user = authorized_user(store, call, "iam:DeleteUser")
    prefix = owner_of(user).key_prefix
    with store.transaction():
        if store.list(AccessKey, user.account_id, prefix=f"{user.record_key}/"):
            raise delete_conflict(MUST_DELETE_ACCESS_KEYS)
        if store.list(InlinePolicy, user.account_id, prefix=prefix):
            raise delete_conflict(MUST_DELETE_POLICIES)
        if store.list(PolicyAttachment, user.account_id, prefix=prefix):
            raise delete_conflict(MUST_DETACH_POLICIES)
        store.delete(User, user.account_id, user.record_key)
    return {}
