"""A role session: what `AssumeRole` grants, carried inside the session token itself.

Sessions are not stored: the token is the session, authenticated by a server key in the data dir,
so they survive restarts and cost no write per `AssumeRole`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from rolegate.model.identity import Tag


class SessionKind(StrEnum):
    ROLE = "role"  # AssumeRole
    USER = "user"  # GetSessionToken: the user's (or root's) own permissions, temporarily


@dataclass(frozen=True, slots=True)
class Session:
    access_key_id: str
    account_id: str
    issued: datetime
    expiration: datetime
    kind: SessionKind = SessionKind.ROLE
    role_name: str = ""
    role_path: str = "/"
    role_id: str = ""
    session_name: str = ""
    # For SessionKind.USER: the user whose session this is; None for the account root.
    user_name: str | None = None
    # ... and that user's unique id: the session belongs to the user, not to its name.
    user_unique_id: str = ""
    # Inline session policy text and managed session policy ARNs (STS AssumeRole Policy/PolicyArns).
    policy: str | None = None
    policy_arns: tuple[str, ...] = ()
    # ... and those policies' unique ids when the session was issued, in the same order: a
    # policy deleted and created again under the same ARN is another policy, and allows the
    # session nothing (as the deleted one does). Empty for a session issued before ids were kept.
    policy_ids: tuple[str, ...] = ()
    tags: tuple[Tag, ...] = ()
    transitive_tag_keys: tuple[str, ...] = ()
    source_identity: str | None = None
    # True when the session was made by a role session assuming a role (role chaining).
    chained: bool = False
    # Secret derived from the server key and the access key id; never serialized into the token.
    secret_access_key: str = field(default="", repr=False, compare=False)

    @property
    def role_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role{self.role_path}{self.role_name}"

    @property
    def arn(self) -> str:
        return f"arn:aws:sts::{self.account_id}:assumed-role/{self.role_name}/{self.session_name}"

    @property
    def user_id(self) -> str:
        return f"{self.role_id}:{self.session_name}"
