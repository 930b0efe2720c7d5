"""The ASGI application: one endpoint, requests routed by the service in their SigV4 scope.

A raw ASGI callable rather than a framework: the per-request budget is tens of microseconds
(field notes: uvicorn alone spends ~27 µs), and routing here is one dictionary lookup.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from rolegate.aws.errors import AwsError, internal_error
from rolegate.aws.query import QueryProtocol, parse_form
from rolegate.aws.s3.numbers import saturating_decimal
from rolegate.aws.sigv4 import HttpRequest, parse_auth, service_of
from rolegate.server.asgi import OVER_LIMIT, Receive, Scope, Send
from rolegate.server.authenticate import Authenticator
from rolegate.server.config import ServerConfig
from rolegate.server.exchange import Answer, Exchange
from rolegate.server.query_endpoint import QueryEndpoint
from rolegate.server.request_body import RequestBody, has_body
from rolegate.server.s3_endpoint import S3Endpoint
from rolegate.server.transport_errors import entity_too_large, slow_down
from rolegate.services import sts
from rolegate.services.authz import Authorizer
from rolegate.services.iam import operations as iam_operations
from rolegate.services.ids import request_id
from rolegate.services.s3.service import S3Service
from rolegate.services.sts.tokens import SessionTokens
from rolegate.store import open_metadata_store
from rolegate.store.audit_log import AuditLog
from rolegate.store.blobs import BlobStore
from rolegate.store.objects import ObjectStore
from rolegate.store.open import open_blob_store, open_object_store

# Query-protocol requests are small forms; anything larger is not an IAM or STS call.
MAX_QUERY_BODY = 1024 * 1024
SESSION_TOKEN_KEY = "session-token"
# Orphaned blobs (a crash between a blob's rename and its record's commit) are swept at
# startup; recent ones are spared in case another server on the same data dir is mid-write.
SWEEP_OLDER_THAN_SECONDS = 60.0
FORM_CONTENT_TYPE = b"application/x-www-form-urlencoded"

log = logging.getLogger("rolegate.server")


class RolegateApp:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self._closed = False
        self._shares_data_dir = config.shares_data_dir
        self.store = open_metadata_store(config.data_dir, shared=config.shares_data_dir)
        tokens = SessionTokens(self.store.server_secret(SESSION_TOKEN_KEY))
        authorizer = Authorizer(self.store)
        authenticator = Authenticator(self.store, tokens, config.region)
        self.audit = AuditLog(config.data_dir)
        self._clock_offset = timedelta(seconds=config.clock_offset_seconds)
        self.endpoints: dict[str, QueryEndpoint] = {
            "iam": QueryEndpoint(
                QueryProtocol("iam"),
                iam_operations(self.store),
                authenticator,
                authorizer,
                self.audit,
                config.region,
            ),
            "sts": QueryEndpoint(
                QueryProtocol("sts"),
                sts.operations(self.store, authorizer, tokens),
                authenticator,
                authorizer,
                self.audit,
                config.region,
            ),
        }
        self._sts_actions = self.endpoints["sts"].protocol.operation_names()
        self.objects = open_object_store(config.data_dir)
        self.blobs = open_blob_store(config.data_dir)
        if not config.shares_data_dir:
            # Worker processes start while their siblings serve; their parent sweeps once,
            # before any of them exists (`sweep_orphans`).
            _sweep(self.objects, self.blobs)
        self.s3 = S3Endpoint(
            S3Service(self.objects, self.blobs, config.region, authorizer.principals),
            authenticator,
            authorizer,
            self.audit,
            base_hosts=(
                f"localhost:{config.port}",
                "localhost",
                "s3.amazonaws.com",
                f"s3.{config.region}.amazonaws.com",
            ),
        )

    def now(self) -> datetime:
        return datetime.now(UTC) + self._clock_offset

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            self.close()  # each worker process closes its own stores on shutdown
            return
        if scope["type"] != "http":  # pragma: no cover - websockets are not served
            return
        if self._shares_data_dir:
            # One look per request for the other workers' IAM commits: whatever this request
            # derives from records (callers, policy sets) is then as of its start.
            self.store.refresh_generation()
        request = HttpRequest(
            method=scope["method"],
            raw_path=scope.get("raw_path") or scope["path"].encode(),
            query_string=scope.get("query_string", b""),
            headers=tuple(scope["headers"]),
        )
        client = scope.get("client")
        client_ip = client[0] if client else "127.0.0.1"
        # aws:SecureTransport: rolegate itself speaks plain HTTP, so this is true only when a
        # --trusted-proxy that terminated TLS says so (uvicorn sets the scheme from its
        # X-Forwarded-Proto; from anyone else the header is ignored).
        secure = scope.get("scheme") == "https"
        if has_body(request.headers):
            # Requests without a body (most GETs) skip this: nothing to wait for or leave unread.
            body_reader = RequestBody(
                receive,
                send,
                self.config.body_timeout_seconds,
                self.config.body_min_rate,
                self.config.body_rate_grace_seconds,
            )
            receive, send = body_reader.receive, body_reader.send
        refusal = slow_down() if OVER_LIMIT in scope else None
        if self._is_s3(request):
            await self.s3.handle(
                request, receive, send, self.now(), request_id(), client_ip, refusal, secure
            )
            return
        failure: AwsError | None = refusal
        body = b""
        try:
            if failure is None:
                if _declared_length(request.headers) > MAX_QUERY_BODY:
                    raise entity_too_large()  # before `100 Continue` invites the body
                body = await _read_body(receive, MAX_QUERY_BODY)
        except AwsError as error:  # too large, or stalled: answered without reading the rest
            failure = error
        except ConnectionResetError:
            return  # the client went away: there is no one to answer
        exchange = Exchange(
            request=request,
            body=body,
            client_ip=client_ip,
            now=self.now(),
            request_id=request_id(),
            secure=secure,
        )
        answer = self._dispatch(exchange, failure)
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [
                    (b"content-type", answer.content_type),
                    (b"content-length", str(len(answer.body)).encode()),
                    (b"x-amzn-requestid", exchange.request_id.encode()),
                    *answer.headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer.body})

    def _dispatch(self, exchange: Exchange, failure: AwsError | None) -> Answer:
        endpoint = self.endpoints["sts"]
        try:
            auth = parse_auth(exchange.request)
            service = auth.scope.service if auth is not None else self._guess_service(exchange)
            found = self.endpoints.get(service)
            if found is None:
                raise AwsError(
                    "UnknownService", f"rolegate does not serve the {service!r} service.", 400
                )
            endpoint = found
            if failure is not None:
                raise failure
        except AwsError as error:
            return endpoint.refuse(exchange, error)
        except Exception:
            # A bug in reading the auth (an OverflowError from a Date header once) must still
            # be answered in the service's shape and audited, not be uvicorn's bare 500.
            log.exception("internal error before dispatch")
            return endpoint.refuse(exchange, internal_error())
        return endpoint.handle(exchange, auth)

    @staticmethod
    def _is_s3(request: HttpRequest) -> bool:
        """S3 unless the scope names another service or the request is a Query-protocol form."""
        try:
            service = service_of(request)
        except AwsError:  # pragma: no cover - service_of reads, it does not judge
            service = None
        if service is not None:
            return service == "s3"
        if b"Action=" in request.query_string:
            return False
        content_type = next((v for k, v in request.headers if k == b"content-type"), b"")
        return not (
            request.method == "POST"
            and content_type.startswith(FORM_CONTENT_TYPE)
            and request.raw_path == b"/"
        )

    def _guess_service(self, exchange: Exchange) -> str:
        """Unsigned requests carry no scope; the action names the service."""
        form = parse_form(exchange.body, exchange.request.query_string)
        return "sts" if form.get("Action") in self._sts_actions else "iam"

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.audit.close()
        self.store.close()
        self.objects.close()
        self.blobs.close()


def create_app(config: ServerConfig) -> RolegateApp:
    return RolegateApp(config)


def sweep_orphans(config: ServerConfig) -> int:
    """What a single-process app does at startup, for a parent about to start worker processes:
    remove temp files and unreferenced blobs left by a crash. Returns how many went."""
    objects = open_object_store(config.data_dir)
    blobs = open_blob_store(config.data_dir)
    try:
        return _sweep(objects, blobs)
    finally:
        blobs.close()
        objects.close()


def _sweep(objects: ObjectStore, blobs: BlobStore) -> int:
    return blobs.sweep(objects.referenced_blob, older_than=SWEEP_OLDER_THAN_SECONDS)


def _declared_length(headers: tuple[tuple[bytes, bytes], ...]) -> int:
    for name, value in headers:
        if name == b"content-length":
            # The HTTP parser accepts any run of digits: `000...0001` of 5,001 digits made int()
            # raise past its 4,300-digit limit, a plain-text 500 before anything was audited.
            length = saturating_decimal(value.strip().decode("latin-1"), MAX_QUERY_BODY + 1)
            return 0 if length is None else length
    return 0


async def _read_body(receive: Receive, limit: int) -> bytes:
    """The whole body. Past `limit` bytes it raises at once rather than reading on: the answer
    (413) goes out and the connection closes with the rest unread."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionResetError("client disconnected")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise entity_too_large()
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
