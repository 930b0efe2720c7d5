"""The HTTP connection: uvicorn's httptools protocol with the bounds S3 keeps.

uvicorn times out idle keep-alive connections and nothing else: a client that opens a socket
and sends half a request line holds it, and a slot, forever, and a few hundred such sockets shut
everyone else out. Here a request's headers have a deadline (`400 RequestTimeout` when some
arrived, a silent close when none did); an answer the client stops reading is dropped after as
long as a stalled body gets; and each process keeps at most `max_connections` open: requests on
connections past the bound get S3's `503 SlowDown`, which SDKs back off and retry, and the
connection closes. (Bodies have their own idle timeout, in `request_body`.)

A request's line and headers are bounded too (`MAX_REQUEST_HEAD`): the HTTP parser keeps a
header it has not seen the end of, so without a bound one header line grows the process by as
many bytes as the client cares to send.

A connection closed while the client is still sending a body it was answered before (a refused
upload sent without `Expect: 100-continue`) is closed *lingering*, as nginx and S3 do: the write
side is shut after the answer and what still arrives is read and dropped for a few seconds. A
plain close with unread bytes makes the kernel send a reset, and the client loses the very answer
that explains the refusal.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any, cast

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.xml import error_body
from rolegate.server.asgi import OVER_LIMIT
from rolegate.server.config import (
    DEFAULT_BODY_TIMEOUT_SECONDS,
    DEFAULT_HEADER_TIMEOUT_SECONDS,
    DEFAULT_MAX_CONNECTIONS,
)
from rolegate.server.transport_errors import header_section_too_large, request_timeout
from rolegate.services.ids import request_id

# How long a lingering close waits for the client to stop sending: in all, and between reads.
LINGER_SECONDS = 10.0
LINGER_IDLE_SECONDS = 2.0
# The request line and headers together. S3 allows 8 KiB of headers; the request line is
# counted here too, and a presigned URL carrying a session token can be long.
MAX_REQUEST_HEAD = 16 * 1024


class TransportConfig(uvicorn.Config):
    """uvicorn's settings plus ours; pickled whole to worker processes, like its own."""

    def __init__(
        self,
        app: Any,
        *,
        header_timeout: float = DEFAULT_HEADER_TIMEOUT_SECONDS,
        send_timeout: float = DEFAULT_BODY_TIMEOUT_SECONDS,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        **options: Any,
    ) -> None:
        super().__init__(app, http=BoundedHttpProtocol, **options)
        self.header_timeout = header_timeout
        self.send_timeout = send_timeout
        self.max_connections = max_connections


