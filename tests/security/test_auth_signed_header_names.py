"""A presigned URL's X-Amz-SignedHeaders is percent-decoded as UTF-8 and names what it likes.

`X-Amz-SignedHeaders=host%3B%E2%82%AC` (host;€) made the verifier encode "€" as latin-1 and
fail with a 500 (S3's InternalError, STS's InternalFailure) for anyone with a key of their own.
No header on the wire can carry that name, so what was signed is not what was received: S3 and
STS answer SignatureDoesNotMatch, 403 (AmazonS3/latest/API/ErrorResponses.html;
STS/latest/APIReference/CommonErrors.html).
"""

from __future__ import annotations

import pytest
from tests.rolegate_server import RunningServer
from tests.security.wire import exchange, presigned_target, request_bytes


def _target_naming_euro(server: RunningServer, service: str, path: str) -> str:
    target = presigned_target(server.new_account(), f"{server.url}{path}", service=service)
    assert "X-Amz-SignedHeaders=host&" in target
    return target.replace("X-Amz-SignedHeaders=host&", "X-Amz-SignedHeaders=host%3B%E2%82%AC&")


@pytest.mark.parametrize(
    ("service", "path"),
    [("s3", "/any-bucket/k"), ("sts", "/?Action=GetCallerIdentity&Version=2011-06-15")],
)
def test_signed_header_name_outside_latin1_is_a_signature_mismatch(
    server: RunningServer, service: str, path: str
) -> None:
    target = _target_naming_euro(server, service, path)
    answer = exchange(
        server.port, request_bytes("GET", target, {"Host": f"127.0.0.1:{server.port}"})
    )

    assert answer.status == 403, answer.text
    assert b"<Code>SignatureDoesNotMatch</Code>" in answer.body
