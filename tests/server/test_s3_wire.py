"""S3 on the wire: presigned URLs, virtual-hosted addressing, and aws-chunked uploads signed
chunk by chunk (AmazonS3/latest/API/sigv4-query-string-auth.html, VirtualHosting.html,
sigv4-streaming.html)."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

import boto3
import pytest
import urllib3
from botocore.config import Config
from tests.chunk_signer import signed_chunked_put
from tests.rolegate_server import REGION, Credentials, RunningServer

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@pytest.fixture
def owner(server: RunningServer) -> Credentials:
    root = server.new_account()
    server.client("s3", root).create_bucket(Bucket=f"wire-{root.account_id}")
    return root


def test_presigned_get_and_put(server: RunningServer, owner: Credentials) -> None:
    bucket = f"wire-{owner.account_id}"
    # botocore presigns S3 URLs with SigV2 unless told otherwise; rolegate speaks SigV4 only.
    s3 = server.client("s3", owner, signature_version="s3v4")
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "up.txt"}, ExpiresIn=60
    )
    assert urllib3.request("PUT", put_url, body=b"presigned").status == 200
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "up.txt"}, ExpiresIn=60
    )
    response = urllib3.request("GET", get_url)
    assert (response.status, response.data) == (200, b"presigned")
    forged = get_url.replace("up.txt", "other.txt")
    assert urllib3.request("GET", forged).status == 403


def test_virtual_hosted_addressing(server: RunningServer, owner: Credentials) -> None:
    bucket = f"wire-{owner.account_id}"
    server.client("s3", owner).put_object(Bucket=bucket, Key="v/h.txt", Body=b"virtual")
    client = boto3.client(
        "s3",
        endpoint_url=f"http://localhost:{server.port}",
        region_name=REGION,
        aws_access_key_id=owner.access_key_id,
        aws_secret_access_key=owner.secret_access_key,
        config=Config(s3={"addressing_style": "virtual"}, signature_version="s3v4"),
    )
    url = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "v/h.txt"})
    parts = urlsplit(url)
    assert parts.netloc == f"{bucket}.localhost:{server.port}"
    # Sent to 127.0.0.1 with the virtual host in the Host header: no DNS for *.localhost needed.
    pool = urllib3.HTTPConnectionPool("127.0.0.1", server.port)
    response = pool.request("GET", f"{parts.path}?{parts.query}", headers={"Host": parts.netloc})
    assert (response.status, response.data) == (200, b"virtual")


def _chunked_put(
    server: RunningServer, owner: Credentials, key: str, payload: bytes, tamper: bool = False
) -> urllib3.BaseHTTPResponse:
    """A PUT in STREAMING-AWS4-HMAC-SHA256-PAYLOAD framing, signed chunk by chunk."""
    url = f"{server.url}/wire-{owner.account_id}/{key}"
    chunk_size = 64 * 1024
    pieces = [payload[i : i + chunk_size] for i in range(0, len(payload), chunk_size)]
    sent, body = signed_chunked_put(owner, url, pieces)
    body += b"\r\n"  # the final, empty chunk's CRLF
    if tamper:
        body[200] ^= 1
    sent["Content-Length"] = str(len(body))
    return urllib3.request("PUT", url, body=bytes(body), headers=sent)


def test_aws_chunked_upload_signed_chunk_by_chunk(
    server: RunningServer, owner: Credentials
) -> None:
    payload = bytes(range(256)) * 1000  # 256,000 bytes: four chunks and a final empty one
    response = _chunked_put(server, owner, "chunked.bin", payload)
    assert response.status == 200, response.data
    got = server.client("s3", owner).get_object(
        Bucket=f"wire-{owner.account_id}", Key="chunked.bin"
    )
    assert got["Body"].read() == payload
    assert got["ContentLength"] == len(payload)
    assert "ContentEncoding" not in got  # aws-chunked describes the upload, not the object


def test_a_tampered_chunk_is_refused_and_nothing_stored(
    server: RunningServer, owner: Credentials
) -> None:
    response = _chunked_put(server, owner, "tampered.bin", b"z" * 200_000, tamper=True)
    assert response.status == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in response.data
    listed = server.client("s3", owner).list_objects_v2(Bucket=f"wire-{owner.account_id}")
    assert "tampered.bin" not in [o["Key"] for o in listed.get("Contents", [])]
