"""CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey."""

from __future__ import annotations

from iam_harness import ACCOUNT, Iam, role_session_caller, user_caller

from rolegate.model import AccessKey

USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"


def test_create_access_key_for_a_user(iam: Iam) -> None:
    iam.user()
    key = iam.call("CreateAccessKey", UserName="alice")["AccessKey"]
    assert iam.last_asked == ("iam:CreateAccessKey", USER_ARN)
    assert key["UserName"] == "alice" and key["Status"] == "Active"
    key_id = str(key["AccessKeyId"])
    assert key_id.startswith("AKIA") and len(key_id) == 20
    assert len(str(key["SecretAccessKey"])) == 40
    # The key authenticates: the store finds it by id.
    stored = iam.store.find_access_key(key_id)
    assert stored is not None and stored.user_name == "alice"


def test_third_key_exceeds_the_quota(iam: Iam) -> None:
    iam.user()
    iam.call("CreateAccessKey", UserName="alice")
    iam.call("CreateAccessKey", UserName="alice")
    before = iam.snapshot()
    error = iam.error("CreateAccessKey", UserName="alice")
    # "Cannot exceed quota for AccessKeysPerUser: 2" (LimitExceeded 409; simonw/s3-credentials#64,
    # bartekj/aws-tools#29 quote the live answer).
    assert (error.code, error.status) == ("LimitExceeded", 409)
    assert error.message == "Cannot exceed quota for AccessKeysPerUser: 2"
    assert iam.snapshot() == before


def test_without_user_name_a_user_makes_its_own_key(iam: Iam) -> None:
    iam.user()
    key = iam.call("CreateAccessKey", caller=user_caller(iam.stored_user("alice")))["AccessKey"]
    assert key["UserName"] == "alice"
    assert iam.last_asked == ("iam:CreateAccessKey", USER_ARN)


def test_without_user_name_root_makes_a_root_key(iam: Iam) -> None:
    # The root has no user name, so the (model-required) UserName is left out of its keys.
    no_name = frozenset({"UserName"})
    key = iam.call("CreateAccessKey", optional=no_name)["AccessKey"]
    assert iam.last_asked == ("iam:CreateAccessKey", ROOT_ARN)
    assert "UserName" not in key
    listed = iam.call("ListAccessKeys", optional=no_name)["AccessKeyMetadata"]
    # The fixture's root key plus the new one; the quota of two now applies to the root too.
    assert len(listed) == 2
    assert iam.error("CreateAccessKey").code == "LimitExceeded"


def test_role_session_must_name_the_user(iam: Iam) -> None:
    error = iam.error("CreateAccessKey", caller=role_session_caller())
    assert (error.code, error.message) == (
        "ValidationError",
        "Must specify userName when calling with non-User credentials",
    )


def test_list_access_keys_leaves_out_secrets(iam: Iam) -> None:
    iam.user()
    made = iam.call("CreateAccessKey", UserName="alice")["AccessKey"]
    listed = iam.call("ListAccessKeys", UserName="alice")
    assert iam.last_asked == ("iam:ListAccessKeys", USER_ARN)
    assert listed["IsTruncated"] is False
    (only,) = listed["AccessKeyMetadata"]
    assert only["AccessKeyId"] == made["AccessKeyId"]
    assert "SecretAccessKey" not in only


def test_update_access_key_status(iam: Iam) -> None:
    iam.user()
    key_id = iam.call("CreateAccessKey", UserName="alice")["AccessKey"]["AccessKeyId"]
    assert (
        iam.call("UpdateAccessKey", UserName="alice", AccessKeyId=key_id, Status="Inactive") == {}
    )
    assert iam.last_asked == ("iam:UpdateAccessKey", USER_ARN)
    stored = iam.store.find_access_key(str(key_id))
    assert stored is not None and stored.status.value == "Inactive"


def test_missing_access_key(iam: Iam) -> None:
    iam.user()
    error = iam.error("DeleteAccessKey", UserName="alice", AccessKeyId="AKIANOTAKEYNOTAKEY00")
    # "The Access Key with id X cannot be found." (NoSuchEntity 404; quoted in the
    # paws.security.identity documentation of DeleteAccessKey).
    assert (error.code, error.status) == ("NoSuchEntity", 404)
    assert error.message == "The Access Key with id AKIANOTAKEYNOTAKEY00 cannot be found."


def test_another_users_key_is_not_found_under_this_user(iam: Iam) -> None:
    iam.user()
    iam.user("bob")
    key_id = iam.call("CreateAccessKey", UserName="bob")["AccessKey"]["AccessKeyId"]
    error = iam.error("UpdateAccessKey", UserName="alice", AccessKeyId=key_id, Status="Inactive")
    assert error.code == "NoSuchEntity"


def test_delete_access_key(iam: Iam) -> None:
    iam.user()
    key_id = iam.call("CreateAccessKey", UserName="alice")["AccessKey"]["AccessKeyId"]
    assert iam.call("DeleteAccessKey", UserName="alice", AccessKeyId=key_id) == {}
    assert iam.last_asked == ("iam:DeleteAccessKey", USER_ARN)
    assert iam.store.find_access_key(str(key_id)) is None
    assert list(iam.store.iter_all(AccessKey))  # the root key is still there
