"""Who uses a managed policy in an account: attachments and permissions boundaries.

Counted from the records each time (AttachmentCount, PermissionsBoundaryUsageCount,
ListEntitiesForPolicy): an account holds hundreds of identities, not millions, and a stored counter
would be one more thing a crash could leave wrong.
"""

from __future__ import annotations

from collections import Counter

from rolegate.model import PolicyAttachment, PolicyOwner, PolicyOwnerKind, Role, User
from rolegate.services.iam.shapes import PolicyUsage
from rolegate.store import MetadataStore


def attachments_of(store: MetadataStore, account_id: str, arn: str) -> list[PolicyOwner]:
    return [a.owner for a in store.list(PolicyAttachment, account_id) if a.policy_arn == arn]


def boundary_users_of(store: MetadataStore, account_id: str, arn: str) -> list[PolicyOwner]:
    users = [
        PolicyOwner(PolicyOwnerKind.USER, u.name)
        for u in store.list(User, account_id)
        if u.permissions_boundary == arn
    ]
    roles = [
        PolicyOwner(PolicyOwnerKind.ROLE, r.name)
        for r in store.list(Role, account_id)
        if r.permissions_boundary == arn
    ]
    return users + roles


def usage_by_arn(store: MetadataStore, account_id: str) -> dict[str, PolicyUsage]:
    attached = Counter(a.policy_arn for a in store.list(PolicyAttachment, account_id))
    identities: list[User | Role] = [*store.list(User, account_id), *store.list(Role, account_id)]
    bounded = Counter(
        identity.permissions_boundary
        for identity in identities
        if identity.permissions_boundary is not None
    )
    return {
        arn: PolicyUsage(attached.get(arn, 0), bounded.get(arn, 0))
        for arn in set(attached) | set(bounded)
    }


def usage_of(store: MetadataStore, account_id: str, arn: str) -> PolicyUsage:
    return usage_by_arn(store, account_id).get(arn, PolicyUsage())
