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

import codecs
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any
from urllib.parse import unquote_to_bytes

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.numbers import ascii_decimal
from rolegate.aws.shapes import Facts, TextReader, UnreadableText, text_reader


def parse_form(body: bytes, query_string: bytes) -> dict[str, str]:
    """The request's parameters: query string and form body merged, the body winning a clash.

    AWS accepts Query parameters in either place; when a name appears in both, the body's value
    is used (it is the request's payload, the query string often only carries a presigned
    signature). Within one source a repeated name keeps its last value. '+' is a space, a pair
    without '=' has the empty value, and bytes that are not UTF-8 are refused with
    `InvalidQueryParameter` (400): "The AWS query string is malformed or does not adhere to AWS
    standards" (IAM API reference, Common Errors).
    """
    if not query_string:
        return _decode_pairs(body)
    form = _decode_pairs(query_string)
    if len(form) < query_string.count(b"&") + 1:
        _check_repeats(query_string)
    if body:
        form.update(_decode_pairs(body))
    return form


def _decode_pairs(raw: bytes) -> dict[str, str]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_pairs_bytewise(raw)
    # Valid UTF-8 as a whole is valid UTF-8 in every piece ('&' and '=' are ASCII), so the body
    # is decoded once and only the pieces that have escapes are unescaped.
    pairs: dict[str, str] = {}
    for piece in text.split("&"):
        if piece:
            name, _, value = piece.partition("=")
            if "%" in name or "+" in name:
                name = _unescape(name)
            if "%" in value or "+" in value:
                value = _unescape(value)
            pairs[name] = value
    return pairs


def _decode_pairs_bytewise(raw: bytes) -> dict[str, str]:
    # Raw bytes that are not UTF-8 may still become UTF-8 once percent-decoded, piece by piece
    # (`\xc3%A9` is 'é'), so this path decodes each name and value on its own.
    pairs: dict[str, str] = {}
    for piece in raw.split(b"&"):
        if piece:
            name, _, value = piece.partition(b"=")
            pairs[_unescape_bytes(name)] = _unescape_bytes(value)
    return pairs


_unicode_escape_decode = codecs.unicode_escape_decode


def _unescape(text: str) -> str:
    text = text.replace("+", " ")
    if text.isascii() and "\\" not in text:
        # urllib's unquote loops in Python over every escape (~0.5 µs each, and an ARN has six);
        # the C `unicode_escape` codec reads `\xHH` exactly as unquote reads `%HH`, as long as
        # there is no other backslash in the text and every '%' starts a well-formed escape
        # (otherwise the codec raises and unquote, which keeps a stray '%', decides).
        try:
            decoded: str = _unicode_escape_decode(text.replace("%", "\\x"))[0]
        except UnicodeDecodeError:
            return _unescape_bytes(text.encode("ascii"))
        if decoded.isascii():
            return decoded
        # Escapes above %7F are UTF-8 bytes, which the codec read as Latin-1 characters.
        try:
            return decoded.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            raise _not_utf8() from None
    return _unescape_bytes(text.encode("utf-8"))


def _unescape_bytes(raw: bytes) -> str:
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise _not_utf8() from None


def _check_repeats(query_string: bytes) -> None:
    """A name the query string gives twice with different values is refused. Its signature
    covers the pairs sorted by name and value (SigV4's canonical query), so a replayer could put
    either value last and choose it: `UserName=a&UserName=b` acting on b. (A body's order is
    fixed by its signed hash, so the body keeps the last value.)"""
    seen: dict[str, str] = {}
    for piece in query_string.split(b"&"):
        # Decoded one by one: `UserName` and `User%4Eame` are one name.
        for name, value in _decode_pairs(piece).items():
            if seen.setdefault(name, value) != value:
                raise AwsError(
                    "InvalidQueryParameter",
                    "The AWS query string is malformed or does not adhere to AWS standards: "
                    "a parameter is given more than once with different values.",
                )


def _not_utf8() -> AwsError:
    return AwsError(
        "InvalidQueryParameter",
        "The AWS query string is malformed or does not adhere to AWS standards: "
        "a parameter is not valid UTF-8 after percent-decoding.",
    )


# The dotted keys as a tree: `Tags.member.1.Key` is Tags -> member -> 1 -> Key. A node is a
# plain dict of its children by segment (a dict costs a third of a small object to make, and a
# request makes one per segment); its own value, if the form has one, is under ".", which no
# segment can be since segments are split at dots.
_Node = dict[str, Any]
_VALUE = "."
_EMPTY: _Node = {}


