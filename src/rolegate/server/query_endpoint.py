"""IAM and STS over the Query protocol: form in, operation table, XML out, one audit line each."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping

from rolegate.aws.errors import AwsError, internal_error
from rolegate.aws.query import QueryProtocol, encode_policy_document, parse_form
from rolegate.aws.sigv4 import SignedAuth, check_service
from rolegate.model import SessionKind
from rolegate.server.audit_entry import AuditTrail
from rolegate.server.authenticate import Authenticator, missing_authentication
from rolegate.server.exchange import Answer, Exchange
from rolegate.services.authz import Authorizer, raise_unless_allowed
from rolegate.services.call import Call, Caller, Operation
from rolegate.services.request_context import request_context
from rolegate.services.sts.tokens import invalid_token
from rolegate.store.audit_log import AuditLog, AuditUnavailable

log = logging.getLogger("rolegate.server")

# IAM returns policy documents URL-encoded in these members (IAM API reference, e.g. GetRole:
# "AssumeRolePolicyDocument ... URL-encoded compliant with RFC 3986").
_ENCODED_DOCUMENT_MEMBERS = frozenset({"AssumeRolePolicyDocument", "PolicyDocument", "Document"})
# IAM is a global service: requests are evaluated in us-east-1 (aws:RequestedRegion).
_GLOBAL_SERVICE_REGION = {"iam": "us-east-1"}


class QueryEndpoint:
    def __init__(
        self,
        protocol: QueryProtocol,
        operations: Mapping[str, Operation],
        authenticator: Authenticator,
        authorizer: Authorizer,
        audit: AuditLog,
        region: str,
    ) -> None:
        self.protocol = protocol
        self._operations = operations
        self._authenticator = authenticator
        self._authorizer = authorizer
        self._audit = audit
        self._region = _GLOBAL_SERVICE_REGION.get(protocol.service_name, region)
        self._encode_documents = protocol.service_name == "iam"
        # STS/API_GetSessionToken.html: its credentials "cannot call any IAM API operations unless
        # MFA authentication information is included"; rolegate takes no MFA, so never. AWS
        # answers such a call as if the token were unknown (InvalidClientTokenId).
        self._refuses_user_sessions = protocol.service_name == "iam"

    def handle(self, exchange: Exchange, auth: SignedAuth | None) -> Answer:
        trail = AuditTrail()
        operation = ""
        try:
            form = parse_form(exchange.body, exchange.request.query_string)
            operation = self.protocol.operation_of(form)
            # Authenticated before the params are read: typing and validating a 1 MiB form of
            # 100,000 list members took 0.25 s and answered a 10 MB ValidationError, to anyone.
            # AWS authenticates first too: an unsigned request is MissingAuthenticationToken
            # whatever its params (IAM/latest/APIReference/CommonErrors.html).
            if auth is None:
                raise missing_authentication()
            # The router picks this endpoint by the scope's service; kept true here as well.
            check_service(auth, self.protocol.service_name)
            caller = self._authenticator.authenticate(
                auth, exchange.request, hashlib.sha256(exchange.body).hexdigest(), exchange.now
            )
            trail.identify(caller)
            session = caller.session
            if (
                self._refuses_user_sessions
                and session is not None
                and session.kind is SessionKind.USER
            ):
                raise invalid_token()
            params = self.protocol.read_params(operation, form)
            result = self._run(exchange, operation, params, caller, trail)
            body = self.protocol.serialize_response(operation, result, exchange.request_id)
            answer = Answer(200, body)
            error_code = None
        except AwsError as error:
            answer = Answer(error.status, self.protocol.serialize_error(error, exchange.request_id))
            error_code = error.code
        except Exception:
            # Never a traceback on the wire: the client gets AWS's InternalFailure shape.
            log.exception("internal error in %s %s", self.protocol.service_name, operation)
            answer, error_code = self._internal_failure(exchange), internal_error().code
        return self._audited(exchange, trail, operation, answer, error_code)

    def refuse(self, exchange: Exchange, error: AwsError) -> Answer:
        """An answer given before the operation could run (a malformed Authorization header, an
        unknown service, a body too large or too slow): in this service's shape, and audited."""
        operation = _action_named(exchange)
        answer = Answer(error.status, self.protocol.serialize_error(error, exchange.request_id))
        return self._audited(exchange, AuditTrail(), operation, answer, error.code)

    def _audited(
        self,
        exchange: Exchange,
        trail: AuditTrail,
        operation: str,
        answer: Answer,
        error_code: str | None,
    ) -> Answer:
        """The answer, once its audit line is written. When it cannot be (a full disk), the
        request fails instead, in this service's shape: no credentials or IAM results are
        handed out unrecorded. (A change the operation already committed stays committed.)"""
        entry = trail.entry(
            exchange,
            self.protocol.service_name,
            operation,
            answer.status,
            error_code,
        )
        try:
            self._audit.append(entry)
        except AuditUnavailable:
            log.exception("audit line not written for %s %s", self.protocol.service_name, operation)
            return self._internal_failure(exchange)
        return answer

    def _internal_failure(self, exchange: Exchange) -> Answer:
        failure = internal_error()
        return Answer(failure.status, self.protocol.serialize_error(failure, exchange.request_id))

    def _run(
        self,
        exchange: Exchange,
        operation: str,
        params: Mapping[str, object],
        caller: Caller,
        trail: AuditTrail,
    ) -> Mapping[str, object]:
        handler = self._operations.get(operation)
        if handler is None:
            raise AwsError(
                "InvalidAction",
                f"The action {operation} is not valid for this web service "
                f"(rolegate does not implement it yet).",
            )
        context = request_context(
            caller, exchange.now, exchange.client_ip, self._region, exchange.secure
        )
        authorizer = self._authorizer

        def authorize(action: str, resource: str, keys: Mapping[str, object] | None = None) -> None:
            # The global keys win: an operation's keys add to them, never replace them.
            asked = {**keys, **context} if keys else context
            judgement = authorizer.judge(caller, action, resource, asked)
            trail.record(action, resource, judgement.result)
            raise_unless_allowed(caller, judgement)

        call = Call(
            operation=operation,
            params=params,
            caller=caller,
            now=exchange.now,
            request_id=exchange.request_id,
            region=self._region,
            source_ip=exchange.client_ip,
            authorize=authorize,
            context=context,
            record=trail.record,
        )
        result = handler(call)
        return _encode_documents(result) if self._encode_documents else result


def _action_named(exchange: Exchange) -> str:
    """The Action the request names, for the audit line of a request refused before parsing;
    "" when the form itself is unreadable."""
    try:
        action = parse_form(exchange.body, exchange.request.query_string).get("Action")
    except AwsError:
        return ""
    return action if isinstance(action, str) else ""


def _encode_documents(value: Mapping[str, object]) -> Mapping[str, object]:
    return {key: _encoded(key, item) for key, item in value.items()}


def _encoded(key: str, value: object) -> object:
    if key in _ENCODED_DOCUMENT_MEMBERS and isinstance(value, str):
        return encode_policy_document(value)
    if isinstance(value, Mapping):
        return _encode_documents(value)
    if isinstance(value, list):
        return [_encoded("", item) for item in value]
    return value
