"""A presigned URL's X-Amz-SignedHeaders is percent-decoded as UTF-8 and names what it likes.

`X-Amz-SignedHeaders=host%3B%E2%82%AC` (host;€) made the verifier encode "€" as latin-1 and
fail with a 500 (S3's InternalError, STS's InternalFailure) for anyone with a key of their own.
No header on the wire can carry that name, so what was signed is not what was received: S3 and
STS answer SignatureDoesNotMatch, 403 (AmazonS3/latest/API/ErrorResponses.html;
STS/latest/APIReference/CommonErrors.html).
"""

from __future__ import annotations

import pytest
from botocore.auth import S3SigV4QueryAuth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from tests.rolegate_server import RunningServer
from tests.security.wire import exchange, request_bytes


def presigned_target(server: RunningServer, service: str, path: str) -> str:
    caller = server.new_account()
    request = AWSRequest(method="GET", url=f"{server.url}{path}")
    boto = BotoCredentials(caller.access_key_id, caller.secret_access_key)
    signer = S3SigV4QueryAuth if service == "s3" else SigV4QueryAuth
    signer(boto, service, "us-east-1", expires=300).add_auth(request)
    target = request.url.split(str(server.port), 1)[1]
    assert "X-Amz-SignedHeaders=host&" in target
    return target.replace("X-Amz-SignedHeaders=host&", "X-Amz-SignedHeaders=host%3B%E2%82%AC&")


@pytest.mark.parametrize(
    ("service", "path"),
    [("s3", "/any-bucket/k"), ("sts", "/?Action=GetCallerIdentity&Version=2011-06-15")],
)
def test_signed_header_name_outside_latin1_is_a_signature_mismatch(
    server: RunningServer, service: str, path: str
) -> None:
    target = presigned_target(server, service, path)
    answer = exchange(
        server.port, request_bytes("GET", target, {"Host": f"127.0.0.1:{server.port}"})
    )

    assert answer.status == 403, answer.text
    assert b"<Code>SignatureDoesNotMatch</Code>" in answer.body
