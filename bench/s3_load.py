"""Requests per second of one pre-signed request, replayed over keep-alive connections.

Two load generators, one per run for every server alike:
- `wrk` (C, one thread) when installed: it needs a few µs per request, so even nginx is measured
  rather than the client. Signed headers are passed with `-H`; wrk sends `Host` from the URL,
  which is what was signed. Its durations are whole seconds.
- `http_load.py` (asyncio on uvloop) otherwise: ~30 µs of client CPU per request, which caps
  the fastest servers on a 2-core machine (the client shares the cores with the server).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from http_load import run_load
from s3_peers import WireRequest

_REQUESTS = re.compile(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_UNIT = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


@dataclass(frozen=True, slots=True)
class Rate:
    per_second: float
    requests: int
    bad: int  # answers with another status than expected, or socket errors

    def as_json(self) -> dict[str, object]:
        return {"per_second": round(self.per_second, 1), "requests": self.requests, "bad": self.bad}


def find_wrk() -> str | None:
    return shutil.which("wrk")


def with_http_load(
    port: int, request: WireRequest, concurrency: int, seconds: float, status: int
) -> Rate:
    result = run_load("127.0.0.1", port, [request.head()], concurrency, seconds)
    good = result.statuses.get(status, 0)
    return Rate(good / result.seconds, result.requests, result.requests - good)


def with_wrk(wrk: str, port: int, request: WireRequest, concurrency: int, seconds: int) -> Rate:
    """wrk answers 2xx/3xx as one class: a 206 where a 200 was due is not caught here."""
    command = [wrk, "-t1", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "10s"]
    for name, value in request.headers:
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{request.target}")
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 30, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    found = _REQUESTS.search(done.stdout)
    if found is None:
        raise RuntimeError(f"wrk said nothing parseable: {done.stdout!r}")
    requests = int(found.group(1))
    elapsed = float(found.group(2)) * _UNIT[found.group(3)]
    bad = 0
    if (non_2xx := _NON_2XX.search(done.stdout)) is not None:
        bad += int(non_2xx.group(1))
    if (errors := _ERRORS.search(done.stdout)) is not None:
        bad += sum(int(count) for count in errors.groups())
    return Rate((requests - bad) / elapsed, requests, bad)


class LoadClient:
    """wrk if given, else http_load; `seconds` is rounded up to whole ones for wrk."""

    def __init__(self, wrk: str | None) -> None:
        self.wrk = wrk
        self.name = "wrk" if wrk else "http_load"

    def version(self) -> str:
        if self.wrk is None:
            return ""
        done = subprocess.run([self.wrk, "--version"], capture_output=True, text=True, check=False)
        return " ".join((done.stdout or done.stderr).split()[:2])

    def rate(
        self, port: int, request: WireRequest, concurrency: int, seconds: float, status: int = 200
    ) -> Rate:
        if self.wrk is None:
            return with_http_load(port, request, concurrency, seconds, status)
        return with_wrk(self.wrk, port, request, concurrency, max(1, round(seconds)))
