"""Request bodies S3 reads as XML: CreateBucketConfiguration, Delete, CompleteMultipartUpload.

Shapes from https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html,
https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html (at most 1,000 keys) and
https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html. Anything that is
not well-formed, or lacks what the schema requires, is S3's MalformedXML.

Parsed with the C ElementTree parser and a tree builder that refuses a DOCTYPE outright: with no
document type there can be no entity declarations, so neither entity expansion ("billion laughs")
nor external entities can happen, whatever the encoding the body declares.
The caller bounds the body's size before it gets here (services/s3/body_limits.py); the counts
of keys and parts are bounded here, and so is the markup, before the parser sees it: a 5 MiB
body of 1.3 million empty elements (or one start tag of 400,000 attributes) took the worker about
a second to build as a tree, while a document S3 could accept has at most so many elements and
attributes (`MarkupBudget`). Past that it cannot validate: MalformedXML, as it would be anyway.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from rolegate.aws.s3.checksums import ChecksumAlgorithm, ChecksumValue
from rolegate.aws.s3.errors import malformed_xml

__all__ = [
    "CompleteMultipartUploadRequest",
    "CompletedPart",
    "CreateBucketConfiguration",
    "DeleteRequest",
    "ObjectToDelete",
    "parse_complete_multipart_upload",
    "parse_create_bucket_configuration",
    "parse_delete",
]

MAX_DELETE_KEYS = 1000
MAX_PARTS = 10_000  # API_CompleteMultipartUpload.html / userguide/qfacts.html


@dataclass(frozen=True, slots=True)
class MarkupBudget:
    """How much markup a document of one kind may hold before it is parsed.

    Counted on the raw bytes at C speed, in whatever encoding the body declares: every tag,
    comment, processing instruction or CDATA section starts with a `<` character, and every
    attribute value sits between two quote characters, and in UTF-8, UTF-16, UTF-32 and Latin-1
    alike the encoding of `<`, `"` and `'` contains that ASCII byte (other characters may too,
    which only counts more). So the counts bound what the parser would build.
    """

    open_brackets: int  # '<' bytes: an element costs two (or one, if empty)
    quotes: int  # '"' and "'" bytes: an attribute costs two

    def admits(self, body: bytes) -> bool:
        if body.count(b"<") > self.open_brackets:
            return False
        return body.count(b'"') + body.count(b"'") <= self.quotes


# Room for the XML declaration, the root element and its namespace, and a few comments.
_SLACK = 64
# A part: Part, PartNumber, ETag and one element per checksum algorithm, each opened and closed;
# its ETag quoted ("..."), as SDKs send it.
_PART_ELEMENTS = 3 + len(ChecksumAlgorithm)
COMPLETE_MULTIPART_MARKUP = MarkupBudget(
    open_brackets=MAX_PARTS * 2 * _PART_ELEMENTS + _SLACK, quotes=MAX_PARTS * 2 + _SLACK
)
# An object: Object, Key, VersionId, ETag, LastModifiedTime, Size. Keys may hold quotes (S3
# only advises against them, userguide/object-keys.html), so each object may carry a few dozen;
# 50,000 attributes parse in well under 0.1 s.
_OBJECT_ELEMENTS = 6
DELETE_MARKUP = MarkupBudget(
    open_brackets=MAX_DELETE_KEYS * 2 * _OBJECT_ELEMENTS + _SLACK,
    quotes=MAX_DELETE_KEYS * 100 + _SLACK,
)
# A location, a bucket type and up to 50 tags: a few hundred elements at most; tag values
# (50 of up to 256 characters) may be all quotes.
CREATE_BUCKET_MARKUP = MarkupBudget(open_brackets=1024, quotes=16 * 1024)


@dataclass(frozen=True, slots=True)
class CreateBucketConfiguration:
    location_constraint: str | None  # None when the body or the element is absent


@dataclass(frozen=True, slots=True)
class ObjectToDelete:
    key: str
    version_id: str | None = None
    etag: str | None = None  # a conditional delete: only if the object still has this ETag


@dataclass(frozen=True, slots=True)
class DeleteRequest:
    objects: tuple[ObjectToDelete, ...]
    quiet: bool


@dataclass(frozen=True, slots=True)
class CompletedPart:
    part_number: int
    etag: str
    checksums: tuple[ChecksumValue, ...] = ()


@dataclass(frozen=True, slots=True)
class CompleteMultipartUploadRequest:
    parts: tuple[CompletedPart, ...]


class _DoctypeRefused(Exception):
    pass


class _NoDoctypeBuilder(ET.TreeBuilder):
    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _DoctypeRefused(name)


def _parse(body: bytes, root_name: str, budget: MarkupBudget) -> ET.Element:
    if not budget.admits(body):
        raise malformed_xml()
    parser = ET.XMLParser(target=_NoDoctypeBuilder())
    try:
        parser.feed(body)
        root = parser.close()
    except (ET.ParseError, _DoctypeRefused):
        raise malformed_xml() from None
    if _local(root.tag) != root_name:
        raise malformed_xml()
    return root


def _local(tag: str) -> str:
    """`{http://s3.amazonaws.com/doc/2006-03-01/}Key` -> `Key`: the namespace is optional."""
    return tag.rpartition("}")[2]


def _text(element: ET.Element) -> str:
    return element.text or ""


def parse_create_bucket_configuration(body: bytes) -> CreateBucketConfiguration:
    """An empty body is no configuration: the bucket goes to the endpoint's own region."""
    if not body.strip():
        return CreateBucketConfiguration(None)
    root = _parse(body, "CreateBucketConfiguration", CREATE_BUCKET_MARKUP)
    for child in root:
        if _local(child.tag) == "LocationConstraint":
            return CreateBucketConfiguration(_text(child).strip() or None)
    return CreateBucketConfiguration(None)


