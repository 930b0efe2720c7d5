"""S3's XML, in one place to import from: the writer, the error body, timestamps, request parsers
and response builders (each kept in its own module: `xml_writer`, `times`, `xml_requests`,
`xml_listings`, `xml_results`).

The error body follows https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html:
`<Error>` without a namespace, then Code, Message, the error's own elements, Resource, RequestId
and HostId.
"""

from __future__ import annotations

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.errors import S3Error
from rolegate.aws.s3.times import http_date, iso_timestamp
from rolegate.aws.s3.xml_listings import (
    BucketEntry,
    EncodingType,
    ObjectEntry,
    Owner,
    list_all_my_buckets_result,
    list_bucket_result_v1,
    list_bucket_result_v2,
)
from rolegate.aws.s3.xml_requests import (
    CompletedPart,
    CompleteMultipartUploadRequest,
    CreateBucketConfiguration,
    DeleteRequest,
    ObjectToDelete,
    parse_complete_multipart_upload,
    parse_create_bucket_configuration,
    parse_delete,
)
from rolegate.aws.s3.xml_results import (
    DeletedEntry,
    DeleteErrorEntry,
    PartEntry,
    UploadEntry,
    complete_multipart_upload_result,
    copy_object_result,
    copy_part_result,
    delete_result,
    initiate_multipart_upload_result,
    list_multipart_uploads_result,
    list_parts_result,
    location_constraint,
)
from rolegate.aws.s3.xml_writer import S3_NAMESPACE, XML_DECLARATION, XmlWriter, element, escape

__all__ = [
    "S3_NAMESPACE",
    "XML_DECLARATION",
    "BucketEntry",
    "CompleteMultipartUploadRequest",
    "CompletedPart",
    "CreateBucketConfiguration",
    "DeleteErrorEntry",
    "DeleteRequest",
    "DeletedEntry",
    "EncodingType",
    "ObjectEntry",
    "ObjectToDelete",
    "Owner",
    "PartEntry",
    "UploadEntry",
    "XmlWriter",
    "complete_multipart_upload_result",
    "copy_object_result",
    "copy_part_result",
    "delete_result",
    "element",
    "error_body",
    "escape",
    "http_date",
    "initiate_multipart_upload_result",
    "iso_timestamp",
    "list_all_my_buckets_result",
    "list_bucket_result_v1",
    "list_bucket_result_v2",
    "list_multipart_uploads_result",
    "list_parts_result",
    "location_constraint",
    "parse_complete_multipart_upload",
    "parse_create_bucket_configuration",
    "parse_delete",
]


def error_body(error: AwsError, request_id: str, resource: str | None, host_id: str = "") -> bytes:
    """S3's `<Error>` document for any `AwsError`; an `S3Error` adds its own elements.

    `resource` is the request's path (`/bucket/key`), written as `<Resource>` unless the error
    names its own; None leaves the element out. `host_id` is S3's x-amz-id-2 value.
    """
    out = XmlWriter("Error", namespace=None)
    out.element("Code", error.code)
    out.element("Message", error.message)
    if isinstance(error, S3Error):
        for name, value in error.elements():
            out.element(name, value)
        if error.resource is not None:
            resource = error.resource
    out.optional("Resource", resource)
    out.element("RequestId", request_id)
    out.element("HostId", host_id)
    return out.finish()