class BoundedHttpProtocol(HttpToolsProtocol):
    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._header_timeout: float = getattr(
            config, "header_timeout", DEFAULT_HEADER_TIMEOUT_SECONDS
        )
        self._send_timeout: float = getattr(config, "send_timeout", DEFAULT_BODY_TIMEOUT_SECONDS)
        self._max_connections: int = getattr(config, "max_connections", DEFAULT_MAX_CONNECTIONS)
        self._header_timer: asyncio.TimerHandle | None = None
        self._send_timer: asyncio.TimerHandle | None = None
        self._awaiting_headers = False
        self._over_limit = False
        self._lingering: _Linger | None = None
        self._head_bytes = 0  # of the request whose headers are still arriving
        self._began_in_read = False  # whether a request began in the read being parsed

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # Request cycles close the connection through this transport; see `_LingeringTransport`.
        self._closer = _LingeringTransport(transport, self)
        # The wrapper has the part of asyncio.Transport that uvicorn uses and forwards the rest.
        self.transport = cast(asyncio.Transport, self._closer)
        self._over_limit = len(self.connections) > self._max_connections
        # The first request's headers are due within the timeout of the connection opening.
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        self._disarm_send_timer()
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        # The client stopped reading the answer (its socket and our buffer are full): it gets
        # as long as a stalled body does, then the connection is dropped, not held open.
        super().pause_writing()
        if self._send_timer is None:
            self._send_timer = self.loop.call_later(self._send_timeout, self._send_timed_out)

    def resume_writing(self) -> None:
        self._disarm_send_timer()
        super().resume_writing()

    def _disarm_send_timer(self) -> None:
        if self._send_timer is not None:
            self._send_timer.cancel()
            self._send_timer = None

    def _send_timed_out(self) -> None:
        self._send_timer = None
        # abort, not close: close would wait for the very buffer the client does not drain.
        self.transport.abort()

    def data_received(self, data: bytes) -> None:
        if self._lingering is not None:
            self._lingering.dropped(len(data))
            return
        self._began_in_read = False
        super().data_received(data)
        if self._awaiting_headers:
            if self._began_in_read:
                # The request began in this read, after whatever came before it: pipelined
                # requests, each ended by an empty line. A head has no empty line until it is
                # complete, so at most the bytes after the read's last one are its own (counting
                # the whole read made the 2,000th small pipelined GET "too large", answered
                # ahead of the 1,999 before it).
                last_end = data.rfind(b"\r\n\r\n")
                self._head_bytes = len(data) - (last_end + 4 if last_end >= 0 else 0)
            else:
                self._head_bytes += len(data)
            if self._head_bytes > MAX_REQUEST_HEAD and not self.transport.is_closing():
                self._disarm_header_timer()
                self.transport.write(_raw_error(header_section_too_large(MAX_REQUEST_HEAD)))
                # The client is still sending its header: a plain close would reset the
                # connection under the answer.
                self._closer.close(linger=True)
                return
        # Only a request whose headers are still incomplete after this read gets a timer, so
        # the usual request (headers in one read) pays nothing for it.
        if self._awaiting_headers and self._header_timer is None:
            self._arm_header_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._awaiting_headers = True
        self._began_in_read = True
        self._head_bytes = 0

    def on_headers_complete(self) -> None:
        self._awaiting_headers = False
        self._disarm_header_timer()
        if self._over_limit:
            # The app answers `503 SlowDown` in the service's own shape, with an audit line,
            # and the connection closes after it.
            self.scope[OVER_LIMIT] = True  # type: ignore[literal-required]  # our own key
        super().on_headers_complete()
        if self._over_limit and self.cycle is not None:
            self.cycle.keep_alive = False

    def body_unread(self) -> bool:
        """Whether the current request's body is still (or may still be) on its way."""
        return self.cycle is not None and self.cycle.more_body

    def linger(self, transport: asyncio.Transport) -> None:
        """Stop parsing, shut our side after the answer, drop what the client still sends."""
        self._disarm_header_timer()
        self._lingering = _Linger(transport, self.loop)
        transport.resume_reading()  # flow control may have paused it while the body was unread
        transport.write_eof()

    def _arm_header_timer(self) -> None:
        self._header_timer = self.loop.call_later(self._header_timeout, self._headers_timed_out)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_timed_out(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            # A pipelined request is late while the one before it is still answering: that
            # answer finishes first (its body has its own timeout).
            self._arm_header_timer()
            return
        if self._awaiting_headers:
            # Part of a request came: say why it ends. Nothing at all came: a pooled socket
            # never used, which a 400 would only confuse when the client does write to it.
            self.transport.write(_raw_error(request_timeout()))
        self.transport.close()


class _Linger:
    """The closing of one connection: ends after `LINGER_SECONDS` in all, or once the client
    has been quiet for `LINGER_IDLE_SECONDS` (its EOF ends it at once: asyncio closes the
    transport when the protocol's `eof_received` returns nothing)."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._deadline = loop.time() + LINGER_SECONDS
        self._timer = loop.call_later(LINGER_IDLE_SECONDS, self._close)

    def dropped(self, size: int) -> None:
        self._timer.cancel()
        wait = min(LINGER_IDLE_SECONDS, self._deadline - self._loop.time())
        self._timer = self._loop.call_later(max(wait, 0.0), self._close)

    def _close(self) -> None:
        self._transport.close()


class _LingeringTransport:
    """The connection's transport as uvicorn's request cycles see it: `close` lingers when the
    answered request's body has not all arrived (see the module docstring)."""

    __slots__ = ("_closing", "_protocol", "_transport")

    def __init__(self, transport: asyncio.Transport, protocol: BoundedHttpProtocol) -> None:
        self._transport = transport
        self._protocol = protocol
        self._closing = False

    def write(self, data: bytes) -> None:
        if self._closing:
            # Closed (or lingering, its write side shut): answers to requests pipelined behind
            # the last one have no one to go to, and writing would raise in the request cycle.
            return
        self._transport.write(data)

    def is_closing(self) -> bool:
        return self._closing or self._transport.is_closing()

    def close(self, *, linger: bool = False) -> None:
        if self._closing:
            return
        self._closing = True
        if (linger or self._protocol.body_unread()) and self._transport.can_write_eof():
            self._protocol.linger(self._transport)
        else:
            self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def _raw_error(error: AwsError) -> bytes:
    body = error_body(error, request_id(), None)
    head = (
        f"HTTP/1.1 {error.status} {HTTPStatus(error.status).phrase}\r\n"
        "content-type: application/xml\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body
