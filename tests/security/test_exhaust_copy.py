"""A CopyObject must not hold the worker while it copies (issue 10, stalls).

A copy reads and writes up to 5 GiB (API_CopyObject.html) with no network in between to wait on:
it ran start to end without letting the event loop serve anyone else, so a 256 MiB copy kept
every tenant of that worker waiting over a second, a 5 GiB one over twenty, and the attacker
uploads the source once and copies it as often as they like. The test starts copies, then asks
for another tenant's object: that answer must come before the copies finish (an order, not a
time).
"""

from __future__ import annotations

import io
import select
import socket
import time

from boto3.s3.transfer import TransferConfig
from tests.rolegate_server import RunningServer
from tests.security.wire import read_response, request_bytes, signed_headers

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

    copies = []
    for n in range(2):
        target = f"/{bucket}/copy-{n}"
        copy_source = {"x-amz-copy-source": f"{bucket}/source"}
        headers = signed_headers(owner, "PUT", f"{server.url}{target}", headers=copy_source)
        copies.append(request_bytes("PUT", target, headers))
    read = f"/{theirs}/k"
    bystander = request_bytes("GET", read, signed_headers(tenant, "GET", f"{server.url}{read}"))

    # All sent from one thread within milliseconds, the bystander last (and a moment later, so
    # the copies are under way): its answer must come before either copy's.
    sockets = [socket.create_connection(("127.0.0.1", server.port), timeout=120) for _ in range(3)]
    try:
        for sock, copy in zip(sockets, copies, strict=False):
            sock.sendall(copy)
        time.sleep(0.1)
        sockets[-1].sendall(bystander)
        answered = read_response(sockets[-1])
        ready, _, _ = select.select(sockets[:-1], [], [], 0)
        copied = [read_response(sock) for sock in sockets[:-1]]
    finally:
        for sock in sockets:
            sock.close()

    assert (answered.status, answered.body) == (200, b"hello")
    assert ready == [], "a copy was answered before the bystander"
    assert [response.status for response in copied] == [200, 200]
    assert s3.head_object(Bucket=bucket, Key="copy-0")["ContentLength"] == SIZE
