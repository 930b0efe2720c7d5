"""A GET whose object cannot be read to the end, after its 200 went out: the answer is cut off
(S3 can only drop the connection once the status is sent) and it still gets its one audit line,
saying InternalError. Before, the server tried to send a second status line in the middle of the
body, uvicorn refused, and the request left no audit line at all."""

from __future__ import annotations

import socket

from tests.rolegate_server import RunningServer
from tests.security.audit_lines import line_for
from tests.security.wire import read_response, request_bytes, signed_headers

MIB = 1024 * 1024


def test_a_stream_broken_mid_body_is_audited(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"broken-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="two-parts")["UploadId"]
    first = s3.upload_part(
        Bucket=bucket, Key="two-parts", UploadId=upload, PartNumber=1, Body=b"a" * (5 * MIB)
    )
    second = s3.upload_part(
        Bucket=bucket, Key="two-parts", UploadId=upload, PartNumber=2, Body=b"b" * 777_777
    )
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="two-parts",
        UploadId=upload,
        MultipartUpload={
            "Parts": [
                {"PartNumber": 1, "ETag": first["ETag"]},
                {"PartNumber": 2, "ETag": second["ETag"]},
            ]
        },
    )
    # The second part's bytes are cut short on disk (a failing disk, a full one at write time
    # elsewhere): the GET streams the first part, then cannot read on.
    blobs = [p for p in (server.data_dir / "blobs").rglob("*") if p.is_file()]
    lost = [p for p in blobs if p.stat().st_size == 777_777]
    assert len(lost) == 1
    with lost[0].open("r+b") as damaged:
        damaged.truncate(1000)

    target = f"/{bucket}/two-parts"
    headers = signed_headers(owner, "GET", f"{server.url}{target}")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request_bytes("GET", target, headers))
        response = read_response(sock)

    assert response.status == 200
    assert len(response.body) < 5 * MIB + 777_777  # cut off: never a whole-looking object
    lines = line_for(server, response.headers["x-amz-request-id"])
    assert [(line["status"], line["error"]) for line in lines] == [(500, "InternalError")]
