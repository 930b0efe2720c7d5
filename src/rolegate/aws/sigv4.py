"""Server-side AWS Signature Version 4: parse a request's auth, then verify it against a secret.

Both forms: the `Authorization` header
(https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html) and the
presigned query string (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html);
the signing steps are https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html.

Pure: no I/O and no clock (the current time is passed in); hashlib, hmac and stdlib text
functions only. Errors are `AwsError`s whose
code and text follow what the service named in the credential scope answers (S3 and the Query
services IAM/STS word the same failure differently); `sigv4_errors` lists them with their sources.
Neither the secret nor the signing key ever reaches a message or a repr.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from rolegate.aws import sigv4_errors as err
from rolegate.aws.sigv4_canonical import (
    ALGORITHM,
    TERMINATOR,
    authorization_fields,
    canonical_headers,
    canonical_payload,
    canonical_query,
    canonical_uri,
    decode_query,
    hmac_hex,
    hmac_states,
    is_sha256_hex,
    parse_amz_date,
    parse_date_header,
    parse_expires,
)

__all__ = [
    "GLOBAL_REGION",
    "CredentialScope",
    "HttpRequest",
    "SigV4Verifier",
    "SignedAuth",
    "check_region",
    "check_service",
    "parse_auth",
    "service_of",
]

GLOBAL_REGION = "us-east-1"  # IAM's signing region, and the verifier's default
_CACHE_LIMIT = 4096  # entries in each cache; past it the cache starts afresh
# Longest credential / signed-header list kept in a cache. Both are read before the signature is
# checked, so an entry's size is the sender's choice: 4,096 credentials of 15 KiB each held
# 120 MB per worker for anyone, and 4,096 signed-header lists of 7,000 names 390 MB for anyone who
# knows an access key id. Real ones are ~60 and ~100-300 characters; longer ones are parsed anew.
_CACHED_CREDENTIAL_MAX = 128
_CACHED_SIGNED_HEADERS_MAX = 1024
_SCOPES: dict[str, CredentialScope] = {}
# Any of these makes a request presigned.
_QUERY_AUTH_KEYS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature")
_QUERY_REQUIRED = (*_QUERY_AUTH_KEYS, "X-Amz-Date", "X-Amz-SignedHeaders")
_USUAL_START = (ALGORITHM + " Credential=").encode()
_USUAL_START_LENGTH = len(_USUAL_START)
_ALGORITHM_LENGTH = len(ALGORITHM)


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """What the ASGI layer hands over. Header names lowercase, in wire order, duplicates kept."""

    method: str
    raw_path: bytes  # percent-encoding intact (ASGI raw_path), without the query string
    query_string: bytes
    headers: tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True, slots=True)
class CredentialScope:
    access_key_id: str
    date: str  # YYYYMMDD
    region: str  # may be empty: some clients sign IAM with no region
    service: str


@dataclass(frozen=True, slots=True)
class SignedAuth:
    """A request's SigV4 auth, parsed but not yet verified."""

    scope: CredentialScope
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: datetime  # tz-aware UTC
    amz_date_text: str  # the string-to-sign's timestamp: X-Amz-Date as sent, or Date as ISO basic
    presigned: bool
    expires_seconds: int | None
    security_token: str | None = field(repr=False)  # a credential: kept out of logs
    payload_hash: str | None  # x-amz-content-sha256 (header, else presigned query parameter)


# The frozen dataclass __init__ sets each field through object.__setattr__: ~1.5 µs for nine
# fields, a sixth of a whole verification. The slots' own setters, looked up by field name, build
# the very same object in half that (a test compares the two).
_SET = {f.name: SignedAuth.__dict__[f.name].__set__ for f in fields(SignedAuth)}
_set_scope, _set_signed, _set_signature = _SET["scope"], _SET["signed_headers"], _SET["signature"]
_set_date, _set_date_text = _SET["amz_date"], _SET["amz_date_text"]
_set_presigned, _set_expires = _SET["presigned"], _SET["expires_seconds"]
_set_token, _set_payload = _SET["security_token"], _SET["payload_hash"]
assert len(_SET) == 9, "a new SignedAuth field must be set in _signed_auth"


