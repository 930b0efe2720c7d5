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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from rolegate.aws.errors import AwsError
from rolegate.aws.shapes import Facts, Shape, format_timestamp

# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# ASCII that text cannot carry as it is: markup, '\r', and the C0 controls but tab and newline.
_ASCII_UNSAFE = bytes([*(code for code in range(0x20) if code not in b"\t\n"), *b"<>&"])


def encode_policy_document(text: str) -> str:
    """A policy document percent-encoded the way IAM returns it (RFC 3986).

    IAM returns `AssumeRolePolicyDocument`, `PolicyDocument` and `Document` percent-encoded; real
    responses show every reserved character encoded, including ' ' as %20, '\\n' as %0A, '*' as
    %2A and '/' as %2F (aws/aws-sdk-go#1513, aws/aws-sdk-java#730), and only RFC 3986's
    unreserved `A-Z a-z 0-9 - _ . ~` left as they are. botocore's `json_decode_policies`
    unquotes it and returns a dict.
    """
    return quote(text, safe="")


def xml_text(value: str) -> str:
    """`value` as XML character data.

    Most values (ids, ARNs, keys, tokens) are printable ASCII without markup and are returned as
    they are; checking that costs a fraction of escaping, and the check differs with length:
    `isprintable` is quickest on short strings, a C byte-table pass on long ones.
    """
    if value.isascii():
        if len(value) < 100:
            if value.isprintable() and "<" not in value and ">" not in value and "&" not in value:
                return value
        else:
            raw = value.encode("ascii")
            if len(raw.translate(None, _ASCII_UNSAFE)) == len(raw):
                return value
    return escape_text(value)


def escape_text(value: str) -> str:
    """The general escape that `xml_text` short-cuts."""
    # '\r' as a reference, or the XML parser would turn '\r\n' into '\n'; characters XML cannot
    # carry (they can only come from our own data) become U+FFFD instead of breaking the document.
    return escape(_NOT_XML.sub("\ufffd", value), {"\r": "&#13;"})


def _element(name: str, content: str) -> str:
    return f"<{name}>{content}</{name}>"


def serialize_error(namespace: str, error: AwsError, request_id: str) -> bytes:
    kind = "Sender" if error.sender_fault else "Receiver"
    body = (
        _element("Type", kind)
        + _element("Code", xml_text(error.code))
        + _element("Message", xml_text(error.message))
    )
    return (
        f"<ErrorResponse xmlns={quoteattr(namespace)}>"
        f"{_element('Error', body)}{_element('RequestId', xml_text(request_id))}"
        "</ErrorResponse>"
    ).encode()


# --- writers, planned once per shape -----------------------------------------------------------
#
# A writer appends the XML of one value to a list of str pieces, joined once per response. Each
# is a closure over what its shape decides (element names, members, the scalar's formatting), so
# a response only looks up its values; `where` is the element name type errors are reported at.

# Values are typed Any: a writer checks the type it needs itself and raises TypeError otherwise.
_Write = Callable[[Any, list[str]], None]
_Text = Callable[[Any], str]  # a scalar as escaped XML text
# A structure's member: (name, opening tag, scalar text or None, closing tag, writer if not
# scalar). A flattened list or map writes its own tags, its opening and closing are "".
_Field = tuple[str, str, _Text | None, str, _Write | None]


@dataclass(frozen=True, slots=True)
class ResponsePlan:
    """One operation's success document around its result: `head` result `tail` request id `end`."""

    head: str
    write: _Write | None  # the result's members, for an operation with an output shape
    tail: str
    end: str

    def serialize(self, result: Mapping[str, object], request_id: str) -> bytes:
        parts = [self.head]
        if self.write is not None:
            self.write(result, parts)
        parts += (self.tail, xml_text(request_id), self.end)
        return "".join(parts).encode("utf-8")