def _insert(root: _Node, segments: list[str], value: str) -> None:
    node = root
    for segment in segments:
        child = node.get(segment)
        if child is None:
            child = node[segment] = {}
        node = child
    node[_VALUE] = value


def _segment(name: str) -> str:
    """A serialized name as a child's segment. A name with a dot matches no segment, as it
    should (it can never be sent), except "." itself, which would find the node's own value."""
    return ".." if name == _VALUE else name


class InputReader:
    """Reads the params of one operation whose input shape is `facts`, planned once.

    Scalar members are looked up in the form by their key directly. Lists, maps and structures
    are read from a tree of the dotted keys, built per request only from the keys that belong to
    such a member (most requests have none), so unknown keys cost nothing beyond one look.
    """

    __slots__ = ("_complex_keys", "_fields", "_max_dots")

    def __init__(self, facts: Facts) -> None:
        readers = _Readers()
        # (param name, form key, text reader (None: a string, kept as text), reader if nested)
        self._fields: list[tuple[str, str, TextReader | None, _Read | None]] = [
            (name, key, None, readers.of(member))
            if member.kind in _NESTED
            else (name, key, text_reader(member.kind), None)
            for name, key, member in _keyed_members(facts)
        ]
        self._complex_keys = frozenset(key for _, key, _, nested in self._fields if nested)
        # A key with more segments than the deepest member can spell names nothing; it is
        # skipped before it is split, or `Tags.a.a.a...` (300,000 segments in a 600 KB form)
        # built a dictionary per segment: a quarter of a second.
        self._max_dots = max(
            (_shape_segments(member.facts) for member in facts.members),
            default=0,
        )

    def read(self, form: Mapping[str, str]) -> dict[str, object]:
        """The params, typed as botocore types them.

        Raises AwsError `MalformedInput` (400) for a value that cannot be read as its member's
        type; STS answers a DurationSeconds that is not a number with this code (seen in public
        issue aws-azure-login/aws-azure-login#30), the message is rolegate's own.
        """
        tree: _Node = _EMPTY
        if self._complex_keys:
            complex_keys = self._complex_keys
            max_dots = self._max_dots
            for key, item in form.items():
                if "." in key:
                    if key.count(".") > max_dots:
                        continue
                    segments = key.split(".")
                    if segments[0] not in complex_keys:
                        continue
                elif key in complex_keys:
                    segments = [key]
                else:
                    continue
                if tree is _EMPTY:
                    tree = {}
                _insert(tree, segments, item)
        params: dict[str, object] = {}
        get = form.get
        for name, key, read_text, nested in self._fields:
            if nested is None:
                text = get(key)
                if text is None:
                    continue
                value: object = text if read_text is None else _scalar(read_text, text, key)
            else:
                node = tree.get(key)
                if node is None:
                    continue
                value = nested(node, key)
            if value is not None:
                params[name] = value
        return params


_NESTED = frozenset({"structure", "list", "map"})
# A recursive shape (none in IAM or STS today) is read to this many segments at most.
_DEEPEST = 32


def _shape_segments(facts: Facts, depth: int = 0) -> int:
    """The most dot-separated segments after a member's own key that a form key can use to
    reach one of its values: `Tags.member.1.Key` is 3 past `Tags`."""
    if depth >= _DEEPEST:
        return _DEEPEST
    if facts.kind == "structure":
        deepest = max((_shape_segments(m.facts, depth + 1) for m in facts.members), default=0)
        return 1 + deepest
    if facts.kind == "list" and facts.member is not None:
        # `member.N` unless flattened (`N` alone).
        return (1 if facts.flattened else 2) + _shape_segments(facts.member, depth + 1)
    if facts.kind == "map" and facts.key is not None and facts.value is not None:
        # `entry.N.key` / `entry.N.value` unless flattened (`N.key`).
        key = _shape_segments(facts.key, depth + 1)
        value = _shape_segments(facts.value, depth + 1)
        return (2 if facts.flattened else 3) + max(key, value)
    return 0


# Reads one value from its node of the key tree (None: absent); `key` is the value's form key,
# for a MalformedInput message.
_Read = Callable[[_Node, str], object]


def _keyed_members(facts: Facts) -> list[tuple[str, str, Facts]]:
    """(name, form key, shape) of a structure's members, in model order."""
    keyed = []
    for member in facts.members:
        key = _member_key(member.facts, member.name)
        # A dotted key names nested segments, never this member: such a member cannot be sent.
        if "." not in key:
            keyed.append((member.name, key, member.facts))
    return keyed


