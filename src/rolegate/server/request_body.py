"""The request body as the app reads it: each wait bounded, and whether it was read to the end.

Two transport rules hang on it. A body that stops arriving for `timeout` seconds ends the
request with `400 RequestTimeout` (S3's answer) instead of holding the task, the socket and any
temp file forever. And an answer that starts before the body was read to the end closes the
connection (RFC 9110 §10.1.1 on `Expect: 100-continue`; S3 does the same): otherwise the unread
body, or the client's next request sent in its place, would be parsed as the next request.
"""

from __future__ import annotations

import asyncio

from rolegate.server.asgi import Message, Receive, Send
from rolegate.server.transport_errors import request_timeout

_CLOSE = (b"connection", b"close")


def has_body(headers: tuple[tuple[bytes, bytes], ...]) -> bool:
    """Whether the request announces a body (a non-zero Content-Length, or any
    Transfer-Encoding). Requests without one, most GETs, skip the wrappers below entirely."""
    for name, value in headers:
        if name == b"content-length":
            return value.strip() not in (b"0", b"")
        if name == b"transfer-encoding":
            return True
    return False


class RequestBody:
    __slots__ = ("_receive", "_send", "_timeout", "complete")

    def __init__(self, receive: Receive, send: Send, timeout: float) -> None:
        self._receive = receive
        self._send = send
        self._timeout = timeout
        self.complete = False

    async def receive(self) -> Message:
        try:
            async with asyncio.timeout(self._timeout):
                message = await self._receive()
        except TimeoutError:
            raise request_timeout() from None
        if message["type"] != "http.request" or not message.get("more_body", False):
            self.complete = True
        return message

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start" and not self.complete:
            message = {**message, "headers": [*message.get("headers", ()), _CLOSE]}
        await self._send(message)
