"""GetCallerIdentity and GetSessionToken (STS/API_GetCallerIdentity.html, API_GetSessionToken.html)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from rolegate.aws.errors import AwsError, access_denied
from rolegate.model import Session, SessionKind
from rolegate.services.call import Call, Operation
from rolegate.services.sts.sessions import issue_credentials, new_session_key_id
from rolegate.services.sts.tokens import SessionTokens


def get_caller_identity(call: Call) -> Mapping[str, object]:
    """Always allowed: "No permissions are required to perform this operation." """
    caller = call.caller
    if caller.session is not None and caller.session.kind is SessionKind.ROLE:
        user_id = caller.session.user_id
    elif caller.user is not None:
        user_id = caller.user.user_id
    else:
        user_id = caller.account_id
    return {"UserId": user_id, "Account": caller.account_id, "Arn": caller.arn}


# API_GetSessionToken.html: 900 s to 129,600 s (36 h) for IAM users, at most 3,600 s for root.
_USER_MAX_SECONDS = 129_600
_ROOT_MAX_SECONDS = 3_600
_DEFAULT_SECONDS = 43_200


def get_session_token(tokens: SessionTokens) -> Operation:
    def handler(call: Call) -> Mapping[str, object]:
        caller = call.caller
        if caller.session is not None:
            # "You cannot call GetSessionToken with session credentials."
            raise access_denied("Cannot call GetSessionToken with session credentials")
        ceiling = _ROOT_MAX_SECONDS if caller.is_root else _USER_MAX_SECONDS
        requested = call.params.get("DurationSeconds")
        seconds = int(requested) if isinstance(requested, int) else _DEFAULT_SECONDS
        seconds = min(seconds, ceiling)
        if seconds < 900:  # pragma: no cover - the model's range check answers first
            raise AwsError("ValidationError", "DurationSeconds must be at least 900", 400)
        session = Session(
            access_key_id=new_session_key_id(),
            account_id=caller.account_id,
            issued=call.now,
            expiration=call.now + timedelta(seconds=seconds),
            kind=SessionKind.USER,
            user_name=caller.user.name if caller.user is not None else None,
            user_unique_id=caller.user.user_id if caller.user is not None else "",
        )
        credentials = issue_credentials(tokens, session)
        return {"Credentials": credentials}

    return handler
