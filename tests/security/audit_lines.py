"""Reading the audit log from a test: S3 writes a request's line just after its answer, so a test
waits (briefly) for the line it expects instead of racing it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tests.rolegate_server import RunningServer

Entry = dict[str, Any]


def lines_matching(
    server: RunningServer, match: Callable[[Entry], bool], *, count: int = 1, within: float = 5.0
) -> list[Entry]:
    """The audit lines `match` accepts, once there are at least `count` (or at the deadline)."""
    deadline = time.monotonic() + within
    while True:
        found = [entry for entry in server.audit_entries() if match(entry)]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def line_for(server: RunningServer, request_id: str) -> list[Entry]:
    """Every line for one request id (exactly one is expected), waiting for the first."""
    lines_matching(server, lambda entry: entry["request_id"] == request_id)
    time.sleep(0.1)  # a second line, if the server wrote one, would land by now
    return [entry for entry in server.audit_entries() if entry["request_id"] == request_id]
