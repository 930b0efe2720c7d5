"""Managed policies as an operation on one reaches them: authorized, then found, then writable.

An account sees its own managed policies and AWS's; another account's policy is not there for it
(IAM has no resource policies on managed policies). AWS managed policies can be read and attached
but never changed: writing one is denied like any write to a resource of another account.
"""

from __future__ import annotations

from rolegate.aws.errors import access_denied
from rolegate.model import ManagedPolicy
from rolegate.services.call import Call
from rolegate.services.iam import params
from rolegate.services.iam.aws_managed import AwsManagedPolicy, aws_managed_policy
from rolegate.services.iam.catalog import AnyPolicy, find_customer_policy
from rolegate.services.iam.errors import no_such_policy
from rolegate.services.iam.request_keys import resource_tag_keys
from rolegate.store import MetadataStore


def visible_policy(store: MetadataStore, account_id: str, arn: str) -> AnyPolicy | None:
    managed = aws_managed_policy(arn)
    if managed is not None:
        return managed
    found = find_customer_policy(store, arn)
    return found if found is not None and found.account_id == account_id else None


def authorized_policy(store: MetadataStore, call: Call, action: str) -> AnyPolicy:
    arn = params.required_str(call.params, "PolicyArn")
    found = visible_policy(store, call.caller.account_id, arn)
    # A customer managed policy's tags are its aws:ResourceTag keys; found only in the caller's
    # own account, so the answer says nothing about another account's policies.
    tags = found.tags if isinstance(found, ManagedPolicy) else ()
    call.authorize(action, arn, resource_tag_keys(tags, iam_prefix=False))
    if found is None:
        raise no_such_policy(arn)
    return found


def authorized_customer_policy(store: MetadataStore, call: Call, action: str) -> ManagedPolicy:
    policy = authorized_policy(store, call, action)
    if isinstance(policy, AwsManagedPolicy):
        # Not confirmed against the live service: the standard denial for a resource the caller's
        # account does not own.
        raise access_denied(
            f"User: {call.caller.arn} is not authorized to perform: {action} on resource: "
            f"{policy.arn}"
        )
    return policy
