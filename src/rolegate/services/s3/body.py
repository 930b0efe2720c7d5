"""Receiving an object's bytes: streamed to a blob, checked on the way, committed only if good.

The request body is the endpoint's `VerifiedBody` (aws/s3/verified_body.py): decoded from
aws-chunked, bounded, and checked at its end against `Content-MD5`, `x-amz-checksum-*` and the
signed `x-amz-content-sha256`. Here the payload goes to disk as it arrives, the blob writer
computes those hashes on its threads (the MD5 it computes anyway for the ETag is the one compared
with `Content-MD5`), and nothing is committed unless every check passed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.checksums import ChecksumAlgorithm
from rolegate.aws.s3.verified_body import BodyLimit
from rolegate.services.s3.call import S3Call
from rolegate.store.blobs import BlobRef, BlobStore

# API_PutObject.html: a single PUT carries at most 5 GiB; API_UploadPart.html: so does a part.
MAX_SINGLE_PUT = 5 * 1024**3
# Bytes handed to the writer at a time: large enough for its parallel hashing path, small
# enough that a PUT holds at most two blocks in memory.
PIPELINE_BLOCK = 1024 * 1024


def _entity_too_large() -> AwsError:
    # ErrorResponses.html: EntityTooLarge, "Your proposed upload exceeds the maximum allowed size".
    return AwsError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400)


OBJECT_LIMIT = BodyLimit(MAX_SINGLE_PUT, _entity_too_large)


@dataclass(frozen=True, slots=True)
class ReceivedBody:
    blob: BlobRef
    checksum: tuple[ChecksumAlgorithm, str] | None


async def receive_body(call: S3Call, blobs: BlobStore) -> ReceivedBody:
    """Stream the request body into a new blob; raise AwsError (blob discarded) if it is bad."""
    payload = call.body.stream(OBJECT_LIMIT, md5_by_reader=True)
    writer = blobs.writer()
    for hasher in payload.hashers:
        writer.add_hasher(hasher)
    loop = asyncio.get_running_loop()
    pending: asyncio.Future[None] | None = None
    buffered = bytearray()
    try:
        async for data in payload:
            buffered += data
            if len(buffered) >= PIPELINE_BLOCK:
                # Hash and write this block on a worker thread while the event loop goes on
                # receiving the next one (MD5 alone is ~550 MB/s here: inline, it was the cap).
                if pending is not None:
                    await pending
                pending = loop.run_in_executor(None, writer.write, bytes(buffered))
                buffered.clear()
        if pending is not None:
            await pending
            pending = None
        if buffered:
            writer.write(buffered)
        # fsync and rename off the event loop: a disk flush must not stall other requests.
        blob = await asyncio.to_thread(writer.commit)
    except BaseException:
        if pending is not None:
            await asyncio.wait([pending])
        writer.abort()
        raise
    try:
        checksum = payload.finish(md5=bytes.fromhex(blob.md5_hex))
    except AwsError:
        blobs.delete(blob.blob_id)
        raise
    return ReceivedBody(blob, None if checksum is None else (checksum.algorithm, checksum.value))
