"""ASGI types and the small helpers every endpoint uses to answer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Set in the ASGI scope of a request on a connection past the server's `max_connections`: the
# app answers it `503 SlowDown` (see `connection`).
OVER_LIMIT = "rolegate.over_limit"


async def send_response(
    send: Send,
    status: int,
    headers: list[tuple[bytes, bytes]],
    body: bytes | AsyncIterator[bytes] = b"",
    *,
    head: bool = False,
) -> None:
    """Send a whole or streamed body; for HEAD, the headers only."""
    await send({"type": "http.response.start", "status": status, "headers": headers})
    if head or isinstance(body, bytes):
        await send({"type": "http.response.body", "body": b"" if head else body})
        return
    async for chunk in body:
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def body_chunks(receive: Receive) -> AsyncIterator[bytes]:
    """The request body as it arrives, never held whole."""
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionResetError("client disconnected")
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
        more = message.get("more_body", False)
