"""A bare ASGI app for stack_bench.py: the same answers under uvicorn and under granian.

- GET /small: 1 KiB from memory;
- GET /big: the file named by STACK_BIG, in 1 MiB `pread`s, or with `http.response.pathsend`
  when STACK_GET=pathsend and the server advertises it in scope["extensions"];
- GET /pathsend-then-unlink: a hard link to STACK_BIG sent with pathsend and removed as soon as
  `send` returns, which is what releasing a blob pin after `send` would do (the status the
  client gets tells whether the server had opened the file by then);
- PUT /discard: the body read and thrown away; PUT /fsync: written to a file in STACK_TMP,
  fsynced and removed (the least a durable store does).
Configured through the environment: both servers import the app in a worker process.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from upload_sink import lifespan

Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

CHUNK = 1 << 20
SMALL = os.urandom(1024)
PATHSEND = "http.response.pathsend"


async def _answer(send: Send, status: int, body: bytes, *extra: tuple[bytes, bytes]) -> None:
    headers = [(b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _start(send: Send, size: int) -> None:
    headers = [(b"content-length", str(size).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})


async def _send_file(scope: Scope, send: Send, path: str, pathsend: bool) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        await _start(send, size)
        if pathsend and PATHSEND in scope.get("extensions", {}):
            await send({"type": PATHSEND, "path": path})
            return
        offset = 0
        while offset < size:
            chunk = os.pread(fd, min(CHUNK, size - offset), offset)
            offset += len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        os.close(fd)


async def _take(receive: Receive, fd: int | None) -> int:
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return size
        body = message.get("body", b"")
        if fd is not None and body:
            os.write(fd, body)
        size += len(body)
        more = message.get("more_body", False)
    return size


def app_from_environment() -> App:
    big = os.environ.get("STACK_BIG", "")
    pathsend = os.environ.get("STACK_GET") == "pathsend"
    scratch = os.environ.get("STACK_TMP") or tempfile.gettempdir()
    links = itertools.count()

    async def pathsend_then_unlink(scope: Scope, send: Send) -> None:
        if PATHSEND not in scope.get("extensions", {}):
            await _answer(send, 501, b"")
            return
        link = os.path.join(scratch, f"link-{os.getpid()}-{next(links)}")
        os.link(big, link)
        await _start(send, os.stat(link).st_size)
        try:
            await send({"type": PATHSEND, "path": link})
        finally:
            os.unlink(link)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        path = scope["path"]
        if scope["method"] == "GET":
            if path == "/small":
                await _answer(send, 200, SMALL, (b"content-type", b"application/octet-stream"))
            elif path == "/big" and big:
                await _send_file(scope, send, big, pathsend)
            elif path == "/pathsend-then-unlink" and big:
                await pathsend_then_unlink(scope, send)
            else:
                await _answer(send, 404, b"")
            return
        if path == "/fsync":
            fd, name = tempfile.mkstemp(dir=scratch)
            try:
                size = await _take(receive, fd)
                os.fsync(fd)
            finally:
                os.close(fd)
                os.unlink(name)
        else:
            size = await _take(receive, None)
        await _answer(send, 200, b"", (b"x-received", str(size).encode()))

    return app
