"""Issuing temporary credentials: an `ASIA...` key, its derived secret and the token."""

from __future__ import annotations

from dataclasses import replace

from rolegate.model import Session
from rolegate.services.ids import IdPrefix, access_key_id
from rolegate.services.sts.tokens import SessionTokens


def issue_credentials(tokens: SessionTokens, session: Session) -> tuple[Session, dict[str, object]]:
    """The session with its new key, and the `Credentials` structure STS returns."""
    key_id = access_key_id(IdPrefix.SESSION_ACCESS_KEY)
    session = replace(session, access_key_id=key_id, secret_access_key=tokens.secret_for(key_id))
    credentials: dict[str, object] = {
        "AccessKeyId": key_id,
        "SecretAccessKey": session.secret_access_key,
        "SessionToken": tokens.issue(session),
        "Expiration": session.expiration,
    }
    return session, credentials
