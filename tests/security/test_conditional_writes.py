"""Conditional writes and deletes must hold, atomically.

AmazonS3/latest/userguide/conditional-writes.html and conditional-deletes.html; the API pages
API_PutObject.html, API_DeleteObject.html, API_DeleteObjects.html, API_CopyObject.html and
API_CompleteMultipartUpload.html: a condition that does not hold is 412 PreconditionFailed (404
NoSuchKey when If-Match names an object that is not there) and nothing changes; of concurrent
create-only writers the first to finish wins and the others get 412.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests
from tests.rolegate_server import Credentials, RunningServer
from tests.security.identities import refusal, user_with_policy
from tests.security.races import one_part_upload, racing
from tests.security.wire import exchange, request_bytes, signed_headers

from rolegate.store.sqlite_objects import SqliteObjectStore


def _body(s3: Any, bucket: str, key: str) -> bytes:
    data: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    return data


@pytest.fixture(scope="module")
def owner(server: RunningServer) -> Credentials:
    return server.new_account()


@pytest.fixture(scope="module")
def bucket(server: RunningServer, owner: Credentials) -> str:
    name = f"cond-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=name)
    return name


def test_put_if_none_match_refuses_to_overwrite(
    server: RunningServer, owner: Credentials, bucket: str
) -> None:
    s3 = server.client("s3", owner)
    s3.put_object(Bucket=bucket, Key="once", Body=b"first", IfNoneMatch="*")
    assert refusal(
        lambda: s3.put_object(Bucket=bucket, Key="once", Body=b"second", IfNoneMatch="*")
    ) == (412, "PreconditionFailed")
    assert _body(s3, bucket, "once") == b"first"


def test_put_if_none_match_takes_only_a_star(
    server: RunningServer, owner: Credentials, bucket: str
) -> None:
    s3 = server.client("s3", owner)
    etag = s3.put_object(Bucket=bucket, Key="star", Body=b"kept")["ETag"]
    # conditional-writes.html: "The If-None-Match header expects the * (asterisk) value".
    refused = refusal(lambda: s3.put_object(Bucket=bucket, Key="star", Body=b"x", IfNoneMatch=etag))
    assert refused == (501, "NotImplemented")
    # (A fresh client: the refusal comes before the body is read, see the report on
    # Expect: 100-continue.)
    assert _body(server.client("s3", owner), bucket, "star") == b"kept"


def test_put_with_a_stale_if_match_changes_nothing(
    server: RunningServer, owner: Credentials, bucket: str
) -> None:
    s3 = server.client("s3", owner)
    stale = s3.put_object(Bucket=bucket, Key="cas", Body=b"v1")["ETag"]
    current = s3.put_object(Bucket=bucket, Key="cas", Body=b"v2")["ETag"]
    assert refusal(
        lambda: s3.put_object(Bucket=bucket, Key="cas", Body=b"lost", IfMatch=stale)
    ) == (
        412,
        "PreconditionFailed",
    )
    assert _body(s3, bucket, "cas") == b"v2"
    s3.put_object(Bucket=bucket, Key="cas", Body=b"v3", IfMatch=current)
    assert _body(s3, bucket, "cas") == b"v3"
    # If-Match on a key with no object: 404 (conditional-writes.html).
    assert refusal(
        lambda: s3.put_object(Bucket=bucket, Key="nothing-here", Body=b"x", IfMatch=current)
    ) == (404, "NoSuchKey")
    assert refusal(lambda: s3.head_object(Bucket=bucket, Key="nothing-here"))[0] == 404


def test_if_match_needs_read_permission(
    server: RunningServer, owner: Credentials, bucket: str
) -> None:
    # An ETag comparison reads the object: s3:GetObject is needed as well (conditional-writes
    # .html), or a writer could learn ETags of what it may not read.
    s3 = server.client("s3", owner)
    etag = s3.put_object(Bucket=bucket, Key="guarded", Body=b"secret")["ETag"]
    writer = server.client(
        "s3",
        user_with_policy(
            server,
            owner,
            "writer-only",
            [{"Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": "*"}],
        ),
    )
    assert refusal(
        lambda: writer.put_object(Bucket=bucket, Key="guarded", Body=b"x", IfMatch=etag)
    ) == (403, "AccessDenied")
    assert refusal(lambda: writer.delete_object(Bucket=bucket, Key="guarded", IfMatch=etag)) == (
        403,
        "AccessDenied",
    )
    assert _body(s3, bucket, "guarded") == b"secret"


def test_delete_if_match(server: RunningServer, owner: Credentials, bucket: str) -> None:
    s3 = server.client("s3", owner)
    stale = s3.put_object(Bucket=bucket, Key="del", Body=b"v1")["ETag"]
    current = s3.put_object(Bucket=bucket, Key="del", Body=b"v2")["ETag"]
    assert refusal(lambda: s3.delete_object(Bucket=bucket, Key="del", IfMatch=stale)) == (
        412,
        "PreconditionFailed",
    )
    assert _body(s3, bucket, "del") == b"v2"
    s3.delete_object(Bucket=bucket, Key="del", IfMatch=current)
    assert refusal(lambda: s3.head_object(Bucket=bucket, Key="del"))[0] == 404
    assert refusal(lambda: s3.delete_object(Bucket=bucket, Key="del", IfMatch="*")) == (
        404,
        "NoSuchKey",
    )


def test_delete_objects_honours_each_etag(
    server: RunningServer, owner: Credentials, bucket: str
) -> None:
    s3 = server.client("s3", owner)
    stale = s3.put_object(Bucket=bucket, Key="batch/a", Body=b"a1")["ETag"]
    s3.put_object(Bucket=bucket, Key="batch/a", Body=b"a2")
    b_etag = s3.put_object(Bucket=bucket, Key="batch/b", Body=b"b")["ETag"]
    s3.put_object(Bucket=bucket, Key="batch/c", Body=b"c")

    result = s3.delete_objects(
        Bucket=bucket,
        Delete={
            "Objects": [
                {"Key": "batch/a", "ETag": stale},
                {"Key": "batch/b", "ETag": b_etag},
                {"Key": "batch/c"},
            ]
        },
    )

    assert sorted(d["Key"] for d in result.get("Deleted", [])) == ["batch/b", "batch/c"]
    assert [(e["Key"], e["Code"]) for e in result.get("Errors", [])] == [
        ("batch/a", "PreconditionFailed")
    ]
    assert _body(s3, bucket, "batch/a") == b"a2"
    assert refusal(lambda: s3.head_object(Bucket=bucket, Key="batch/b"))[0] == 404


def test_copy_source_conditions(server: RunningServer, owner: Credentials, bucket: str) -> None:
    s3 = server.client("s3", owner)
    stale = s3.put_object(Bucket=bucket, Key="src", Body=b"old")["ETag"]
    current = s3.put_object(Bucket=bucket, Key="src", Body=b"new")["ETag"]
    s3.put_object(Bucket=bucket, Key="dst", Body=b"untouched")
    source = {"Bucket": bucket, "Key": "src"}
    hour = timedelta(hours=1)
    now = datetime.now(UTC)

    for conditions in (
        {"CopySourceIfMatch": stale},
        {"CopySourceIfNoneMatch": current},
        {"CopySourceIfModifiedSince": now + hour},
        {"CopySourceIfUnmodifiedSince": now - hour},
    ):
        failed = refusal(
            lambda c=conditions: s3.copy_object(  # type: ignore[misc]
                Bucket=bucket, Key="dst", CopySource=source, **c
            )
        )
        assert failed == (412, "PreconditionFailed"), conditions
    assert _body(s3, bucket, "dst") == b"untouched"

    # API_CopyObject.html: If-Match true decides over If-Unmodified-Since false.
    s3.copy_object(
        Bucket=bucket,
        Key="dst",
        CopySource=source,
        CopySourceIfMatch=current,
        CopySourceIfUnmodifiedSince=now - hour,
    )
    assert _body(s3, bucket, "dst") == b"new"


@pytest.mark.parametrize(
    "header",
    ["x-amz-copy-source-if-modified-since", "x-amz-copy-source-if-unmodified-since"],
)
def test_copy_source_date_with_an_absurd_year_is_ignored(
    server: RunningServer, owner: Credentials, bucket: str, header: str
) -> None:
    # GetObject's If-Modified-Since with a 20-digit year is ignored (test_numbers.py); the copy
    # source's date conditions once read it with a parser that raised OverflowError: a 500.
    s3 = server.client("s3", owner)
    s3.put_object(Bucket=bucket, Key="dated-src", Body=b"dated")
    target = f"/{bucket}/dated-dst"
    headers = signed_headers(
        owner,
        "PUT",
        f"{server.url}{target}",
        headers={
            "x-amz-copy-source": f"{bucket}/dated-src",
            header: "Mon, 01 Jan 99999999999999999999 00:00:00 GMT",
        },
    )

    response = exchange(server.port, request_bytes("PUT", target, headers))

    # API_CopyObject.html: the copy-source conditions are dates; one S3 cannot read does not
    # hold the copy back (as for GetObject's, API_GetObject.html).
    assert response.status == 200, response.text
    assert _body(s3, bucket, "dated-dst") == b"dated"


def test_copy_destination_if_none_match(
    server: RunningServer, owner: Credentials, bucket: str
) -> None:
    s3 = server.client("s3", owner)
    s3.put_object(Bucket=bucket, Key="copy-src", Body=b"src")
    s3.put_object(Bucket=bucket, Key="copy-dst", Body=b"dst")
    source = {"Bucket": bucket, "Key": "copy-src"}
    assert refusal(
        lambda: s3.copy_object(Bucket=bucket, Key="copy-dst", CopySource=source, IfNoneMatch="*")
    ) == (412, "PreconditionFailed")
    assert _body(s3, bucket, "copy-dst") == b"dst"
    s3.copy_object(Bucket=bucket, Key="copy-new", CopySource=source, IfNoneMatch="*")
    assert _body(s3, bucket, "copy-new") == b"src"


def test_complete_multipart_if_none_match(
    server: RunningServer, owner: Credentials, bucket: str
) -> None:
    s3 = server.client("s3", owner)
    upload_id, parts = one_part_upload(s3, bucket, "mpu", b"from the upload")
    # Someone else creates the key while the upload is in progress.
    s3.put_object(Bucket=bucket, Key="mpu", Body=b"winner")
    assert refusal(
        lambda: s3.complete_multipart_upload(
            Bucket=bucket, Key="mpu", UploadId=upload_id, MultipartUpload=parts, IfNoneMatch="*"
        )
    ) == (412, "PreconditionFailed")
    assert _body(s3, bucket, "mpu") == b"winner"
    # The upload is untouched by the refusal: its parts are still there.
    assert len(s3.list_parts(Bucket=bucket, Key="mpu", UploadId=upload_id)["Parts"]) == 1
    s3.abort_multipart_upload(Bucket=bucket, Key="mpu", UploadId=upload_id)


def _blobs_in_place(data_dir: Path) -> set[str]:
    root = data_dir / "blobs"
    return {p.name for p in root.glob("*/*/*") if p.parent.parent.name not in ("tmp", "trash")}


def _referenced(data_dir: Path) -> set[str]:
    store = SqliteObjectStore(data_dir / "objects.sqlite3")
    try:
        return store.all_blob_ids()
    finally:
        store.close()


def test_racing_create_only_puts_have_exactly_one_winner(
    server: RunningServer, owner: Credentials, bucket: str
) -> None:
    clients = [server.client("s3", owner), server.client("s3", owner)]
    for round_number in range(25):
        key = f"race/{round_number}"
        bodies = [
            f"writer 0 round {round_number}".encode(),
            f"writer 1 round {round_number}".encode(),
        ]
        a, b = racing(
            [
                partial(
                    clients[0].put_object, Bucket=bucket, Key=key, Body=bodies[0], IfNoneMatch="*"
                ),
                partial(
                    clients[1].put_object, Bucket=bucket, Key=key, Body=bodies[1], IfNoneMatch="*"
                ),
            ]
        )
        assert sorted([a, b]) == ["PreconditionFailed", "ok"], (round_number, a, b)
        winner = bodies[0] if a == "ok" else bodies[1]
        assert _body(clients[0], bucket, key) == winner
    # The losers' bytes were written before their condition failed: none may stay behind.
    assert _blobs_in_place(server.data_dir) <= _referenced(server.data_dir)


def test_a_create_only_complete_racing_a_create_only_put(
    server: RunningServer, owner: Credentials, bucket: str
) -> None:
    s3 = server.client("s3", owner)
    other = server.client("s3", owner)
    for round_number in range(10):
        key = f"mpu-race/{round_number}"
        upload_id, parts = one_part_upload(s3, bucket, key, b"upload")
        a, b = racing(
            [
                partial(
                    s3.complete_multipart_upload,
                    Bucket=bucket,
                    Key=key,
                    UploadId=upload_id,
                    MultipartUpload=parts,
                    IfNoneMatch="*",
                ),
                partial(other.put_object, Bucket=bucket, Key=key, Body=b"put", IfNoneMatch="*"),
            ]
        )
        assert sorted([a, b]) == ["PreconditionFailed", "ok"], (round_number, a, b)
        assert _body(s3, bucket, key) == (b"upload" if a == "ok" else b"put")
        if b == "ok":
            s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
    assert _blobs_in_place(server.data_dir) <= _referenced(server.data_dir)


def test_anonymous_gets_may_not_override_response_headers(
    server: RunningServer, owner: Credentials
) -> None:
    s3 = server.client("s3", owner)
    public = f"public-{owner.account_id}"
    s3.create_bucket(Bucket=public)
    s3.put_bucket_policy(
        Bucket=public,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{public}/*",
                    }
                ],
            }
        ),
    )
    s3.put_object(Bucket=public, Key="page", Body=b"<script>alert(1)</script>")

    plain = exchange(server.port, request_bytes("GET", f"/{public}/page", {}))
    forged = exchange(
        server.port, request_bytes("GET", f"/{public}/page?response-content-type=text/html", {})
    )

    assert plain.status == 200
    # API_GetObject.html: the overrides are not for anonymous requests.
    assert forged.status == 400
    assert b"<Code>InvalidRequest</Code>" in forged.body
    assert b"anonymous GET" in forged.body
    # A presigned URL is signed, so it may use them.
    presigner = server.client("s3", owner, signature_version="s3v4")
    url = presigner.generate_presigned_url(
        "get_object", Params={"Bucket": public, "Key": "page", "ResponseContentType": "text/plain"}
    )
    signed = requests.get(url, timeout=10)
    assert signed.status_code == 200
    assert signed.headers["Content-Type"] == "text/plain"
