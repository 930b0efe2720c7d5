"""User metadata is bounded at 2 KB, as S3 bounds it, and refused before any byte is stored.

userguide/UsingMetadata.html: "Within the PUT request header, the user-defined metadata is
limited to 2 KB in size. The size of user-defined metadata is measured by taking the sum of the
number of bytes in the UTF-8 encoding of each key and value." Past it S3 answers MetadataTooLarge
(400, ErrorResponses.html). rolegate stored whatever a 16 KiB request head carried (800
`x-amz-meta-*` headers, or one of 3,000 bytes), on every object and every copy of it.
"""

from __future__ import annotations

from pathlib import Path

from tests.rolegate_server import Credentials, RunningServer
from tests.security.wire import RawResponse, exchange, request_bytes, signed_headers

LIMIT = 2048


def _blob_files(server: RunningServer) -> set[Path]:
    """Every file under the blob folder: stored blobs, temp files, the trash."""
    return {path for path in (server.data_dir / "blobs").rglob("*") if path.is_file()}


def _put(
    server: RunningServer, owner: Credentials, target: str, headers: dict[str, str], body: bytes
) -> RawResponse:
    signed = signed_headers(owner, "PUT", f"{server.url}{target}", body, headers)
    return exchange(server.port, request_bytes("PUT", target, signed, body))


def test_metadata_over_2_kb_is_refused_and_nothing_is_kept(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"meta-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="source", Body=b"source")
    # 100 entries of `aNN` and 18 bytes: 2,100 bytes; one entry of `k` and 2,048 bytes.
    many = {f"x-amz-meta-a{n:02d}": "v" * 18 for n in range(100)}
    one = {"x-amz-meta-k": "v" * LIMIT}
    blobs_before = _blob_files(server)

    answers = [
        _put(server, owner, f"/{bucket}/many", many, b"body"),
        _put(server, owner, f"/{bucket}/one", one, b"body"),
        _put(
            server,
            owner,
            f"/{bucket}/copied",
            {
                **many,
                "x-amz-copy-source": f"{bucket}/source",
                "x-amz-metadata-directive": "REPLACE",
            },
            b"",
        ),
    ]

    for answer in answers:
        assert (answer.status, answer.code) == (400, "MetadataTooLarge")
    listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    assert [entry["Key"] for entry in listed] == ["source"]
    assert _blob_files(server) - blobs_before == set()


def test_metadata_of_exactly_2_kb_is_kept(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"meta-ok-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    value = "v" * (LIMIT - 1)  # the key `k` and its value: 2,048 bytes

    s3.put_object(Bucket=bucket, Key="k", Body=b"body", Metadata={"k": value})

    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {"k": value}
