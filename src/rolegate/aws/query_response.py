"""Query protocol responses: botocore's output shape -> the XML that botocore's QueryParser reads.

A success is `<OpResponse xmlns=NS><OpResult>...</OpResult><ResponseMetadata><RequestId>...
</RequestId></ResponseMetadata></OpResponse>`; an error is `<ErrorResponse xmlns=NS><Error><Type>
Sender|Receiver</Type><Code/><Message/></Error><RequestId/></ErrorResponse>` (both as in the
IAM and STS API references' examples). Inside the result:

- structure members are elements named by their `locationName` or member name, None omitted;
- lists are `<Name><member>..</member></Name>` (the member's own `locationName` if it has one),
  a flattened list repeats `<Name>` (or the member's `locationName`) once per item;
- maps are `<Name><entry><key/><value/></entry></Name>`, a flattened map repeats `<Name>`;
- booleans are `true`/`false`, timestamps ISO 8601 UTC to the second, blobs base64.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from rolegate.aws.errors import AwsError
from rolegate.aws.shapes import Shape, format_timestamp, is_flattened, serialized_name

# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def encode_policy_document(text: str) -> str:
    """A policy document percent-encoded the way IAM returns it (RFC 3986).

    IAM returns `AssumeRolePolicyDocument`, `PolicyDocument` and `Document` percent-encoded; real
    responses show every reserved character encoded, including ' ' as %20, '\\n' as %0A, '*' as
    %2A and '/' as %2F (aws/aws-sdk-go#1513, aws/aws-sdk-java#730), and only RFC 3986's
    unreserved `A-Z a-z 0-9 - _ . ~` left as they are. botocore's `json_decode_policies`
    unquotes it and returns a dict.
    """
    return quote(text, safe="")


def _text(value: str) -> str:
    # '\r' as a reference, or the XML parser would turn '\r\n' into '\n'; characters XML cannot
    # carry (they can only come from our own data) become U+FFFD instead of breaking the document.
    return escape(_NOT_XML.sub("\ufffd", value), {"\r": "&#13;"})


def _element(name: str, content: str) -> str:
    return f"<{name}>{content}</{name}>"


def serialize_result(
    operation: str,
    output_shape: Shape | None,
    namespace: str,
    result: Mapping[str, object],
    request_id: str,
) -> bytes:
    parts = [f"<{operation}Response xmlns={quoteattr(namespace)}>"]
    if output_shape is not None:
        # botocore looks the wrapper up unconditionally, so it is written even when empty.
        wrapper = output_shape.serialization.get("resultWrapper") or f"{operation}Result"
        members = _members(output_shape, result)
        parts.append(_element(wrapper, members))
    parts.append(_element("ResponseMetadata", _element("RequestId", _text(request_id))))
    parts.append(f"</{operation}Response>")
    return "".join(parts).encode("utf-8")


def serialize_error(namespace: str, error: AwsError, request_id: str) -> bytes:
    kind = "Sender" if error.sender_fault else "Receiver"
    body = (
        _element("Type", kind)
        + _element("Code", _text(error.code))
        + _element("Message", _text(error.message))
    )
    return (
        f"<ErrorResponse xmlns={quoteattr(namespace)}>"
        f"{_element('Error', body)}{_element('RequestId', _text(request_id))}"
        "</ErrorResponse>"
    ).encode()


def _members(shape: Shape, value: Mapping[str, object]) -> str:
    unknown = set(value) - set(shape.members) - {"ResponseMetadata"}
    if unknown:
        # A handler bug, not a client error: fail loudly instead of silently dropping data.
        raise ValueError(f"{shape.name} has no member(s) {sorted(unknown)}")
    parts: list[str] = []
    for name, member in shape.members.items():
        item = value.get(name)
        if item is not None:
            parts.append(_member(member, name, item))
    return "".join(parts)


def _member(shape: Shape, name: str, value: object) -> str:
    if shape.type_name == "list" and is_flattened(shape):
        # A flattened list has no wrapper: its items sit directly in the parent, each named by
        # the list member's locationName, else the list's own name.
        if not isinstance(value, list | tuple):
            raise TypeError(f"{name}: expected a list, got {type(value).__name__}")
        tag = serialized_name(shape.member, serialized_name(shape, name))
        return "".join(_element(tag, _content(shape.member, item, tag)) for item in value)
    if shape.type_name == "map" and is_flattened(shape):
        tag = serialized_name(shape, name)
        return "".join(_element(tag, entry) for entry in _entries(shape, value, tag))
    tag = serialized_name(shape, name)
    return _element(tag, _content(shape, value, tag))


def _content(shape: Shape, value: object, where: str) -> str:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, Mapping):
            raise TypeError(f"{where}: expected a mapping, got {type(value).__name__}")
        return _members(shape, value)
    if kind == "list":
        if not isinstance(value, list | tuple):
            raise TypeError(f"{where}: expected a list, got {type(value).__name__}")
        tag = serialized_name(shape.member, "member")
        return "".join(_element(tag, _content(shape.member, item, tag)) for item in value)
    if kind == "map":
        return "".join(_element("entry", entry) for entry in _entries(shape, value, where))
    return _text(_scalar(kind, value, where))


def _entries(shape: Shape, value: object, where: str) -> list[str]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{where}: expected a mapping, got {type(value).__name__}")
    key_tag = serialized_name(shape.key, "key")
    value_tag = serialized_name(shape.value, "value")
    return [
        _element(key_tag, _content(shape.key, key, key_tag))
        + _element(value_tag, _content(shape.value, item, value_tag))
        for key, item in value.items()
    ]


def _scalar(kind: str, value: object, where: str) -> str:
    if kind == "boolean":
        if not isinstance(value, bool):
            raise TypeError(f"{where}: expected a bool, got {type(value).__name__}")
        return "true" if value else "false"
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{where}: expected an int, got {type(value).__name__}")
        return str(value)
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{where}: expected a number, got {type(value).__name__}")
        return repr(float(value))
    if kind == "timestamp":
        if isinstance(value, datetime):
            return format_timestamp(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_timestamp(datetime.fromtimestamp(value, UTC))
        if isinstance(value, str):
            return value  # already on the wire format
        raise TypeError(f"{where}: expected a datetime, got {type(value).__name__}")
    if kind == "blob":
        if isinstance(value, str):
            value = value.encode("utf-8")
        if not isinstance(value, bytes | bytearray):
            raise TypeError(f"{where}: expected bytes, got {type(value).__name__}")
        return base64.b64encode(value).decode("ascii")
    if not isinstance(value, str):
        raise TypeError(f"{where}: expected a str, got {type(value).__name__}")
    return value
