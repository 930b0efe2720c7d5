"""Decoding a policy document's JSON text the way IAM reads it.

Stricter than `json.loads`: a key may not repeat inside one object (UG/reference_policies_grammar.html
says new policies with duplicate keys are rejected), syntax errors carry line and column, and the
text may only hold the characters IAM accepts (tab, line feed, carriage return and U+0020-U+00FF,
UG/reference_iam-quotas.html).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass

from rolegate.policy.errors import ErrorCode, Problem

SYNTAX_ERROR = "Syntax errors in policy."
DISALLOWED_CHARACTER_MESSAGE = (
    "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: "
    "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
)
_DISALLOWED_CHARACTER = re.compile(r"[^\t\n\r\x20-\xff]")


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _reject_constant(name: str) -> object:
    # NaN and Infinity are Python extensions, not JSON.
    raise ValueError(f"{name} is not valid JSON")


def decode_policy_text(text: str) -> tuple[object, list[Problem]]:
    """Decode `text`; on failure return (None, problems) with line and column where known."""
    bad = _DISALLOWED_CHARACTER.search(text)
    if bad is not None:
        # The API rejects the parameter before reading it as a policy: a ValidationError.
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        detail = f"character U+{ord(bad.group()):04X} is not allowed in a policy"
        problem = Problem(
            DISALLOWED_CHARACTER_MESSAGE,
            code=ErrorCode.VALIDATION_ERROR,
            line=line,
            column=column,
            detail=detail,
        )
        return None, [problem]
    try:
        value = json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant
        )
    except _DuplicateKeyError as error:
        return None, [Problem(SYNTAX_ERROR, detail=f"duplicate key {error.key!r} in one object")]
    except json.JSONDecodeError as error:
        return None, [
            Problem(
                SYNTAX_ERROR, line=error.lineno, column=error.colno, detail=f"JSON: {error.msg}"
            )
        ]
    except (ValueError, RecursionError) as error:
        return None, [Problem(SYNTAX_ERROR, detail=f"JSON: {error}")]
    return value, []


def count_policy_characters(text: str) -> int:
    """IAM counts policy size in characters excluding whitespace (UG/reference_iam-quotas.html)."""
    return len(text) - sum(text.count(c) for c in " \t\n\r")


def pointer_child(pointer: str, token: str | int) -> str:
    """RFC 6901: append one reference token, escaping `~` and `/`."""
    text = str(token).replace("~", "~0").replace("/", "~1")
    return f"{pointer}/{text}"


@dataclass(frozen=True, slots=True)
class TextPosition:
    line: int  # 1-based
    column: int  # 1-based


def statement_spans(text: str) -> list[tuple[TextPosition, TextPosition]]:
    """Where each statement object starts and ends in the policy text, in statement order.

    The policy simulator reports a matched statement by its position in the document
    (`StartPosition`/`EndPosition`), so this scans the JSON text: strings are skipped, and the
    objects directly under the top-level "Statement" key are recorded. Assumes valid JSON.
    """
    spans: list[tuple[TextPosition, TextPosition]] = []
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def position(offset: int) -> TextPosition:
        line = bisect_right(line_starts, offset)
        return TextPosition(line, offset - line_starts[line - 1] + 1)

    depth = 0
    statement_depth: int | None = None  # depth at which statement objects open
    last_key = ""
    index = 0
    open_at = 0
    while index < len(text):
        char = text[index]
        if char == '"':
            end = _string_end(text, index)
            token = text[index + 1 : end]
            rest = text[end + 1 :].lstrip()
            if depth == 1 and rest.startswith(":"):
                last_key = token
            index = end + 1
            continue
        if char in "{[":
            depth += 1
            if statement_depth is None and depth == 2 and last_key == "Statement":
                statement_depth = depth + 1 if char == "[" else depth
            if char == "{" and depth == statement_depth:
                open_at = index
        elif char in "}]":
            if char == "}" and depth == statement_depth:
                spans.append((position(open_at), position(index)))
            depth -= 1
            if statement_depth is not None and depth < 2:
                statement_depth = None
                last_key = ""
        index += 1
    return spans


def _string_end(text: str, start: int) -> int:
    index = start + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            return index
        index += 1
    return len(text)
