"""An unauthenticated request's Host header must not stall the server (issue 10, a sibling of
finding 8). S3's router recognises AWS's own endpoint names (`bucket.s3.eu-west-1.amazonaws.com`,
AmazonS3/latest/userguide/VirtualHosting.html) with a regex whose `(?:[.-][a-z0-9-]+)*` could
split `s3-a-a-a-...-a!` in 2^n ways before failing: 2^40 steps for an 82-byte Host. The request
must be answered (an AWS error, not a 5xx) within a bound that only proves "it does not hang",
and another client served meanwhile.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.rolegate_server import RunningServer
from tests.security.wire import exchange, request_bytes

BOUND = 5.0


def test_a_backtracking_host_header_is_answered_and_others_are_served(
    server: RunningServer,
) -> None:
    tenant = server.new_account()
    bucket = f"bystander-{tenant.account_id}"
    s3 = server.client("s3", tenant, read_timeout=BOUND, connect_timeout=BOUND)
    s3.create_bucket(Bucket=bucket)
    hosts = ["s3" + "-a" * 40 + "!", "b.s3" + "-a" * 60 + ".amazonaws.co"]
    with ThreadPoolExecutor(max_workers=len(hosts)) as pool:
        pending = [
            pool.submit(
                exchange, server.port, request_bytes("GET", "/", {"Host": host}), timeout=BOUND
            )
            for host in hosts
        ]
        assert s3.list_objects_v2(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200
        answers = [found.result(timeout=BOUND + 1) for found in pending]

    for answer in answers:
        assert 400 <= answer.status < 500
        assert b"<Code>" in answer.body
