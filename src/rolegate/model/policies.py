"""Inline and managed policies and their attachments (UG/access_policies_managed-vs-inline.html)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from rolegate.model.identity import Tag


class PolicyOwnerKind(StrEnum):
    USER = "user"
    ROLE = "role"


@dataclass(frozen=True, slots=True)
class PolicyOwner:
    """The user or role a policy is embedded in or attached to."""

    kind: PolicyOwnerKind
    name: str

    @property
    def key_prefix(self) -> str:
        """Record keys of everything owned by this identity start with this."""
        return f"{self.kind.value}/{self.name.lower()}/"


@dataclass(frozen=True, slots=True)
class InlinePolicy:
    KIND: ClassVar[str] = "inline-policy"
    account_id: str
    owner: PolicyOwner
    name: str
    document: str

    @property
    def scope(self) -> str:
        return self.account_id

    @property
    def record_key(self) -> str:
        # Inline policy names are case-sensitive within their owner (PutRolePolicy replaces by name).
        return self.owner.key_prefix + self.name


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    """A customer managed policy; its documents live in `ManagedPolicyVersion` records."""

    KIND: ClassVar[str] = "managed-policy"
    account_id: str
    name: str
    path: str
    policy_id: str
    default_version_id: str
    created: datetime
    updated: datetime
    description: str | None = None
    next_version: int = 2
    tags: tuple[Tag, ...] = ()

    @property
    def scope(self) -> str:
        return self.account_id

    @property
    def record_key(self) -> str:
        return self.name.lower()

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:policy{self.path}{self.name}"


@dataclass(frozen=True, slots=True)
class ManagedPolicyVersion:
    KIND: ClassVar[str] = "managed-policy-version"
    account_id: str
    policy_name: str
    version_id: str
    document: str
    created: datetime

    @property
    def scope(self) -> str:
        return self.account_id

    @property
    def record_key(self) -> str:
        return f"{self.policy_name.lower()}/{self.version_id}"


@dataclass(frozen=True, slots=True)
class PolicyAttachment:
    KIND: ClassVar[str] = "policy-attachment"
    account_id: str
    owner: PolicyOwner
    policy_arn: str

    @property
    def scope(self) -> str:
        return self.account_id

    @property
    def record_key(self) -> str:
        return self.owner.key_prefix + self.policy_arn
