"""The global condition keys every request carries (UG/reference_policies_condition-keys.html).

The policy engine adds what it derives from the principal alone (`aws:PrincipalArn`,
`aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username`, `aws:PrincipalTag/*`); this adds what
depends on the credentials and the request: ids, time, network, region and session facts.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rolegate.model import SessionKind
from rolegate.services.call import Caller

# Seconds already formatted. A session's request asks for two: the current second and the
# session's issue time, so one remembered second would be evicted on every request.
_FORMATTED: dict[int, str] = {}
_FORMATTED_LIMIT = 1024


def iso_time(moment: datetime) -> str:
    """ISO 8601 to the second, UTC; strftime costs ~3 µs, and a request asks for it three times."""
    second = int(moment.timestamp())
    text = _FORMATTED.get(second)
    if text is None:
        text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if len(_FORMATTED) >= _FORMATTED_LIMIT:
            _FORMATTED.clear()  # bounded; the hot seconds come straight back
        _FORMATTED[second] = text
    return text


def request_context(
    caller: Caller, now: datetime, source_ip: str, region: str, secure: bool
) -> dict[str, object]:
    context: dict[str, object] = {
        "aws:CurrentTime": iso_time(now),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:SecureTransport": "true" if secure else "false",
        "aws:RequestedRegion": region,
        "aws:SourceIp": source_ip,
    }
    session = caller.session
    if caller.user is not None:
        context["aws:userid"] = caller.user.user_id
    elif caller.is_root or (session is not None and session.kind is SessionKind.USER):
        context["aws:userid"] = caller.account_id
    if session is not None:
        if session.kind is SessionKind.ROLE:
            context["aws:userid"] = session.user_id
        context["aws:TokenIssueTime"] = iso_time(session.issued)
        # Present for temporary credentials; false as rolegate does not take MFA codes.
        context["aws:MultiFactorAuthPresent"] = "false"
        if session.source_identity is not None:
            context["aws:SourceIdentity"] = session.source_identity
    return context
