"""Query protocol requests: the form-encoded key/value pairs -> botocore's input shape.

A Query request carries its parameters as `application/x-www-form-urlencoded` pairs in the body
(POST) or the query string (GET), see https://docs.aws.amazon.com/IAM/latest/APIReference/
CommonParameters.html and https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html
The nesting is spelled out in the keys, exactly as botocore's `QuerySerializer` writes them:

    RoleName=x                                   scalar
    Tags.member.1.Key=k&Tags.member.1.Value=v    list of structures (1-based)
    TagKeys.member.1=k                           list of scalars
    Name.1=...                                   a flattened list
    Name.entry.1.key=k&Name.entry.1.value=v      map (flattened: Name.1.key / Name.1.value)
    TagKeys=                                     an empty list

Unknown keys are ignored (the signature's own X-Amz-* parameters arrive this way).
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from rolegate.aws.errors import AwsError
from rolegate.aws.shapes import Shape, is_flattened, parse_timestamp, serialized_name

_INTEGER = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Java int / long, which is what AWS deserializes `integer` / `long` members into.
_BOUNDS = {"integer": 2**31, "long": 2**63}


def parse_form(body: bytes, query_string: bytes) -> dict[str, str]:
    """The request's parameters: query string and form body merged, the body winning a clash.

    AWS accepts Query parameters in either place; when a name appears in both, the body's value
    is used (it is the request's payload, the query string often only carries a presigned
    signature). Within one source a repeated name keeps its last value. '+' is a space, a pair
    without '=' has the empty value, and bytes that are not UTF-8 are refused with
    `InvalidQueryParameter` (400): "The AWS query string is malformed or does not adhere to AWS
    standards" (IAM API reference, Common Errors).
    """
    form = _decode_pairs(query_string)
    form.update(_decode_pairs(body))
    return form


def _decode_pairs(raw: bytes) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for piece in raw.split(b"&"):
        if not piece:
            continue
        name, _, value = piece.partition(b"=")
        pairs[_unescape(name)] = _unescape(value)
    return pairs


def _unescape(raw: bytes) -> str:
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise AwsError(
            "InvalidQueryParameter",
            "The AWS query string is malformed or does not adhere to AWS standards: "
            "a parameter is not valid UTF-8 after percent-decoding.",
        ) from None


@dataclass(slots=True)
class _Node:
    """One dotted key segment: `Tags.member.1.Key` is Tags -> member -> 1 -> Key."""

    value: str | None = None
    children: dict[str, _Node] = field(default_factory=dict)


def _tree(form: Mapping[str, str]) -> _Node:
    root = _Node()
    for key, value in form.items():
        node = root
        for segment in key.split("."):
            node = node.children.setdefault(segment, _Node())
        node.value = value
    return root


def read_input(shape: Shape, form: Mapping[str, str]) -> dict[str, object]:
    """The parameters of an operation whose input is `shape`, typed as botocore types them.

    Raises AwsError `MalformedInput` (400) for a value that cannot be read as its member's type;
    STS answers a DurationSeconds that is not a number with this code (seen in public issue
    aws-azure-login/aws-azure-login#30), the message is rolegate's own.
    """
    return _structure(shape, _tree(form), "")


def _structure(shape: Shape, node: _Node, prefix: str) -> dict[str, object]:
    params: dict[str, object] = {}
    for name, member in shape.members.items():
        key = _member_key(member, name)
        child = node.children.get(key)
        if child is None:
            continue
        value = _read(member, child, f"{prefix}{key}")
        if value is not None:
            params[name] = value
    return params


def _member_key(member: Shape, name: str) -> str:
    # A flattened list with a named member is keyed by that name (botocore's QuerySerializer
    # replaces the member's own name with it).
    if member.type_name == "list" and is_flattened(member):
        named = member.member.serialization.get("name")
        if named:
            return str(named)
    return serialized_name(member, name)


def _read(shape: Shape, node: _Node, key: str) -> object:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, node, f"{key}.")
    if kind == "list":
        return _list(shape, node, key)
    if kind == "map":
        return _map(shape, node, key)
    if node.value is None:
        return None
    return _scalar(shape, node.value, key)


def _list(shape: Shape, node: _Node, key: str) -> list[object]:
    if not is_flattened(shape):
        # `Name=` alone (botocore's spelling of an empty list) has no `member` child.
        element = serialized_name(shape.member, "member")
        node = node.children.get(element, _Node())
        key = f"{key}.{element}"
    items: list[object] = []
    for index, child in _numbered(node):
        items.append(_read(shape.member, child, f"{key}.{index}"))
    return items


def _map(shape: Shape, node: _Node, key: str) -> dict[object, object]:
    if not is_flattened(shape):
        node = node.children.get("entry", _Node())
        key = f"{key}.entry"
    key_name = serialized_name(shape.key, "key")
    value_name = serialized_name(shape.value, "value")
    entries: dict[object, object] = {}
    for index, entry in _numbered(node):
        key_node = entry.children.get(key_name)
        if key_node is None:
            continue  # an entry without a key cannot be placed in the map
        entry_key = _read(shape.key, key_node, f"{key}.{index}.{key_name}")
        value_node = entry.children.get(value_name)
        value = (
            None
            if value_node is None
            else _read(shape.value, value_node, f"{key}.{index}.{value_name}")
        )
        entries[entry_key] = value
    return entries


def _numbered(node: _Node) -> list[tuple[int, _Node]]:
    """The 1-based numbered children in index order; other names are not list elements."""
    numbered = [
        (int(name), child)
        for name, child in node.children.items()
        if name.isascii() and name.isdigit() and int(name) > 0
    ]
    return sorted(numbered, key=lambda pair: pair[0])


def _scalar(shape: Shape, text: str, key: str) -> object:
    kind = shape.type_name
    if kind in ("string", "character"):
        return text
    if text == "":
        # An empty number/boolean/timestamp carries no value; treat it as absent so a required
        # member is reported as null by validation rather than as malformed.
        return None
    if kind in _BOUNDS:
        bound = _BOUNDS[kind]
        if _INTEGER.fullmatch(text) and -bound <= int(text) < bound:
            return int(text)
        raise _malformed(key, text, "an integer")
    if kind == "boolean":
        # Lenient on case; anything but true/false is refused.
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise _malformed(key, text, "a boolean (true or false)")
    if kind in ("float", "double"):
        if _FLOAT.fullmatch(text) and math.isfinite(float(text)):
            return float(text)
        raise _malformed(key, text, "a number")
    if kind == "timestamp":
        try:
            return parse_timestamp(text)
        except (ValueError, OverflowError, OSError):
            raise _malformed(key, text, "an ISO 8601 timestamp") from None
    if kind == "blob":
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise _malformed(key, text, "base64-encoded data") from None
    return text


def _malformed(key: str, text: str, expected: str) -> AwsError:
    return AwsError(
        "MalformedInput", f"Invalid value '{text}' for parameter {key}: expected {expected}."
    )
