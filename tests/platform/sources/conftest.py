"""The seed world for data sources: the platform's node role, a customer's bucket and roles."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.platform.identity_env import use_platform_identity
from tests.rolegate_server import Credentials, RunningServer
from tests.server.seed_world import Platform, seed_permission_policy, seed_trust_policy

from rolegate.platform.roles import PlatformIdentity, RoleCredentialCache
from rolegate.platform.sources import SourceContext

BUCKET = "customer-data"
EXTERNAL_ID = "qwak-7f3a9c"
MANY_CSV_FILES = 30


def trust_with_external_id(platform_account: str, external_id: str) -> str:
    trust = json.loads(seed_trust_policy(platform_account))
    for statement in trust["Statement"]:
        statement["Condition"]["StringEquals"] = {"sts:ExternalId": external_id}
    return json.dumps(trust)


def events_table(first: int, count: int) -> pa.Table:
    """`count` events, one a minute from minute `first` of 2024-05-01."""
    minutes = range(first, first + count)
    return pa.table(
        {
            "id": pa.array(list(minutes), pa.int64()),
            "created_at": pa.array(
                [f"2024-05-01T{m // 60:02d}:{m % 60:02d}:00" for m in minutes]
            ).cast(pa.timestamp("s")),
            "amount": pa.array([m * 1.5 for m in minutes]),
        }
    )


def csv_text(table: pa.Table) -> str:
    lines = ["id,created_at,amount"]
    for row in table.to_pylist():
        lines.append(f"{row['id']},{row['created_at'].isoformat()},{row['amount']}")
    return "\n".join(lines) + "\n"


def parquet_bytes(table: pa.Table, row_group_size: int) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=row_group_size)
    return sink.getvalue()


@dataclass(frozen=True)
class SourcesWorld:
    server: RunningServer
    platform: Platform
    node_role: str
    outsider_role: str
    customer: Credentials
    customer_role: str
    external_id_role: str

    def s3(self) -> object:
        return self.server.client("s3", self.customer)

    def path(self, key: str) -> str:
        return f"s3://{BUCKET}/{key}"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir: Path = tmp_path_factory.mktemp("rolegate") / "data"
    running = RunningServer(data_dir).start()
    yield running
    running.stop()


def _put_objects(server: RunningServer, customer: Credentials) -> None:
    s3 = server.client("s3", customer)
    s3.create_bucket(Bucket=BUCKET)
    put = s3.put_object
    put(Bucket=BUCKET, Key="csv/events.csv", Body=csv_text(events_table(0, 50)).encode())
    for part in range(MANY_CSV_FILES):
        body = csv_text(events_table(part * 10, 10)).encode()
        put(Bucket=BUCKET, Key=f"csv/many/part-{part:02d}.csv", Body=body)
    put(Bucket=BUCKET, Key="csv/many/_SUCCESS", Body=b"")
    put(Bucket=BUCKET, Key="parquet/events.parquet", Body=parquet_bytes(events_table(0, 100), 20))
    for part in range(3):
        body = parquet_bytes(events_table(part * 40, 40), 10)
        put(Bucket=BUCKET, Key=f"parquet/many/part-{part}.parquet", Body=body)


@pytest.fixture(scope="session")
def world(server: RunningServer) -> SourcesWorld:
    platform = Platform.create(server)
    node_role = platform.add_role("eksctl-Qwak-EKS-Cluster-nodegroup-ng-1")
    outsider_role = platform.add_role("data-science-laptop")
    customer = server.new_account()
    _put_objects(server, customer)
    iam = server.client("iam", customer)
    roles = {}
    for name, trust in (
        ("qwak-access-role", seed_trust_policy(platform.account)),
        ("qwak-access-role-xid", trust_with_external_id(platform.account, EXTERNAL_ID)),
    ):
        roles[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        iam.put_role_policy(
            RoleName=name, PolicyName="read-data", PolicyDocument=seed_permission_policy(BUCKET)
        )
    return SourcesWorld(
        server,
        platform,
        node_role,
        outsider_role,
        customer,
        roles["qwak-access-role"],
        roles["qwak-access-role-xid"],
    )


@pytest.fixture(scope="session")
def node_session(world: SourcesWorld) -> Credentials:
    return world.platform.session_of(world.node_role, "node")


@pytest.fixture
def context(
    world: SourcesWorld, node_session: Credentials, monkeypatch: pytest.MonkeyPatch
) -> SourceContext:
    """Reads as the platform's node role, as the seed's trust policy expects."""
    use_platform_identity(monkeypatch, node_session)
    identity = PlatformIdentity(endpoint_url=world.server.url)
    return SourceContext(identity, RoleCredentialCache(identity))
