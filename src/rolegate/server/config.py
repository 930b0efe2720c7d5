"""Server settings, from the command line or a test fixture."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 4566
DEFAULT_REGION = "us-east-1"
# S3 closes a connection that sends nothing for about 20 s (`400 RequestTimeout`); the same
# bound for headers that never finish and bodies that stop arriving.
DEFAULT_HEADER_TIMEOUT_SECONDS = 20.0
DEFAULT_BODY_TIMEOUT_SECONDS = 20.0
# A body that trickles (a byte every few seconds, never idle long enough to time out) must
# average this many bytes a second once it has had the grace: 8 kbit/s, which no link a real
# upload runs on falls under, where a trickle holds a connection and its buffers for hours.
# The shape is Apache mod_reqtimeout's `body=20,MinRate=500`.
DEFAULT_BODY_MIN_RATE = 1024.0
DEFAULT_BODY_RATE_GRACE_SECONDS = 20.0
# Per worker process. Well under the usual 1024 open-file limit, so SQLite and blob files
# always have descriptors left; past it new connections get `503 SlowDown`.
DEFAULT_MAX_CONNECTIONS = 512


def default_data_dir() -> Path:
    """`$ROLEGATE_DATA_DIR`, else `$XDG_DATA_HOME/rolegate` (DESIGN.md)."""
    explicit = os.environ.get("ROLEGATE_DATA_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "rolegate"


@dataclass(frozen=True, slots=True)
class ServerConfig:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    region: str = DEFAULT_REGION
    # Shifts the server's clock, for tests of expiry and credential refresh without waiting.
    # Off (0) by default; never for production use.
    clock_offset_seconds: float = 0.0
    # Worker processes sharing the port and the data dir (uvicorn's multiprocess mode). With
    # more than one, every request checks SQLite for other workers' IAM commits, so a change
    # made through one worker holds in the next request whichever worker serves it.
    workers: int = 1
    # Addresses or CIDRs of the proxies allowed to name the client in X-Forwarded-For. None by
    # default: `aws:SourceIp` and the audit log's `source_ip` are the connecting address, as in
    # AWS, and a header any local process can write decides nothing.
    trusted_proxies: tuple[str, ...] = ()
    # A request's headers must arrive within this many seconds of its first byte (or of the
    # connection opening); a body may go this long without a byte before `400 RequestTimeout`,
    # and an answer the client does not read this long before the connection is dropped.
    header_timeout_seconds: float = DEFAULT_HEADER_TIMEOUT_SECONDS
    body_timeout_seconds: float = DEFAULT_BODY_TIMEOUT_SECONDS
    # After `body_rate_grace_seconds` of waiting for a body, it must have averaged at least
    # `body_min_rate` bytes a second of that waiting, else `400 RequestTimeout`. 0: no minimum.
    body_min_rate: float = DEFAULT_BODY_MIN_RATE
    body_rate_grace_seconds: float = DEFAULT_BODY_RATE_GRACE_SECONDS
    # Open connections per worker process.
    max_connections: int = DEFAULT_MAX_CONNECTIONS

    @property
    def shares_data_dir(self) -> bool:
        return self.workers > 1
