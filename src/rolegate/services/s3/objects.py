"""Object operations: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.checksums import ChecksumAlgorithm, header_name
from rolegate.aws.s3.times import http_date
from rolegate.aws.s3.xml import parse_delete
from rolegate.aws.s3.xml_results import (
    DeletedEntry,
    DeleteErrorEntry,
    copy_object_result,
    delete_result,
)
from rolegate.model import Segment, StoredObject
from rolegate.services.s3.absence import listing_judgement, missing_key
from rolegate.services.s3.authorize import check_expected_owner, s3_access_denied
from rolegate.services.s3.body import MAX_SINGLE_PUT, receive_body
from rolegate.services.s3.body_limits import DELETE_OBJECTS_LIMIT
from rolegate.services.s3.call import S3Call, S3Reply
from rolegate.services.s3.copy_source import CopySource, parse_copy_source
from rolegate.services.s3.errors import (
    checked_key,
    no_such_bucket,
    no_such_key,
)
from rolegate.services.s3.object_headers import (
    object_headers,
    refuse_anonymous_overrides,
    refuse_unsafe_overrides,
    stored_headers,
    user_metadata,
)
from rolegate.services.s3.preconditions import (
    KeyAbsent,
    WriteCondition,
    absence_answered,
    check_copy_source,
    require_read,
    write_condition,
)
from rolegate.services.s3.ranges import (
    PRECONDITION_FAILED,
    Precondition,
    check_conditions,
    parse_range,
    part_range,
)
from rolegate.services.s3.service import S3Service
from rolegate.services.s3.unserved import refuse_unserved_object_protections
from rolegate.services.s3.versions import (
    DELETE_VERSION,
    GET_VERSION,
    NULL_VERSION,
)
from rolegate.store.blob_writer import BlobRef
from rolegate.store.objects import NoSuchBucket

# Up to this size an answer is read whole before it is sent; beyond, it streams in chunks.
SMALL_BODY = 256 * 1024

DEFAULT_CONTENT_TYPE = "binary/octet-stream"


def _key_of(call: S3Call) -> str:
    return checked_key(call.key or "")


def _content_type(call: S3Call) -> str | None:
    return call.header("content-type")


async def put_object(svc: S3Service, call: S3Call) -> S3Reply:
    key = _key_of(call)
    refuse_unserved_object_protections(call.headers)
    assert call.bucket_name is not None
    condition = write_condition(call, key)
    metadata = user_metadata(call.headers)  # refused before the body is read, not after
    received = await receive_body(call, svc.blobs)
    blob = received.blob
    checksums = (
        () if received.checksum is None else ((received.checksum[0].value, received.checksum[1]),)
    )
    obj = StoredObject(
        bucket=call.bucket_name,
        key=key,
        segments=(Segment(blob.blob_id, blob.size),),
        size=blob.size,
        etag=f'"{blob.md5_hex}"',
        last_modified=call.now,
        content_type=_content_type(call),
        metadata=metadata,
        headers=stored_headers(call.headers),
        checksums=checksums,
    )
    freed = _commit(svc, call, obj, blob.blob_id, condition)
    svc.free(freed)
    headers = [("ETag", obj.etag)]
    if received.checksum is not None:
        headers.append((header_name(received.checksum[0]), received.checksum[1]))
    return S3Reply(200, headers)


def _commit(
    svc: S3Service,
    call: S3Call,
    obj: StoredObject,
    blob_id: str,
    condition: WriteCondition | None,
) -> tuple[str, ...]:
    """Store `obj` if its condition holds at the commit, and only in the bucket the request
    was authorized against (a bucket of the same name created since, by whoever, is not it);
    otherwise free the blob just written (nothing refers to it) and answer as S3 does."""
    try:
        with absence_answered(call, obj.key):
            return svc.objects.put_object(
                obj, None if condition is None else condition.check, call.bucket
            )
    except NoSuchBucket:
        svc.blobs.delete(blob_id)
        raise no_such_bucket(obj.bucket) from None
    except BaseException:
        svc.blobs.delete(blob_id)
        raise


def _find(svc: S3Service, call: S3Call) -> StoredObject:
    """The object, or the answer S3 gives for a missing one: NoSuchKey (404) only to a caller
    allowed s3:ListBucket on the bucket, AccessDenied (403) otherwise (API_GetObject.html)."""
    assert call.bucket_name is not None
    # With its bucket, in one read: an object of a bucket that took the name since the request
    # was authorized (deleted, created again by another account) is not the caller's to read.
    bucket, found = svc.objects.get_bucket_and_object(call.bucket_name, _key_of(call))
    if bucket is None or (call.bucket is not None and not bucket.same_bucket(call.bucket)):
        raise no_such_bucket(call.bucket_name)
    if found is not None:
        return found
    raise missing_key(call, call.key or "")


def _read_reply(svc: S3Service, call: S3Call, head: bool) -> S3Reply:
    refuse_anonymous_overrides(call.caller, call.query)
    refuse_unsafe_overrides(call.query)
    try:
        return _read_once(svc, call, head, call.prefetched or _find(svc, call))
    except FileNotFoundError:
        # The object was replaced between reading its record and opening its bytes: the new
        # version is complete, so answer with it.
        return _read_once(svc, call, head, _find(svc, call))


def _read_once(svc: S3Service, call: S3Call, head: bool, obj: StoredObject) -> S3Reply:
    try:
        check_conditions(
            obj.etag,
            obj.last_modified,
            call.header("if-match"),
            call.header("if-none-match"),
            call.header("if-modified-since"),
            call.header("if-unmodified-since"),
        )
    except Precondition as outcome:
        if outcome.not_modified:
            return S3Reply(
                304, [("ETag", obj.etag), ("Last-Modified", http_date(obj.last_modified))]
            )
        raise PRECONDITION_FAILED from None
    headers = object_headers(obj, call.query)
    part_number = call.param("partNumber")
    if part_number is not None:
        wanted = part_range(part_number, call.header("range"), obj.size, obj.part_sizes)
    else:
        wanted = parse_range(call.header("range"), obj.size)
    if call.header("x-amz-checksum-mode") == "ENABLED" and wanted is None:
        headers.extend(
            (header_name(ChecksumAlgorithm(algorithm)), value) for algorithm, value in obj.checksums
        )
    if wanted is None:
        headers.append(("Content-Length", str(obj.size)))
        return S3Reply(200, headers, b"" if head else _body(svc, obj, 0, obj.size))
    headers.append(("Content-Length", str(wanted.length)))
    headers.append(("Content-Range", wanted.content_range(obj.size)))
    return S3Reply(206, headers, b"" if head else _body(svc, obj, wanted.start, wanted.length))


def _body(svc: S3Service, obj: StoredObject, start: int, length: int) -> bytes | Iterator[bytes]:
    """Small answers read whole (a 1 KiB GET is mostly overhead); larger ones streamed."""
    if length <= SMALL_BODY:
        return svc.blobs.read_bytes(obj.segments, start, length)
    return svc.blobs.read_segments(obj.segments, start, length)


async def get_object(svc: S3Service, call: S3Call) -> S3Reply:
    return _read_reply(svc, call, head=False)


async def head_object(svc: S3Service, call: S3Call) -> S3Reply:
    return _read_reply(svc, call, head=True)


async def delete_object(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket_name is not None
    key = _key_of(call)
    # API_DeleteObject.html: deleting a key that does not exist succeeds (204), unless If-Match
    # asks for an object (conditional-deletes.html: 404, or 412 for another ETag).
    if_match = call.header("if-match")
    check = None
    if if_match is not None:
        require_read(call, key)
        check = WriteCondition(if_match, if_none_match=False).check
    try:
        with absence_answered(call, key):
            svc.free(svc.objects.delete_object(call.bucket_name, key, check, call.bucket))
    except NoSuchBucket:
        raise no_such_bucket(call.bucket_name) from None
    return S3Reply(204)


# Keys judged between two turns of the event loop in DeleteObjects: ~30 ms at the worst measured.
_JUDGED_PER_TURN = 100


async def delete_objects(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket_name is not None
    # API_DeleteObjects.html: "the Content-MD5 header is required for all Multi-Object Delete
    # requests" (or, since flexible checksums, an x-amz-checksum-* header): the body is then
    # checked against it before a key in it is judged.
    if not call.body.has_integrity_header():
        raise missing_content_md5()
    request = parse_delete(await call.body.read_all(DELETE_OBJECTS_LIMIT))
    errors: list[DeleteErrorEntry] = []
    allowed: list[str] = []
    # An <ETag> makes that key's delete conditional (conditional-deletes.html), and comparing
    # it needs s3:GetObject as well; a key listed twice keeps its first condition.
    etags: dict[str, str] = {}
    versions: dict[str, str] = {}
    for number, item in enumerate(request.objects):
        if number % _JUDGED_PER_TURN == _JUDGED_PER_TURN - 1:
            # 1,000 keys of 1,024 bytes against the owner's own 20 KB policy of `a?a?...`
            # patterns took 0.3 s to judge: others get a turn in between.
            await asyncio.sleep(0)
        resource = f"arn:aws:s3:::{call.bucket_name}/{item.key}"
        # A <VersionId> is s3:DeleteObjectVersion (services/s3/versions.py), and only the null
        # version exists: any other id is NoSuchVersion for that key, never the current object.
        action = "s3:DeleteObject" if item.version_id is None else DELETE_VERSION
        judgement = call.judge(action, resource, call.bucket)
        if judgement.allowed and item.etag is not None:
            judgement = call.judge("s3:GetObject", resource, call.bucket)
        if not judgement.allowed:
            errors.append(
                DeleteErrorEntry(key=item.key, code="AccessDenied", message="Access Denied")
            )
        elif item.version_id is not None and item.version_id != NULL_VERSION:
            errors.append(
                DeleteErrorEntry(
                    key=item.key,
                    code="NoSuchVersion",
                    message="The specified version does not exist.",
                    version_id=item.version_id,
                )
            )
        else:
            allowed.append(item.key)
            if item.etag is not None:
                etags.setdefault(item.key, item.etag)
            if item.version_id is not None:
                versions.setdefault(item.key, item.version_id)
    refused: dict[str, DeleteErrorEntry] = {}
    # Whether a missing key may be reported as missing (services/s3/absence.py): asked once,
    # and only when some delete is conditional.
    may_list = bool(etags) and listing_judgement(call, call.bucket_name, call.bucket).allowed

    def still_as_expected(key: str, current: StoredObject | None) -> bool:
        wanted = etags.get(key)
        if wanted is None:
            return True
        # DeleteObject's If-Match condition, its refusal reported as this key's error.
        refusal: AwsError
        try:
            WriteCondition(wanted, if_none_match=False).check(current)
            return True
        except KeyAbsent:
            refusal = no_such_key(key) if may_list else _plain_access_denied()
        except AwsError as failed:
            refusal = failed
        refused[key] = DeleteErrorEntry(key=key, code=refusal.code, message=refusal.message)
        return False

    check = still_as_expected if etags else None
    # A key listed twice is one delete: its condition is tested once, against the object.
    keys = list(dict.fromkeys(allowed))
    try:
        # Only in the bucket the keys were judged against: the body may have taken long enough
        # for that bucket to be deleted and its name taken by another account.
        svc.free(svc.objects.delete_objects(call.bucket_name, keys, check, call.bucket))
    except NoSuchBucket:
        raise no_such_bucket(call.bucket_name) from None
    errors.extend(refused.values())
    deleted = (
        []
        if request.quiet
        else [DeletedEntry(key=k, version_id=versions.get(k)) for k in keys if k not in refused]
    )
    return S3Reply(200, [], delete_result(deleted, errors), "application/xml")


def _plain_access_denied() -> AwsError:
    return AwsError("AccessDenied", "Access Denied", 403)


def missing_content_md5() -> AwsError:
    # [seen] https://github.com/versity/versitygw/issues/1040: S3's answer to a DeleteObjects
    # with neither header (before flexible checksums it named Content-MD5 alone).
    return AwsError(
        "InvalidRequest",
        "Missing required header for this request: Content-MD5 OR x-amz-checksum-*",
        400,
    )


def _replaces_metadata(call: S3Call) -> bool:
    """`x-amz-metadata-directive` is COPY or REPLACE exactly (API_CopyObject.html). Read
    case-insensitively, `replace` replaced the metadata while a policy's `StringEquals
    s3:x-amz-metadata-directive REPLACE` did not match it: a Deny on it walked around."""
    directive = call.header("x-amz-metadata-directive")
    if directive is None or directive == "COPY":
        return False
    if directive == "REPLACE":
        return True
    raise AwsError("InvalidArgument", "Unknown metadata directive.", 400)


def _readable_source(svc: S3Service, call: S3Call, copy_source: CopySource) -> StoredObject:
    """The object a copy reads, once the caller may read it and its conditions hold."""
    # The source bucket and its object in one read: the object judged is one of the bucket whose
    # policy judged it, never one of a bucket that took the name in between.
    source_bucket, source = svc.objects.get_bucket_and_object(copy_source.bucket, copy_source.key)
    if source_bucket is None:
        raise no_such_bucket(copy_source.bucket)
    check_expected_owner(call.header("x-amz-source-expected-bucket-owner"), source_bucket)
    source_arn = f"arn:aws:s3:::{copy_source.bucket}/{copy_source.key}"
    # Copying a named version reads that version (API_CopyObject.html).
    action = "s3:GetObject" if copy_source.version_id is None else GET_VERSION
    reading = call.judge(action, source_arn, source_bucket)
    if not reading.allowed:
        raise s3_access_denied(call.caller, reading)
    if source is None:
        raise missing_key(call, copy_source.key, copy_source.bucket, source_bucket)
    check_copy_source(call, source)
    if source.size > MAX_SINGLE_PUT:
        # API_CopyObject.html: "You can create a copy of an object up to 5 GB in size in a single
        # atomic action"; S3's answer past it, as clients quote it (e.g. rclone/rclone#2375).
        raise AwsError(
            "InvalidRequest",
            "The specified copy source is larger than the maximum allowable size for a copy "
            f"source: {MAX_SINGLE_PUT}",
            400,
        )
    return source


async def _copy_blob(svc: S3Service, source: StoredObject) -> BlobRef:
    """A new blob holding the source's bytes."""
    writer = svc.blobs.writer()
    try:
        for piece in svc.blobs.read_segments(source.segments):
            writer.write(piece)
            # A copy of up to 5 GiB is read and written here, with no network in between to
            # wait on: without a turn for the others after each piece (at most 1 MiB), a
            # 256 MiB copy held the worker and every tenant on it for over a second.
            await asyncio.sleep(0)
        # fsync and rename off the event loop, as a PUT's body does (body.py): a disk flush
        # of up to 5 GiB of copy must not stall the other requests on this worker.
        return await asyncio.to_thread(writer.commit)
    except BaseException:
        writer.abort()
        raise


async def copy_object(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket_name is not None
    key = _key_of(call)
    refuse_unserved_object_protections(call.headers)
    replace_metadata = _replaces_metadata(call)
    copy_source = parse_copy_source(call.header("x-amz-copy-source"))
    condition = write_condition(call, key)
    source = _readable_source(svc, call, copy_source)
    if copy_source.bucket == call.bucket_name and copy_source.key == key and not replace_metadata:
        raise AwsError(
            "InvalidRequest",
            "This copy request is illegal because it is trying to copy an object to itself "
            "without changing the object's metadata, storage class, website redirect location or "
            "encryption attributes.",
            400,
        )
    # Checked before a byte is copied: a refusal after the copy would leave its blob behind.
    metadata = user_metadata(call.headers) if replace_metadata else source.metadata
    blob = await _copy_blob(svc, source)
    copied = replace(
        source,
        bucket=call.bucket_name,
        key=key,
        segments=(Segment(blob.blob_id, blob.size),),
        last_modified=call.now,
    )
    if replace_metadata:
        copied = replace(
            copied,
            content_type=_content_type(call),
            metadata=metadata,
            headers=stored_headers(call.headers),
        )
    svc.free(_commit(svc, call, copied, blob.blob_id, condition))
    body = copy_object_result(etag=copied.etag, last_modified=copied.last_modified)
    return S3Reply(200, [], body, "application/xml")
