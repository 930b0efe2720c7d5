"""Tags on users and roles (UG/id_tags.html): TagRole, UntagRole, ListRoleTags and the user twins.

Tag keys of IAM users and roles are case-insensitive but keep their case: tagging `department`
where `Department` exists replaces it. One request may not name a key twice in any case
(InvalidInput "Duplicate tag keys found. Please note that Tag keys are case insensitive."), and an
identity holds at most 50 tags (UG/reference_iam-quotas.html).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from rolegate.model import PolicyOwnerKind, Tag
from rolegate.services.call import Call
from rolegate.services.iam import params
from rolegate.services.iam.errors import invalid_input, limit_exceeded
from rolegate.services.iam.owners import authorized_owner, current_identity
from rolegate.services.iam.paging import paginate
from rolegate.services.iam.request_keys import request_tag_keys, tag_keys
from rolegate.services.iam.shapes import tags_shape
from rolegate.store import MetadataStore

MAX_TAGS = 50
RESERVED_PREFIX = "aws:"
QUOTA_NAMES = {PolicyOwnerKind.ROLE: "TagsPerRole", PolicyOwnerKind.USER: "TagsPerUser"}


def check_not_reserved(keys: Iterable[str]) -> None:
    """UG/id_tags.html (tag naming rules): "The aws: prefix is reserved for AWS use", in any case.
    A tag a customer could set under it would pass for one AWS set (aws:cloudformation:...) in
    every policy that conditions on aws:ResourceTag or aws:PrincipalTag. (Exact text not confirmed
    against the live service.)"""
    for key in keys:
        if key.lower().startswith(RESERVED_PREFIX):
            raise invalid_input(
                f"Tag key {key} is not valid: keys beginning with aws: are reserved for AWS use."
            )


def merge_tags(existing: Iterable[Tag], new: Iterable[Tag], quota_name: str) -> tuple[Tag, ...]:
    added = list(new)
    check_not_reserved(tag.key for tag in added)
    if len({tag.key.lower() for tag in added}) < len(added):
        raise invalid_input(
            "Duplicate tag keys found. Please note that Tag keys are case insensitive."
        )
    replaced = {tag.key.lower() for tag in added}
    merged = [tag for tag in existing if tag.key.lower() not in replaced] + added
    if len(merged) > MAX_TAGS:
        # Quota name as IAM spells its quotas ("Cannot exceed quota for PoliciesPerRole: 10");
        # this exact text is not confirmed against the live service.
        raise limit_exceeded(f"Cannot exceed quota for {quota_name}: {MAX_TAGS}")
    return tuple(merged)


def without_keys(existing: Iterable[Tag], keys: Iterable[str]) -> tuple[Tag, ...]:
    removed = {key.lower() for key in keys}
    return tuple(tag for tag in existing if tag.key.lower() not in removed)


def _tag(store: MetadataStore, call: Call, kind: PolicyOwnerKind, action: str) -> None:
    added = params.tags(call.params)
    owner = authorized_owner(store, call, kind, action, request_tag_keys(added))
    with store.transaction():
        owner = current_identity(store, owner)
        store.put(replace(owner, tags=merge_tags(owner.tags, added, QUOTA_NAMES[kind])))


def _untag(store: MetadataStore, call: Call, kind: PolicyOwnerKind, action: str) -> None:
    removed = params.str_list(call.params, "TagKeys")
    owner = authorized_owner(store, call, kind, action, tag_keys(removed))
    with store.transaction():
        owner = current_identity(store, owner)
        store.put(replace(owner, tags=without_keys(owner.tags, removed)))


def _list(
    store: MetadataStore, call: Call, kind: PolicyOwnerKind, action: str
) -> Mapping[str, object]:
    owner = authorized_owner(store, call, kind, action)
    ordered = sorted(owner.tags, key=lambda tag: tag.key.lower())
    page = paginate(ordered, lambda tag: tag.key.lower(), call.params)
    return page.fields("Tags", tags_shape(page.items))


def tag_role(store: MetadataStore, call: Call) -> Mapping[str, object]:
    _tag(store, call, PolicyOwnerKind.ROLE, "iam:TagRole")
    return {}


def untag_role(store: MetadataStore, call: Call) -> Mapping[str, object]:
    _untag(store, call, PolicyOwnerKind.ROLE, "iam:UntagRole")
    return {}


def list_role_tags(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _list(store, call, PolicyOwnerKind.ROLE, "iam:ListRoleTags")


def tag_user(store: MetadataStore, call: Call) -> Mapping[str, object]:
    _tag(store, call, PolicyOwnerKind.USER, "iam:TagUser")
    return {}


def untag_user(store: MetadataStore, call: Call) -> Mapping[str, object]:
    _untag(store, call, PolicyOwnerKind.USER, "iam:UntagUser")
    return {}


def list_user_tags(store: MetadataStore, call: Call) -> Mapping[str, object]:
    return _list(store, call, PolicyOwnerKind.USER, "iam:ListUserTags")
