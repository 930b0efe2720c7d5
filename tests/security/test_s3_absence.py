"""A caller that may not list a bucket learns nothing about which keys exist in it.

AmazonS3/latest/API/API_GetObject.html and API_HeadObject.html: "If the object you request
doesn't exist, the error that Amazon S3 returns depends on whether you also have the
s3:ListBucket permission": 404 NoSuchKey with it, 403 AccessDenied without. GetObject held; the
paths added since answered 404 to anyone: a conditional delete or write (`If-Match`,
userguide/conditional-deletes.html, conditional-writes.html), DeleteObjects' per-key `<ETag>`,
and CopyObject's source (judged on the source bucket). Each is an existence oracle for a caller
granted object permissions only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.rolegate_server import Credentials, RunningServer
from tests.security.identities import refusal, user_with_policy


@pytest.fixture(scope="module")
def world(server: RunningServer) -> tuple[Credentials, Credentials, Credentials, str, str]:
    """An owner with a bucket and a source bucket; a user with every object permission but no
    s3:ListBucket; a user with s3:ListBucket too."""
    owner = server.new_account()
    bucket, source = f"absence-{owner.account_id}", f"absence-src-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=source)
    objects = {
        "Effect": "Allow",
        "Action": [
            "s3:GetObject",
            "s3:PutObject",
            "s3:DeleteObject",
            "s3:AbortMultipartUpload",
        ],
        "Resource": [f"arn:aws:s3:::{bucket}/*", f"arn:aws:s3:::{source}/*"],
    }
    listing = {
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{source}"],
    }
    blind = user_with_policy(server, owner, "blind", [objects])
    lister = user_with_policy(server, owner, "lister", [objects, listing])
    return owner, blind, lister, bucket, source


def _complete_if_match(s3: Any, bucket: str, key: str) -> object:
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=1, Body=b"x")["ETag"]
    try:
        return s3.complete_multipart_upload(
            Bucket=bucket,
            Key=key,
            UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
            IfMatch='"abc"',
        )
    finally:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload)


def _probes(s3: Any, bucket: str, source: str) -> list[Callable[[], object]]:
    return [
        lambda: _complete_if_match(s3, bucket, "nothing-here"),
        lambda: s3.delete_object(Bucket=bucket, Key="nothing-here", IfMatch='"abc"'),
        lambda: s3.delete_object(Bucket=bucket, Key="nothing-here", IfMatch="*"),
        lambda: s3.put_object(Bucket=bucket, Key="nothing-here", Body=b"x", IfMatch='"abc"'),
        lambda: s3.copy_object(
            Bucket=bucket, Key="copy", CopySource={"Bucket": source, "Key": "nothing-here"}
        ),
    ]


def test_a_caller_without_list_bucket_gets_403_for_a_missing_key(
    server: RunningServer, world: tuple[Credentials, Credentials, Credentials, str, str]
) -> None:
    _, blind, _, bucket, source = world
    s3 = server.client("s3", blind)
    assert refusal(lambda: s3.get_object(Bucket=bucket, Key="nothing-here")) == (
        403,
        "AccessDenied",
    )
    for probe in _probes(s3, bucket, source):
        assert refusal(probe) == (403, "AccessDenied")
    result = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "nothing-here", "ETag": '"abc"'}]}
    )
    assert [e["Code"] for e in result["Errors"]] == ["AccessDenied"]


def test_a_caller_with_list_bucket_still_gets_404(
    server: RunningServer, world: tuple[Credentials, Credentials, Credentials, str, str]
) -> None:
    _, _, lister, bucket, source = world
    s3 = server.client("s3", lister)
    for probe in _probes(s3, bucket, source):
        assert refusal(probe) == (404, "NoSuchKey")
    result = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "nothing-here", "ETag": '"abc"'}]}
    )
    assert [e["Code"] for e in result["Errors"]] == ["NoSuchKey"]


def test_existing_keys_still_answer_the_blind_caller(
    server: RunningServer, world: tuple[Credentials, Credentials, Credentials, str, str]
) -> None:
    owner, blind, _, bucket, source = world
    server.client("s3", owner).put_object(Bucket=source, Key="there", Body=b"data")
    s3 = server.client("s3", blind)
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": source, "Key": "there"})
    assert refusal(lambda: s3.delete_object(Bucket=bucket, Key="copy", IfMatch='"abc"')) == (
        412,
        "PreconditionFailed",
    )
    s3.delete_object(Bucket=bucket, Key="copy", IfMatch="*")
