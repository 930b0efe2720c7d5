"""S3 over REST-XML: route, authenticate, authorize, stream the body in and the object out.

Every request is authorized through the engine before its handler runs (API-specific checks such
as DeleteObjects' per-key judgement happen in the handler), every answer lands in the audit log,
and any failure is S3's `<Error>` document, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import datetime

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.chunk_signing import ChunkSigning
from rolegate.aws.s3.errors import not_implemented, s3_credential_error
from rolegate.aws.s3.routing import S3Target, parse_query, resolve
from rolegate.aws.s3.verified_body import VerifiedBody
from rolegate.aws.s3.xml import error_body
from rolegate.aws.sigv4 import HttpRequest, check_service, parse_auth
from rolegate.model import Bucket
from rolegate.server.asgi import Receive, Send, body_chunks, send_response
from rolegate.server.audit_entry import AuditTrail
from rolegate.server.authenticate import Authenticator, anonymous_caller
from rolegate.server.transport_errors import s3_internal_error
from rolegate.services import s3 as s3_operations
from rolegate.services.authz import Authorizer, Judgement
from rolegate.services.request_context import request_context
from rolegate.services.s3.authorize import (
    S3Authorizer,
    check_expected_owner,
    require_owner_account,
    s3_access_denied,
)
from rolegate.services.s3.call import S3Call, S3Reply
from rolegate.services.s3.condition_keys import (
    resource_account_context,
    signature_context,
    write_context,
)
from rolegate.services.s3.errors import no_such_bucket
from rolegate.services.s3.listing import listing_context
from rolegate.services.s3.service import S3Service
from rolegate.services.s3.versions import requested_version
from rolegate.store.audit_log import AuditLog, AuditUnavailable

log = logging.getLogger("rolegate.server")
_LISTINGS = frozenset({"ListObjects", "ListObjectsV2"})


def header_map(headers: tuple[tuple[bytes, bytes], ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for raw_name, raw_value in headers:
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        found[name] = f"{found[name]},{value}" if name in found else value
    return found


async def _stream(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    try:
        for chunk in chunks:
            yield chunk
    finally:
        # A client that goes away mid-body must not leave its blob files open.
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


class S3Endpoint:
    def __init__(
        self,
        service: S3Service,
        authenticator: Authenticator,
        authorizer: Authorizer,
        audit: AuditLog,
        base_hosts: tuple[str, ...],
    ) -> None:
        self.service = service
        self._authenticator = authenticator
        self._s3_authorizer = S3Authorizer(authorizer)
        self._audit = audit
        self._base_hosts = base_hosts

    async def handle(
        self,
        request: HttpRequest,
        receive: Receive,
        send: Send,
        now: datetime,
        request_id: str,
        client_ip: str,
        refusal: AwsError | None = None,
        secure: bool = False,
    ) -> None:
        """Serve one request; `refusal`, when given, is the answer the transport already
        decided (an overloaded server's SlowDown), sent in S3's shape and audited the same."""
        trail = AuditTrail()
        target: S3Target | None = None
        headers = header_map(request.headers)
        head = request.method == "HEAD"
        # Once the reply's status line is on its way no error document can follow it: a failure
        # mid-stream ends the connection (uvicorn closes an unfinished answer) and is audited.
        answering = False
        try:
            query = parse_query(request.query_string)
            target = self._target(request, headers, query)
            if refusal is not None:
                raise refusal
            call = self._prepare(
                request, headers, query, target, receive, now, request_id, client_ip, trail, secure
            )
            handler = s3_operations.OPERATIONS[target.operation]
            reply = await handler(self.service, call)
            status = reply.status
            answering = True
            await self._send_reply(send, reply, request_id, head)
            error_code = None
        except AwsError as error:
            status, error_code = error.status, error.code
            if not answering:
                await self._send_error(send, error, request_id, request, head)
        except ConnectionResetError:
            status, error_code = 499, "ClientDisconnected"
        except Exception:
            log.exception("internal error in s3 %s", target.operation if target else "")
            failure = s3_internal_error()
            status, error_code = failure.status, failure.code
            if not answering:
                await self._send_error(send, failure, request_id, request, head)
        entry = trail.entry_for(
            now,
            request_id,
            client_ip,
            "s3",
            target.operation if target else "",
            status,
            error_code,
        )
        try:
            self._audit.append(entry)
        except AuditUnavailable:
            # The answer is already on the wire (a GET streams before its status is final):
            # all that is left is to say so where the operator looks.
            log.exception("audit line not written for s3 %s", entry["operation"])

    def _target(
        self, request: HttpRequest, headers: Mapping[str, str], query: Mapping[str, list[str]]
    ) -> S3Target:
        target = resolve(
            request.method,
            request.raw_path,
            query,
            headers.get("host"),
            self._base_hosts,
            copy_source="x-amz-copy-source" in headers,
        )
        if target.operation not in s3_operations.OPERATIONS:
            raise not_implemented(subresource=target.operation)
        return target

    def _prepare(
        self,
        request: HttpRequest,
        headers: Mapping[str, str],
        query: Mapping[str, list[str]],
        target: S3Target,
        receive: Receive,
        now: datetime,
        request_id: str,
        client_ip: str,
        trail: AuditTrail,
        secure: bool,
    ) -> S3Call:
        auth = parse_auth(request, default_service="s3")
        streaming: ChunkSigning | None = None
        if auth is None:
            caller = anonymous_caller()
            # Unsigned, but a body that names its SHA-256 is still held to it.
            payload_hash = headers.get("x-amz-content-sha256")
        else:
            # A signature is for one service: one made for STS or IAM (a presigned
            # GetCallerIdentity URL handed out as proof of identity) is no S3 request, whatever
            # route its unsigned spelling took here. Checked before the key is looked up.
            check_service(auth, "s3")
            payload_hash = auth.payload_hash
            try:
                caller, secret = self._authenticator.authenticate_with_secret(
                    auth, request, None, now
                )
            except AwsError as error:
                raise s3_credential_error(
                    error, auth.scope.access_key_id, bool(auth.security_token)
                ) from None
            if (auth.payload_hash or "").startswith("STREAMING-AWS4-HMAC-SHA256"):
                streaming = ChunkSigning.for_request(self._authenticator.verifier, auth, secret)
        trail.identify(caller)  # from here on, a refusal's audit line names the caller
        prefetched = None
        if target.operation in s3_operations.READS_OBJECT and target.bucket and target.key:
            bucket, prefetched = self.service.objects.get_bucket_and_object(
                target.bucket, target.key
            )
        else:
            bucket = self.service.objects.get_bucket(target.bucket) if target.bucket else None
        if (
            target.bucket
            and bucket is None
            and target.operation not in s3_operations.CREATES_BUCKET
        ):
            raise no_such_bucket(target.bucket)
        context = request_context(caller, now, client_ip, self.service.region, secure)
        # A bucket about to be created is the caller's, whoever owns one of that name now.
        if bucket is not None and target.operation not in s3_operations.CREATES_BUCKET:
            context.update(resource_account_context(bucket))
        s3_authorizer = self._s3_authorizer

        def judge(action: str, resource: str, policy_bucket: Bucket | None) -> Judgement:
            # Another bucket (CopyObject's source) is judged with its own owner's account.
            judged_context = (
                context
                if policy_bucket is None or policy_bucket is bucket
                else {**context, **resource_account_context(policy_bucket)}
            )
            judgement = s3_authorizer.judge_action(
                caller, action, resource, policy_bucket, judged_context
            )
            trail.record(action, resource, judgement.result)
            return judgement

        call = S3Call(
            operation=target.operation,
            bucket_name=target.bucket,
            key=target.key,
            bucket=bucket,
            caller=caller,
            headers=headers,
            query=query,
            # The only way a handler reaches the body: checked against what the request signed.
            body=VerifiedBody(body_chunks(receive), headers, payload_hash, streaming),
            now=now,
            request_id=request_id,
            region=self.service.region,
            judge=judge,
            prefetched=prefetched,
        )
        if target.operation in _LISTINGS:
            context.update(listing_context(call))
        if auth is not None:
            context.update(signature_context(auth, now))
        context.update(write_context(target.operation, headers))
        # `versionId` is checked, and changes the action, before anything is judged.
        version_id = requested_version(target.operation, query)
        if target.operation not in s3_operations.SELF_AUTHORIZED:
            # A bucket about to be created is the caller's: someone else's bucket of that name
            # (and its policy) plays no part in deciding whether the caller may create one.
            owner_bucket = None if target.operation in s3_operations.CREATES_BUCKET else bucket
            judgement = s3_authorizer.judge(
                caller,
                target.operation,
                target.bucket,
                target.key,
                owner_bucket,
                context,
                version_id,
            )
            trail.record(judgement.action, judgement.resource, judgement.result)
            if not judgement.allowed:
                raise s3_access_denied(caller, judgement)
            require_owner_account(caller, target.operation, owner_bucket, request.method)
        if target.operation not in s3_operations.CREATES_BUCKET:
            check_expected_owner(headers.get("x-amz-expected-bucket-owner"), bucket)
        return call

    async def _send_reply(self, send: Send, reply: S3Reply, request_id: str, head: bool) -> None:
        headers = [(b"x-amz-request-id", request_id.encode())]
        headers.extend(
            (name.encode("latin-1"), value.encode("utf-8")) for name, value in reply.headers
        )
        if isinstance(reply.body, bytes):
            if reply.content_type is not None:
                headers.append((b"content-type", reply.content_type.encode()))
            if not any(name.lower() == "content-length" for name, _ in reply.headers):
                headers.append((b"content-length", str(len(reply.body)).encode()))
            await send_response(send, reply.status, headers, reply.body, head=head)
            return
        await send_response(send, reply.status, headers, _stream(reply.body), head=head)

    async def _send_error(
        self, send: Send, error: AwsError, request_id: str, request: HttpRequest, head: bool
    ) -> None:
        resource = request.raw_path.decode("latin-1")
        body = b"" if head else error_body(error, request_id, resource)
        headers = [
            (b"x-amz-request-id", request_id.encode()),
            (b"content-type", b"application/xml"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send_response(send, error.status, headers, body, head=head)
