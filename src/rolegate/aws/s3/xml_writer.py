"""A small XML writer for S3 response bodies: strings joined once, text escaped once.

S3 answers `<?xml version="1.0" encoding="UTF-8"?>` and a root element in the
`http://s3.amazonaws.com/doc/2006-03-01/` namespace, its children unqualified (the response
syntax of each operation, e.g. https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html). No ElementTree: a listing of 1,000 keys is ten thousand
elements, and building then serializing a tree costs several times joining strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["S3_NAMESPACE", "XML_DECLARATION", "XmlWriter", "element", "escape"]

S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# `"` as S3 writes it in ETags (&quot;). A raw CR would come back as LF from any parser, so it is
# written as a character reference; other C0 controls are not XML 1.0 at all, and are written as
# references too, so that at least nothing is lost (S3 tells clients to use encoding-type=url for
# such keys).
_SPECIAL = re.compile(r'[&<>"\x00-\x08\x0b-\x1f]')
_REPLACEMENTS = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def _replace(found: re.Match[str]) -> str:
    char = found.group()
    return _REPLACEMENTS.get(char) or f"&#{ord(char)};"


def escape(text: str) -> str:
    """Text as element content; most text needs nothing, and costs one regex search."""
    if _SPECIAL.search(text) is None:
        return text
    return _SPECIAL.sub(_replace, text)


def element(name: str, text: str) -> str:
    return f"<{name}>{escape(text)}</{name}>"


class XmlWriter:
    """Parts of one document, joined and encoded once by `finish`.

    The root element carries the S3 namespace unless `namespace` is None (S3's `<Error>` has none).
    """

    __slots__ = ("_parts", "_root")

    def __init__(self, root: str, namespace: str | None = S3_NAMESPACE) -> None:
        self._root = root
        opening = f'<{root} xmlns="{namespace}">' if namespace is not None else f"<{root}>"
        self._parts = [XML_DECLARATION, opening]

    def element(self, name: str, text: str) -> None:
        self._parts.append(f"<{name}>{escape(text)}</{name}>")

    def optional(self, name: str, text: str | None) -> None:
        """An element only when there is a value: S3 leaves out what it has no value for."""
        if text is not None:
            self._parts.append(f"<{name}>{escape(text)}</{name}>")

    def boolean(self, name: str, value: bool) -> None:
        self._parts.append(f"<{name}>true</{name}>" if value else f"<{name}>false</{name}>")

    def integer(self, name: str, value: int) -> None:
        self._parts.append(f"<{name}>{value}</{name}>")

    def open(self, name: str) -> None:
        self._parts.append(f"<{name}>")

    def close(self, name: str) -> None:
        self._parts.append(f"</{name}>")

    def raw(self, markup: str) -> None:
        """Markup already escaped, such as a whole entry built in one f-string."""
        self._parts.append(markup)

    def extend(self, markup: Iterable[str]) -> None:
        self._parts.extend(markup)

    def finish(self) -> bytes:
        self._parts.append(f"</{self._root}>")
        return "".join(self._parts).encode("utf-8")
