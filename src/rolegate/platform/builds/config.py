"""A build configuration file: which role, what to fetch, which command.

The role may be given three ways, because users have seen all three; the first one set wins:
the CLI's `--iam-role-arn` (alias `--role-arn`), a top-level `role_arn`, then
`build_env.docker.assumed_iam_role_arn`.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rolegate.platform.batch.config import read_yaml_mapping
from rolegate.platform.errors import PlatformError
from rolegate.platform.roles import RoleConfig

_KNOWN_KEYS = {
    "role_arn",
    "external_id",
    "duration_seconds",
    "build_env",
    "fetch",
    "command",
    "build_folder",
    "env",
}
_STEP = "read build configuration"


@dataclass(frozen=True, slots=True)
class FetchSpec:
    """`s3://bucket/prefix/` (a trailing slash, or none after the bucket) copies a whole prefix;
    anything else is one object. `target` is relative to the build folder."""

    source: str
    target: str

    def __post_init__(self) -> None:
        if not self.source.startswith("s3://") or not self.bucket:
            raise PlatformError(
                _STEP, f"fetch source {self.source!r} is not s3://bucket/key-or-prefix"
            )
        if Path(self.target).is_absolute() or ".." in Path(self.target).parts:
            raise PlatformError(
                _STEP,
                f"fetch target {self.target!r} leaves the build folder",
                "give a path relative to build_folder, without '..'",
            )

    @property
    def bucket(self) -> str:
        return self.source.removeprefix("s3://").partition("/")[0]

    @property
    def key(self) -> str:
        return self.source.removeprefix("s3://").partition("/")[2]

    @property
    def is_prefix(self) -> bool:
        return self.key == "" or self.key.endswith("/")


@dataclass(frozen=True, slots=True)
class BuildConfig:
    role: RoleConfig
    command: tuple[str, ...]
    build_folder: Path
    fetch: tuple[FetchSpec, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise PlatformError(_STEP, f"{name} must be a non-empty string, not {value!r}")
    return value


def _docker_role(values: Mapping[str, object]) -> str | None:
    build_env = values.get("build_env")
    if not isinstance(build_env, dict):
        return None
    docker = build_env.get("docker")
    if not isinstance(docker, dict):
        return None
    found = docker.get("assumed_iam_role_arn")
    return None if found is None else _text(found, "build_env.docker.assumed_iam_role_arn")


def _command(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        parts = shlex.split(value)
    elif isinstance(value, list) and all(isinstance(p, str | int | float) for p in value):
        parts = [str(p) for p in value]
    else:
        raise PlatformError(_STEP, "command must be a list of arguments or one string")
    if not parts:
        raise PlatformError(_STEP, "command is empty", 'give one, e.g. ["python", "train.py"]')
    return tuple(parts)


def _fetch(value: object) -> tuple[FetchSpec, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise PlatformError(_STEP, "fetch must be a list of {source, target} entries")
    specs = []
    for entry in value:
        if not isinstance(entry, dict) or "source" not in entry:
            raise PlatformError(_STEP, f"fetch entry {entry!r} has no source")
        specs.append(
            FetchSpec(_text(entry["source"], "fetch source"), str(entry.get("target", ".")))
        )
    return tuple(specs)


def _env(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PlatformError(_STEP, "env must be a mapping of names to values")
    return {str(k): str(v) for k, v in value.items()}


def build_config_from_mapping(
    values: Mapping[str, object], base_folder: Path, role_arn: str | None = None
) -> BuildConfig:
    unknown = sorted(set(values) - _KNOWN_KEYS)
    if unknown:
        raise PlatformError(
            _STEP,
            f"unknown keys {', '.join(unknown)}",
            f"use only {', '.join(sorted(_KNOWN_KEYS))}",
        )
    given_role = values.get("role_arn")
    chosen = role_arn or (_text(given_role, "role_arn") if given_role else None)
    chosen = chosen or _docker_role(values)
    if chosen is None:
        raise PlatformError(
            _STEP,
            "no role",
            "pass --iam-role-arn, or set role_arn (or build_env.docker.assumed_iam_role_arn)",
        )
    external_id = values.get("external_id")
    duration = values.get("duration_seconds", 3600)
    if not isinstance(duration, int):
        raise PlatformError(_STEP, f"duration_seconds must be a number, not {duration!r}")
    role = RoleConfig(
        chosen, None if external_id is None else _text(external_id, "external_id"), None, duration
    )
    folder = Path(str(values.get("build_folder", "."))).expanduser()
    return BuildConfig(
        role,
        _command(values.get("command")),
        (base_folder / folder).resolve(),
        _fetch(values.get("fetch")),
        _env(values.get("env")),
    )


def load_build_config(path: Path, role_arn: str | None = None) -> BuildConfig:
    """The file's settings; `build_folder` is relative to the file's own folder."""
    return build_config_from_mapping(
        read_yaml_mapping(path, _STEP), path.resolve().parent, role_arn
    )
