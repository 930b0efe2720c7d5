"""Access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey.

Without a UserName each acts on the caller's own keys: a user's, or the account root's. A user or
the root holds at most two keys, active or not (UG/id_credentials_access-keys.html); a third is
LimitExceeded "Cannot exceed quota for AccessKeysPerUser: 2" (simonw/s3-credentials#64 quotes it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from rolegate.model import AccessKey, AccessKeyStatus, PolicyOwnerKind, User
from rolegate.model.identity import ROOT_KEY_OWNER
from rolegate.services.call import Call
from rolegate.services.iam import params
from rolegate.services.iam.errors import limit_exceeded, no_such_access_key
from rolegate.services.iam.owners import authorize_identity, calling_user_name, current_identity
from rolegate.services.iam.paging import paginate
from rolegate.services.iam.shapes import access_key_shape
from rolegate.services.ids import access_key_id, secret_access_key
from rolegate.store import MetadataStore

MAX_KEYS = 2


@dataclass(frozen=True, slots=True)
class KeyOwner:
    """Whose keys: a user's by name, or the root's (user_name None)."""

    account_id: str
    user_name: str | None
    user: User | None = None

    @property
    def key_prefix(self) -> str:
        owner = self.user_name.lower() if self.user_name is not None else ROOT_KEY_OWNER
        return f"{owner}/"


def _authorized_owner(store: MetadataStore, call: Call, action: str) -> KeyOwner:
    account_id = call.caller.account_id
    name = params.optional_str(call.params, "UserName")
    if name is None:
        name = calling_user_name(call)
    if name is None:
        call.authorize(action, f"arn:aws:iam::{account_id}:root")
        return KeyOwner(account_id, None)
    user = authorize_identity(store, call, PolicyOwnerKind.USER, name, action)
    assert isinstance(user, User)
    return KeyOwner(account_id, user.name, user)


def _find_key(store: MetadataStore, owner: KeyOwner, key_id: str) -> AccessKey:
    found = store.get(AccessKey, owner.account_id, owner.key_prefix + key_id)
    if found is None:
        raise no_such_access_key(key_id)
    return found


def create_access_key(store: MetadataStore, call: Call) -> Mapping[str, object]:
    owner = _authorized_owner(store, call, "iam:CreateAccessKey")
    key = AccessKey(
        access_key_id(),
        secret_access_key(),
        owner.account_id,
        owner.user_name,
        AccessKeyStatus.ACTIVE,
        call.now,
        user_id=owner.user.user_id if owner.user is not None else "",
    )
    # Counted and inserted together, so two concurrent calls cannot both make a third key.
    with store.transaction():
        if owner.user is not None:
            # A key for a user deleted meanwhile would otherwise outlive it (DeleteUser refuses
            # only keys it can see); the key's user_id keeps it from signing for a namesake.
            current_identity(store, owner.user)
        if len(store.list(AccessKey, owner.account_id, prefix=owner.key_prefix)) >= MAX_KEYS:
            raise limit_exceeded(f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}")
        store.insert(key)
    return {"AccessKey": access_key_shape(key, with_secret=True)}


def list_access_keys(store: MetadataStore, call: Call) -> Mapping[str, object]:
    owner = _authorized_owner(store, call, "iam:ListAccessKeys")
    keys = store.list(AccessKey, owner.account_id, prefix=owner.key_prefix)
    page = paginate(keys, lambda key: key.record_key, call.params)
    return page.fields("AccessKeyMetadata", [access_key_shape(key) for key in page.items])


def update_access_key(store: MetadataStore, call: Call) -> Mapping[str, object]:
    owner = _authorized_owner(store, call, "iam:UpdateAccessKey")
    status = AccessKeyStatus(params.required_str(call.params, "Status"))
    with store.transaction():
        key = _find_key(store, owner, params.required_str(call.params, "AccessKeyId"))
        store.put(replace(key, status=status))
    return {}


def delete_access_key(store: MetadataStore, call: Call) -> Mapping[str, object]:
    owner = _authorized_owner(store, call, "iam:DeleteAccessKey")
    with store.transaction():
        key = _find_key(store, owner, params.required_str(call.params, "AccessKeyId"))
        store.delete(AccessKey, key.account_id, key.record_key)
    return {}
