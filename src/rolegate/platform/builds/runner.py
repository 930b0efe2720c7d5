"""Run a build: assume the role, fetch its data, run its command with the role's credentials."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping

from rolegate.platform.builds.config import BuildConfig
from rolegate.platform.builds.environment import build_environment
from rolegate.platform.builds.fetch import FetchProgress, fetch_all
from rolegate.platform.errors import PlatformError
from rolegate.platform.roles import PlatformIdentity, RoleCredentialCache


def run_build(
    config: BuildConfig,
    identity: PlatformIdentity,
    *,
    progress: FetchProgress | None = None,
    cache: RoleCredentialCache | None = None,
    base_environment: Mapping[str, str] | None = None,
) -> int:
    """The build command's exit code. The credentials last the role's `duration_seconds`."""
    cache = cache or RoleCredentialCache(identity)
    credentials = cache.credentials(config.role, f"build-{config.build_folder.name}")
    config.build_folder.mkdir(parents=True, exist_ok=True)
    fetch_all(config.fetch, config.build_folder, identity.client("s3", credentials), progress)
    env = build_environment(
        os.environ if base_environment is None else base_environment,
        credentials,
        identity,
        config.env,
    )
    try:
        finished = subprocess.run(config.command, cwd=config.build_folder, env=env, check=False)
    except OSError as error:
        raise PlatformError(
            "run build command",
            f"cannot start {config.command[0]!r}: {error.strerror}",
            "check the command is installed and on PATH (or give its full path)",
        ) from None
    return finished.returncode