class ResponseWriter:
    """Plans the response documents of one service's operations.

    Writers are shared between operations whose results hold the same shapes (a Role is in
    CreateRole, GetRole, ListRoles...). Not thread-safe: the caller plans under a lock.
    """

    def __init__(self, namespace: str) -> None:
        self._namespace = quoteattr(namespace)
        self._content: dict[tuple[Facts, str], _Write] = {}

    def plan(self, operation: str, output: tuple[Shape, Facts] | None) -> ResponsePlan:
        """The plan of `operation`, whose output shape (and its Facts) is `output`, if any."""
        head = f"<{operation}Response xmlns={self._namespace}>"
        end = f"</RequestId></ResponseMetadata></{operation}Response>"
        if output is None:
            return ResponsePlan(head, None, "<ResponseMetadata><RequestId>", end)
        shape, facts = output
        # botocore looks the wrapper up unconditionally, so it is written even when empty.
        wrapper = shape.serialization.get("resultWrapper") or f"{operation}Result"
        tail = f"</{wrapper}><ResponseMetadata><RequestId>"
        return ResponsePlan(f"{head}<{wrapper}>", self._structure(facts, "", top=True), tail, end)

    def _content_of(self, facts: Facts, where: str) -> _Write:
        """The writer of an element's content for a value of `facts`."""
        key = (facts, where)
        found = self._content.get(key)
        if found is not None:
            return found
        # Stored before it is built, so a recursive shape's writer calls back into itself.
        cell: list[_Write] = []

        def forward(value: object, parts: list[str]) -> None:
            cell[0](value, parts)

        self._content[key] = forward
        kind = facts.kind
        write: _Write
        if kind == "structure":
            write = self._structure(facts, where, top=False)
        elif kind == "list":
            write = self._list(facts, where)
        elif kind == "map":
            write = self._map_entries(facts, where, "<entry>", "</entry>")
        else:
            write = _scalar_content(_text_of(kind, where))
        cell.append(write)
        self._content[key] = write
        return write

    def _structure(self, facts: Facts, where: str, *, top: bool) -> _Write:
        fields = [self._field(member.facts, member.name) for member in facts.members]
        allowed = frozenset(facts.by_name) | {"ResponseMetadata"}
        name = facts.name

        def write(value: Any, parts: list[str]) -> None:
            if not top and type(value) is not dict and not isinstance(value, Mapping):
                raise TypeError(f"{where}: expected a mapping, got {type(value).__name__}")
            if not allowed.issuperset(value):
                # A handler bug, not a client error: fail loudly instead of silently dropping data.
                unknown = set(value) - allowed
                raise ValueError(f"{name} has no member(s) {sorted(unknown)}")
            get = value.get
            for member, opening, text, closing, nested in fields:
                item = get(member)
                if item is None:
                    continue
                if text is not None:
                    parts += (opening, text(item), closing)
                elif nested is not None:
                    parts.append(opening)
                    nested(item, parts)
                    parts.append(closing)

        return write

    def _field(self, facts: Facts, name: str) -> _Field:
        kind = facts.kind
        if kind == "list" and facts.flattened:
            # A flattened list has no wrapper: its items sit directly in the parent, each named
            # by the list member's locationName, else the list's own name.
            element = facts.member
            assert element is not None
            tag = element.location_name or facts.location_name or name
            item_content = self._content_of(element, tag)

            def flat_list(value: object, parts: list[str]) -> None:
                if not isinstance(value, list | tuple):
                    raise TypeError(f"{name}: expected a list, got {type(value).__name__}")
                for item in value:
                    parts.append(f"<{tag}>")
                    item_content(item, parts)
                    parts.append(f"</{tag}>")

            return name, "", None, "", flat_list
        tag = facts.location_name or name
        if kind == "map" and facts.flattened:
            return name, "", None, "", self._map_entries(facts, tag, f"<{tag}>", f"</{tag}>")
        if kind in ("structure", "list", "map"):
            return name, f"<{tag}>", None, f"</{tag}>", self._content_of(facts, tag)
        return name, f"<{tag}>", _text_of(kind, tag), f"</{tag}>", None

    def _list(self, facts: Facts, where: str) -> _Write:
        element = facts.member
        assert element is not None
        tag = element.location_name or "member"
        item_content = self._content_of(element, tag)
        opening, closing = f"<{tag}>", f"</{tag}>"

        def write(value: object, parts: list[str]) -> None:
            if not isinstance(value, list | tuple):
                raise TypeError(f"{where}: expected a list, got {type(value).__name__}")
            for item in value:
                parts.append(opening)
                item_content(item, parts)
                parts.append(closing)

        return write

    def _map_entries(self, facts: Facts, where: str, opening: str, closing: str) -> _Write:
        """Each entry of a map as `opening<key/><value/>closing`."""
        key, element = facts.key, facts.value
        assert key is not None and element is not None
        key_tag = key.location_name or "key"
        value_tag = element.location_name or "value"
        key_content = self._content_of(key, key_tag)
        value_content = self._content_of(element, value_tag)

        def write(value: object, parts: list[str]) -> None:
            if not isinstance(value, Mapping):
                raise TypeError(f"{where}: expected a mapping, got {type(value).__name__}")
            for entry_key, item in value.items():
                parts.append(f"{opening}<{key_tag}>")
                key_content(entry_key, parts)
                parts.append(f"</{key_tag}><{value_tag}>")
                value_content(item, parts)
                parts.append(f"</{value_tag}>{closing}")

        return write


# --- scalars ---------------------------------------------------------------------------------------


def _scalar_content(text: _Text) -> _Write:
    def write(value: object, parts: list[str]) -> None:
        parts.append(text(value))

    return write


def _text_of(kind: str, where: str) -> _Text:
    """The XML text of a scalar of botocore type `kind`, which raises TypeError for a wrong type."""

    def wrong(value: object, expected: str) -> TypeError:
        return TypeError(f"{where}: expected {expected}, got {type(value).__name__}")

    # Booleans, numbers, timestamps and base64 are plain ASCII without markup: not escaped.
    def boolean(value: object) -> str:
        if value is True:
            return "true"
        if value is False:
            return "false"
        raise wrong(value, "a bool")

    def integer(value: object) -> str:
        if type(value) is int:
            return str(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong(value, "an int")
        return xml_text(str(value))  # an int subclass may print itself in any way

    def number(value: object) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong(value, "a number")
        return repr(float(value))

    def timestamp(value: object) -> str:
        if isinstance(value, datetime):
            return format_timestamp(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_timestamp(datetime.fromtimestamp(value, UTC))
        if isinstance(value, str):
            return xml_text(value)  # already on the wire format
        raise wrong(value, "a datetime")

    def blob(value: object) -> str:
        if isinstance(value, str):
            value = value.encode("utf-8")
        if not isinstance(value, bytes | bytearray):
            raise wrong(value, "bytes")
        return base64.b64encode(value).decode("ascii")

    def string(value: object) -> str:
        # `xml_text`'s short cut for short values inlined: most members are short strings.
        if (
            type(value) is str
            and value.isascii()
            and len(value) < 100
            and value.isprintable()
            and "<" not in value
            and ">" not in value
            and "&" not in value
        ):
            return value
        if not isinstance(value, str):
            raise wrong(value, "a str")
        return xml_text(value)

    texts: dict[str, _Text] = {
        "boolean": boolean,
        "integer": integer,
        "long": integer,
        "float": number,
        "double": number,
        "timestamp": timestamp,
        "blob": blob,
    }
    return texts.get(kind, string)
