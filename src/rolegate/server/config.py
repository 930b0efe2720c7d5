"""Server settings, from the command line or a test fixture."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 4566
DEFAULT_REGION = "us-east-1"


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

    @property
    def shares_data_dir(self) -> bool:
        return self.workers > 1
