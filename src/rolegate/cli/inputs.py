"""Argument values the way the aws CLI reads them: inline text, or `file://PATH` for a file."""

from __future__ import annotations

import json
from pathlib import Path


class InputError(Exception):
    """An argument could not be read; the message says which and what to do."""


def read_text_argument(value: str, option: str) -> str:
    """`file://PATH` reads the file (as the aws CLI does); anything else is the text itself."""
    if not value.startswith("file://"):
        return value
    path = Path(value.removeprefix("file://")).expanduser()
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"{option}: cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InputError(f"{option}: {path} is not UTF-8 text") from error


def read_json_argument(value: str, option: str) -> object:
    text = read_text_argument(value, option)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{option}: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from error
