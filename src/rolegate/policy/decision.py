"""A decision is a value: the outcome, the statements that decided it, and what was missing.

Shaped after the IAM policy simulator's `EvaluationResult`
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html) and after Cedar's
authorizer response: enough to explain any denial down to the statement, never a bare boolean.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rolegate.policy.kinds import Effect, PolicyType


class Decision(StrEnum):
    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicitDeny"
    IMPLICIT_DENY = "implicitDeny"


class Basis(StrEnum):
    """Why the decision came out as it did; the later `AccessDenied` message is built from this."""

    ALLOWED_BY_IDENTITY = "allowed-by-identity"
    ALLOWED_BY_RESOURCE = "allowed-by-resource"
    ALLOWED_AS_ROOT = "allowed-as-root"
    EXPLICIT_DENY = "explicit-deny"
    NO_IDENTITY_ALLOW = "no-identity-allow"
    NO_RESOURCE_ALLOW = "no-resource-allow"
    NO_BOUNDARY_ALLOW = "no-boundary-allow"
    NO_SESSION_ALLOW = "no-session-allow"


@dataclass(frozen=True, slots=True)
class StatementRef:
    """Which statement of which policy: the policy's id and type, its index, its Sid."""

    policy_id: str
    policy_type: PolicyType
    index: int
    sid: str | None
    effect: Effect

    def describe(self) -> str:
        label = f"statement {self.sid!r}" if self.sid else f"statement #{self.index + 1}"
        return f"{label} of {self.policy_type.value} policy {self.policy_id!r}"


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    decision: Decision
    basis: Basis
    matched_statements: tuple[StatementRef, ...] = ()
    missing_context_keys: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOWED

    @property
    def denying_policy_type(self) -> PolicyType | None:
        """For an explicit deny: which kind of policy held the deny."""
        for ref in self.matched_statements:
            if ref.effect is Effect.DENY:
                return ref.policy_type
        return None
