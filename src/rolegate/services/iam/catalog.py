"""Finding managed policies by ARN: an account's own (stored) and AWS's (built in).

A customer managed policy is stored under its account by lowercased name (names are unique per
account regardless of path), so an ARN is looked up by name and then must match exactly, path
included.
"""

from __future__ import annotations

from rolegate.model import ManagedPolicy, ManagedPolicyVersion
from rolegate.services.iam.aws_managed import AwsManagedPolicy, aws_managed_policy
from rolegate.services.iam.names import AWS_ACCOUNT, parse_policy_arn
from rolegate.store import MetadataStore

AnyPolicy = ManagedPolicy | AwsManagedPolicy


def find_customer_policy(store: MetadataStore, arn: str) -> ManagedPolicy | None:
    parsed = parse_policy_arn(arn)
    if parsed is None or parsed.account == AWS_ACCOUNT:
        return None
    found = store.get(ManagedPolicy, parsed.account, parsed.name.lower())
    return found if found is not None and found.arn == arn else None


def find_policy(store: MetadataStore, arn: str) -> AnyPolicy | None:
    return aws_managed_policy(arn) or find_customer_policy(store, arn)


def version_number(version_id: str) -> int:
    return int(version_id.lstrip("v") or 0)


def versions_of(store: MetadataStore, policy: ManagedPolicy) -> list[ManagedPolicyVersion]:
    """Oldest first; keys sort v10 before v2, so order by number."""
    found = store.list(ManagedPolicyVersion, policy.account_id, prefix=f"{policy.record_key}/")
    return sorted(found, key=lambda v: version_number(v.version_id))


def get_version(
    store: MetadataStore, policy: ManagedPolicy, version_id: str
) -> ManagedPolicyVersion | None:
    return store.get(ManagedPolicyVersion, policy.account_id, f"{policy.record_key}/{version_id}")


def default_document(store: MetadataStore, policy: AnyPolicy) -> str | None:
    if isinstance(policy, AwsManagedPolicy):
        return policy.document
    version = get_version(store, policy, policy.default_version_id)
    return None if version is None else version.document
