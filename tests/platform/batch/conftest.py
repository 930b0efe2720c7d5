from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.platform.identity_env import use_platform_identity
from tests.rolegate_server import Credentials, RunningServer
from tests.server.seed_world import Platform, trust_account

from rolegate.platform.batch import ProcessPoolTaskExecutor
from rolegate.platform.roles import PlatformIdentity

REPO_ROOT = Path(__file__).resolve().parents[3]
BUCKET = "customer-data"
INPUT_FOLDER = "in"
PARTS = 6


def csv_of(part: int) -> str:
    rows = "\n".join(f"{part},{part * 10 + i},{i + 0.5}" for i in range(4))
    return f"part,id,amount\n{rows}\n"


def role_policy(bucket: str, write_prefix: str | None) -> str:
    statements: list[dict[str, object]] = [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        }
    ]
    if write_prefix is not None:
        statements.append(
            {
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/{write_prefix}*",
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


@dataclass(frozen=True)
class BatchWorld:
    server: RunningServer
    platform: Platform
    customer: Credentials
    writer_role: str
    reader_role: str

    def s3(self) -> object:
        return self.server.client("s3", self.customer)


@pytest.fixture(scope="module")
def world(server: RunningServer) -> BatchWorld:
    platform = Platform.create(server)
    customer = server.new_account()
    s3 = server.client("s3", customer)
    s3.create_bucket(Bucket=BUCKET)
    for part in range(1, PARTS + 1):
        s3.put_object(
            Bucket=BUCKET, Key=f"{INPUT_FOLDER}/part-{part}.csv", Body=csv_of(part).encode()
        )
    iam = server.client("iam", customer)
    roles = {}
    for name, write_prefix in (("batch-writer", "out"), ("batch-reader", None)):
        roles[name] = iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=trust_account(platform.account)
        )["Role"]["Arn"]
        iam.put_role_policy(
            RoleName=name, PolicyName="data", PolicyDocument=role_policy(BUCKET, write_prefix)
        )
    return BatchWorld(server, platform, customer, roles["batch-writer"], roles["batch-reader"])


@pytest.fixture
def identity(world: BatchWorld, monkeypatch: pytest.MonkeyPatch) -> PlatformIdentity:
    use_platform_identity(monkeypatch, world.platform.operator)
    return PlatformIdentity(endpoint_url=world.server.url)


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolTaskExecutor]:
    """Two spawned workers shared by the module's runs: their imports are paid once."""
    with ProcessPoolTaskExecutor(workers=2, import_paths=[str(REPO_ROOT)]) as running:
        yield running