def _signed_auth(
    scope: CredentialScope,
    signed_headers: tuple[str, ...],
    signature: str,
    amz_date: datetime,
    amz_date_text: str,
    presigned: bool,
    expires_seconds: int | None,
    security_token: str | None,
    payload_hash: str | None,
) -> SignedAuth:
    auth = object.__new__(SignedAuth)
    _set_scope(auth, scope)
    _set_signed(auth, signed_headers)
    _set_signature(auth, signature)
    _set_date(auth, amz_date)
    _set_date_text(auth, amz_date_text)
    _set_presigned(auth, presigned)
    _set_expires(auth, expires_seconds)
    _set_token(auth, security_token)
    _set_payload(auth, payload_hash)
    return auth


# --- parsing -----------------------------------------------------------------------------------


def parse_auth(request: HttpRequest, default_service: str | None = None) -> SignedAuth | None:
    """The request's SigV4 auth; None when it carries none (anonymous).

    Raises `AwsError` for malformed auth. The error's wording follows the service named in the
    credential scope; when the scope cannot be read, `default_service` (the router's guess)
    decides, else the IAM/STS wording is used.
    """
    table = dict(request.headers)  # a repeated header: the last one wins (the signature covers all)
    authorization = table.get(b"authorization")
    query = request.query_string
    params: dict[str, str] = {}
    presigned = False
    if query and (b"X-Amz-" in query or b"Signature=" in query):
        params = decode_query(query)
        presigned = any(key in params for key in _QUERY_AUTH_KEYS)
    if authorization is not None:
        header = authorization.decode("latin-1").strip()
        if presigned:
            raise err.two_mechanisms(err.service_hint(header, default_service))
        return _parse_header(header, table, default_service)
    if presigned:
        return _parse_query(params, table, default_service)
    if "Signature" in params and "AWSAccessKeyId" in params:
        raise err.unsupported_mechanism(default_service)
    return None


def service_of(request: HttpRequest) -> str | None:
    """The service in the credential scope, or None; cheap enough to route on before parsing.

    It reads the Credential exactly as `parse_auth` will (the first `Credential=` token of the
    header, or the decoded X-Amz-Credential of a presigned query), so the endpoint a request is
    routed to is the one its signature names. A cheaper look at the raw bytes once let
    `X-Amz-%43redential=` (the same canonical query, so the same signature) or an
    `XCredential=` token route a presigned STS GetCallerIdentity URL to S3 as ListBuckets.
    """
    credential: str | None = None
    authorization = dict(request.headers).get(b"authorization")
    if authorization is not None:
        # Token by token as parse_auth reads them (commas and whitespace alike), the first
        # `Credential=` winning; the algorithm before them is parse_auth's to judge.
        if authorization[:_USUAL_START_LENGTH] == _USUAL_START:  # the first token: Credential
            tokens = authorization[_ALGORITHM_LENGTH:].replace(b",", b" ").split(None, 1)[:1]
        else:
            tokens = authorization.replace(b",", b" ").split()[1:]
        for token in tokens:
            if token[:11] == b"Credential=":
                credential = token[11:].decode("latin-1")
                break
    else:
        query = request.query_string
        if query and (b"X-Amz-" in query or b"Signature=" in query):
            credential = decode_query(query).get("X-Amz-Credential")
    if credential is None:
        return None
    parts = credential.split("/")
    return parts[-2] if len(parts) >= 5 and parts[-1] == TERMINATOR else None


def _header_value(table: dict[bytes, bytes], name: bytes) -> str | None:
    value = table.get(name)
    return value.decode("latin-1").strip() if value is not None else None


