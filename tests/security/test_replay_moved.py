"""A signed request seen once, replayed against another target: the signature covers the path
and query, so it must be refused (AmazonS3/latest/API/sig-v4-header-based-auth.html)."""

from __future__ import annotations

from tests.rolegate_server import RunningServer
from tests.security.wire import exchange, request_bytes, signed_headers


def test_signed_get_replayed_on_another_key_is_refused(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"moved-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="public.txt", Body=b"seen")
    s3.put_object(Bucket=bucket, Key="secret.txt", Body=b"never")
    headers = signed_headers(owner, "GET", f"{server.url}/{bucket}/public.txt")

    honest = exchange(server.port, request_bytes("GET", f"/{bucket}/public.txt", headers))
    moved = exchange(server.port, request_bytes("GET", f"/{bucket}/secret.txt", headers))

    assert (honest.status, honest.body) == (200, b"seen")
    assert moved.status == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in moved.body
    assert b"never" not in moved.body
