"""Who is calling: SigV4 verified against a long-term key or a session token, to a `Caller`.

Errors as STS/CommonErrors.html: an unknown or inactive key is `InvalidClientTokenId`, a wrong
secret `SignatureDoesNotMatch`, an expired session `ExpiredToken`, no auth at all
`MissingAuthenticationToken`.
"""

from __future__ import annotations

from datetime import datetime

from rolegate.aws.errors import AwsError
from rolegate.aws.sigv4 import HttpRequest, SignedAuth, SigV4Verifier
from rolegate.model import AccessKey, AccessKeyStatus, Role, Session, SessionKind, Tag, User
from rolegate.policy.principal import Principal, PrincipalType
from rolegate.services.call import Caller
from rolegate.services.derived_cache import DerivedCache
from rolegate.services.sts.tokens import SessionTokens, invalid_token
from rolegate.store import MetadataStore

SESSION_KEY_PREFIX = "ASIA"


def missing_authentication() -> AwsError:
    return AwsError(
        "MissingAuthenticationToken",
        "The request must contain either a valid (registered) AWS access key ID or X.509 "
        "certificate.",
        403,
    )


class Authenticator:
    def __init__(self, store: MetadataStore, tokens: SessionTokens, region: str) -> None:
        self._store = store
        self._tokens = tokens
        self.verifier = SigV4Verifier(region=region)
        # A session's principal (its role's tags merged with the session's) until IAM changes.
        self._session_callers: DerivedCache[str, Caller] = DerivedCache(store)

    def authenticate(
        self, auth: SignedAuth, request: HttpRequest, payload_sha256: str | None, now: datetime
    ) -> Caller:
        return self.authenticate_with_secret(auth, request, payload_sha256, now)[0]

    def authenticate_with_secret(
        self, auth: SignedAuth, request: HttpRequest, payload_sha256: str | None, now: datetime
    ) -> tuple[Caller, str]:
        """The caller, and the secret that signed (S3 checks chunk signatures with it)."""
        key_id = auth.scope.access_key_id
        if key_id.startswith(SESSION_KEY_PREFIX):
            if not auth.security_token:
                raise invalid_token()
            session = self._tokens.open(auth.security_token, key_id, now)
            self.verifier.verify(auth, request, session.secret_access_key, payload_sha256, now)
            return self._session_caller(session), session.secret_access_key
        key = self._store.find_access_key(key_id)
        if key is None or key.status is not AccessKeyStatus.ACTIVE:
            raise invalid_token()
        if auth.security_token:
            # A long-term key takes no session token; AWS refuses one rather than ignore it.
            raise self._tokens.refusal_without_session(auth.security_token, now)
        self.verifier.verify(auth, request, key.secret_access_key, payload_sha256, now)
        return self._key_caller(key), key.secret_access_key

    def _key_caller(self, key: AccessKey) -> Caller:
        if key.user_name is None:
            root = f"arn:aws:iam::{key.account_id}:root"
            principal = Principal(PrincipalType.ACCOUNT, key.account_id, root, root)
            return Caller(principal, key.account_id, key.access_key_id, access_key=key)
        user = self._store.get(User, key.account_id, key.user_name.lower())
        # A key whose user is gone can no longer sign, nor can it sign for a new user of the same
        # name: keys belong to the user's unique id (UG/reference_identifiers.html).
        if user is None or (key.user_id and key.user_id != user.user_id):
            raise invalid_token()
        return Caller(
            _user_principal(user, user.tags),
            key.account_id,
            key.access_key_id,
            access_key=key,
            user=user,
        )

    def _session_caller(self, session: Session) -> Caller:
        return self._session_callers.get(
            session.access_key_id, lambda: self._load_session_caller(session)
        )

    def _load_session_caller(self, session: Session) -> Caller:
        if session.kind is SessionKind.USER:
            if session.user_name is None:
                root = f"arn:aws:iam::{session.account_id}:root"
                principal = Principal(PrincipalType.ACCOUNT, session.account_id, root, root)
                return Caller(principal, session.account_id, session.access_key_id, session=session)
            user = self._store.get(User, session.account_id, session.user_name.lower())
            if user is None or user.user_id != session.user_unique_id:
                raise _orphaned_session()
            return Caller(
                _user_principal(user, user.tags),
                session.account_id,
                session.access_key_id,
                user=user,
                session=session,
            )
        role = self._store.get(Role, session.account_id, session.role_name.lower())
        if role is None or role.role_id != session.role_id:
            raise _orphaned_session()
        # Session tags override the role's own tags of the same key (UG/id_session-tags.html).
        tags = _merged_tags(role.tags, session.tags)
        principal = Principal(
            PrincipalType.ASSUMED_ROLE,
            session.account_id,
            session.arn,
            session.role_arn,
            tags=tuple((t.key, t.value) for t in tags),
        )
        return Caller(principal, session.account_id, session.access_key_id, session=session)


def _orphaned_session() -> AwsError:
    """A session whose role or user no longer exists: its token no longer authenticates.

    Sessions belong to the unique id of the role or user they were issued for
    (UG/reference_identifiers.html#identifiers-unique-ids): once that id is gone, the session is
    nobody's, whether or not a new role or user took the name. Refusing it as an invalid token
    (STS/CommonErrors.html InvalidClientTokenId), for every operation GetCallerIdentity included,
    is what this server already answers for a long-term key whose user is gone; a session that
    kept authenticating would show the old id in GetCallerIdentity while being judged by whatever
    now holds the name.
    """
    return invalid_token()


def anonymous_caller() -> Caller:
    """An unsigned request: judged by resource policies alone."""
    return Caller(Principal.anonymous(), "anonymous", "")


def _user_principal(user: User, tags: tuple[Tag, ...]) -> Principal:
    return Principal(
        PrincipalType.USER,
        user.account_id,
        user.arn,
        user.arn,
        tags=tuple((t.key, t.value) for t in tags),
    )


def _merged_tags(role_tags: tuple[Tag, ...], session_tags: tuple[Tag, ...]) -> tuple[Tag, ...]:
    overridden = {t.key.lower() for t in session_tags}
    return (*(t for t in role_tags if t.key.lower() not in overridden), *session_tags)