def _parse_header(
    header: str, table: dict[bytes, bytes], default_service: str | None
) -> SignedAuth:
    algorithm, _, rest = header.partition(" ")
    amz_date, date = table.get(b"x-amz-date"), table.get(b"date")
    if algorithm != ALGORITHM:
        service = err.service_hint(header, default_service)
        raise err.bad_algorithm(service, header, algorithm, has_date=bool(amz_date or date))
    # AWS splits on commas and on whitespace alike: "Credential= AKID/..." is an error there.
    tokens = rest.replace(",", " ").split()
    if (
        len(tokens) == 3
        and tokens[0].startswith("Credential=")
        and tokens[1].startswith("SignedHeaders=")
        and tokens[2].startswith("Signature=")
    ):  # the usual order, read without a dict of every token
        credential, signed, signature = tokens[0][11:], tokens[1][14:], tokens[2][10:]
    else:
        found = authorization_fields(header, tokens, amz_date or date, default_service)
        credential, signed = found["Credential"], found["SignedHeaders"]
        signature = found["Signature"]
    scope = _SCOPES.get(credential)
    if scope is None:
        scope = _parse_credential(credential, err.service_hint(header, default_service), False)
    if amz_date is not None:
        date_text = amz_date.decode("latin-1").strip()
        moment = parse_amz_date(date_text)
    elif date is not None:
        moment = parse_date_header(date.decode("latin-1").strip())
        date_text = moment.strftime("%Y%m%dT%H%M%SZ") if moment is not None else ""
    else:
        raise err.missing_date(scope.service, header)
    if moment is None:
        raise err.missing_date(scope.service, header)
    return _signed_auth(
        scope,
        tuple(signed.split(";")) if signed else (),
        signature,
        moment,
        date_text,
        False,
        None,
        _header_value(table, b"x-amz-security-token"),
        _header_value(table, b"x-amz-content-sha256"),
    )


def _parse_query(
    params: dict[str, str], table: dict[bytes, bytes], default: str | None
) -> SignedAuth:
    credential = params.get("X-Amz-Credential")
    service = err.service_hint(credential, default) if credential is not None else default
    missing = [name for name in _QUERY_REQUIRED if name not in params]
    s3 = service == "s3"
    if s3 and "X-Amz-Expires" not in params:
        missing.append("X-Amz-Expires")
    if missing:
        raise err.incomplete_query(service, missing)
    if params["X-Amz-Algorithm"] != ALGORITHM:
        raise err.query_parameter(service, err.QUERY_ALGORITHM)
    scope = _SCOPES.get(params["X-Amz-Credential"]) or _parse_credential(
        params["X-Amz-Credential"], service, presigned=True
    )
    date_text = params["X-Amz-Date"]
    moment = parse_amz_date(date_text)
    if moment is None:
        raise err.query_parameter(scope.service, err.QUERY_DATE)
    expires = parse_expires(params.get("X-Amz-Expires"), scope.service)
    signed = params["X-Amz-SignedHeaders"]
    token = params.get("X-Amz-Security-Token") or _header_value(table, b"x-amz-security-token")
    content_sha = _header_value(table, b"x-amz-content-sha256")
    return _signed_auth(
        scope,
        tuple(signed.split(";")) if signed else (),
        params["X-Amz-Signature"],
        moment,
        date_text,
        True,
        expires,
        token,
        content_sha if content_sha is not None else params.get("X-Amz-Content-Sha256"),
    )


def _parse_credential(credential: str, service: str | None, presigned: bool) -> CredentialScope:
    parts = credential.split("/")
    if len(parts) != 5:
        raise err.credential_parts(service, credential, presigned)
    key_id, day, region, scope_service, terminator = parts
    if terminator != TERMINATOR:
        raise err.credential_terminator(scope_service, credential, terminator, presigned)
    scope = CredentialScope(key_id, day, region, scope_service)
    if len(credential) <= _CACHED_CREDENTIAL_MAX:
        if len(_SCOPES) >= _CACHE_LIMIT:
            _SCOPES.clear()
        _SCOPES[credential] = scope  # a key signs many requests a day: parse its credential once
    return scope


