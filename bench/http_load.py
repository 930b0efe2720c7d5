"""A small keep-alive HTTP/1.1 load generator on asyncio (uvloop when present).

It replays pre-signed requests, so the client spends its CPU on sockets, not on signing: on a
2-core machine a boto3 client would be the bottleneck long before the server. Connections that
the server closes (`Connection: close`, or EOF) are reopened and counted.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass

import uvloop


@dataclass(frozen=True, slots=True)
class LoadResult:
    requests: int
    seconds: float
    statuses: dict[int, int]
    reconnects: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if b" " not in lines[0]:
        raise ValueError(f"not an HTTP response: {head[:200]!r}")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    close = lines[0].startswith(b"HTTP/1.0")
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        lowered = name.strip().lower()
        if lowered == b"content-length":
            length = int(value.strip())
        elif lowered == b"connection":
            close = value.strip().lower() == b"close"
    if length:
        await reader.readexactly(length)
    return status, close


async def _worker(
    host: str, port: int, requests: list[bytes], deadline: float, result: dict[str, object]
) -> None:
    statuses: dict[int, int] = result["statuses"]  # type: ignore[assignment]
    cycle = itertools.cycle(requests)
    reader, writer = await asyncio.open_connection(host, port)
    while time.perf_counter() < deadline:
        writer.write(next(cycle))
        try:
            status, close = await _read_response(reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            status, close = 0, True
        statuses[status] = statuses.get(status, 0) + 1
        result["count"] = int(result["count"]) + 1  # type: ignore[call-overload]
        if close:
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
            result["reconnects"] = int(result["reconnects"]) + 1  # type: ignore[call-overload]
    writer.close()


async def _run(
    host: str, port: int, requests: list[bytes], concurrency: int, seconds: float
) -> LoadResult:
    result: dict[str, object] = {"count": 0, "statuses": {}, "reconnects": 0}
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(
        *(_worker(host, port, requests, deadline, result) for _ in range(concurrency))
    )
    elapsed = time.perf_counter() - start
    return LoadResult(
        int(result["count"]),  # type: ignore[call-overload]
        elapsed,
        dict(result["statuses"]),  # type: ignore[call-overload]
        int(result["reconnects"]),  # type: ignore[call-overload]
    )


def run_load(
    host: str, port: int, requests: list[bytes], concurrency: int, seconds: float
) -> LoadResult:
    return uvloop.run(_run(host, port, requests, concurrency, seconds))
