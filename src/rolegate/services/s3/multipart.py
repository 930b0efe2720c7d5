"""Multipart uploads (API_CreateMultipartUpload.html, API_UploadPart.html,
API_CompleteMultipartUpload.html, API_AbortMultipartUpload.html, API_ListParts.html,
API_ListMultipartUploads.html).

Completing keeps the parts' blobs as the object's segments, so no byte is copied; the ETag is the
MD5 of the parts' binary MD5s followed by `-N`, as S3 forms it.
"""

from __future__ import annotations

import hashlib
import secrets

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.errors import S3Error
from rolegate.aws.s3.xml import parse_complete_multipart_upload
from rolegate.aws.s3.xml_results import (
    PartEntry,
    UploadEntry,
    complete_multipart_upload_result,
    initiate_multipart_upload_result,
    list_multipart_uploads_result,
    list_parts_result,
)
from rolegate.model import MultipartUpload, Segment, StoredObject, UploadedPart
from rolegate.services.s3.body import receive_body
from rolegate.services.s3.body_limits import COMPLETE_MULTIPART_LIMIT
from rolegate.services.s3.call import S3Call, S3Reply
from rolegate.services.s3.errors import checked_key, no_such_bucket, no_such_upload
from rolegate.services.s3.listing import int_param
from rolegate.services.s3.object_headers import stored_headers, user_metadata
from rolegate.services.s3.preconditions import absence_answered, write_condition
from rolegate.services.s3.ranges import part_number
from rolegate.services.s3.service import S3Service, canonical_owner
from rolegate.services.s3.unserved import refuse_unserved_object_protections
from rolegate.store.objects import InvalidParts, NoSuchBucket, NoSuchUpload

XML = "application/xml"
MIN_PART_SIZE = 5 * 1024 * 1024


def _upload(svc: S3Service, call: S3Call) -> MultipartUpload:
    upload_id = call.param("uploadId") or ""
    upload = svc.objects.get_upload(upload_id)
    if upload is None or upload.bucket != call.bucket_name or upload.key != call.key:
        raise no_such_upload(upload_id)
    return upload


