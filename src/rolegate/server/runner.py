"""Serving the app with uvicorn on uvloop and httptools, the fastest stack measured here."""

from __future__ import annotations

import logging

import uvicorn

from rolegate.server.app import create_app
from rolegate.server.config import ServerConfig


def serve(config: ServerConfig) -> None:
    app = create_app(config)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        uvicorn.run(
            app,
            host=config.host,
            port=config.port,
            loop="uvloop",
            http="httptools",
            lifespan="on",
            # One line per request goes to the audit log instead; the access log would only
            # repeat it (and never holds credentials either way).
            access_log=False,
            log_level="warning",
            server_header=False,
            date_header=True,
        )
    finally:
        app.close()
