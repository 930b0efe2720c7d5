"""Session tokens that are the session: the session's fields, authenticated with a server key.

A token is `base64(format || HMAC-SHA256(key, format || payload) || payload)`, the payload being the
session as msgspec JSON, deflated when it is large (session policies). Nothing is
stored per session, so `AssumeRole` costs no write and sessions survive restarts as long as the
data dir's key does. The secret access key is derived from the key and the access key id, so a token
is bound to its access key: presenting it with another key fails, and editing a byte fails the MAC.
Payloads are authenticated, not encrypted; they hold no secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import zlib
from dataclasses import replace
from datetime import datetime

import msgspec

from rolegate.aws.errors import AwsError
from rolegate.model import Session

_PLAIN = b"\x01"
_DEFLATED = b"\x02"
# Deflating costs ~30 µs of setup whatever the size; only worth it for long session policies.
_DEFLATE_ABOVE = 1024
_MAC_LENGTH = 32
_CACHE_LIMIT = 8192
_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(Session)


def invalid_token() -> AwsError:
    # STS/CommonErrors.html: InvalidClientTokenId, 403.
    return AwsError(
        "InvalidClientTokenId", "The security token included in the request is invalid.", 403
    )


def expired_token() -> AwsError:
    # STS/CommonErrors.html: ExpiredToken.
    return AwsError("ExpiredToken", "The security token included in the request is expired", 403)


class SessionTokens:
    def __init__(self, server_key: bytes) -> None:
        # Separate keys for the two jobs, so neither output can stand in for the other.
        self._mac_key = hmac.new(server_key, b"rolegate session token mac", hashlib.sha256).digest()
        self._secret_key = hmac.new(server_key, b"rolegate session secret", hashlib.sha256).digest()
        self._opened: dict[str, Session] = {}

    def secret_for(self, access_key_id: str) -> str:
        # hmac.digest: OpenSSL's one-shot HMAC, several times cheaper than hmac.new().digest().
        digest = hmac.digest(self._secret_key, access_key_id.encode(), "sha256")
        return base64.b64encode(digest).decode("ascii")[:40]

    def issue(self, session: Session) -> str:
        # The secret is derived on opening; it never travels inside the token.
        if session.secret_access_key:
            session = replace(session, secret_access_key="")
        payload = _ENCODER.encode(session)
        form = _PLAIN
        if len(payload) > _DEFLATE_ABOVE:
            form, payload = _DEFLATED, zlib.compress(payload, 6)
        mac = hmac.digest(self._mac_key, form + payload, "sha256")
        return base64.b64encode(form + mac + payload).decode("ascii")

    def open(self, token: str, access_key_id: str, now: datetime) -> Session:
        """The session a token stands for, or AwsError if forged, moved to another key or expired."""
        session = self._opened.get(token)
        if session is None:
            session = self._verify(token)
            if len(self._opened) >= _CACHE_LIMIT:
                self._opened.clear()
            self._opened[token] = session
        if session.access_key_id != access_key_id:
            raise invalid_token()
        if now >= session.expiration:
            raise expired_token()
        return session

    def refusal_without_session(self, token: str, now: datetime) -> AwsError:
        """What a token sent with a long-term access key earns: it is judged all the same, so an
        expired one (a stale AWS_SESSION_TOKEN left beside new long-term keys) is ExpiredToken
        and any other InvalidClientTokenId, as AWS answers it ([seen] aws/aws-cli#7870,
        pulumi/pulumi-aws#2560: long-term keys, "The security token included in the request
        is expired")."""
        try:
            session = self._opened.get(token) or self._verify(token)
        except AwsError as error:
            return error
        return expired_token() if now >= session.expiration else invalid_token()

    def _verify(self, token: str) -> Session:
        try:
            raw = base64.b64decode(token.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise invalid_token() from None
        form = raw[:1]
        if len(raw) <= 1 + _MAC_LENGTH or form not in (_PLAIN, _DEFLATED):
            raise invalid_token()
        mac, payload = raw[1 : 1 + _MAC_LENGTH], raw[1 + _MAC_LENGTH :]
        expected = hmac.digest(self._mac_key, form + payload, "sha256")
        if not hmac.compare_digest(mac, expected):
            raise invalid_token()
        try:
            if form == _DEFLATED:
                payload = zlib.decompress(payload)
            session = _DECODER.decode(payload)
        except (zlib.error, msgspec.DecodeError):  # pragma: no cover - MAC'd by us
            raise invalid_token() from None
        return replace(session, secret_access_key=self.secret_for(session.access_key_id))
