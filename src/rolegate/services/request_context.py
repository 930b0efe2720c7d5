"""The global condition keys every request carries (UG/reference_policies_condition-keys.html).

The policy engine adds what it derives from the principal alone (`aws:PrincipalArn`,
`aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username`, `aws:PrincipalTag/*`); this adds what
depends on the credentials and the request: ids, time, network, region and session facts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from rolegate.model import SessionKind
from rolegate.services.call import Caller


def iso_time(moment: datetime) -> str:
    """ISO 8601 to the second, UTC; strftime costs ~3 µs, and a request asks for it three times."""
    return _iso_second(int(moment.timestamp()))


# A session's request asks for at least two seconds (now, and the session's issue time), so
# more than the last one is remembered.
@lru_cache(maxsize=1024)
def _iso_second(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
