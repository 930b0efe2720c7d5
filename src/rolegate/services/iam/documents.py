"""The policy documents that apply to a user or role: what the authorizer evaluates.

This module is the contract with `services.authz` and `services.sts`: it only reads, and answers
with plain text so callers can compile and cache as they like.
"""

from __future__ import annotations

from rolegate.model import InlinePolicy, PolicyAttachment, PolicyOwner
from rolegate.services.iam.catalog import default_document, find_policy
from rolegate.services.iam.owners import get_identity, unique_id_of
from rolegate.store import MetadataStore

# A valid policy that matches no action: NotAction "*" leaves nothing.
ALLOWS_NOTHING = (
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"*","Resource":"*"}}'
)


def managed_policy_document(
    store: MetadataStore, arn: str, policy_id: str | None = None
) -> str | None:
    """The default version's document of any account's managed policy or an AWS one; else None.
    With `policy_id`, None too when the policy of that ARN now is another one (re-created)."""
    policy = find_policy(store, arn)
    if policy is None or (policy_id is not None and policy.policy_id != policy_id):
        return None
    return default_document(store, policy)


def managed_policy_id(store: MetadataStore, arn: str) -> str | None:
    """The unique id of the managed policy (any account's, or AWS's) of that ARN; else None."""
    policy = find_policy(store, arn)
    return None if policy is None else policy.policy_id


def policy_documents_for(
    store: MetadataStore, account_id: str, owner: PolicyOwner, unique_id: str | None = None
) -> tuple[list[tuple[str, str]], str | None]:
    """The owner's identity policies as (id, text), and its permissions boundary's text.

    Ids name the policy in explanations: an inline policy by its name, a managed one by its ARN
    (so the two can never collide). An owner that does not exist has no policies, nor has one
    whose unique id is not `unique_id` when given: a role or user re-created under the name of
    the caller's is another identity, and its policies are not the caller's.
    """
    identity = get_identity(store, account_id, owner.kind, owner.name)
    if identity is None or unique_id not in (None, unique_id_of(identity)):
        return [], None
    documents = [
        (inline.name, inline.document)
        for inline in store.list(InlinePolicy, account_id, prefix=owner.key_prefix)
    ]
    for attachment in store.list(PolicyAttachment, account_id, prefix=owner.key_prefix):
        text = managed_policy_document(store, attachment.policy_arn)
        if text is not None:
            documents.append((attachment.policy_arn, text))
    boundary = identity.permissions_boundary
    boundary_text = None if boundary is None else managed_policy_document(store, boundary)
    if boundary is not None and boundary_text is None:
        # The boundary's policy is gone (it cannot be deleted while in use, but a store edited by
        # hand could say so): a boundary that allows nothing, never one that is silently dropped.
        boundary_text = ALLOWS_NOTHING
    return documents, boundary_text
