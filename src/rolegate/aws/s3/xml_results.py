"""Response bodies of the bucket, copy, delete and multipart operations.

Element names and order from each operation's response syntax in the Amazon S3 API reference:
API_GetBucketLocation, API_CopyObject, API_UploadPartCopy, API_DeleteObjects,
API_CreateMultipartUpload, API_CompleteMultipartUpload, API_ListParts and API_ListMultipartUploads
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_<Operation>.html).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rolegate.aws.s3.checksums import ChecksumAlgorithm, ChecksumValue
from rolegate.aws.s3.times import iso_timestamp
from rolegate.aws.s3.xml_listings import EncodingType, Owner, owner_markup, quoted_etag, url_encoder
from rolegate.aws.s3.xml_writer import XmlWriter, escape

__all__ = [
    "DeleteErrorEntry",
    "DeletedEntry",
    "PartEntry",
    "UploadEntry",
    "complete_multipart_upload_result",
    "copy_object_result",
    "copy_part_result",
    "delete_result",
    "initiate_multipart_upload_result",
    "list_multipart_uploads_result",
    "list_parts_result",
    "location_constraint",
]


@dataclass(frozen=True, slots=True)
class DeletedEntry:
    key: str
    version_id: str | None = None
    delete_marker: bool = False  # written only when a delete marker was made
    delete_marker_version_id: str | None = None


@dataclass(frozen=True, slots=True)
class DeleteErrorEntry:
    key: str
    code: str
    message: str
    version_id: str | None = None


@dataclass(frozen=True, slots=True)
class PartEntry:
    part_number: int
    last_modified: datetime
    etag: str
    size: int
    checksum: ChecksumValue | None = None


@dataclass(frozen=True, slots=True)
class UploadEntry:
    key: str
    upload_id: str
    initiated: datetime
    initiator: Owner
    owner: Owner
    storage_class: str = "STANDARD"
    checksum_algorithm: ChecksumAlgorithm | None = None
    checksum_type: str | None = None


def _checksum(checksum: ChecksumValue | None) -> str:
    if checksum is None:
        return ""
    name = checksum.element_name
    return f"<{name}>{escape(checksum.value)}</{name}>"


def location_constraint(region: str) -> bytes:
    """GetBucketLocation. us-east-1 is an empty LocationConstraint: S3's "null" for that region."""
    out = XmlWriter("LocationConstraint")
    if region != "us-east-1":
        out.raw(escape(region))
    return out.finish()


def copy_object_result(
    *,
    etag: str,
    last_modified: datetime,
    checksum: ChecksumValue | None = None,
    checksum_type: str | None = None,
) -> bytes:
    out = XmlWriter("CopyObjectResult")
    out.element("LastModified", iso_timestamp(last_modified))
    out.element("ETag", quoted_etag(etag))
    out.optional("ChecksumType", checksum_type)
    out.raw(_checksum(checksum))
    return out.finish()


def copy_part_result(
    *, etag: str, last_modified: datetime, checksum: ChecksumValue | None = None
) -> bytes:
    out = XmlWriter("CopyPartResult")
    out.element("LastModified", iso_timestamp(last_modified))
    out.element("ETag", quoted_etag(etag))
    out.raw(_checksum(checksum))
    return out.finish()


def delete_result(deleted: Sequence[DeletedEntry], errors: Sequence[DeleteErrorEntry]) -> bytes:
    """DeleteObjects. In quiet mode the caller passes no `deleted`: S3 then lists errors only."""
    out = XmlWriter("DeleteResult")
    for entry in deleted:
        out.open("Deleted")
        out.element("Key", entry.key)
        out.optional("VersionId", entry.version_id)
        if entry.delete_marker:
            out.boolean("DeleteMarker", True)
        out.optional("DeleteMarkerVersionId", entry.delete_marker_version_id)
        out.close("Deleted")
    for error in errors:
        out.open("Error")
        out.element("Key", error.key)
        out.optional("VersionId", error.version_id)
        out.element("Code", error.code)
        out.element("Message", error.message)
        out.close("Error")
    return out.finish()


def initiate_multipart_upload_result(*, bucket: str, key: str, upload_id: str) -> bytes:
    """CreateMultipartUpload. Checksum algorithm and type go in headers, not here."""
    out = XmlWriter("InitiateMultipartUploadResult")
    out.element("Bucket", bucket)
    out.element("Key", key)
    out.element("UploadId", upload_id)
    return out.finish()


