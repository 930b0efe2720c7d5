"""The bucket policy belongs to the bucket owner's account.

AmazonS3/latest/API/API_PutBucketPolicy.html (and API_GetBucketPolicy.html,
API_DeleteBucketPolicy.html): an identity outside the bucket owner's account gets 403 without the
permission and 405 MethodNotAllowed with it; the owner account's root can always run the three,
even when the bucket policy explicitly denies it ("so that bucket owners don't inadvertently lock
themselves out"). Its users and roles get no such exemption.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer
from tests.security.identities import user_with_policy
from tests.security.wire import exchange, request_bytes


def _grant_everything_to(account_id: str, bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PartnerMayDoAnything",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                }
            ],
        }
    )


def _user_with_all_s3(server: RunningServer, root: Credentials, name: str) -> Credentials:
    return user_with_policy(
        server, root, name, [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
    )


def _code(error: ClientError) -> tuple[int, str]:
    response: dict[str, Any] = error.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


@pytest.fixture(scope="module")
def shared(server: RunningServer) -> tuple[Credentials, Credentials, Credentials, str]:
    """An owner whose bucket policy grants s3:* to a partner account, the partner's root and its
    user with s3:* in an identity policy, and the bucket."""
    owner = server.new_account()
    partner = server.new_account()
    bucket = f"shared-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="private.txt", Body=b"owner's data")
    s3.put_bucket_policy(Bucket=bucket, Policy=_grant_everything_to(partner.account_id, bucket))
    return owner, partner, _user_with_all_s3(server, partner, "partner-admin"), bucket


def test_a_partner_granted_everything_cannot_rewrite_the_bucket_policy(
    server: RunningServer, shared: tuple[Credentials, Credentials, Credentials, str]
) -> None:
    owner, _partner_root, partner_user, bucket = shared
    partner = server.client("s3", partner_user)
    # The grant works for data: the partner reads objects.
    assert partner.get_object(Bucket=bucket, Key="private.txt")["Body"].read() == b"owner's data"
    public = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )

    with pytest.raises(ClientError) as put:
        partner.put_bucket_policy(Bucket=bucket, Policy=public)
    with pytest.raises(ClientError) as get:
        partner.get_bucket_policy(Bucket=bucket)
    with pytest.raises(ClientError) as delete:
        partner.delete_bucket_policy(Bucket=bucket)

    for attempt in (put, get, delete):
        assert _code(attempt.value) == (405, "MethodNotAllowed")
        assert "not allowed against this resource" in attempt.value.response["Error"]["Message"]
    # Nothing changed: the policy is the owner's, and the object is still not public.
    kept = server.client("s3", owner).get_bucket_policy(Bucket=bucket)["Policy"]
    assert json.loads(kept)["Statement"][0]["Sid"] == "PartnerMayDoAnything"
    anonymous = exchange(server.port, request_bytes("GET", f"/{bucket}/private.txt", {}))
    assert anonymous.status == 403
    assert b"owner's data" not in anonymous.body


def test_a_partner_without_the_grant_gets_access_denied_not_method_not_allowed(
    server: RunningServer,
) -> None:
    # 403 before 405: the 405 is only for a caller that has the permission.
    owner = server.new_account()
    stranger = _user_with_all_s3(server, server.new_account(), "stranger")
    bucket = f"closed-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as denied:
        server.client("s3", stranger).get_bucket_policy(Bucket=bucket)
    assert _code(denied.value) == (403, "AccessDenied")


def test_anonymous_callers_granted_policy_actions_still_cannot_touch_the_policy(
    server: RunningServer,
) -> None:
    owner = server.new_account()
    bucket = f"open-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    everyone = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetBucketPolicy", "s3:DeleteBucketPolicy"],
                    "Resource": f"arn:aws:s3:::{bucket}",
                }
            ],
        }
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=everyone)

    read = exchange(server.port, request_bytes("GET", f"/{bucket}?policy", {}))
    removed = exchange(server.port, request_bytes("DELETE", f"/{bucket}?policy", {}))

    assert read.status == 405 and b"<Code>MethodNotAllowed</Code>" in read.body
    assert removed.status == 405
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == everyone


def _deny_everyone(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "LockEveryoneOut",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                }
            ],
        }
    )


def test_the_owner_root_can_always_read_and_remove_a_policy_that_denies_everyone(
    server: RunningServer,
) -> None:
    owner = server.new_account()
    bucket = f"locked-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    s3.put_bucket_policy(Bucket=bucket, Policy=_deny_everyone(bucket))

    # The deny holds for everything else, the root's reads included...
    with pytest.raises(ClientError) as read:
        s3.get_object(Bucket=bucket, Key="k")
    assert _code(read.value) == (403, "AccessDenied")
    # ...but not for the bucket policy's own operations.
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == _deny_everyone(bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=_deny_everyone(bucket))
    s3.delete_bucket_policy(Bucket=bucket)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"

    # The audit log says why the deny was overridden, and which statement it overrode.
    entries = [
        e
        for e in server.audit_entries()
        if e["operation"] == "DeleteBucketPolicy" and e["resource"] == f"arn:aws:s3:::{bucket}"
    ]
    assert entries and entries[-1]["status"] == 204
    decision = entries[-1]["decisions"][-1]
    assert decision["decision"] == "allowed"
    assert "bucket owner's root user" in decision["reason"]
    assert any("LockEveryoneOut" in line for line in decision["statements"])


def test_the_owner_accounts_users_get_no_lock_out_exemption(server: RunningServer) -> None:
    owner = server.new_account()
    admin = _user_with_all_s3(server, owner, "bucket-admin")
    bucket = f"userlock-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=_deny_everyone(bucket))

    as_admin = server.client("s3", admin)
    for call in (
        lambda: as_admin.get_bucket_policy(Bucket=bucket),
        lambda: as_admin.delete_bucket_policy(Bucket=bucket),
    ):
        with pytest.raises(ClientError) as denied:
            call()
        assert _code(denied.value) == (403, "AccessDenied")
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == _deny_everyone(bucket)


def test_the_partner_accounts_root_is_not_the_owner(
    server: RunningServer, shared: tuple[Credentials, Credentials, Credentials, str]
) -> None:
    # A root, and granted s3:* by the policy, but of another account: 405, and nothing removed.
    owner, partner_root, _user, bucket = shared
    with pytest.raises(ClientError) as refused:
        server.client("s3", partner_root).delete_bucket_policy(Bucket=bucket)
    assert _code(refused.value) == (405, "MethodNotAllowed")
    assert server.client("s3", owner).get_bucket_policy(Bucket=bucket)["Policy"]


def test_a_request_naming_another_expected_owner_touches_nothing(
    server: RunningServer, shared: tuple[Credentials, Credentials, Credentials, str]
) -> None:
    # userguide/bucket-owner-condition.html: the partner, allowed to write, names the account it
    # believes owns the bucket; when that is not the owner, S3 refuses with 403 and changes nothing.
    owner, partner_root, partner_user, bucket = shared
    wrong = partner_root.account_id
    own = server.client("s3", owner)
    own.put_object(Bucket=bucket, Key="kept.txt", Body=b"kept")

    attempts: list[tuple[str, dict[str, Any]]] = [
        ("put_object", {"Key": "x", "Body": b"x", "ExpectedBucketOwner": wrong}),
        ("get_object", {"Key": "kept.txt", "ExpectedBucketOwner": wrong}),
        (
            "delete_objects",
            {"Delete": {"Objects": [{"Key": "kept.txt"}]}, "ExpectedBucketOwner": wrong},
        ),
        (
            "copy_object",
            {
                "Key": "copy",
                "CopySource": {"Bucket": bucket, "Key": "kept.txt"},
                "ExpectedSourceBucketOwner": wrong,
            },
        ),
    ]
    for operation, parameters in attempts:
        # A client per attempt: a PUT refused before its body is read leaves boto3's
        # Expect: 100-continue body on the connection (reported; not this test's subject).
        partner = server.client("s3", partner_user)
        with pytest.raises(ClientError) as refused:
            getattr(partner, operation)(Bucket=bucket, **parameters)
        assert _code(refused.value) == (403, "AccessDenied")
    assert own.get_object(Bucket=bucket, Key="kept.txt")["Body"].read() == b"kept"
    keys = [o["Key"] for o in own.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert "x" not in keys and "copy" not in keys
    # Naming the right owner works.
    server.client("s3", partner_user).put_object(
        Bucket=bucket, Key="x", Body=b"x", ExpectedBucketOwner=owner.account_id
    )
