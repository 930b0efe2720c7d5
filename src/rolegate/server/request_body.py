"""The request body as the app reads it: each wait bounded, and whether it was read to the end.

Two transport rules hang on it. A body that stops arriving for `timeout` seconds ends the
request with `400 RequestTimeout` (S3's answer) instead of holding the task, the socket and any
temp file forever; and one that keeps arriving too slowly to matter, a byte every few seconds,
ends the same way once it has had `grace` seconds: past them the body must have averaged
`min_rate` bytes a second of the time spent waiting for it (Apache's mod_reqtimeout does this,
`body=20,MinRate=500`). Only the waits count: time the app spends on what it read (a fsync, a
full disk queue) is not the client's. And an answer that starts before the body was read to the end closes the
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
    __slots__ = (
        "_grace",
        "_min_rate",
        "_receive",
        "_received",
        "_send",
        "_timeout",
        "_waited",
        "complete",
    )

    def __init__(
        self,
        receive: Receive,
        send: Send,
        timeout: float,
        min_rate: float = 0.0,
        grace: float = 0.0,
    ) -> None:
        self._receive = receive
        self._send = send
        self._timeout = timeout
        self._min_rate = min_rate  # bytes a second; 0: no minimum
        self._grace = grace
        self._received = 0
        self._waited = 0.0
        self.complete = False

    async def receive(self) -> Message:
        timeout = self._timeout
        if self._min_rate > 0:
            # The waiting the bytes so far have earned: the grace, plus a second for every
            # `min_rate` bytes. Past it the average is below the minimum.
            allowed = self._grace + self._received / self._min_rate - self._waited
            if allowed <= 0:
                raise request_timeout()
            timeout = min(timeout, allowed)
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            async with asyncio.timeout(timeout):
                message = await self._receive()
        except TimeoutError:
            raise request_timeout() from None
        self._waited += loop.time() - started
        self._received += len(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body", False):
            self.complete = True
        return message

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start" and not self.complete:
            message = {**message, "headers": [*message.get("headers", ()), _CLOSE]}
        await self._send(message)