def complete_multipart_upload_result(
    *,
    location: str,
    bucket: str,
    key: str,
    etag: str,
    checksum: ChecksumValue | None = None,
    checksum_type: str | None = None,
) -> bytes:
    out = XmlWriter("CompleteMultipartUploadResult")
    out.element("Location", location)
    out.element("Bucket", bucket)
    out.element("Key", key)
    out.element("ETag", quoted_etag(etag))
    out.raw(_checksum(checksum))
    out.optional("ChecksumType", checksum_type)
    return out.finish()


def list_parts_result(
    *,
    bucket: str,
    key: str,
    upload_id: str,
    initiator: Owner,
    owner: Owner,
    part_number_marker: int,
    max_parts: int,
    is_truncated: bool,
    parts: Sequence[PartEntry],
    next_part_number_marker: int | None = None,
    storage_class: str = "STANDARD",
    checksum_algorithm: ChecksumAlgorithm | None = None,
    checksum_type: str | None = None,
) -> bytes:
    out = XmlWriter("ListPartsResult")
    out.element("Bucket", bucket)
    out.element("Key", key)
    out.element("UploadId", upload_id)
    out.raw(owner_markup("Initiator", initiator))
    out.raw(owner_markup("Owner", owner))
    out.element("StorageClass", storage_class)
    out.integer("PartNumberMarker", part_number_marker)
    if next_part_number_marker is not None:
        out.integer("NextPartNumberMarker", next_part_number_marker)
    out.integer("MaxParts", max_parts)
    out.boolean("IsTruncated", is_truncated)
    out.optional("ChecksumAlgorithm", checksum_algorithm)
    out.optional("ChecksumType", checksum_type)
    out.extend(
        [
            f"<Part><PartNumber>{part.part_number}</PartNumber>"
            f"<LastModified>{iso_timestamp(part.last_modified)}</LastModified>"
            f"<ETag>{escape(quoted_etag(part.etag))}</ETag><Size>{part.size}</Size>"
            f"{_checksum(part.checksum)}</Part>"
            for part in parts
        ]
    )
    return out.finish()


def list_multipart_uploads_result(
    *,
    bucket: str,
    key_marker: str,
    upload_id_marker: str,
    max_uploads: int,
    is_truncated: bool,
    uploads: Sequence[UploadEntry],
    common_prefixes: Sequence[str] = (),
    prefix: str | None = None,
    delimiter: str | None = None,
    next_key_marker: str | None = None,
    next_upload_id_marker: str | None = None,
    encoding_type: EncodingType | None = None,
) -> bytes:
    """ListMultipartUploads; with encoding-type=url the key-bearing fields are encoded (KeyMarker,
    NextKeyMarker, Prefix, Delimiter, Key, CommonPrefixes), as in the listings."""
    encode = url_encoder(encoding_type)
    out = XmlWriter("ListMultipartUploadsResult")
    out.element("Bucket", bucket)
    out.element("KeyMarker", encode(key_marker))
    out.element("UploadIdMarker", upload_id_marker)
    if next_key_marker is not None:
        out.element("NextKeyMarker", encode(next_key_marker))
    out.optional("NextUploadIdMarker", next_upload_id_marker)
    if delimiter is not None:
        out.element("Delimiter", encode(delimiter))
    if prefix is not None:
        out.element("Prefix", encode(prefix))
    out.integer("MaxUploads", max_uploads)
    if encoding_type is not None:
        out.element("EncodingType", encoding_type.value)
    out.boolean("IsTruncated", is_truncated)
    for upload in uploads:
        algorithm = upload.checksum_algorithm
        checksum = f"<ChecksumAlgorithm>{algorithm.value}</ChecksumAlgorithm>" if algorithm else ""
        if upload.checksum_type is not None:
            checksum += f"<ChecksumType>{escape(upload.checksum_type)}</ChecksumType>"
        out.raw(
            f"<Upload><Key>{escape(encode(upload.key))}</Key>"
            f"<UploadId>{escape(upload.upload_id)}</UploadId>"
            f"{owner_markup('Initiator', upload.initiator)}{owner_markup('Owner', upload.owner)}"
            f"<StorageClass>{escape(upload.storage_class)}</StorageClass>"
            f"<Initiated>{iso_timestamp(upload.initiated)}</Initiated>{checksum}</Upload>"
        )
    out.extend(
        f"<CommonPrefixes><Prefix>{escape(encode(prefix))}</Prefix></CommonPrefixes>"
        for prefix in common_prefixes
    )
    return out.finish()
