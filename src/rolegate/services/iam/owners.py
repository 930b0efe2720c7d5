"""Users and roles as the owners of policies, tags and boundaries, found and authorized as IAM does.

An operation on a user or role asks for permission on the entity's ARN before it says whether the
entity exists: a caller without permission learns nothing. For a name that does not exist the ARN
has the default path, which is what IAM's AccessDenied message shows then.
"""

from __future__ import annotations

from collections.abc import Mapping

from rolegate.aws.errors import validation_error
from rolegate.model import PolicyOwner, PolicyOwnerKind, Role, SessionKind, User
from rolegate.services.call import Call
from rolegate.services.iam import params
from rolegate.services.iam.errors import no_such_owner
from rolegate.services.iam.names import DEFAULT_PATH, entity_arn
from rolegate.services.iam.request_keys import current_boundary_key, resource_tag_keys
from rolegate.store import MetadataStore

Identity = Role | User

NAME_PARAMS = {PolicyOwnerKind.ROLE: "RoleName", PolicyOwnerKind.USER: "UserName"}


def kind_of(identity: Identity) -> PolicyOwnerKind:
    return PolicyOwnerKind.ROLE if isinstance(identity, Role) else PolicyOwnerKind.USER


def owner_of(identity: Identity) -> PolicyOwner:
    return PolicyOwner(kind_of(identity), identity.name)


def get_identity(
    store: MetadataStore, account_id: str, kind: PolicyOwnerKind, name: str
) -> Identity | None:
    if kind is PolicyOwnerKind.ROLE:
        return store.get(Role, account_id, name.lower())
    return store.get(User, account_id, name.lower())


def authorize_identity(
    store: MetadataStore,
    call: Call,
    kind: PolicyOwnerKind,
    name: str,
    action: str,
    asked: Mapping[str, object] | None = None,
) -> Identity:
    """The identity, after `action` is authorized with the keys of what it is (its tags, and its
    boundary for an operation that changes its permissions) and `asked`, what the request asks
    for (which wins: Put*PermissionsBoundary's iam:PermissionsBoundary is the one it sets)."""
    account_id = call.caller.account_id
    found = get_identity(store, account_id, kind, name)
    if found is None:
        call.authorize(action, entity_arn(account_id, kind, DEFAULT_PATH, name), asked)
        raise no_such_owner(kind, name)
    keys = {
        **resource_tag_keys(found.tags),
        **current_boundary_key(action, found.permissions_boundary),
        **(asked or {}),
    }
    call.authorize(action, found.arn, keys)
    return found


def authorized_owner(
    store: MetadataStore,
    call: Call,
    kind: PolicyOwnerKind,
    action: str,
    asked: Mapping[str, object] | None = None,
) -> Identity:
    """The role or user named by the call's RoleName/UserName, after `action` is authorized."""
    name = params.required_str(call.params, NAME_PARAMS[kind])
    return authorize_identity(store, call, kind, name, action, asked)


def authorized_role(store: MetadataStore, call: Call, action: str) -> Role:
    found = authorized_owner(store, call, PolicyOwnerKind.ROLE, action)
    assert isinstance(found, Role)
    return found


def authorized_user(store: MetadataStore, call: Call, action: str) -> User:
    found = authorized_owner(store, call, PolicyOwnerKind.USER, action)
    assert isinstance(found, User)
    return found


def current_identity(store: MetadataStore, identity: Identity) -> Identity:
    """The identity as stored now: read inside a write's transaction so an update of one field
    cannot undo another request's update of another (read-modify-write), and so a write for an
    identity that is gone fails rather than lands on a namesake or is left behind as an orphan."""
    found = get_identity(store, identity.account_id, kind_of(identity), identity.name)
    # Deleted and re-created since it was read: another identity under the same name, which the
    # write (authorized, and meant, for the one read) must not reach.
    if found is None or unique_id_of(found) != unique_id_of(identity):
        raise no_such_owner(kind_of(identity), identity.name)
    return found


def unique_id_of(identity: Identity) -> str:
    return identity.role_id if isinstance(identity, Role) else identity.user_id


def calling_user_name(call: Call) -> str | None:
    """The user an operation without UserName acts on: the caller's own; None for the root.

    IAM derives it from the access key; a role session has no user, and IAM answers
    "Must specify userName when calling with non-User credentials" (ValidationError).
    """
    caller = call.caller
    if caller.user is not None:
        return caller.user.name
    session = caller.session
    if session is not None and session.kind is SessionKind.USER:
        return session.user_name
    if session is None and caller.is_root:
        return None
    raise validation_error("Must specify userName when calling with non-User credentials")
