"""Managed policies: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies.

A policy is created with its version v1 as the default. It can be deleted only when nothing uses it
(attachments or boundaries: "Cannot delete a policy attached to entities.") and only its default
version is left ("This policy has more than one version. Before you delete a policy, you must
delete the policy's versions. The default version is deleted with the policy."); both 409
DeleteConflict, texts as the live service sends them (aws-nuke issues #294 and #1).
"""

from __future__ import annotations

from collections.abc import Mapping

from rolegate.model import ManagedPolicy, ManagedPolicyVersion
from rolegate.services.call import Call
from rolegate.services.iam import params
from rolegate.services.iam.aws_managed import AWS_MANAGED_POLICIES
from rolegate.services.iam.catalog import AnyPolicy, versions_of
from rolegate.services.iam.errors import delete_conflict, policy_exists
from rolegate.services.iam.names import DEFAULT_PATH, policy_arn, under_path
from rolegate.services.iam.paging import paginate
from rolegate.services.iam.policy_access import authorized_customer_policy, authorized_policy
from rolegate.services.iam.request_keys import request_tag_keys
from rolegate.services.iam.shapes import PolicyUsage, policy_shape
from rolegate.services.iam.tags import merge_tags
from rolegate.services.iam.usage import usage_by_arn, usage_of
from rolegate.services.iam.validation import check_managed_policy
from rolegate.services.ids import IdPrefix, unique_id
from rolegate.store import AlreadyExists, MetadataStore

POLICY_IN_USE = "Cannot delete a policy attached to entities."
POLICY_HAS_VERSIONS = (
    "This policy has more than one version. Before you delete a policy, you must delete the "
    "policy's versions. The default version is deleted with the policy."
)


def create_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    account_id = call.caller.account_id
    name = params.required_str(call.params, "PolicyName")
    path = params.optional_str(call.params, "Path") or DEFAULT_PATH
    given = params.tags(call.params)
    call.authorize("iam:CreatePolicy", policy_arn(account_id, path, name), request_tag_keys(given))
    document = params.required_str(call.params, "PolicyDocument")
    check_managed_policy(document)
    policy = ManagedPolicy(
        account_id=account_id,
        name=name,
        path=path,
        policy_id=unique_id(IdPrefix.MANAGED_POLICY),
        default_version_id="v1",
        created=call.now,
        updated=call.now,
        description=params.optional_str(call.params, "Description"),
        next_version=2,
        tags=merge_tags((), given, "TagsPerPolicy"),
    )
    try:
        with store.transaction():
            store.insert(policy)
            store.insert(ManagedPolicyVersion(account_id, name, "v1", document, call.now))
    except AlreadyExists:
        raise policy_exists(name) from None
    return {"Policy": policy_shape(policy, PolicyUsage(), with_tags=True)}


def get_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    policy = authorized_policy(store, call, "iam:GetPolicy")
    usage = usage_of(store, call.caller.account_id, policy.arn)
    return {"Policy": policy_shape(policy, usage, with_description=True, with_tags=True)}


def delete_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    policy = authorized_customer_policy(store, call, "iam:DeletePolicy")
    with store.transaction():
        usage = usage_of(store, policy.account_id, policy.arn)
        if usage.attachment_count or usage.boundary_count:
            raise delete_conflict(POLICY_IN_USE)
        versions = versions_of(store, policy)
        if len(versions) > 1:
            raise delete_conflict(POLICY_HAS_VERSIONS)
        for version in versions:
            store.delete(ManagedPolicyVersion, version.account_id, version.record_key)
        store.delete(ManagedPolicy, policy.account_id, policy.record_key)
    return {}


def list_policies(store: MetadataStore, call: Call) -> Mapping[str, object]:
    account_id = call.caller.account_id
    prefix = params.optional_str(call.params, "PathPrefix") or DEFAULT_PATH
    # IAM's AccessDenied for ListPolicies names "resource: policy path /", not an ARN.
    call.authorize("iam:ListPolicies", f"policy path {prefix}")
    scope = params.optional_str(call.params, "Scope") or "All"
    candidates: list[AnyPolicy] = []
    if scope in ("All", "AWS"):
        candidates += AWS_MANAGED_POLICIES
    if scope in ("All", "Local"):
        candidates += store.list(ManagedPolicy, account_id)
    usages = usage_by_arn(store, account_id)
    usage_filter = params.optional_str(call.params, "PolicyUsageFilter")
    only_attached = params.flag(call.params, "OnlyAttached")
    chosen = [
        policy
        for policy in candidates
        if under_path(policy.path, prefix)
        and _in_use(usages.get(policy.arn, PolicyUsage()), usage_filter, only_attached)
    ]
    chosen.sort(key=_sort_key)
    page = paginate(chosen, _sort_key, call.params)
    shaped = [policy_shape(p, usages.get(p.arn, PolicyUsage())) for p in page.items]
    return page.fields("Policies", shaped)


def _sort_key(policy: AnyPolicy) -> str:
    return f"{policy.name.lower()} {policy.arn}"


def _in_use(usage: PolicyUsage, usage_filter: str | None, only_attached: bool) -> bool:
    """OnlyAttached keeps policies in use, as permissions policy or boundary per the filter."""
    if not only_attached and usage_filter is None:
        return True
    attached = usage.attachment_count > 0
    bounding = usage.boundary_count > 0
    if usage_filter == "PermissionsPolicy":
        return attached or not only_attached
    if usage_filter == "PermissionsBoundary":
        return bounding or not only_attached
    return attached or bounding
