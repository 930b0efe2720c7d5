"""A presigned URL cannot write headers into the answer its victim gets.

AmazonS3/latest/API/API_GetObject.html: the response-* parameters of a signed GET (a presigned
URL) set Content-Disposition, Content-Type and friends of the answer. A value holding `%0D%0A`
would, sent verbatim, add headers of the signer's choosing (Set-Cookie under the endpoint's
name); rolegate's server refused to send such a header and dropped the connection with no answer
and no audit line. The request is refused with 400 InvalidArgument instead.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from tests.rolegate_server import RunningServer
from tests.security.audit_lines import line_for
from tests.security.wire import exchange


@pytest.mark.parametrize(
    "value",
    ["attachment\r\nSet-Cookie: session=attacker", "inline\nX-Injected: 1", "a\x00b"],
    ids=["crlf", "lf", "nul"],
)
def test_a_response_override_cannot_inject_headers(server: RunningServer, value: str) -> None:
    owner = server.new_account()
    bucket = f"overrides-{owner.account_id}"
    s3 = server.client("s3", owner, signature_version="s3v4")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="file.txt", Body=b"hello")
    url = s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket, "Key": "file.txt", "ResponseContentDisposition": value},
    )
    parts = urlsplit(url)
    request = f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n"
    answer = exchange(server.port, request.encode("latin-1"))
    assert answer.status == 400
    assert "<Code>InvalidArgument</Code>" in answer.text
    assert "set-cookie" not in answer.headers and "x-injected" not in answer.headers
    # The refusal is audited like any other answer.
    request_id = answer.headers["x-amz-request-id"]
    assert [entry["status"] for entry in line_for(server, request_id)] == [400]
    # A plain value still works.
    fine = s3.get_object(Bucket=bucket, Key="file.txt", ResponseContentDisposition="attachment")
    assert fine["ContentDisposition"] == "attachment"
