"""Typed reads of a call's parameters.

The wire layer already checked them against botocore's input shapes (required members, types,
lengths, patterns), so a wrong type here means a caller bypassed it: answer ValidationError rather
than fail with a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping

from rolegate.aws.errors import validation_error
from rolegate.model import Tag


def _wrong(name: str) -> Exception:
    return validation_error(f"Invalid value for parameter {name}.")


def required_str(params: Mapping[str, object], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str):
        raise _wrong(name)
    return value


def optional_str(params: Mapping[str, object], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _wrong(name)
    return value


def optional_int(params: Mapping[str, object], name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong(name)
    return value


def flag(params: Mapping[str, object], name: str) -> bool:
    value = params.get(name, False)
    if not isinstance(value, bool):
        raise _wrong(name)
    return value


def str_list(params: Mapping[str, object], name: str) -> list[str]:
    value = params.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _wrong(name)
    return list(value)


def dict_list(params: Mapping[str, object], name: str) -> list[Mapping[str, object]]:
    value = params.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise _wrong(name)
    return list(value)


def tags(params: Mapping[str, object], name: str = "Tags") -> list[Tag]:
    return [
        Tag(required_str(item, "Key"), required_str(item, "Value"))
        for item in dict_list(params, name)
    ]
