"""The condition keys an IAM request carries beyond the global ones: what it asks for and what it
acts on (UG/reference_policies_iam-condition-keys.html, UG/access_iam-tags.html).

Without them a policy that names them is judged against a key that is absent, which AWS defines
precisely and which is the opposite of what the policy's author meant in both directions: a Deny
that protects tagged roles (`StringEquals aws:ResourceTag/protected`) or AdministratorAccess
(`ArnEquals iam:PolicyARN`) no longer matches, and an Allow that limits the tags a delegate may set
(`ForAllValues:StringEquals aws:TagKeys`, `StringEqualsIfExists aws:RequestTag/...`) matches any
tags (UG/reference_policies_examples_iam-new-user-tag.html).

- `aws:ResourceTag/K` and `iam:ResourceTag/K`: the tags of the role or user acted on (and
  `aws:ResourceTag/K` of a customer managed policy);
- `aws:RequestTag/K` and `aws:TagKeys`: the tags a request sets (CreateRole, CreateUser,
  CreatePolicy, TagRole, TagUser), `aws:TagKeys` the keys UntagRole/UntagUser remove;
- `iam:PermissionsBoundary`: the boundary a request sets (CreateRole, CreateUser,
  Put*PermissionsBoundary), or for the operations that change an identity's permissions the
  boundary it has now, as in UG/access_policies_boundaries.html ("Delegating responsibility to
  others using permissions boundaries": CreateUser, PutUserPolicy, AttachUserPolicy, ... allowed
  only with `StringEquals iam:PermissionsBoundary`), so a delegate cannot change an identity
  without the boundary;
- `iam:PolicyARN`: the managed policy Attach*/Detach*Policy names.
"""

from __future__ import annotations

from collections.abc import Iterable

from rolegate.model import Tag

Keys = dict[str, object]

# The operations on an existing identity that change what it may do: each carries the identity's
# current boundary as iam:PermissionsBoundary (absent when it has none).
_CURRENT_BOUNDARY_ACTIONS = frozenset(
    {
        "iam:putrolepolicy",
        "iam:deleterolepolicy",
        "iam:attachrolepolicy",
        "iam:detachrolepolicy",
        "iam:deleterolepermissionsboundary",
        "iam:putuserpolicy",
        "iam:deleteuserpolicy",
        "iam:attachuserpolicy",
        "iam:detachuserpolicy",
        "iam:deleteuserpermissionsboundary",
    }
)


def resource_tag_keys(tags: Iterable[Tag], *, iam_prefix: bool = True) -> Keys:
    """The tags of the resource acted on; roles and users answer to both prefixes."""
    keys: Keys = {}
    for tag in tags:
        keys[f"aws:ResourceTag/{tag.key}"] = tag.value
        if iam_prefix:
            keys[f"iam:ResourceTag/{tag.key}"] = tag.value
    return keys


def request_tag_keys(tags: Iterable[Tag]) -> Keys:
    """The tags a request sets; nothing when it sets none (the keys are then absent, as in AWS)."""
    given = list(tags)
    if not given:
        return {}
    keys: Keys = {f"aws:RequestTag/{tag.key}": tag.value for tag in given}
    keys["aws:TagKeys"] = [tag.key for tag in given]
    return keys


def tag_keys(keys: Iterable[str]) -> Keys:
    """The tag keys a request removes (UntagRole, UntagUser)."""
    given = list(keys)
    return {"aws:TagKeys": given} if given else {}


def boundary_key(arn: str | None) -> Keys:
    return {} if arn is None else {"iam:PermissionsBoundary": arn}


def current_boundary_key(action: str, arn: str | None) -> Keys:
    """iam:PermissionsBoundary for an operation that changes an existing identity's permissions."""
    return boundary_key(arn) if action.lower() in _CURRENT_BOUNDARY_ACTIONS else {}


def policy_arn_key(arn: str) -> Keys:
    return {"iam:PolicyARN": arn}
