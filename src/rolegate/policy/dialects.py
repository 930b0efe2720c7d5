"""IAM and S3 word the same policy mistakes differently; each kind of policy answers in its own.

IAM (`MalformedPolicyDocument`) names the element and the rule; S3's PutBucketPolicy
(`MalformedPolicy`) answers with shorter texts: "Policy has invalid action", "Policy has invalid
resource", "Invalid effect: X", "Invalid principal in policy" (answers quoted in public issue
threads; see tests/policy/test_parser.py for each source).
"""

from __future__ import annotations

from dataclasses import dataclass

from rolegate.policy.errors import ErrorCode
from rolegate.policy.kinds import PolicyKind


@dataclass(frozen=True, slots=True)
class Dialect:
    code: ErrorCode
    invalid_action: str | None = None  # None: IAM's specific message for each mistake
    invalid_resource: str | None = None
    invalid_principal: str | None = None
    names_bad_effect: bool = False  # S3 says "Invalid effect: X"; IAM a syntax error

    def principal_message(self, type_name: str, value: str) -> str:
        if self.invalid_principal is not None:
            return self.invalid_principal
        return f'Invalid principal in policy: "{type_name.upper()}":"{value}"'


IAM = Dialect(ErrorCode.MALFORMED_POLICY_DOCUMENT)
S3 = Dialect(
    ErrorCode.MALFORMED_POLICY,
    invalid_action="Policy has invalid action",
    invalid_resource="Policy has invalid resource",
    invalid_principal="Invalid principal in policy",
    names_bad_effect=True,
)


def dialect_for(kind: PolicyKind) -> Dialect:
    # A resource policy here is an S3 bucket policy: the one resource policy rolegate serves.
    return S3 if kind is PolicyKind.RESOURCE else IAM
