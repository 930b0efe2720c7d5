"""The bare upload sink: a raw ASGI app that reads a request's body, discards it and answers 200.

    .venv/bin/python bench/upload_sink.py --port P [--root DIR]

Served by the same stack as `rolegate server` (uvicorn on uvloop and httptools, no access log),
so s3_bench.py's PUT figures for it are what the HTTP layer alone costs: no signature, no policy,
no MD5, no disk. rolegate's PUT is judged against it.

With `--root`, a GET (or HEAD) of /path is also answered from DIR/path the simplest way this stack
allows: the file opened per request, sent in 1 MiB `pread`s (one `bytes=a-b` range honoured).
That is the floor rolegate's GETs stand on — what is left once signatures, policies, metadata and
the audit log are taken away — beside nginx's `sendfile`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import uvicorn

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
CHUNK = 1 << 20


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def _range(headers: list[tuple[bytes, bytes]], size: int) -> tuple[int, int] | None:
    """(start, length) of a `bytes=a-b` or `bytes=a-` Range header, else None."""
    for name, value in headers:
        if name == b"range" and value.startswith(b"bytes="):
            first, _, last = value[6:].partition(b"-")
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
            return start, end - start + 1
    return None


async def _serve_file(root: Path, scope: MutableMapping[str, Any], send: Send) -> None:
    relative = scope["path"].lstrip("/")
    if ".." in relative.split("/"):
        await _answer(send, 400, [(b"content-length", b"0")])
        return
    try:
        fd = os.open(root / relative, os.O_RDONLY)
    except OSError:
        await _answer(send, 404, [(b"content-length", b"0")])
        return
    try:
        size = os.fstat(fd).st_size
        wanted = _range(scope["headers"], size)
        start, length = wanted if wanted is not None else (0, size)
        headers = [(b"content-length", str(length).encode())]
        if wanted is not None:
            headers.append(
                (b"content-range", f"bytes {start}-{start + length - 1}/{size}".encode())
            )
        status = 206 if wanted is not None else 200
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if scope["method"] == "HEAD" or length <= CHUNK:
            body = b"" if scope["method"] == "HEAD" else os.pread(fd, length, start)
            await send({"type": "http.response.body", "body": body})
            return
        offset, end = start, start + length
        while offset < end:
            chunk = os.pread(fd, min(CHUNK, end - offset), offset)
            offset += len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        os.close(fd)


def make_app(
    root: Path | None,
) -> Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]:
    async def app(scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        if root is not None and scope["method"] in {"GET", "HEAD"}:
            await _serve_file(root, scope, send)
            return
        await _answer(send, 200, [(b"content-length", b"0"), (b"x-received", str(size).encode())])

    return app


ROOT_VARIABLE = "UPLOAD_SINK_ROOT"


def app_from_environment() -> Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]:
    root = os.environ.get(ROOT_VARIABLE)
    return make_app(Path(root) if root else None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--root", type=Path, default=None, help="serve GETs from this directory")
    parser.add_argument("--workers", type=int, default=1, help="worker processes, as rolegate's")
    args = parser.parse_args(argv)
    if args.workers > 1:
        # uvicorn's multiprocess mode imports the app in each worker, like `rolegate server`.
        os.environ[ROOT_VARIABLE] = str(args.root or "")
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        target: Any = "upload_sink:app_from_environment"
    else:
        target = make_app(args.root)
    uvicorn.run(
        target,
        factory=args.workers > 1,
        workers=args.workers,
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        lifespan="on",
        access_log=False,
        log_level="warning",
        server_header=False,
        date_header=True,
    )


if __name__ == "__main__":
    main()
