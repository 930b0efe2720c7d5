"""Managed policy versions: CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions,
DeletePolicyVersion, SetDefaultPolicyVersion (UG/access_policies_managed-versioning.html).

A policy keeps at most five versions ("A managed policy can have up to 5 versions. Before you
create a new version, you must delete an existing version.", LimitExceeded 409, as in
99designs/iamy#21); version ids count up and are never reused; the default version cannot be
deleted ("Cannot delete the default version of a policy.", DeleteConflict 409, byu-oit/handel#140).
AWS managed policies show only their default version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from rolegate.model import ManagedPolicy, ManagedPolicyVersion
from rolegate.services.call import Call
from rolegate.services.iam import params
from rolegate.services.iam.aws_managed import AwsManagedPolicy
from rolegate.services.iam.catalog import get_version, version_number, versions_of
from rolegate.services.iam.errors import delete_conflict, limit_exceeded, no_such_policy_version
from rolegate.services.iam.paging import paginate
from rolegate.services.iam.policy_access import authorized_customer_policy, authorized_policy
from rolegate.services.iam.shapes import aws_version_shape, version_shape
from rolegate.services.iam.validation import check_managed_policy
from rolegate.store import MetadataStore

MAX_VERSIONS = 5
TOO_MANY_VERSIONS = (
    "A managed policy can have up to 5 versions. Before you create a new version, you must "
    "delete an existing version."
)
DEFAULT_VERSION_UNDELETABLE = "Cannot delete the default version of a policy."


def _existing_version(
    store: MetadataStore, policy: ManagedPolicy, version_id: str
) -> ManagedPolicyVersion:
    found = get_version(store, policy, version_id)
    if found is None:
        raise no_such_policy_version(policy.arn, version_id)
    return found


def create_policy_version(store: MetadataStore, call: Call) -> Mapping[str, object]:
    policy = authorized_customer_policy(store, call, "iam:CreatePolicyVersion")
    document = params.required_str(call.params, "PolicyDocument")
    check_managed_policy(document)
    as_default = params.flag(call.params, "SetAsDefault")
    with store.transaction():
        # Re-read inside the transaction: the version counter must not be handed out twice.
        current = store.get(ManagedPolicy, policy.account_id, policy.record_key) or policy
        if len(versions_of(store, current)) >= MAX_VERSIONS:
            raise limit_exceeded(TOO_MANY_VERSIONS)
        version = ManagedPolicyVersion(
            current.account_id, current.name, f"v{current.next_version}", document, call.now
        )
        store.insert(version)
        updated = replace(current, next_version=current.next_version + 1)
        if as_default:
            updated = replace(updated, default_version_id=version.version_id, updated=call.now)
        store.put(updated)
    return {"PolicyVersion": version_shape(version.version_id, call.now, is_default=as_default)}


def get_policy_version(store: MetadataStore, call: Call) -> Mapping[str, object]:
    policy = authorized_policy(store, call, "iam:GetPolicyVersion")
    version_id = params.required_str(call.params, "VersionId")
    if isinstance(policy, AwsManagedPolicy):
        if version_id != policy.default_version_id:
            raise no_such_policy_version(policy.arn, version_id)
        return {"PolicyVersion": aws_version_shape(policy, with_document=True)}
    version = _existing_version(store, policy, version_id)
    shaped = version_shape(
        version.version_id,
        version.created,
        is_default=version.version_id == policy.default_version_id,
        document=version.document,
    )
    return {"PolicyVersion": shaped}


def list_policy_versions(store: MetadataStore, call: Call) -> Mapping[str, object]:
    policy = authorized_policy(store, call, "iam:ListPolicyVersions")
    if isinstance(policy, AwsManagedPolicy):
        return {"Versions": [aws_version_shape(policy, with_document=False)], "IsTruncated": False}
    # Newest first, as IAM lists them; the key sorts the same way as strings.
    newest_first = list(reversed(versions_of(store, policy)))
    page = paginate(newest_first, _newest_first_key, call.params)
    shaped = [
        version_shape(v.version_id, v.created, is_default=v.version_id == policy.default_version_id)
        for v in page.items
    ]
    return page.fields("Versions", shaped)


def _newest_first_key(version: ManagedPolicyVersion) -> str:
    return f"{10**9 - version_number(version.version_id):010d}"


def delete_policy_version(store: MetadataStore, call: Call) -> Mapping[str, object]:
    policy = authorized_customer_policy(store, call, "iam:DeletePolicyVersion")
    version_id = params.required_str(call.params, "VersionId")
    with store.transaction():
        current = store.get(ManagedPolicy, policy.account_id, policy.record_key) or policy
        version = _existing_version(store, current, version_id)
        if version.version_id == current.default_version_id:
            raise delete_conflict(DEFAULT_VERSION_UNDELETABLE)
        store.delete(ManagedPolicyVersion, version.account_id, version.record_key)
    return {}


def set_default_policy_version(store: MetadataStore, call: Call) -> Mapping[str, object]:
    policy = authorized_customer_policy(store, call, "iam:SetDefaultPolicyVersion")
    version_id = params.required_str(call.params, "VersionId")
    with store.transaction():
        current = store.get(ManagedPolicy, policy.account_id, policy.record_key) or policy
        _existing_version(store, current, version_id)
        store.put(replace(current, default_version_id=version_id, updated=call.now))
    return {}
