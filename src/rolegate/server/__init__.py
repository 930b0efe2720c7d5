"""The HTTP endpoint: `rolegate.server.app.create_app(config)` wires store, services and protocols.

This package's root imports only the config, so commands that merely need a data dir do not
load the whole server.
"""

from rolegate.server.config import ServerConfig, default_data_dir

__all__ = ["ServerConfig", "default_data_dir"]
