"""One large GET or PUT over a plain socket, timed, so the client is never the bottleneck.

The GET reads the body with `recv_into` into one reused 4 MiB buffer and throws it away; the PUT
hands the whole payload to `sendall` from memory. Neither hashes nor copies what it moves. Both
read the response with a small HTTP/1.1 parser (Content-Length, chunked, or to EOF).
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from typing import BinaryIO

BUFFER = 4 << 20


@dataclass(frozen=True, slots=True)
class Transfer:
    status: int
    size: int  # body bytes moved (received for a GET, sent for a PUT)
    seconds: float

    @property
    def mb_per_s(self) -> float:
        return self.size / self.seconds / 1e6 if self.seconds else 0.0


def _head(reader: BinaryIO) -> tuple[int, dict[str, str]]:
    status_line = reader.readline()
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
        raise ValueError(f"not an HTTP response: {status_line[:200]!r}")
    headers: dict[str, str] = {}
    while True:
        line = reader.readline()
        if line in {b"\r\n", b"\n", b""}:
            return int(parts[1]), headers
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()


def _drain(reader: BinaryIO, view: memoryview, length: int | None) -> int:
    """Read and discard `length` bytes (None: to EOF); returns how many came."""
    got = 0
    while length is None or got < length:
        want = len(view) if length is None else min(len(view), length - got)
        count = reader.readinto(view[:want])
        if not count:
            if length is None:
                return got
            raise EOFError(f"body cut short at {got} of {length} bytes")
        got += count
    return got


def _body(reader: BinaryIO, headers: dict[str, str], view: memoryview, method: str) -> int:
    if method == "HEAD":
        return 0
    if "chunked" in headers.get("transfer-encoding", "").lower():
        total = 0
        while True:
            size = int(reader.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while reader.readline() not in {b"\r\n", b"\n", b""}:
                    pass
                return total
            total += _drain(reader, view, size)
            reader.readline()
    if "content-length" in headers:
        return _drain(reader, view, int(headers["content-length"]))
    return _drain(reader, view, None)


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def get(port: int, request: bytes, buffer: bytearray | None = None) -> Transfer:
    """Send `request` (a whole GET) and read the response's body into nowhere."""
    view = memoryview(buffer if buffer is not None else bytearray(BUFFER))
    with _connect(port) as sock, sock.makefile("rb", buffering=1 << 16) as reader:
        start = time.perf_counter()
        sock.sendall(request)
        status, headers = _head(reader)
        size = _body(reader, headers, view, "GET")
        seconds = time.perf_counter() - start
    return Transfer(status, size, seconds)


def put(port: int, head: bytes, body: bytes | memoryview) -> Transfer:
    """Send `head` then `body`, and wait for the answer (its body is read and dropped)."""
    view = memoryview(bytearray(1 << 16))
    with _connect(port) as sock, sock.makefile("rb", buffering=1 << 16) as reader:
        start = time.perf_counter()
        try:
            sock.sendall(head)
            sock.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered (an error) before taking the whole body: read it
        status, headers = _head(reader)
        _body(reader, headers, view, "PUT")
        seconds = time.perf_counter() - start
    return Transfer(status, len(body), seconds)
