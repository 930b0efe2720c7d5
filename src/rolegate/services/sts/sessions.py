"""Issuing temporary credentials: an `ASIA...` key, its derived secret and the token."""

from __future__ import annotations

from rolegate.model import Session
from rolegate.services.ids import IdPrefix, access_key_id
from rolegate.services.sts.tokens import SessionTokens


def new_session_key_id() -> str:
    return access_key_id(IdPrefix.SESSION_ACCESS_KEY)


def issue_credentials(tokens: SessionTokens, session: Session) -> dict[str, object]:
    """The `Credentials` structure STS returns for a session made with `new_session_key_id()`."""
    return {
        "AccessKeyId": session.access_key_id,
        "SecretAccessKey": tokens.secret_for(session.access_key_id),
        "SessionToken": tokens.issue(session),
        "Expiration": session.expiration,
    }
