"""A multipart upload is held to PutObject's key limit when it starts.

AmazonS3/latest/userguide/object-keys.html: "The name for a key is a sequence of Unicode
characters whose UTF-8 encoding is at most 1,024 bytes long"; PutObject answered 400
KeyTooLongError, CreateMultipartUpload took any length, and the completed object then had a key
GetObject and DeleteObject refuse to name.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import RunningServer


def test_create_multipart_upload_refuses_a_key_over_1024_bytes(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"mpu-keys-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    long_key = "é" * 513  # 1,026 bytes of UTF-8, 513 characters
    with pytest.raises(ClientError) as raised:
        s3.create_multipart_upload(Bucket=bucket, Key=long_key)
    response: dict[str, Any] = raised.value.response
    assert (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]) == (
        400,
        "KeyTooLongError",
    )
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    # 1,024 bytes is allowed.
    s3.create_multipart_upload(Bucket=bucket, Key="é" * 512)
