"""Serving the app with uvicorn on uvloop and httptools, the fastest stack measured here.

One process by default. With `workers > 1`, uvicorn's multiprocess mode: the parent binds the
socket and starts that many worker processes, each importing `app_from_environment` and building
its own app on the shared data dir (SQLite in WAL mode and the blob store are safe to share; the
config travels in an environment variable, since a worker is a fresh interpreter).
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import logging
import os
import signal
from pathlib import Path
from typing import Any

from uvicorn import Server
from uvicorn.supervisors import Multiprocess

from rolegate.server.app import RolegateApp, create_app, sweep_orphans
from rolegate.server.config import ServerConfig
from rolegate.server.connection import TransportConfig

CONFIG_VARIABLE = "ROLEGATE_SERVER_CONFIG"
PARENT_VARIABLE = "ROLEGATE_SERVER_PARENT"
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
STARTUP_FAILURE = 3  # uvicorn's own exit status when it cannot start


def serve(config: ServerConfig) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    options: dict[str, Any] = {
        "host": config.host,
        "port": config.port,
        "loop": "uvloop",
        "lifespan": "on",
        # One line per request goes to the audit log instead; the access log would only repeat
        # it (and never holds credentials either way).
        "access_log": False,
        "log_level": "warning",
        "server_header": False,
        "date_header": True,
        # X-Forwarded-For moves `aws:SourceIp` only when the connecting address is a proxy the
        # operator named; uvicorn's default trusts any local process to set it.
        "proxy_headers": bool(config.trusted_proxies),
        "forwarded_allow_ips": list(config.trusted_proxies),
        "header_timeout": config.header_timeout_seconds,
        "send_timeout": config.body_timeout_seconds,
        "max_connections": config.max_connections,
    }
    if config.workers <= 1:
        app = create_app(config)
        try:
            server = Server(TransportConfig(app, **options))
            server.run()
        finally:
            app.close()
        if not server.started:  # the port was taken, say: exit non-zero as uvicorn.run does
            raise SystemExit(STARTUP_FAILURE)
        return
    sweep_orphans(config)  # once, while no worker is writing
    os.environ[CONFIG_VARIABLE] = _config_text(config)
    os.environ[PARENT_VARIABLE] = str(os.getpid())
    # What uvicorn.run does for workers, with our config class (it travels pickled to each).
    transport = TransportConfig(
        f"{__name__}:app_from_environment", factory=True, workers=config.workers, **options
    )
    Multiprocess(transport, sockets=[transport.bind_socket()]).run()


def app_from_environment() -> RolegateApp:
    """What each worker process runs: the app for the config its parent put in the environment."""
    _exit_with_parent(int(os.environ[PARENT_VARIABLE]))
    return create_app(_config_from_text(os.environ[CONFIG_VARIABLE]))


def _exit_with_parent(parent: int) -> None:
    """Ask the kernel for SIGTERM when the parent dies. Without it, a `kill -9` of the parent
    leaves its workers serving the port on their own, beyond the reach of whoever stopped it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # pragma: no cover - not Linux: nothing to ask for
        return
    if os.getppid() != parent:  # the parent died before the request was made
        raise SystemExit(0)


def _config_text(config: ServerConfig) -> str:
    fields = dataclasses.asdict(config)
    fields["data_dir"] = str(config.data_dir)
    return json.dumps(fields)


def _config_from_text(text: str) -> ServerConfig:
    fields = json.loads(text)
    fields["data_dir"] = Path(fields["data_dir"])
    fields["trusted_proxies"] = tuple(fields["trusted_proxies"])
    return ServerConfig(**fields)
