"""A CopyObject must not hold the worker while it copies (issue 10, stalls).

A copy reads and writes up to 5 GiB (API_CopyObject.html) with no network in between to wait on:
it ran start to end without letting the event loop serve anyone else, so a 256 MiB copy kept
every tenant of that worker waiting over a second, a 5 GiB one over twenty, and the attacker
uploads the source once and copies it as often as they like. The test starts copies, then asks
for another tenant's object: that answer must come before the copies finish (an order, not a
time). With `--workers 2` each worker gets a copy.
"""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor

from boto3.s3.transfer import TransferConfig
from tests.rolegate_server import RunningServer
from tests.security.wire import exchange, request_bytes, signed_headers

MIB = 1024 * 1024
SIZE = 256 * MIB  # a second or more to copy on any disk this runs on


def test_a_large_copy_lets_other_tenants_be_served(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"copier-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    chunk = bytes(range(256)) * (MIB // 256)
    s3.upload_fileobj(
        io.BytesIO(chunk * (SIZE // MIB)),
        bucket,
        "source",
        Config=TransferConfig(multipart_chunksize=64 * MIB, max_concurrency=2),
    )
    tenant = server.new_account()
    theirs = f"bystander-{tenant.account_id}"
    them = server.client("s3", tenant)
    them.create_bucket(Bucket=theirs)
    them.put_object(Bucket=theirs, Key="k", Body=b"hello")

    def copy(n: int) -> float:
        target = f"/{bucket}/copy-{n}"
        headers = signed_headers(
            owner, "PUT", f"{server.url}{target}", headers={"x-amz-copy-source": f"{bucket}/source"}
        )
        response = exchange(server.port, request_bytes("PUT", target, headers), timeout=120)
        assert response.status == 200, response.text
        return time.monotonic()

    with ThreadPoolExecutor(max_workers=2) as pool:
        copies = [pool.submit(copy, n) for n in range(2)]
        time.sleep(0.3)  # the copies are under way
        assert them.get_object(Bucket=theirs, Key="k")["Body"].read() == b"hello"
        served = time.monotonic()
        copied = [future.result() for future in copies]

    assert served < min(copied)
    assert s3.head_object(Bucket=bucket, Key="copy-0")["ContentLength"] == SIZE
