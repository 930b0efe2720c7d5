"""The condition keys each IAM operation hands the authorizer besides the global ones
(UG/reference_policies_iam-condition-keys.html, UG/access_iam-tags.html): what it asks for and
what it acts on."""

from __future__ import annotations

from iam_harness import Iam

S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
DOCUMENT = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}'


def _last_keys(iam: Iam) -> dict[str, object]:
    return dict(iam.keys[-1])


def test_create_carries_the_tags_and_boundary_it_sets(iam: Iam) -> None:
    iam.user(Tags=[{"Key": "Team", "Value": "data"}], PermissionsBoundary=S3_FULL)
    assert _last_keys(iam) == {
        "aws:RequestTag/Team": "data",
        "aws:TagKeys": ["Team"],
        "iam:PermissionsBoundary": S3_FULL,
    }
    iam.role()
    assert _last_keys(iam) == {}  # nothing set, nothing present


def test_an_operation_on_an_identity_carries_its_tags(iam: Iam) -> None:
    iam.role(Tags=[{"Key": "Team", "Value": "data"}])
    iam.call("GetRole", RoleName="worker")
    assert _last_keys(iam) == {"aws:ResourceTag/Team": "data", "iam:ResourceTag/Team": "data"}


def test_permission_changes_carry_the_current_boundary_and_the_policy_arn(iam: Iam) -> None:
    iam.user(PermissionsBoundary=S3_FULL)
    iam.call("PutUserPolicy", UserName="alice", PolicyName="p", PolicyDocument=DOCUMENT)
    assert _last_keys(iam) == {"iam:PermissionsBoundary": S3_FULL}
    iam.call("AttachUserPolicy", UserName="alice", PolicyArn=S3_READ)
    assert _last_keys(iam) == {"iam:PermissionsBoundary": S3_FULL, "iam:PolicyARN": S3_READ}
    # Setting a boundary: the one asked for, not the one it replaces.
    iam.call("PutUserPermissionsBoundary", UserName="alice", PermissionsBoundary=S3_READ)
    assert _last_keys(iam) == {"iam:PermissionsBoundary": S3_READ}
    iam.call("DeleteUserPermissionsBoundary", UserName="alice")
    assert _last_keys(iam) == {"iam:PermissionsBoundary": S3_READ}
    # Reading is not a permission change: no boundary key.
    iam.call("GetUserPolicy", UserName="alice", PolicyName="p")
    assert _last_keys(iam) == {}


def test_tagging_carries_the_keys_it_sets_or_removes(iam: Iam) -> None:
    iam.role()
    iam.call("TagRole", RoleName="worker", Tags=[{"Key": "env", "Value": "prod"}])
    assert _last_keys(iam) == {"aws:RequestTag/env": "prod", "aws:TagKeys": ["env"]}
    iam.call("UntagRole", RoleName="worker", TagKeys=["env"])
    assert _last_keys(iam) == {"aws:ResourceTag/env": "prod", "iam:ResourceTag/env": "prod",
                               "aws:TagKeys": ["env"]}  # fmt: skip