def _member_key(member: Facts, name: str) -> str:
    # A flattened list with a named member is keyed by that name (botocore's QuerySerializer
    # replaces the member's own name with it).
    if member.kind == "list" and member.flattened and member.member is not None:
        named = member.member.location_name
        if named:
            return named
    return member.location_name or name


class _Readers:
    """The readers of nested shapes, one per shape, each a closure over its shape's plan."""

    def __init__(self) -> None:
        self._memo: dict[Facts, _Read] = {}

    def of(self, facts: Facts) -> _Read:
        found = self._memo.get(facts)
        if found is not None:
            return found
        # Stored before it is built, so a recursive shape's reader calls back into itself.
        cell: list[_Read] = []

        def forward(node: _Node, key: str) -> object:
            return cell[0](node, key)

        self._memo[facts] = forward
        read: _Read
        if facts.kind == "structure":
            read = self._structure(facts)
        elif facts.kind == "list":
            read = self._list(facts)
        elif facts.kind == "map":
            read = self._map(facts)
        else:
            read = _scalar_reader(text_reader(facts.kind))
        cell.append(read)
        self._memo[facts] = read
        return read

    def _structure(self, facts: Facts) -> _Read:
        # (param name, key segment, reader; None for a string, whose value is the node's text)
        fields = [
            (name, key, None if member.kind in ("string", "character") else self.of(member))
            for name, key, member in _keyed_members(facts)
        ]

        def read(node: _Node, key: str) -> dict[str, object]:
            params: dict[str, object] = {}
            for name, segment, read_member in fields:
                child = node.get(segment)
                if child is None:
                    continue
                value = (
                    child.get(_VALUE)
                    if read_member is None
                    else read_member(child, f"{key}.{segment}")
                )
                if value is not None:
                    params[name] = value
            return params

        return read

    def _list(self, facts: Facts) -> _Read:
        assert facts.member is not None
        read_element = self.of(facts.member)
        element = None if facts.flattened else _segment(facts.member.location_name or "member")

        def read(node: _Node, key: str) -> list[object]:
            if element is not None:
                # `Name=` alone (botocore's spelling of an empty list) has no `member` child.
                node = node.get(element, _EMPTY)
                key = f"{key}.{element}"
            return [read_element(child, f"{key}.{index}") for index, child in _numbered(node)]

        return read

    def _map(self, facts: Facts) -> _Read:
        assert facts.key is not None and facts.value is not None
        read_key, read_value = self.of(facts.key), self.of(facts.value)
        key_name = _segment(facts.key.location_name or "key")
        value_name = _segment(facts.value.location_name or "value")
        flattened = facts.flattened

        def read(node: _Node, key: str) -> dict[object, object]:
            if not flattened:
                node = node.get("entry", _EMPTY)
                key = f"{key}.entry"
            entries: dict[object, object] = {}
            for index, entry in _numbered(node):
                key_node = entry.get(key_name)
                if key_node is None:
                    continue  # an entry without a key cannot be placed in the map
                entry_key = read_key(key_node, f"{key}.{index}.{key_name}")
                value_node = entry.get(value_name)
                entries[entry_key] = (
                    None
                    if value_node is None
                    else read_value(value_node, f"{key}.{index}.{value_name}")
                )
            return entries

        return read


def _scalar_reader(read_text: TextReader | None) -> _Read:
    def read(node: _Node, key: str) -> object:
        text: str | None = node.get(_VALUE)
        if text is None or read_text is None:
            return text
        return _scalar(read_text, text, key)

    return read


def _scalar(read_text: TextReader, text: str, key: str) -> object:
    if not text:
        # An empty number/boolean/timestamp carries no value; treat it as absent so a required
        # member is reported as null by validation rather than as malformed.
        return None
    try:
        return read_text(text)
    except UnreadableText as error:
        raise _malformed(key, text, error.expected) from None


_first = itemgetter(0)
# Past 9 significant digits an index names no element a request can hold: an ordinary name.
_MAX_INDEX = 999_999_999


def _numbered(node: _Node) -> list[tuple[int, _Node]]:
    """The 1-based numbered children in index order; other names are not list elements."""
    indexed = ((ascii_decimal(name, _MAX_INDEX), child) for name, child in node.items())
    numbered = [(index, child) for index, child in indexed if index]
    # By index only, stably: `1` and `01` are both element 1, in the form's order.
    return sorted(numbered, key=_first)


def _malformed(key: str, text: str, expected: str) -> AwsError:
    return AwsError(
        "MalformedInput", f"Invalid value '{text}' for parameter {key}: expected {expected}."
    )