def parse_delete(body: bytes) -> DeleteRequest:
    """DeleteObjects: one to 1,000 `<Object>`s, each with a `<Key>`; `<Quiet>` true or false.

    A key's text is kept exactly (spaces included): it names an object.
    """
    root = _parse(body, "Delete", DELETE_MARKUP)
    objects: list[ObjectToDelete] = []
    quiet = False
    for child in root:
        name = _local(child.tag)
        if name == "Object":
            objects.append(_object_to_delete(child))
            if len(objects) > MAX_DELETE_KEYS:
                raise malformed_xml()
        elif name == "Quiet":
            quiet = _boolean(_text(child))
    if not objects:
        raise malformed_xml()
    return DeleteRequest(tuple(objects), quiet)


def _object_to_delete(element: ET.Element) -> ObjectToDelete:
    key: str | None = None
    version_id = etag = None
    for child in element:
        name = _local(child.tag)
        if name == "Key":
            if key is not None:
                raise malformed_xml()
            key = _text(child)
        elif name == "VersionId":
            version_id = _text(child).strip() or None
        elif name == "ETag":
            etag = _text(child).strip() or None
    if key is None:
        raise malformed_xml()
    return ObjectToDelete(key, version_id, etag)


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value not in ("true", "false"):
        raise malformed_xml()
    return value == "true"


_CHECKSUM_ELEMENTS = {"Checksum" + algorithm.value: algorithm for algorithm in ChecksumAlgorithm}


def parse_complete_multipart_upload(body: bytes) -> CompleteMultipartUploadRequest:
    """CompleteMultipartUpload: at least one `<Part>` with an integer `<PartNumber>` and an
    `<ETag>`, plus any `<ChecksumCRC32>`-style elements. Order and part-number range are the
    service's to judge (InvalidPartOrder, InvalidArgument); this only reads."""
    root = _parse(body, "CompleteMultipartUpload", COMPLETE_MULTIPART_MARKUP)
    parts: list[CompletedPart] = []
    for child in root:
        if _local(child.tag) == "Part":
            parts.append(_completed_part(child))
            if len(parts) > MAX_PARTS:
                raise malformed_xml()
    if not parts:
        raise malformed_xml()
    return CompleteMultipartUploadRequest(tuple(parts))


def _completed_part(element: ET.Element) -> CompletedPart:
    number: int | None = None
    etag: str | None = None
    checksums: list[ChecksumValue] = []
    for child in element:
        name = _local(child.tag)
        if name == "PartNumber":
            number = _integer(_text(child))
        elif name == "ETag":
            etag = _text(child).strip()
        else:
            algorithm = _CHECKSUM_ELEMENTS.get(name)
            if algorithm is not None:
                checksums.append(ChecksumValue(algorithm, _text(child).strip()))
    if number is None or not etag:
        raise malformed_xml()
    return CompletedPart(number, etag, tuple(checksums))


_XSD_INT = re.compile(r"-?[0-9]{1,10}")


def _integer(text: str) -> int:
    digits = text.strip()
    # int() also takes "+1", "1_000" and non-ASCII digits; the schema's xsd:int does not.
    if _XSD_INT.fullmatch(digits) is None:
        raise malformed_xml()
    return int(digits)
