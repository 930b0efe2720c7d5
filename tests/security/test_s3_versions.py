"""`versionId` names a version, and is authorized as one.

rolegate never versions a bucket, so each object is its null version (AmazonS3/latest/userguide/
Versioning.html). API_GetObject.html: "If you include a versionId in your request header, you must
have the s3:GetObjectVersion permission ... The s3:GetObject permission is not required";
API_DeleteObject.html: deleting a version is s3:DeleteObjectVersion; API_CopyObject.html: copying
a source version reads that version. An id that is not `null` names nothing: 400 InvalidArgument
"Invalid version id specified" (DeleteObjects: NoSuchVersion for that key).

The attack: `versionId` was ignored, so `DELETE /b/k?versionId=anything` deleted the current
object, and a policy denying s3:DeleteObjectVersion / s3:GetObjectVersion was walked around.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from tests.rolegate_server import Credentials, RunningServer
from tests.security.identities import refusal, user_with_policy
from tests.security.wire import exchange, request_bytes, signed_headers

ALLOW_ALL_BUT_VERSIONS = [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {
        "Effect": "Deny",
        "Action": ["s3:GetObjectVersion", "s3:DeleteObjectVersion"],
        "Resource": "*",
    },
]
ONLY_VERSIONS = [
    {
        "Effect": "Allow",
        "Action": ["s3:GetObjectVersion", "s3:DeleteObjectVersion", "s3:ListBucket"],
        "Resource": "*",
    }
]


@pytest.fixture(scope="module")
def world(server: RunningServer) -> tuple[Credentials, Credentials, Credentials, str]:
    owner = server.new_account()
    bucket = f"versions-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=bucket)
    no_versions = user_with_policy(server, owner, "no-versions", ALLOW_ALL_BUT_VERSIONS)
    only_versions = user_with_policy(server, owner, "only-versions", ONLY_VERSIONS)
    return owner, no_versions, only_versions, bucket


def _put(server: RunningServer, owner: Credentials, bucket: str, key: str) -> Any:
    s3 = server.client("s3", owner)
    s3.put_object(Bucket=bucket, Key=key, Body=b"keep me")
    return s3


def test_a_made_up_version_id_deletes_nothing(
    server: RunningServer, world: tuple[Credentials, Credentials, Credentials, str]
) -> None:
    owner, _, _, bucket = world
    s3 = _put(server, owner, bucket, "precious")
    # AmazonS3/latest/API/API_DeleteObject.html (versionId) on an unversioned bucket.
    assert refusal(lambda: s3.delete_object(Bucket=bucket, Key="precious", VersionId="xyz")) == (
        400,
        "InvalidArgument",
    )
    assert refusal(lambda: s3.get_object(Bucket=bucket, Key="precious", VersionId="xyz")) == (
        400,
        "InvalidArgument",
    )
    assert s3.get_object(Bucket=bucket, Key="precious")["Body"].read() == b"keep me"
    # The null version is the object.
    assert s3.get_object(Bucket=bucket, Key="precious", VersionId="null")["Body"].read() == (
        b"keep me"
    )


def test_a_denied_version_action_is_not_walked_around(
    server: RunningServer, world: tuple[Credentials, Credentials, Credentials, str]
) -> None:
    owner, no_versions, only_versions, bucket = world
    _put(server, owner, bucket, "guarded")
    denied = server.client("s3", no_versions)
    assert denied.get_object(Bucket=bucket, Key="guarded")["Body"].read() == b"keep me"
    for call in (
        lambda: denied.get_object(Bucket=bucket, Key="guarded", VersionId="null"),
        lambda: denied.head_object(Bucket=bucket, Key="guarded", VersionId="null"),
        lambda: denied.delete_object(Bucket=bucket, Key="guarded", VersionId="null"),
    ):
        assert refusal(call)[0] == 403
    assert server.client("s3", owner).get_object(Bucket=bucket, Key="guarded")["Body"].read()
    # And s3:GetObjectVersion alone is enough to read the version (API_GetObject.html).
    versions = server.client("s3", only_versions)
    assert refusal(lambda: versions.get_object(Bucket=bucket, Key="guarded"))[0] == 403
    read = versions.get_object(Bucket=bucket, Key="guarded", VersionId="null")
    assert read["Body"].read() == b"keep me"


def test_delete_objects_judges_and_checks_each_version(
    server: RunningServer, world: tuple[Credentials, Credentials, Credentials, str]
) -> None:
    owner, no_versions, _, bucket = world
    _put(server, owner, bucket, "batch-a")
    _put(server, owner, bucket, "batch-b")
    body = b"<Delete><Object><Key>batch-a</Key><VersionId>made-up</VersionId></Object></Delete>"
    url = f"{server.url}/{bucket}?delete"
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    headers = signed_headers(owner, "POST", url, body, {"Content-MD5": md5})
    answer = exchange(server.port, request_bytes("POST", f"/{bucket}?delete", headers, body))
    assert answer.status == 200
    # API_DeleteObjects.html: a per-key error; the current object is not the version named.
    assert "<Code>NoSuchVersion</Code>" in answer.text
    assert "<Deleted>" not in answer.text
    denied = server.client("s3", no_versions)
    result = denied.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "batch-b", "VersionId": "null"}]}
    )
    assert [e["Code"] for e in result.get("Errors", [])] == ["AccessDenied"]
    s3 = server.client("s3", owner)
    assert s3.get_object(Bucket=bucket, Key="batch-a")["Body"].read() == b"keep me"
    assert s3.get_object(Bucket=bucket, Key="batch-b")["Body"].read() == b"keep me"


def test_copy_source_version_is_read_as_a_version(
    server: RunningServer, world: tuple[Credentials, Credentials, Credentials, str]
) -> None:
    owner, no_versions, _, bucket = world
    _put(server, owner, bucket, "source")
    denied = server.client("s3", no_versions)
    source = {"Bucket": bucket, "Key": "source", "VersionId": "null"}
    assert refusal(lambda: denied.copy_object(Bucket=bucket, Key="dest", CopySource=source)) == (
        403,
        "AccessDenied",
    )
    s3 = server.client("s3", owner)
    made_up = {"Bucket": bucket, "Key": "source", "VersionId": "made-up"}
    assert refusal(lambda: s3.copy_object(Bucket=bucket, Key="dest", CopySource=made_up)) == (
        400,
        "InvalidArgument",
    )
    s3.copy_object(Bucket=bucket, Key="dest", CopySource=source)
    assert s3.get_object(Bucket=bucket, Key="dest")["Body"].read() == b"keep me"


def test_a_question_mark_in_a_copy_source_key_is_part_of_the_key(
    server: RunningServer, world: tuple[Credentials, Credentials, Credentials, str]
) -> None:
    owner, _, _, bucket = world
    s3 = _put(server, owner, bucket, "q")
    s3.put_object(Bucket=bucket, Key="q?versionId=null", Body=b"the one with ?")
    # botocore sends the key URL-encoded (`q%3FversionId%3Dnull`): a key, not a version.
    s3.copy_object(
        Bucket=bucket, Key="copied", CopySource={"Bucket": bucket, "Key": "q?versionId=null"}
    )
    assert s3.get_object(Bucket=bucket, Key="copied")["Body"].read() == b"the one with ?"
