"""Racing requests in the attack tests: run calls at once and collect each one's outcome."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError


def outcome(fn: Callable[[], Any]) -> str:
    """ "ok", or the error code the call came back with."""
    try:
        fn()
        return "ok"
    except ClientError as error:
        return str(error.response["Error"]["Code"])


def racing(fns: list[Callable[[], Any]]) -> list[str]:
    """Start all at once (a barrier) and return their outcomes, in order."""
    results = [""] * len(fns)
    barrier = threading.Barrier(len(fns))

    def run(index: int) -> None:
        barrier.wait()
        results[index] = outcome(fns[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def one_part_upload(s3: Any, bucket: str, key: str, body: bytes) -> tuple[str, dict[str, Any]]:
    """A multipart upload of `body` as its one part: its id and the parts to complete it with."""
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=body)[
        "ETag"
    ]
    return upload_id, {"Parts": [{"PartNumber": 1, "ETag": etag}]}
