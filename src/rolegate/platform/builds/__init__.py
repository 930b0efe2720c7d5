"""Build configurations: fetch S3 data through the role, then run the build with its credentials."""

from rolegate.platform.builds.config import BuildConfig, FetchSpec, load_build_config
from rolegate.platform.builds.environment import build_environment
from rolegate.platform.builds.fetch import FetchProgress, fetch_all
from rolegate.platform.builds.runner import run_build

__all__ = [
    "BuildConfig",
    "FetchProgress",
    "FetchSpec",
    "build_environment",
    "fetch_all",
    "load_build_config",
    "run_build",
]
