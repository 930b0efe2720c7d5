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
import time
from concurrent.futures import ThreadPoolExecutor

from tests.rolegate_server import RunningServer
from tests.security.wire import exchange, request_bytes, signed_headers

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

    def delete(_: int) -> float:
        response = exchange(server.port, attack, timeout=120)
        # Nothing to delete and nothing denied (no key ends in `bN`): an empty quiet result.
        assert response.status == 200, response.text
        return time.monotonic()

    with ThreadPoolExecutor(max_workers=BATCH) as pool:
        deletes = [pool.submit(delete, n) for n in range(BATCH)]
        time.sleep(0.2)  # the batch is being judged
        assert them.get_object(Bucket=theirs, Key="k")["Body"].read() == b"hello"
        served = time.monotonic()
        done = [future.result() for future in deletes]

    assert served < min(done)