# --- helpers for the layers above ----------------------------------------------------------------


def check_region(auth: SignedAuth, expected_region: str) -> None:
    """Raise unless the credential scope names `expected_region` (verify() does not check it)."""
    if auth.scope.region != expected_region:
        raise err.wrong_region(
            auth.scope.service, auth.scope.region, expected_region, auth.presigned
        )


def check_service(auth: SignedAuth, expected_service: str) -> None:
    """Raise unless the credential scope names `expected_service` (a router's sanity check)."""
    if auth.scope.service != expected_service:
        raise err.wrong_service(auth.scope.service, expected_service, auth.presigned)


# --- verification --------------------------------------------------------------------------------


class SigV4Verifier:
    """Checks signatures; holds bounded caches of signing keys and signed-header lists only."""

    __slots__ = ("_headers", "_keys", "_max_skew", "_region")

    def __init__(self, max_skew_seconds: int = 900, region: str = GLOBAL_REGION) -> None:
        self._max_skew = max_skew_seconds
        self._region = region  # the server's: S3 and STS requests must be signed for it
        # (secret, date, region, service) -> (signing key, its HMAC inner and outer hash states)
        self._keys: dict[tuple[str, str, str, str], tuple[bytes, Any, Any]] = {}
        self._headers: dict[tuple[str, ...], tuple[list[bytes], bytes]] = {}

    def __repr__(self) -> str:
        return f"SigV4Verifier(max_skew_seconds={self._max_skew}, region={self._region!r})"

    def signing_key(self, secret: str, date: str, region: str, service: str) -> bytes:
        """HMAC chain secret -> date -> region -> service -> aws4_request, cached per scope."""
        return self._signer(secret, date, region, service)[0]

    def _signer(self, secret: str, date: str, region: str, service: str) -> tuple[bytes, Any, Any]:
        cache_key = (secret, date, region, service)
        found = self._keys.get(cache_key)
        if found is None:
            key = hmac.digest(("AWS4" + secret).encode(), date.encode(), "sha256")
            for part in (region, service, TERMINATOR):
                key = hmac.digest(key, part.encode(), "sha256")
            found = (key, *hmac_states(key))
            if len(self._keys) >= _CACHE_LIMIT:
                self._keys.clear()  # crude but bounded; a busy server refills the hot keys at once
            self._keys[cache_key] = found
        return found

    def streaming_context(self, auth: SignedAuth, secret_access_key: str) -> tuple[bytes, str]:
        """(signing key, seed signature) for checking S3 aws-chunked chunk signatures later."""
        scope = auth.scope
        key = self.signing_key(secret_access_key, scope.date, scope.region, scope.service)
        return key, auth.signature

    def verify(
        self,
        auth: SignedAuth,
        request: HttpRequest,
        secret_access_key: str,
        payload_sha256_hex: str | None,
        now: datetime,
    ) -> None:
        """Raise `AwsError` unless the signature is right and timely.

        `payload_sha256_hex`: the body's SHA-256 in hex. Required for every service but S3,
        where the signed payload hash is the x-amz-content-sha256 header (UNSIGNED-PAYLOAD for a
        presigned URL) and None means "take the header"; a body hash given with a hex header
        must equal it (XAmzContentSHA256Mismatch), checked after the signature.
        """
        scope = auth.scope
        service = scope.service
        s3 = service == "s3"
        # The signing key is derived from the region, so a signature for another region is one
        # for another endpoint; AWS refuses it before looking at the signature. IAM is global
        # and signed for us-east-1 (IAM/latest/UserGuide/create-signed-request.html).
        region = GLOBAL_REGION if service == "iam" else self._region
        if scope.region != region:
            raise err.wrong_region(service, scope.region, region, auth.presigned)
        date_text = auth.amz_date_text
        if scope.date != date_text[:8]:
            raise err.scope_date_mismatch(service, scope.date, date_text, auth.presigned)
        self._check_time(auth, now if now.tzinfo is not None else now.replace(tzinfo=UTC), s3)
        signed = self._headers.get(auth.signed_headers)
        if signed is None:
            signed = self._signed_headers(auth.signed_headers, service)
        names, line = signed
        table = dict(request.headers)
        # S3 refuses unsigned x-amz-* headers: else anyone relaying a presigned PUT could add
        # `x-amz-acl: public-read` to it. The set difference leaves few names to look at.
        if s3:
            unsigned = [name for name in table.keys() - names if name[:6] == b"x-amz-"]
            if unsigned:
                raise err.headers_not_signed(sorted(name.decode("latin-1") for name in unsigned))
        payload = canonical_payload(auth.payload_hash, auth.presigned, payload_sha256_hex, s3)
        canonical_request = b"\n".join(
            (
                request.method.encode("latin-1"),
                canonical_uri(request.raw_path, s3),
                canonical_query(request.query_string, auth.presigned),
                canonical_headers(request.headers, names, table),
                line,
                payload.encode("latin-1"),
            )
        )
        string_to_sign = (
            f"{ALGORITHM}\n{date_text}\n{scope.date}/{scope.region}/{service}/{TERMINATOR}\n"
            f"{hashlib.sha256(canonical_request).hexdigest()}"
        ).encode("latin-1")
        _, inner, outer = self._signer(secret_access_key, scope.date, scope.region, service)
        expected = hmac_hex(inner, outer, string_to_sign)
        provided = auth.signature
        if not (provided.isascii() and hmac.compare_digest(expected, provided)):
            raise err.signature_mismatch(service)
        if (
            s3
            and payload_sha256_hex is not None
            and payload.lower() != payload_sha256_hex.lower()
            and is_sha256_hex(payload)
        ):
            raise err.content_sha256_mismatch()

    def _signed_headers(self, signed: tuple[str, ...], service: str) -> tuple[list[bytes], bytes]:
        # UTF-8, not latin-1: a presigned X-Amz-SignedHeaders is percent-decoded as UTF-8 and
        # may name `€`, which latin-1 cannot encode (a 500 once). No header on the wire has such
        # a name, so the signature simply does not match.
        names = [name.lower().encode("utf-8") for name in signed]
        if b"host" not in names:
            raise err.host_not_signed(service)
        line = ";".join(signed).encode("utf-8")
        found = (names, line)
        if len(line) <= _CACHED_SIGNED_HEADERS_MAX:
            if len(self._headers) >= _CACHE_LIMIT:
                self._headers.clear()
            self._headers[signed] = found
        return found

    def _check_time(self, auth: SignedAuth, now: datetime, s3: bool) -> None:
        skew = self._max_skew
        ahead = (auth.amz_date - now).total_seconds()
        if auth.presigned:
            if ahead > skew:
                raise err.not_yet_valid(auth.scope.service, auth.amz_date_text, now, skew, True)
            expires = auth.expires_seconds
            if s3:
                if expires is not None and -ahead > expires:
                    raise err.request_expired()
                return
            # STS lets a presigned request live 15 minutes whatever X-Amz-Expires says
            # (aws/aws-sdk-go#2167); a shorter X-Amz-Expires is honoured here as well.
            window = skew if expires is None else min(expires, skew)
            if -ahead > window:
                raise err.expired(auth.scope.service, auth.amz_date_text, now, window)
            return
        if ahead > skew:
            raise err.not_yet_valid(auth.scope.service, auth.amz_date_text, now, skew, False)
        if -ahead > skew:
            raise err.expired(auth.scope.service, auth.amz_date_text, now, skew)
