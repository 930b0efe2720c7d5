"""Session tokens: unforgeable, bound to their access key, expiring, surviving a new instance."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolegate.aws.errors import AwsError
from rolegate.model import Session, Tag
from rolegate.services.sts.sessions import issue_credentials, new_session_key_id
from rolegate.services.sts.tokens import SessionTokens

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
KEY = b"k" * 32


def _session(policy: str | None = None) -> Session:
    return Session(
        access_key_id=new_session_key_id(),
        account_id="111122223333",
        issued=NOW,
        expiration=NOW + timedelta(hours=1),
        role_name="reader",
        role_path="/team/",
        role_id="AROAEXAMPLEEXAMPLE12",
        session_name="job-7",
        policy=policy,
        tags=(Tag("project", "x"),),
        source_identity="alice",
    )


@pytest.mark.parametrize("policy", [None, '{"Version":"2012-10-17","Statement":[]}' * 60])
def test_a_token_opens_to_the_same_session_with_its_secret(policy: str | None) -> None:
    tokens = SessionTokens(KEY)
    session = _session(policy)
    credentials = issue_credentials(tokens, session)
    opened = SessionTokens(KEY).open(
        str(credentials["SessionToken"]), session.access_key_id, NOW + timedelta(minutes=59)
    )
    assert opened.role_arn == "arn:aws:iam::111122223333:role/team/reader"
    assert opened.policy == policy and opened.tags == session.tags
    assert opened.secret_access_key == credentials["SecretAccessKey"]
    assert "SecretAccessKey" not in base64.b64decode(str(credentials["SessionToken"])).decode(
        "latin-1"
    )


def test_expired_moved_and_foreign_tokens_are_refused() -> None:
    tokens = SessionTokens(KEY)
    session = _session()
    token = tokens.issue(session)
    with pytest.raises(AwsError) as expired:
        tokens.open(token, session.access_key_id, NOW + timedelta(hours=1))
    assert expired.value.code == "ExpiredToken"
    with pytest.raises(AwsError) as moved:
        tokens.open(token, new_session_key_id(), NOW)
    assert moved.value.code == "InvalidClientTokenId"
    with pytest.raises(AwsError) as foreign:
        SessionTokens(b"other key" * 4).open(token, session.access_key_id, NOW)
    assert foreign.value.code == "InvalidClientTokenId"


@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_any_changed_byte_is_refused(position: int, flip: int) -> None:
    tokens = SessionTokens(KEY)
    session = _session()
    raw = bytearray(base64.b64decode(tokens.issue(session)))
    raw[position % len(raw)] ^= flip
    with pytest.raises(AwsError) as refused:
        tokens.open(base64.b64encode(raw).decode(), session.access_key_id, NOW)
    assert refused.value.code == "InvalidClientTokenId"


@pytest.mark.parametrize("garbage", ["", "not base64!", "AAAA", "é"])
def test_garbage_is_an_invalid_token_not_a_crash(garbage: str) -> None:
    with pytest.raises(AwsError) as refused:
        SessionTokens(KEY).open(garbage, "ASIAEXAMPLE", NOW)
    assert refused.value.code == "InvalidClientTokenId"


def test_a_token_beside_a_long_term_key_is_judged_as_a_token() -> None:
    # tests/security/test_auth_stray_token.py: AWS refuses it; a stale one is ExpiredToken.
    tokens = SessionTokens(KEY)
    token = tokens.issue(_session())
    assert tokens.refusal_without_session(token, NOW).code == "InvalidClientTokenId"
    later = NOW + timedelta(hours=1)
    assert tokens.refusal_without_session(token, later).code == "ExpiredToken"
    assert tokens.refusal_without_session("garbage", NOW).code == "InvalidClientTokenId"
