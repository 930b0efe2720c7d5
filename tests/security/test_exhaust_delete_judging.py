"""DeleteObjects judges each of its up to 1,000 keys; that must not hold the worker (issue 10).

The bucket's owner writes the bucket policy (up to 20 KB, userguide/using-iam-policies.html) and
the keys (up to 1,024 bytes, userguide/object-keys.html). 300 `a?a?...*bN` Resource patterns
against 1,000 keys of 1,024 `a`s took 0.3 s to judge, with no turn for anyone else; a batch of
them kept every tenant of the worker waiting until all were judged. The test sends a batch, then
asks for another tenant's object: it must be answered before any delete of the batch is (an
order, not a time).
"""

from __future__ import annotations

import base64
import hashlib
import json
import select
import socket

from tests.rolegate_server import RunningServer
from tests.security.wire import read_response, request_bytes, signed_headers

KEY = "a" * 1020
BATCH = 8


def test_judging_a_thousand_keys_lets_other_tenants_be_served(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"judged-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    patterns = [f"arn:aws:s3:::{bucket}/" + "a?" * 9 + f"*b{n}" for n in range(300)]
    statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": patterns}
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [statement]}, separators=(",", ":")
        ),
    )
    objects = "".join(f"<Object><Key>{KEY}{n:04d}</Key></Object>" for n in range(1000))
    body = f"<Delete><Quiet>true</Quiet>{objects}</Delete>".encode()
    md5 = base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()
    target = f"/{bucket}?delete"
    headers = signed_headers(owner, "POST", f"{server.url}{target}", body, {"Content-MD5": md5})
    attack = request_bytes("POST", target, headers, body)
    tenant = server.new_account()
    theirs = f"bystander-{tenant.account_id}"
    them = server.client("s3", tenant)
    them.create_bucket(Bucket=theirs)
    them.put_object(Bucket=theirs, Key="k", Body=b"hello")
    read = f"/{theirs}/k"
    bystander = request_bytes("GET", read, signed_headers(tenant, "GET", f"{server.url}{read}"))

    # Everything is sent from one thread within milliseconds, the bystander last: its answer
    # must come before any delete's, however slow the machine (each delete's share of the
    # worker shrinks alike).
    sockets = [
        socket.create_connection(("127.0.0.1", server.port), timeout=120) for _ in range(BATCH + 1)
    ]
    try:
        for sock in sockets[:-1]:
            sock.sendall(attack)
        sockets[-1].sendall(bystander)
        answered = read_response(sockets[-1])
        ready, _, _ = select.select(sockets[:-1], [], [], 0)
        deletes = [read_response(sock) for sock in sockets[:-1]]
    finally:
        for sock in sockets:
            sock.close()

    assert (answered.status, answered.body) == (200, b"hello")
    assert ready == [], "a delete was answered before the bystander"
    # Nothing to delete and nothing denied (no key ends in `bN`): empty quiet results.
    assert {response.status for response in deletes} == {200}
