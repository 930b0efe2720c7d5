"""Size quotas per kind of policy (UG/reference_iam-quotas.html), counted without whitespace.

Exceeding one is a quota error, not a malformed document: IAM answers `LimitExceeded` (HTTP 409) and
STS rejects an oversized session policy as a `ValidationError` on the `policy` parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolegate.policy.errors import ErrorCode
from rolegate.policy.json_source import count_policy_characters
from rolegate.policy.kinds import PolicyKind


@dataclass(frozen=True, slots=True)
class SizeLimit:
    characters: int
    code: ErrorCode
    message: str
    counts_whitespace: bool = False  # a request-parameter length, not an IAM quota

    def size_of(self, text: str) -> int:
        return len(text) if self.counts_whitespace else count_policy_characters(text)


SIZE_LIMITS: dict[PolicyKind, SizeLimit] = {
    PolicyKind.IDENTITY: SizeLimit(
        6144, ErrorCode.LIMIT_EXCEEDED, "Cannot exceed quota for PolicySize: 6144"
    ),
    PolicyKind.TRUST: SizeLimit(
        2048, ErrorCode.LIMIT_EXCEEDED, "Cannot exceed quota for ACLSizePerRole: 2048"
    ),
    PolicyKind.SESSION: SizeLimit(
        2048,
        ErrorCode.VALIDATION_ERROR,
        "1 validation error detected: Value at 'policy' failed to satisfy constraint: "
        "Member must have length less than or equal to 2048",
        counts_whitespace=True,  # STS API_AssumeRole.html: Policy "Maximum length of 2048"
    ),
    # S3 bucket policies may be up to 20 KB (Amazon S3 User Guide, bucket policies).
    PolicyKind.RESOURCE: SizeLimit(
        20480, ErrorCode.LIMIT_EXCEEDED, "Policies must be less than 20 KB in size."
    ),
}
