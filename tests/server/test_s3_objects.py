"""S3 objects through boto3 against a live server (S3 API reference: API_PutObject.html,
API_GetObject.html, API_HeadObject.html, API_CopyObject.html, API_DeleteObjects.html)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer


@pytest.fixture
def s3(server: RunningServer) -> object:
    root = server.new_account()
    client = server.client("s3", root)
    client.create_bucket(Bucket=f"objects-{root.account_id}")
    client.bucket = f"objects-{root.account_id}"  # type: ignore[attr-defined]
    return client


def _code(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_put_get_head_with_metadata_and_etag(s3) -> None:
    body = b"id,name\n1,ada\n2,grace\n"
    put = s3.put_object(
        Bucket=s3.bucket,
        Key="people.csv",
        Body=body,
        ContentType="text/csv",
        Metadata={"source": "crm"},
        CacheControl="max-age=60",
    )
    # A single-part ETag is the quoted hex MD5 of the bytes (API_Object.html, ETag).
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    got = s3.get_object(Bucket=s3.bucket, Key="people.csv")
    assert got["Body"].read() == body
    assert (got["ContentType"], got["Metadata"], got["CacheControl"]) == (
        "text/csv",
        {"source": "crm"},
        "max-age=60",
    )
    head = s3.head_object(Bucket=s3.bucket, Key="people.csv")
    assert head["ContentLength"] == len(body) and head["ETag"] == put["ETag"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("bytes=0-3", b"0123"), ("bytes=5-", b"56789"), ("bytes=-3", b"789"), ("bytes=8-100", b"89")],
)
def test_ranges(s3, header: str, expected: bytes) -> None:
    s3.put_object(Bucket=s3.bucket, Key="digits", Body=b"0123456789")
    got = s3.get_object(Bucket=s3.bucket, Key="digits", Range=header)
    assert got["Body"].read() == expected
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["ContentRange"].endswith("/10")


def test_a_range_past_the_end_is_invalid(s3) -> None:
    s3.put_object(Bucket=s3.bucket, Key="digits", Body=b"0123456789")
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=s3.bucket, Key="digits", Range="bytes=10-20")
    assert _code(excinfo) == ("InvalidRange", 416)


def test_conditional_gets(s3) -> None:
    etag = s3.put_object(Bucket=s3.bucket, Key="k", Body=b"v")["ETag"]
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=s3.bucket, Key="k", IfMatch='"0000"')
    assert _code(excinfo) == ("PreconditionFailed", 412)
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=s3.bucket, Key="k", IfNoneMatch=etag)
    assert _code(excinfo)[1] == 304
    later = datetime.now(UTC) + timedelta(hours=1)
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=s3.bucket, Key="k", IfModifiedSince=later)
    assert _code(excinfo)[1] == 304
    assert s3.get_object(Bucket=s3.bucket, Key="k", IfMatch=etag)["Body"].read() == b"v"


def test_response_overrides(s3) -> None:
    s3.put_object(Bucket=s3.bucket, Key="k", Body=b"v", ContentType="text/plain")
    got = s3.get_object(
        Bucket=s3.bucket,
        Key="k",
        ResponseContentType="application/json",
        ResponseContentDisposition="attachment; filename=k.json",
    )
    assert got["ContentType"] == "application/json"
    assert got["ContentDisposition"] == "attachment; filename=k.json"


def test_a_wrong_content_md5_is_refused_and_the_old_object_kept(s3) -> None:
    s3.put_object(Bucket=s3.bucket, Key="k", Body=b"old")
    wrong = base64.b64encode(hashlib.md5(b"something else").digest()).decode()
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=s3.bucket, Key="k", Body=b"new", ContentMD5=wrong)
    assert _code(excinfo) == ("BadDigest", 400)
    assert s3.get_object(Bucket=s3.bucket, Key="k")["Body"].read() == b"old"


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_checksums_are_verified_and_returned(s3, algorithm: str) -> None:
    put = s3.put_object(Bucket=s3.bucket, Key="c", Body=b"payload", ChecksumAlgorithm=algorithm)
    value = put[f"Checksum{algorithm}"]
    head = s3.head_object(Bucket=s3.bucket, Key="c", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == value


def test_missing_keys_are_404_for_listers_and_403_for_others(server: RunningServer, s3) -> None:
    # API_GetObject.html: without s3:ListBucket a missing key is AccessDenied, not NoSuchKey.
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=s3.bucket, Key="missing")
    assert _code(excinfo) == ("NoSuchKey", 404)


def test_copy_object_with_metadata_directive(s3) -> None:
    s3.put_object(Bucket=s3.bucket, Key="src", Body=b"data", Metadata={"a": "1"})
    s3.copy_object(Bucket=s3.bucket, Key="dst", CopySource={"Bucket": s3.bucket, "Key": "src"})
    assert s3.head_object(Bucket=s3.bucket, Key="dst")["Metadata"] == {"a": "1"}
    s3.copy_object(
        Bucket=s3.bucket,
        Key="dst2",
        CopySource=f"{s3.bucket}/src",
        Metadata={"b": "2"},
        MetadataDirective="REPLACE",
    )
    assert s3.head_object(Bucket=s3.bucket, Key="dst2")["Metadata"] == {"b": "2"}
    assert s3.get_object(Bucket=s3.bucket, Key="dst2")["Body"].read() == b"data"
    with pytest.raises(ClientError) as excinfo:
        s3.copy_object(Bucket=s3.bucket, Key="src", CopySource=f"{s3.bucket}/src")
    assert _code(excinfo) == ("InvalidRequest", 400)


def test_delete_and_delete_many(s3) -> None:
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=s3.bucket, Key=key, Body=key.encode())
    s3.delete_object(Bucket=s3.bucket, Key="a")
    s3.delete_object(Bucket=s3.bucket, Key="never-existed")  # 204 all the same
    result = s3.delete_objects(
        Bucket=s3.bucket, Delete={"Objects": [{"Key": "b"}, {"Key": "c"}, {"Key": "zzz"}]}
    )
    assert sorted(d["Key"] for d in result["Deleted"]) == ["b", "c", "zzz"]
    assert s3.list_objects_v2(Bucket=s3.bucket)["KeyCount"] == 0


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "/leading/slash",
        "a//b",
        "spaces and + plus",
        "ünïcødé/ключ/鍵",
        "x" * 1024,
    ],
)
def test_any_key_s3_allows_round_trips_without_escaping(
    server: RunningServer, s3, key: str
) -> None:
    s3.put_object(Bucket=s3.bucket, Key=key, Body=key.encode())
    assert s3.get_object(Bucket=s3.bucket, Key=key)["Body"].read() == key.encode()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=s3.bucket)["Contents"]]
    assert key in keys
    # Nothing outside the data dir was written.
    assert not (server.data_dir.parent.parent / "etc").exists()


def test_a_key_over_1024_bytes_is_refused(s3) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=s3.bucket, Key="é" * 513, Body=b"x")
    assert _code(excinfo) == ("KeyTooLongError", 400)


def test_buckets_create_list_delete(server: RunningServer) -> None:
    root = server.new_account()
    s3 = server.client("s3", root)
    name = f"b-{root.account_id}"
    s3.create_bucket(Bucket=name)
    s3.head_bucket(Bucket=name)
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] is None
    s3.put_object(Bucket=name, Key="k", Body=b"v")
    with pytest.raises(ClientError) as excinfo:
        s3.delete_bucket(Bucket=name)
    assert _code(excinfo) == ("BucketNotEmpty", 409)
    s3.delete_object(Bucket=name, Key="k")
    s3.delete_bucket(Bucket=name)
    with pytest.raises(ClientError) as excinfo:
        s3.head_bucket(Bucket=name)
    assert _code(excinfo)[1] == 404
    other = server.client("s3", server.new_account())
    other.create_bucket(Bucket=f"taken-{root.account_id}")
    with pytest.raises(ClientError) as excinfo:
        s3.create_bucket(Bucket=f"taken-{root.account_id}")
    assert _code(excinfo) == ("BucketAlreadyExists", 409)
    with pytest.raises(ClientError) as excinfo:
        s3.create_bucket(Bucket="Not_Valid")
    assert _code(excinfo) == ("InvalidBucketName", 400)


def test_without_default_checksums_too(server: RunningServer, monkeypatch) -> None:
    # botocore >= 1.36 sends a CRC32 by default; `when_required` turns that off (field notes).
    monkeypatch.setenv("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")
    root = server.new_account()
    s3 = server.client("s3", root)
    s3.create_bucket(Bucket=f"plain-{root.account_id}")
    s3.put_object(Bucket=f"plain-{root.account_id}", Key="k", Body=b"v" * 100)
    got = s3.get_object(Bucket=f"plain-{root.account_id}", Key="k")["Body"].read()
    assert got == b"v" * 100


def _unused(credentials: Credentials) -> None:  # keeps the import for type hints readable
    del credentials
