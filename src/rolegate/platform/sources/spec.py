"""Sources as JSON-ready dictionaries, for the registry and `--json` output."""

from __future__ import annotations

from collections.abc import Mapping

from rolegate.platform.errors import PlatformError
from rolegate.platform.sources.base import DataSource
from rolegate.platform.sources.csv_source import CsvSource
from rolegate.platform.sources.filesystems import configuration_from_dict, configuration_to_dict
from rolegate.platform.sources.parquet_source import ParquetSource

FORMATS = ("csv", "parquet")


def source_to_dict(source: DataSource) -> dict[str, object]:
    data: dict[str, object] = {
        "format": source.format_name,
        "name": source.name,
        "description": source.description,
        "date_created_column": source.date_created_column,
        "path": source.path,
        "filesystem_configuration": configuration_to_dict(source.filesystem_configuration),
    }
    if isinstance(source, CsvSource):
        data["quote_character"] = source.quote_character
        data["escape_character"] = source.escape_character
    return data


def source_from_dict(data: Mapping[str, object]) -> DataSource:
    configuration = data.get("filesystem_configuration")
    if not isinstance(configuration, Mapping):
        raise PlatformError(
            "load source", "filesystem_configuration is missing", "register the source again"
        )
    common = {
        "name": str(data["name"]),
        "description": str(data.get("description", "")),
        "date_created_column": str(data["date_created_column"]),
        "path": str(data["path"]),
    }
    fs_config = configuration_from_dict(configuration)
    match data.get("format"):
        case "csv":
            return CsvSource(
                **common,
                quote_character=_char(data.get("quote_character")),
                escape_character=_char(data.get("escape_character")),
                filesystem_configuration=fs_config,
            )
        case "parquet":
            return ParquetSource(**common, filesystem_configuration=fs_config)
        case other:
            raise PlatformError(
                "load source", f"unknown format {other!r}", f"use one of {', '.join(FORMATS)}"
            )


def _char(value: object) -> str | None:
    return None if value is None else str(value)
