"""The seed's two accounts on a live server: the platform's roles and the customer's role.

Built only through the public API (boto3 against the server), as a platform and a customer would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.rolegate_server import Credentials, RunningServer

FIXTURES = Path(__file__).parent.parent / "fixtures"
ALLOW_ASSUME_ANY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
)


def seed_trust_policy(platform_account: str) -> str:
    """The seed's trust policy pasted as written, with the account id filled in."""
    text = (FIXTURES / "seed_trust_policy.json").read_text()
    return text.replace("<account-id>", platform_account)


def seed_permission_policy(bucket: str) -> str:
    return (FIXTURES / "seed_permission_policy.json").read_text().replace("BUCKET_NAME", bucket)


def trust_account(account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


@dataclass
class Platform:
    """An account with an operator user who can become any of its roles."""

    server: RunningServer
    root: Credentials
    operator: Credentials

    @property
    def account(self) -> str:
        return self.root.account_id

    @classmethod
    def create(cls, server: RunningServer) -> Platform:
        root = server.new_account()
        iam = server.client("iam", root)
        iam.create_user(UserName="operator")
        iam.put_user_policy(
            UserName="operator", PolicyName="assume", PolicyDocument=ALLOW_ASSUME_ANY
        )
        key = iam.create_access_key(UserName="operator")["AccessKey"]
        operator = Credentials(key["AccessKeyId"], key["SecretAccessKey"], None, root.account_id)
        return cls(server, root, operator)

    def add_role(self, name: str, path: str = "/", may_assume: bool = True) -> str:
        iam = self.server.client("iam", self.root)
        arn: str = iam.create_role(
            RoleName=name, Path=path, AssumeRolePolicyDocument=trust_account(self.account)
        )["Role"]["Arn"]
        if may_assume:
            iam.put_role_policy(
                RoleName=name, PolicyName="assume-customer-roles", PolicyDocument=ALLOW_ASSUME_ANY
            )
        return arn

    def session_of(self, role_arn: str, name: str = "platform") -> Credentials:
        sts = self.server.client("sts", self.operator)
        found = sts.assume_role(RoleArn=role_arn, RoleSessionName=name)
        return Credentials.from_sts(found["Credentials"], self.account)


def assume(server: RunningServer, credentials: Credentials, role_arn: str, **extra: Any) -> Any:
    return server.client("sts", credentials).assume_role(
        RoleArn=role_arn, RoleSessionName=extra.pop("RoleSessionName", "reader"), **extra
    )
