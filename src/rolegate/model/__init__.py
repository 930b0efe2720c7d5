"""Frozen dataclasses for the things rolegate stores: accounts, keys, users, roles, policies, sessions."""

from rolegate.model.identity import (
    AccessKey,
    AccessKeyStatus,
    Account,
    Role,
    Tag,
    User,
)
from rolegate.model.policies import (
    InlinePolicy,
    ManagedPolicy,
    ManagedPolicyVersion,
    PolicyAttachment,
    PolicyOwner,
    PolicyOwnerKind,
)
from rolegate.model.session import Session, SessionKind

__all__ = [
    "AccessKey",
    "AccessKeyStatus",
    "Account",
    "InlinePolicy",
    "ManagedPolicy",
    "ManagedPolicyVersion",
    "PolicyAttachment",
    "PolicyOwner",
    "PolicyOwnerKind",
    "Role",
    "Session",
    "SessionKind",
    "Tag",
    "User",
]
