"""Accounts and the identities in them (UG/reference_identifiers.html).

Each stored kind names its `KIND` and a `record_key` unique within its `scope` (an account id, or
"" for kinds that are global such as access keys). IAM names are unique regardless of case
("role names are not distinguished by case"), so keys are lowercased names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

GLOBAL_SCOPE = ""
# User names match [\w+=,.@-]+, so ":" can never collide with one.
ROOT_KEY_OWNER = ":root"


@dataclass(frozen=True, slots=True)
class Tag:
    key: str
    value: str


@dataclass(frozen=True, slots=True)
class PrincipalBinding:
    """A user or role ARN named in a policy's Principal, and the unique id it named when saved.

    IAM UG reference_policies_elements_principal.html (role and user principals): a policy naming a
    role or user holds its unique id, so a principal deleted and re-created under the same ARN is a
    different principal and the policy no longer applies to it.
    """

    arn: str
    unique_id: str


@dataclass(frozen=True, slots=True)
class Account:
    KIND: ClassVar[str] = "account"
    account_id: str
    created: datetime

    @property
    def scope(self) -> str:
        return GLOBAL_SCOPE

    @property
    def record_key(self) -> str:
        return self.account_id

    @property
    def root_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:root"


class AccessKeyStatus(StrEnum):
    ACTIVE = "Active"
    INACTIVE = "Inactive"


@dataclass(frozen=True, slots=True)
class AccessKey:
    """A long-term key (`AKIA...`): the account root's when `user_name` is None, else a user's."""

    KIND: ClassVar[str] = "access-key"
    access_key_id: str
    secret_access_key: str = field(repr=False)
    account_id: str
    user_name: str | None
    status: AccessKeyStatus
    created: datetime
    # The unique id of the user the key was made for: keys belong to the user, not to the name
    # (a user re-created under the same name does not get the old user's keys). "" for the root's
    # keys and for keys stored before ids were recorded.
    user_id: str = ""

    @property
    def scope(self) -> str:
        return self.account_id

    @property
    def record_key(self) -> str:
        # Grouped by owner so a user's keys list by prefix; found by id through the store's lookup.
        return f"{self.owner_key}/{self.access_key_id}"

    @property
    def owner_key(self) -> str:
        return self.user_name.lower() if self.user_name is not None else ROOT_KEY_OWNER


@dataclass(frozen=True, slots=True)
class User:
    KIND: ClassVar[str] = "user"
    account_id: str
    name: str
    path: str
    user_id: str
    created: datetime
    permissions_boundary: str | None = None
    tags: tuple[Tag, ...] = ()

    @property
    def scope(self) -> str:
        return self.account_id

    @property
    def record_key(self) -> str:
        return self.name.lower()

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:user{self.path}{self.name}"


@dataclass(frozen=True, slots=True)
class Role:
    KIND: ClassVar[str] = "role"
    account_id: str
    name: str
    path: str
    role_id: str
    assume_role_policy: str
    created: datetime
    description: str | None = None
    max_session_duration: int = 3600
    permissions_boundary: str | None = None
    tags: tuple[Tag, ...] = ()
    # The users and roles the trust policy names, bound to their unique ids when it was saved;
    # None for a role stored before bindings were recorded (its principals still match by ARN).
    trust_principals: tuple[PrincipalBinding, ...] | None = None

    @property
    def scope(self) -> str:
        return self.account_id

    @property
    def record_key(self) -> str:
        return self.name.lower()

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role{self.path}{self.name}"
