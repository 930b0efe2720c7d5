"""Managed policies attached to roles and users: Attach/Detach/ListAttached Role and User policies,
and ListEntitiesForPolicy.

An identity holds at most 10 attached managed policies (UG/reference_iam-quotas.html); the 11th is
LimitExceeded "Cannot exceed quota for PoliciesPerRole: 10" (PoliciesPerUser for users). Attaching
an ARN that is not the account's own or AWS's is NoSuchEntity "... does not exist or is not
attachable."; detaching one that is not attached is NoSuchEntity "Policy ARN was not found.".
"""

from __future__ import annotations

from collections.abc import Mapping

from rolegate.model import PolicyAttachment, PolicyOwner, PolicyOwnerKind, Role
from rolegate.services.call import Call
from rolegate.services.iam import params
from rolegate.services.iam.aws_managed import AwsManagedPolicy
from rolegate.services.iam.errors import limit_exceeded, no_such_policy, not_attachable
from rolegate.services.iam.names import parse_policy_arn, under_path
from rolegate.services.iam.owners import (
    Identity,
    authorized_owner,
    current_identity,
    get_identity,
    owner_of,
)
from rolegate.services.iam.paging import paginate
from rolegate.services.iam.policy_access import authorized_policy, visible_policy
from rolegate.services.iam.request_keys import policy_arn_key
from rolegate.services.iam.shapes import attached_policy_shape
from rolegate.services.iam.usage import attachments_of, boundary_users_of
from rolegate.store import MetadataStore

MAX_ATTACHED = 10
QUOTA_NAMES = {PolicyOwnerKind.ROLE: "PoliciesPerRole", PolicyOwnerKind.USER: "PoliciesPerUser"}


def _attached(store: MetadataStore, owner: Identity) -> list[PolicyAttachment]:
    return store.list(PolicyAttachment, owner.account_id, prefix=owner_of(owner).key_prefix)


def _attach(
    store: MetadataStore, call: Call, kind: PolicyOwnerKind, action: str
) -> Mapping[str, object]:
    arn = params.required_str(call.params, "PolicyArn")
    owner = authorized_owner(store, call, kind, action, policy_arn_key(arn))
    with store.transaction():
        current_identity(store, owner)  # still the identity authorized (see inline policies)
        # Looked up in the write's transaction: a policy deleted between a lookup before it and
        # the insert would leave an attachment behind (DeletePolicy refuses only attachments it
        # sees), which a policy created later under the same name would silently fill.
        if visible_policy(store, owner.account_id, arn) is None:
            raise not_attachable(arn)
        attached = _attached(store, owner)
        if any(a.policy_arn == arn for a in attached):
            return {}  # attaching again changes nothing
        if len(attached) >= MAX_ATTACHED:
            raise limit_exceeded(f"Cannot exceed quota for {QUOTA_NAMES[kind]}: {MAX_ATTACHED}")
        store.insert(PolicyAttachment(owner.account_id, owner_of(owner), arn))
    return {}


def _detach(
    store: MetadataStore, call: Call, kind: PolicyOwnerKind, action: str
) -> Mapping[str, object]:
    arn = params.required_str(call.params, "PolicyArn")
    owner = authorized_owner(store, call, kind, action, policy_arn_key(arn))
    with store.transaction():
        if not store.delete(PolicyAttachment, owner.account_id, owner_of(owner).key_prefix + arn):
            raise no_such_policy(arn)
    return {}


def _list(
    store: MetadataStore, call: Call, kind: PolicyOwnerKind, action: str
) -> Mapping[str, object]:
    owner = authorized_owner(store, call, kind, action)
    prefix = params.optional_str(call.params, "PathPrefix")
    arns = [a.policy_arn for a in _attached(store, owner)]
    arns = [arn for arn in arns if under_path(_policy_path(arn), prefix)]
    page = paginate(sorted(arns), lambda arn: arn, call.params)
    return page.fields("AttachedPolicies", [attached_policy_shape(arn) for arn in page.items])


def _policy_path(arn: str) -> str:
    parsed = parse_policy_arn(arn)
    return parsed.path if parsed is not None else "/"


def attach_role_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _attach(store, call, PolicyOwnerKind.ROLE, "iam:AttachRolePolicy")


def detach_role_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _detach(store, call, PolicyOwnerKind.ROLE, "iam:DetachRolePolicy")


def list_attached_role_policies(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _list(store, call, PolicyOwnerKind.ROLE, "iam:ListAttachedRolePolicies")


def attach_user_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _attach(store, call, PolicyOwnerKind.USER, "iam:AttachUserPolicy")


def detach_user_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _detach(store, call, PolicyOwnerKind.USER, "iam:DetachUserPolicy")


def list_attached_user_policies(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _list(store, call, PolicyOwnerKind.USER, "iam:ListAttachedUserPolicies")


_FILTER_KINDS = {"User": {PolicyOwnerKind.USER}, "Role": {PolicyOwnerKind.ROLE}, "Group": set()}


def list_entities_for_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    """Who uses a policy; PolicyUsageFilter picks attachments or boundaries (default: both)."""
    policy = authorized_policy(store, call, "iam:ListEntitiesForPolicy")
    account_id = call.caller.account_id
    usage = params.optional_str(call.params, "PolicyUsageFilter")
    owners: list[PolicyOwner] = []
    if usage in (None, "PermissionsPolicy"):
        owners += attachments_of(store, account_id, policy.arn)
    if usage in (None, "PermissionsBoundary"):
        owners += boundary_users_of(store, account_id, policy.arn)
    kinds = _entity_kinds(params.optional_str(call.params, "EntityFilter"), policy)
    prefix = params.optional_str(call.params, "PathPrefix")
    identities: dict[str, Identity] = {}
    for owner in owners:
        identity = get_identity(store, account_id, owner.kind, owner.name)
        if identity is not None and owner.kind in kinds and under_path(identity.path, prefix):
            identities[owner.key_prefix] = identity
    page = paginate(sorted(identities.items()), lambda item: item[0], call.params)
    users = [i for _, i in page.items if owner_of(i).kind is PolicyOwnerKind.USER]
    roles = [i for _, i in page.items if owner_of(i).kind is PolicyOwnerKind.ROLE]
    out = dict(page.fields("PolicyRoles", [{"RoleName": r.name, "RoleId": _id(r)} for r in roles]))
    out["PolicyGroups"] = []  # rolegate has no groups
    out["PolicyUsers"] = [{"UserName": u.name, "UserId": _id(u)} for u in users]
    return out


def _id(identity: Identity) -> str:
    return identity.role_id if isinstance(identity, Role) else identity.user_id


def _entity_kinds(entity_filter: str | None, policy: object) -> set[PolicyOwnerKind]:
    everyone = {PolicyOwnerKind.USER, PolicyOwnerKind.ROLE}
    if entity_filter is None:
        return everyone
    if entity_filter in _FILTER_KINDS:
        return _FILTER_KINDS[entity_filter]
    # LocalManagedPolicy / AWSManagedPolicy filter by the kind of policy asked about.
    is_aws = isinstance(policy, AwsManagedPolicy)
    return everyone if (entity_filter == "AWSManagedPolicy") == is_aws else set()
