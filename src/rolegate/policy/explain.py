"""Decisions in words, the way AWS words `AccessDenied` messages.

AWS's current messages name the kind of policy that decided a denial, e.g. "User: ARN is not
authorized to perform: s3:PutObject on resource: ARN because no identity-based policy allows the
s3:PutObject action" or "... with an explicit deny in a resource-based policy"
(UG/troubleshoot_access-denied.html, "Access denied error messages").
"""

from __future__ import annotations

from rolegate.policy.decision import Basis, Decision, EvaluationResult
from rolegate.policy.kinds import PolicyType

_POLICY_NAMES = {
    PolicyType.IDENTITY: "identity-based policy",
    PolicyType.RESOURCE: "resource-based policy",
    PolicyType.PERMISSIONS_BOUNDARY: "permissions boundary",
    PolicyType.SESSION: "session policy",
}
_ARTICLES = {
    PolicyType.IDENTITY: "an",
    PolicyType.RESOURCE: "a",
    PolicyType.PERMISSIONS_BOUNDARY: "a",
    PolicyType.SESSION: "a",
}
_MISSING_ALLOW = {
    Basis.NO_IDENTITY_ALLOW: PolicyType.IDENTITY,
    Basis.NO_RESOURCE_ALLOW: PolicyType.RESOURCE,
    Basis.NO_BOUNDARY_ALLOW: PolicyType.PERMISSIONS_BOUNDARY,
    Basis.NO_SESSION_ALLOW: PolicyType.SESSION,
}


def reason(result: EvaluationResult, action: str) -> str:
    """The clause that says why: "because no identity-based policy allows the X action"."""
    if result.decision is Decision.EXPLICIT_DENY:
        denying = result.denying_policy_type or PolicyType.IDENTITY
        return f"with an explicit deny in {_ARTICLES[denying]} {_POLICY_NAMES[denying]}"
    if result.decision is Decision.IMPLICIT_DENY:
        missing = _MISSING_ALLOW[result.basis]
        return f"because no {_POLICY_NAMES[missing]} allows the {action} action"
    if result.basis is Basis.ALLOWED_AS_ROOT:
        return "because the account's root user is allowed in its own account"
    if result.basis is Basis.ALLOWED_AS_BUCKET_OWNER_ROOT:
        return (
            "because the bucket owner's root user may always manage the bucket policy, whatever "
            "the bucket policy denies"
        )
    types = {ref.policy_type for ref in result.matched_statements}
    if PolicyType.RESOURCE in types and PolicyType.IDENTITY in types:
        return (
            f"because both an identity-based and a resource-based policy allow the {action} action"
        )
    if result.basis is Basis.ALLOWED_BY_RESOURCE:
        return f"because a resource-based policy allows the {action} action"
    return f"because an identity-based policy allows the {action} action"


def access_denied_message(
    caller_arn: str, action: str, resource: str, result: EvaluationResult
) -> str:
    """AWS's `AccessDenied` message for a denied request."""
    return (
        f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource} "
        f"{reason(result, action)}"
    )


def deciding_statements(result: EvaluationResult) -> list[str]:
    """One line per statement that decided the result, for humans."""
    return [ref.describe() for ref in result.matched_statements]
