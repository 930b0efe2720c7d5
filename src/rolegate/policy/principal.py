"""Who is asking: the caller of a request as the policy language sees it.

UG/reference_policies_elements_principal.html and UG/reference_policies_condition-keys.html. A role
session is known by two ARNs: its session ARN (`arn:aws:sts::A:assumed-role/ROLE/SESSION`, what
`GetCallerIdentity` returns and what a resource policy may name to grant exactly that session) and
its role ARN (`arn:aws:iam::A:role/PATH/ROLE`, the value of `aws:PrincipalArn`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from rolegate.policy.arn import Arn


class PrincipalType(StrEnum):
    """Values of `aws:PrincipalType`."""

    ACCOUNT = "Account"
    USER = "User"
    ASSUMED_ROLE = "AssumedRole"
    FEDERATED_USER = "FederatedUser"
    SERVICE = "Service"
    ANONYMOUS = "Anonymous"


_ACCOUNT_ID = re.compile(r"\d{12}")


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of a request.

    `arn` is the caller's own ARN (the session ARN for a role session); `principal_arn` is the value
    of `aws:PrincipalArn` (the role ARN, path included, for a role session). `service` is the service
    principal name (`ec2.amazonaws.com`) when a service calls.
    """

    type: PrincipalType
    account: str = ""
    arn: str = ""
    principal_arn: str = ""
    service: str = ""
    federated_provider: str = ""
    tags: tuple[tuple[str, str], ...] = field(default=())

    @property
    def account_root_arn(self) -> str:
        return f"arn:aws:iam::{self.account}:root" if self.account else ""

    @property
    def is_anonymous(self) -> bool:
        return self.type is PrincipalType.ANONYMOUS

    @property
    def is_session(self) -> bool:
        return self.type in (PrincipalType.ASSUMED_ROLE, PrincipalType.FEDERATED_USER)

    @classmethod
    def anonymous(cls) -> Principal:
        return cls(type=PrincipalType.ANONYMOUS, account="anonymous")

    @classmethod
    def for_service(cls, service: str) -> Principal:
        return cls(type=PrincipalType.SERVICE, service=service)

    @classmethod
    def from_arn(cls, arn: str, *, role_arn: str | None = None) -> Principal:
        """Build a principal from its ARN.

        For an assumed-role session ARN the role's path is not part of the ARN; pass `role_arn` to
        give it, otherwise the role ARN is taken to have the path `/`.
        Raises ValueError for anything that is not an IAM/STS principal ARN.
        """
        parsed = Arn.parse(arn)
        # IAM and STS ARNs are global (empty region) and end in a name
        # (UG/reference_identifiers.html#identifiers-arns).
        if (
            parsed is None
            or not _ACCOUNT_ID.fullmatch(parsed.account)
            or parsed.region
            or parsed.resource.endswith("/")
        ):
            raise ValueError(f"not a principal ARN: {arn!r}")
        account, resource = parsed.account, parsed.resource
        if parsed.service == "iam":
            if resource == "root":
                return cls(PrincipalType.ACCOUNT, account, arn, arn)
            if resource.startswith("user/"):
                return cls(PrincipalType.USER, account, arn, arn)
            if resource.startswith("role/"):
                # A role is never the caller itself; a role ARN stands for "a session of this role".
                name = resource.rsplit("/", 1)[-1]
                session_arn = f"arn:aws:sts::{account}:assumed-role/{name}/session"
                return cls(PrincipalType.ASSUMED_ROLE, account, session_arn, arn)
        if parsed.service == "sts":
            if resource.startswith("assumed-role/"):
                parts = resource.split("/")
                if len(parts) != 3 or not all(parts):
                    raise ValueError(f"not an assumed-role ARN: {arn!r}")
                role = role_arn or f"arn:aws:iam::{account}:role/{parts[1]}"
                return cls(PrincipalType.ASSUMED_ROLE, account, arn, role)
            if resource.startswith("federated-user/"):
                return cls(PrincipalType.FEDERATED_USER, account, arn, arn)
        raise ValueError(f"not a principal ARN: {arn!r}")

    def context_entries(self) -> dict[str, object]:
        """The global condition keys AWS derives from the caller alone (UG/reference_policies_condition-keys.html)."""
        if self.is_anonymous:
            return {"aws:PrincipalAccount": "anonymous", "aws:PrincipalType": "Anonymous"}
        if self.type is PrincipalType.SERVICE:
            return {"aws:PrincipalServiceName": self.service}
        entries: dict[str, object] = {
            "aws:PrincipalArn": self.principal_arn,
            "aws:PrincipalAccount": self.account,
            "aws:PrincipalType": self.type.value,
        }
        if self.type is PrincipalType.USER:
            entries["aws:username"] = self.arn.rsplit("/", 1)[-1]
        if self.type is PrincipalType.ACCOUNT:
            entries["aws:userid"] = self.account
        for key, value in self.tags:
            entries[f"aws:PrincipalTag/{key}"] = value
        return entries
