"""What a batch execution reads, runs and writes: from Python, a YAML file, or CLI flags.

The field names are the ones users of the execution CLI already know (`source_bucket`,
`destination_folder`, `input_file_type`, `bucket` filling whichever bucket is missing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from pathlib import Path

import yaml  # type: ignore[import-untyped]  # no stubs installed

from rolegate.platform.errors import PlatformError
from rolegate.platform.roles import RoleConfig

_FUNCTION = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")


class FileType(StrEnum):
    CSV = "CSV"
    PARQUET = "PARQUET"
    FEATHER = "FEATHER"

    @classmethod
    def parse(cls, value: object) -> FileType:
        if isinstance(value, FileType):
            return value
        text = str(value).strip().upper()
        try:
            return cls(text)
        except ValueError:
            raise PlatformError(
                "check file type",
                f"{value!r} is not a supported file type",
                f"use one of {', '.join(t.value for t in cls)} (any case)",
            ) from None

    @property
    def extension(self) -> str:
        return {"CSV": "csv", "PARQUET": "parquet", "FEATHER": "feather"}[self.value]


def _folder(value: str) -> str:
    """`a/b/` and `/a/b` both mean the prefix `a/b/`; the bucket root is the empty prefix."""
    cleaned = value.strip().strip("/")
    return f"{cleaned}/" if cleaned else ""


@dataclass(frozen=True, slots=True)
class BatchExecution:
    source_bucket: str
    destination_bucket: str
    source_folder: str
    destination_folder: str
    role_arn: str
    function: str
    input_file_type: FileType = FileType.CSV
    output_file_type: FileType = FileType.CSV
    external_id: str | None = None
    workers: int = 2
    retries: int = 2
    # Seconds one attempt at one file may take; 0 means no limit.
    file_timeout: float = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "input_file_type", FileType.parse(self.input_file_type))
        object.__setattr__(self, "output_file_type", FileType.parse(self.output_file_type))
        object.__setattr__(self, "source_folder", _folder(self.source_folder))
        object.__setattr__(self, "destination_folder", _folder(self.destination_folder))
        for name in ("source_bucket", "destination_bucket"):
            if not getattr(self, name):
                raise PlatformError(
                    "check batch execution",
                    f"no {name}",
                    f"supply either bucket or {name}",
                )
        if not _FUNCTION.fullmatch(self.function):
            raise PlatformError(
                "check function",
                f"{self.function!r} is not module:function",
                "name an importable module and a function in it, e.g. mypackage.scoring:predict",
            )
        if self.workers < 1 or self.retries < 0 or self.file_timeout < 0:
            raise PlatformError(
                "check batch execution",
                f"workers={self.workers}, retries={self.retries}, file_timeout={self.file_timeout}",
                "use at least one worker, zero or more retries, and a timeout of 0 (none) or more",
            )
        # Below the source folder (or the source is the whole bucket) is as bad as the same
        # folder: every run lists the last run's results as new inputs, and the outputs grow.
        if self.source_bucket == self.destination_bucket and self.destination_folder.startswith(
            self.source_folder
        ):
            where = "is" if self.destination_folder == self.source_folder else "is inside"
            raise PlatformError(
                "check batch execution",
                f"the destination folder {where} the source folder",
                "write the results to another folder, so a rerun does not read them back as inputs",
            )
        self.role  # noqa: B018 - checks the role ARN and external id now, before any call

    @property
    def role(self) -> RoleConfig:
        return RoleConfig(self.role_arn, self.external_id)

    def identity_fields(self) -> dict[str, str]:
        """What a rerun under the same execution id may not change: where data comes and goes."""
        return {
            "source": f"s3://{self.source_bucket}/{self.source_folder}",
            "destination": f"s3://{self.destination_bucket}/{self.destination_folder}",
            "input_file_type": self.input_file_type.value,
            "output_file_type": self.output_file_type.value,
        }

    def to_mapping(self) -> dict[str, object]:
        found = {f.name: getattr(self, f.name) for f in fields(self)}
        found["input_file_type"] = self.input_file_type.value
        found["output_file_type"] = self.output_file_type.value
        return found

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> BatchExecution:
        known = {f.name for f in fields(cls)} | {"bucket"}
        unknown = sorted(set(values) - known)
        if unknown:
            raise PlatformError(
                "read batch execution",
                f"unknown keys {', '.join(unknown)}",
                f"use only {', '.join(sorted(known))}",
            )
        given = {k: v for k, v in values.items() if v is not None}
        bucket = given.pop("bucket", None)
        for name in ("source_bucket", "destination_bucket"):
            given.setdefault(name, bucket or "")
        for name in ("source_folder", "destination_folder", "role_arn", "function"):
            if name not in given:
                raise PlatformError(
                    "read batch execution", f"no {name}", f"give {name} in the file or as a flag"
                )
        text = {"source_bucket", "destination_bucket", "source_folder", "destination_folder"}
        text |= {"role_arn", "function", "external_id"}
        for name in text & given.keys():
            given[name] = str(given[name])
        try:
            return cls(**given)  # type: ignore[arg-type]  # narrowed field by field in __post_init__
        except TypeError as error:
            raise PlatformError("read batch execution", str(error)) from None

    def with_changes(self, **changes: object) -> BatchExecution:
        return replace(self, **changes)  # type: ignore[arg-type]  # checked by __post_init__


# A configuration file is a page of settings; more is a mistake (or /dev/zero) to refuse unread.
MAX_CONFIG_BYTES = 1 << 20


class _NoAliasLoader(yaml.SafeLoader):  # type: ignore[misc]  # no stubs installed
    """safe_load without aliases. `*name` shares one node, so nine nested lists of ten aliases
    ("billion laughs") load in microseconds and expand to 10**9 items when the settings are
    turned into text (`str(value)`, a repr in an error, the registry's JSON): a hang, then an
    out-of-memory kill. Settings never need them."""

    def compose_node(self, parent: object, index: object) -> object:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a configuration", event.start_mark
            )
        return super().compose_node(parent, index)


def _read_config_text(path: Path) -> str:
    with path.open("rb") as file:
        data = file.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise ValueError(f"it is over {MAX_CONFIG_BYTES} bytes")
    return data.decode("utf-8")


def _one_line(error: Exception) -> str:
    """PyYAML's message spans lines and quotes the file; the problem and where fit on one."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"{error.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return str(error)


def read_yaml_mapping(path: Path, step: str) -> dict[str, object]:
    try:
        loaded = yaml.load(_read_config_text(path), Loader=_NoAliasLoader)  # a SafeLoader
    except OSError as error:
        raise PlatformError(step, f"cannot read {path}: {error.strerror}") from None
    except (ValueError, yaml.YAMLError) as error:  # UnicodeDecodeError is a ValueError
        raise PlatformError(step, f"{path} is not valid YAML: {_one_line(error)}") from None
    except RecursionError:
        raise PlatformError(step, f"{path} nests too deeply") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict) or not all(isinstance(k, str) for k in loaded):
        raise PlatformError(step, f"{path} is not a mapping of names to values")
    return loaded


def load_batch_execution(
    path: Path | None = None, overrides: Mapping[str, object] | None = None
) -> BatchExecution:
    """The YAML file's values (flat, or under `execution:`), with non-None overrides on top."""
    values: dict[str, object] = {}
    if path is not None:
        values = read_yaml_mapping(path, "read batch execution")
        nested = values.get("execution")
        if isinstance(nested, dict):
            values = nested
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    if "bucket" in given:
        # A `--bucket` flag beats the file's buckets, but not a more specific flag.
        for name in ("source_bucket", "destination_bucket"):
            values[name] = given.get(name, given["bucket"])
    return BatchExecution.from_mapping(values | given)
