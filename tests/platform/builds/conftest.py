from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from tests.platform.identity_env import use_platform_identity
from tests.rolegate_server import Credentials, RunningServer
from tests.server.seed_world import Platform, seed_permission_policy, trust_account

from rolegate.platform.roles import PlatformIdentity

BUCKET = "build-data"
OBJECTS = {
    "datasets/train/a.csv": b"x,y\n1,2\n",
    "datasets/train/sub/b.csv": b"x,y\n3,4\n5,6\n",
    "models/config.json": b'{"layers": 3}',
}
NO_PERMISSIONS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"}
        ],
    }
)


@dataclass(frozen=True)
class BuildWorld:
    server: RunningServer
    platform: Platform
    customer: Credentials
    reader_role: str
    useless_role: str


@pytest.fixture(scope="module")
def world(server: RunningServer) -> BuildWorld:
    platform = Platform.create(server)
    customer = server.new_account()
    s3 = server.client("s3", customer)
    s3.create_bucket(Bucket=BUCKET)
    for key, body in OBJECTS.items():
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    iam = server.client("iam", customer)
    roles = {}
    for name, policy in (
        ("build-reader", seed_permission_policy(BUCKET)),
        ("reads-nothing", NO_PERMISSIONS),
    ):
        roles[name] = iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=trust_account(platform.account)
        )["Role"]["Arn"]
        iam.put_role_policy(RoleName=name, PolicyName="data", PolicyDocument=policy)
    return BuildWorld(server, platform, customer, roles["build-reader"], roles["reads-nothing"])


@pytest.fixture
def identity(world: BuildWorld, monkeypatch: pytest.MonkeyPatch) -> PlatformIdentity:
    use_platform_identity(monkeypatch, world.platform.operator)
    return PlatformIdentity(endpoint_url=world.server.url)
