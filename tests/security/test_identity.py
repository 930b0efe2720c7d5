"""Identities are their unique ids, not their names (issue 10, items 4 and 5).

IAM UG reference_identifiers.html#identifiers-unique-ids: a role or user deleted and re-created
under the same name is a new identity with a new id. UG reference_policies_elements_principal.html
(IAM role principals, IAM user principals): a policy naming a role or user by ARN is bound to its
unique id when saved; after the principal is deleted "the policy no longer applies, even if you
recreate the user or role", and the policy shows the unique id instead of the ARN.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer

VERSION = "2012-10-17"


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": VERSION, "Statement": list(statements)})


def _allow(action: str, resource: str = "*") -> str:
    return _policy({"Effect": "Allow", "Action": action, "Resource": resource})


def _trust(principal: str) -> str:
    return _policy({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"})


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


class World:
    """One fresh account: its root, and a user `alice` allowed to assume any role."""

    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.root = server.new_account()
        self.account = self.root.account_id
        self.iam = server.client("iam", self.root)
        self.iam.create_user(UserName="alice")
        self.iam.put_user_policy(
            UserName="alice", PolicyName="assume", PolicyDocument=_allow("sts:AssumeRole")
        )
        key = self.iam.create_access_key(UserName="alice")["AccessKey"]
        self.alice = Credentials(key["AccessKeyId"], key["SecretAccessKey"], None, self.account)

    def role_arn(self, name: str) -> str:
        return f"arn:aws:iam::{self.account}:role/{name}"

    def create_role(self, name: str, trust: str | None = None, allow: str | None = None) -> str:
        """A role trusting the account (so alice may assume it); its id."""
        role = self.iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=trust or _trust(f"arn:aws:iam::{self.account}:root"),
        )["Role"]
        if allow is not None:
            self.iam.put_role_policy(RoleName=name, PolicyName="allow", PolicyDocument=allow)
        return str(role["RoleId"])

    def delete_role(self, name: str) -> None:
        for policy in self.iam.list_role_policies(RoleName=name)["PolicyNames"]:
            self.iam.delete_role_policy(RoleName=name, PolicyName=policy)
        self.iam.delete_role(RoleName=name)

    def assume(self, name: str, by: Credentials | None = None) -> Credentials:
        sts = self.server.client("sts", by or self.alice)
        found = sts.assume_role(RoleArn=self.role_arn(name), RoleSessionName="attack")[
            "Credentials"
        ]
        return Credentials.from_sts(found, self.account)


def test_session_of_a_deleted_and_recreated_role_is_refused(server: RunningServer) -> None:
    world = World(server)
    old_id = world.create_role("worker")  # allowed nothing
    old = world.assume("worker")
    assert server.client("sts", old).get_caller_identity()["UserId"].startswith(old_id)

    world.delete_role("worker")
    new_id = world.create_role("worker", allow=_allow("s3:ListAllMyBuckets"))
    assert new_id != old_id

    # The old session must not wear the new role's permissions, nor claim the old role's id.
    # Refused as an invalid token: S3's InvalidToken (AmazonS3/latest/API/ErrorResponses.html),
    # STS's InvalidClientTokenId (STS/APIReference/CommonErrors.html).
    with pytest.raises(ClientError) as listing:
        server.client("s3", old).list_buckets()
    assert listing.value.response["Error"]["Code"] == "InvalidToken"
    with pytest.raises(ClientError) as identity:
        server.client("sts", old).get_caller_identity()
    assert _error(identity) == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )
    # A session of the new role is the new role's.
    new = world.assume("worker")
    assert server.client("sts", new).get_caller_identity()["UserId"].startswith(new_id)
    server.client("s3", new).list_buckets()


def test_session_of_a_deleted_role_is_refused(server: RunningServer) -> None:
    world = World(server)
    world.create_role("gone")
    session = world.assume("gone")
    world.delete_role("gone")

    with pytest.raises(ClientError) as identity:
        server.client("sts", session).get_caller_identity()
    assert _error(identity)[0] == "InvalidClientTokenId"


def test_session_token_of_a_deleted_and_recreated_user_is_refused(server: RunningServer) -> None:
    world = World(server)
    iam = world.iam
    iam.create_user(UserName="bob")
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    bob = Credentials(key["AccessKeyId"], key["SecretAccessKey"], None, world.account)
    token = server.client("sts", bob).get_session_token()["Credentials"]
    session = Credentials.from_sts(token, world.account)

    iam.delete_access_key(UserName="bob", AccessKeyId=key["AccessKeyId"])
    iam.delete_user(UserName="bob")
    iam.create_user(UserName="bob")
    iam.put_user_policy(
        UserName="bob", PolicyName="list", PolicyDocument=_allow("s3:ListAllMyBuckets")
    )

    # GetSessionToken's session belongs to the user id it was issued for (UG/reference_identifiers).
    with pytest.raises(ClientError) as listing:
        server.client("s3", session).list_buckets()
    assert listing.value.response["Error"]["Code"] == "InvalidToken"
    with pytest.raises(ClientError) as identity:
        server.client("sts", session).get_caller_identity()
    assert _error(identity)[0] == "InvalidClientTokenId"


def test_trust_policy_naming_a_role_stops_matching_after_it_is_recreated(
    server: RunningServer,
) -> None:
    world = World(server)
    runner_id = world.create_role("runner")
    world.create_role("target", trust=_trust(world.role_arn("runner")))
    world.assume("target", by=world.assume("runner"))  # trusted while the runner is the runner

    world.delete_role("runner")
    world.create_role("runner")
    impostor = world.assume("runner")

    # UG/reference_policies_elements_principal.html: the trust was in the old role's unique id.
    with pytest.raises(ClientError) as denied:
        world.assume("target", by=impostor)
    assert _error(denied)[0] == "AccessDenied"
    shown = world.iam.get_role(RoleName="target")["Role"]["AssumeRolePolicyDocument"]
    assert shown["Statement"][0]["Principal"] == {"AWS": runner_id}


def test_bucket_policy_naming_a_role_stops_matching_after_it_is_recreated(
    server: RunningServer,
) -> None:
    world = World(server)
    reader_id = world.create_role("reader")
    bucket = f"identity-{world.account}"
    s3 = server.client("s3", world.root)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="secret.txt", Body=b"for the reader")
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=_policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": world.role_arn("reader")},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ),
    )
    reader = server.client("s3", world.assume("reader"))
    assert reader.get_object(Bucket=bucket, Key="secret.txt")["Body"].read() == b"for the reader"

    world.delete_role("reader")
    world.create_role("reader")
    impostor = server.client("s3", world.assume("reader"))

    with pytest.raises(ClientError) as denied:
        impostor.get_object(Bucket=bucket, Key="secret.txt")
    assert _error(denied)[0] == "AccessDenied"
    shown = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert shown["Statement"][0]["Principal"] == {"AWS": reader_id}


def test_policies_naming_a_missing_principal_are_refused(server: RunningServer) -> None:
    world = World(server)
    missing_role = world.role_arn("not-yet")
    missing_user = f"arn:aws:iam::{world.account}:user/nobody"
    world.create_role("target")
    before = world.iam.get_role(RoleName="target")["Role"]["AssumeRolePolicyDocument"]

    # IAM: MalformedPolicyDocument 'Invalid principal in policy: "AWS":"ARN"' (the live answer,
    # quoted in aws-actions/configure-aws-credentials#332 and terraform-provider-aws#8905).
    with pytest.raises(ClientError) as created:
        world.iam.create_role(RoleName="early", AssumeRolePolicyDocument=_trust(missing_role))
    assert _error(created) == (
        "MalformedPolicyDocument",
        f'Invalid principal in policy: "AWS":"{missing_role}"',
    )
    with pytest.raises(ClientError) as updated:
        world.iam.update_assume_role_policy(RoleName="target", PolicyDocument=_trust(missing_user))
    assert _error(updated) == (
        "MalformedPolicyDocument",
        f'Invalid principal in policy: "AWS":"{missing_user}"',
    )
    # Nothing was stored: no role "early", and the target's trust is unchanged.
    with pytest.raises(ClientError) as absent:
        world.iam.get_role(RoleName="early")
    assert _error(absent)[0] == "NoSuchEntity"
    assert world.iam.get_role(RoleName="target")["Role"]["AssumeRolePolicyDocument"] == before

    # S3 (AmazonS3/latest/API/API_PutBucketPolicy.html): MalformedPolicy "Invalid principal in
    # policy" (cloud-custodian/cloud-custodian#4948 quotes the answer).
    bucket = f"missing-{world.account}"
    s3 = server.client("s3", world.root)
    s3.create_bucket(Bucket=bucket)
    policy = _policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{world.account}:root", missing_role]},
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
        }
    )
    with pytest.raises(ClientError) as put:
        s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    assert _error(put) == ("MalformedPolicy", "Invalid principal in policy")
    with pytest.raises(ClientError) as stored:
        s3.get_bucket_policy(Bucket=bucket)
    assert _error(stored)[0] == "NoSuchBucketPolicy"


def test_cross_account_policy_arns_do_not_reveal_whether_a_policy_exists(
    server: RunningServer,
) -> None:
    world = World(server)
    world.create_role("worker")
    other = server.new_account()
    server.client("iam", other).create_policy(
        PolicyName="their-policy", PolicyDocument=_allow("s3:*")
    )
    existing = f"arn:aws:iam::{other.account_id}:policy/their-policy"
    missing = f"arn:aws:iam::{other.account_id}:policy/no-such-policy"
    sts = server.client("sts", world.alice)

    # API_AssumeRole.html (PolicyArns): "The policies must exist in the same account as the role."
    # Another account's policy must get the answer a missing one gets.
    answers = []
    for arn in (existing, missing):
        with pytest.raises(ClientError) as refused:
            sts.assume_role(
                RoleArn=world.role_arn("worker"),
                RoleSessionName="attack",
                PolicyArns=[{"arn": arn}],
            )
        code, message = _error(refused)
        answers.append((code, message.replace(arn, "<arn>")))
    assert answers[0] == answers[1]
    assert answers[0][0] == "ValidationError"