async def create_multipart_upload(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket_name is not None and call.key is not None
    # The key the upload will complete to is held to PutObject's limit now, not after the parts
    # are in (a 1,100-byte key once became an object no GetObject could name).
    checked_key(call.key)
    refuse_unserved_object_protections(call.headers)
    # Ids that sort by creation time keep ListMultipartUploads in S3's order.
    upload_id = f"{call.now.timestamp():017.6f}".replace(".", "") + secrets.token_hex(12)
    upload = MultipartUpload(
        upload_id=upload_id,
        bucket=call.bucket_name,
        key=call.key,
        initiated=call.now,
        initiator_arn=call.caller.arn,
        content_type=call.header("content-type"),
        metadata=user_metadata(call.headers),
        headers=stored_headers(call.headers),
        checksum_algorithm=call.header("x-amz-checksum-algorithm"),
    )
    try:
        svc.objects.create_upload(upload, call.bucket)
    except NoSuchBucket:
        raise no_such_bucket(call.bucket_name) from None
    body = initiate_multipart_upload_result(
        bucket=call.bucket_name, key=call.key, upload_id=upload_id
    )
    return S3Reply(200, [], body, XML)


async def upload_part(svc: S3Service, call: S3Call) -> S3Reply:
    number = part_number(call.param("partNumber"))
    upload = _upload(svc, call)
    received = await receive_body(call, svc.blobs)
    blob = received.blob
    checksums = (
        () if received.checksum is None else ((received.checksum[0].value, received.checksum[1]),)
    )
    part = UploadedPart(
        upload.upload_id, number, blob.blob_id, blob.size, f'"{blob.md5_hex}"', call.now, checksums
    )
    try:
        freed = svc.objects.put_part(part)
    except NoSuchUpload:
        svc.blobs.delete(blob.blob_id)
        raise no_such_upload(upload.upload_id) from None
    svc.free(freed)
    return S3Reply(200, [("ETag", part.etag)])


def _invalid_part() -> S3Error:
    return S3Error(
        "InvalidPart",
        "One or more of the specified parts could not be found.  The part may not have been "
        "uploaded, or the specified entity tag may not match the part's entity tag.",
        400,
    )


async def complete_multipart_upload(svc: S3Service, call: S3Call) -> S3Reply:
    upload = _upload(svc, call)
    # If-None-Match / If-Match hold against the key at the commit (API_CompleteMultipartUpload
    # .html): an object put there since the upload began makes `If-None-Match: *` fail with 412.
    condition = write_condition(call, upload.key)
    request = parse_complete_multipart_upload(await call.body.read_all(COMPLETE_MULTIPART_LIMIT))
    if not request.parts:
        raise AwsError(
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published "
            "schema",
            400,
        )
    numbers = [p.part_number for p in request.parts]
    if numbers != sorted(set(numbers)):
        raise AwsError(
            "InvalidPartOrder",
            "The list of parts was not in ascending order. Parts must be ordered by part number.",
            400,
        )
    stored = {p.part_number: p for p in svc.objects.list_parts(upload.upload_id, 0, 10_000).parts}
    chosen: list[UploadedPart] = []
    for given in request.parts:
        part = stored.get(given.part_number)
        if part is None or part.etag.strip('"') != given.etag.strip('"'):
            if svc.objects.get_upload(upload.upload_id) is None:
                # Completed or aborted since it was looked up (a racing Complete took its
                # parts): the upload is gone, which is NoSuchUpload, not a bad part list.
                raise no_such_upload(upload.upload_id)
            raise _invalid_part()
        chosen.append(part)
    for part in chosen[:-1]:
        if part.size < MIN_PART_SIZE:
            raise AwsError(
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed object size.",
                400,
            )
    md5s = b"".join(bytes.fromhex(p.etag.strip('"')) for p in chosen)
    etag = f'"{hashlib.md5(md5s, usedforsecurity=False).hexdigest()}-{len(chosen)}"'
    obj = StoredObject(
        bucket=upload.bucket,
        key=upload.key,
        segments=tuple(Segment(p.blob_id, p.size) for p in chosen),
        size=sum(p.size for p in chosen),
        etag=etag,
        last_modified=call.now,
        content_type=upload.content_type,
        metadata=upload.metadata,
        headers=upload.headers,
        checksums=(),
        parts_count=len(chosen),
        part_sizes=tuple(p.size for p in chosen),
    )
    try:
        with absence_answered(call, upload.key):
            freed = svc.objects.complete_upload(
                upload.upload_id, obj, numbers, None if condition is None else condition.check
            )
    except (NoSuchUpload, InvalidParts):
        raise no_such_upload(upload.upload_id) from None
    svc.free(freed)
    body = complete_multipart_upload_result(
        location=f"/{upload.bucket}/{upload.key}", bucket=upload.bucket, key=upload.key, etag=etag
    )
    return S3Reply(200, [], body, XML)


async def abort_multipart_upload(svc: S3Service, call: S3Call) -> S3Reply:
    upload = _upload(svc, call)
    try:
        svc.free(svc.objects.abort_upload(upload.upload_id))
    except NoSuchUpload:
        raise no_such_upload(upload.upload_id) from None
    return S3Reply(204)


async def list_parts(svc: S3Service, call: S3Call) -> S3Reply:
    upload = _upload(svc, call)
    marker = int_param(call, "part-number-marker", 0)
    max_parts = min(int_param(call, "max-parts", 1000), 1000)
    page = svc.objects.list_parts(upload.upload_id, marker, max_parts)
    owner = canonical_owner(call.bucket.account_id if call.bucket else call.caller.account_id)
    body = list_parts_result(
        bucket=upload.bucket,
        key=upload.key,
        upload_id=upload.upload_id,
        initiator=owner,
        owner=owner,
        part_number_marker=marker,
        max_parts=max_parts,
        is_truncated=page.is_truncated,
        parts=[PartEntry(p.part_number, p.last_modified, p.etag, p.size) for p in page.parts],
        next_part_number_marker=page.next_marker,
    )
    return S3Reply(200, [], body, XML)


async def list_multipart_uploads(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket is not None
    prefix = call.param("prefix") or ""
    key_marker = call.param("key-marker") or ""
    upload_id_marker = call.param("upload-id-marker") or ""
    max_uploads = min(int_param(call, "max-uploads", 1000), 1000)
    try:
        # Of the bucket the listing was authorized against, not of one that took its name since.
        page = svc.objects.list_uploads(
            call.bucket.name, prefix, key_marker, upload_id_marker, max_uploads, call.bucket
        )
    except NoSuchBucket:
        raise no_such_bucket(call.bucket.name) from None
    owner = canonical_owner(call.bucket.account_id)
    body = list_multipart_uploads_result(
        bucket=call.bucket.name,
        key_marker=key_marker,
        upload_id_marker=upload_id_marker,
        max_uploads=max_uploads,
        is_truncated=page.is_truncated,
        uploads=[UploadEntry(u.key, u.upload_id, u.initiated, owner, owner) for u in page.uploads],
        prefix=prefix or None,
        next_key_marker=page.next_key_marker,
        next_upload_id_marker=page.next_upload_id_marker,
    )
    return S3Reply(200, [], body, XML)
