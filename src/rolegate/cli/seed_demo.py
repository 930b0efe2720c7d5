"""`rolegate demo`: the seed, end to end, on a real `rolegate server` with embedded defaults.

A fresh data dir and a free loopback port; the platform's account and roles and a customer's
account; the customer uploads data and creates the role with the seed's trust policy pasted as
written; the platform samples both sources through the role; then the "no"s, each with its reason.
Every step checks that it behaved as the seed says and the demo exits 1 if one did not.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]  # no type information shipped
import pyarrow as pa  # type: ignore[import-untyped]  # no type information shipped
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from rich.console import Console
from rich.table import Table

from rolegate.platform.errors import PlatformError
from rolegate.platform.roles import PlatformIdentity, RoleCredentialCache
from rolegate.platform.sources import (
    AssumeRoleConfiguration,
    CsvSource,
    ParquetSource,
    SourceContext,
)
from rolegate.services.accounts import create_account
from rolegate.store import open_metadata_store

PLATFORM_ACCOUNT = "377488441568"  # the seed's "Qwak Cloud" account id
CUSTOMER_ACCOUNT = "111122223333"
BUCKET = "customer-data"
ROWS = 50_000
# The seed's trust policy, pasted as the article writes it; only <account-id> is filled in.
SEED_TRUST_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "AWS": "arn:aws:iam::<account-id>:root"
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "ArnLike": {
          "aws:PrincipalArn": "arn:aws:iam::<account-id>:role/eksctl-Qwak-EKS-Cluster-nodegroup-*"
        }
      }
    },
    {
      "Effect": "Allow",
      "Principal": {
        "AWS": "arn:aws:iam::<account-id>:root"
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "ArnLike": {
          "aws:PrincipalArn": "arn:aws:iam::<account-id>:role/qwak-eks-base*"
        }
      }
    }
  ]
}"""
SEED_PERMISSION_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:ListBucket"
      ],
      "Resource": [
        "arn:aws:s3:::BUCKET_NAME",
        "arn:aws:s3:::BUCKET_NAME/*"
      ]
    }
  ]
}"""


class DemoFailed(Exception):
    """A step did not behave as the seed says."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(data_dir: Path) -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "rolegate.cli.main", "server", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--data-dir", str(data_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise DemoFailed("the server did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


class Demo:
    def __init__(self, console: Console, url: str, data_dir: Path) -> None:
        self.console = console
        self.url = url
        self.data_dir = data_dir
        self.failures = 0

    def step(self, text: str, check: Callable[[], str]) -> None:
        try:
            detail = check()
        except (DemoFailed, PlatformError, ClientError) as error:
            self.failures += 1
            self.console.print(f"[red]✗[/] {text}\n    {error}")
            return
        self.console.print(f"[green]✓[/] {text}" + (f"\n    [dim]{detail}[/]" if detail else ""))

    def account(self, account_id: str) -> dict[str, str]:
        store = open_metadata_store(self.data_dir)
        try:
            key = create_account(store, account_id)
        finally:
            store.close()
        return {
            "aws_access_key_id": key.access_key_id,
            "aws_secret_access_key": key.secret_access_key,
        }

    def client(self, service: str, credentials: dict[str, str]) -> Any:
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1", **credentials)


def _sales_table() -> pa.Table:
    return pa.table(
        {
            "order_id": pa.array(range(ROWS), pa.int64()),
            "customer": [f"customer-{i % 977}" for i in range(ROWS)],
            "amount": [round((i * 37 % 10_000) / 100, 2) for i in range(ROWS)],
            "created_at": pa.array([1_767_225_600 + i * 60 for i in range(ROWS)], pa.int64()).cast(
                pa.timestamp("s")
            ),
        }
    )


def _csv_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pacsv.write_csv(table, sink)
    return sink.getvalue()


def _session(response: dict[str, Any]) -> dict[str, str]:
    found = response["Credentials"]
    return {
        "aws_access_key_id": found["AccessKeyId"],
        "aws_secret_access_key": found["SecretAccessKey"],
        "aws_session_token": found["SessionToken"],
    }


def run(console: Console) -> int:
    with tempfile.TemporaryDirectory(prefix="rolegate-demo-") as tmp:
        data_dir = Path(tmp) / "data"
        with running_server(data_dir) as url:
            console.print(f"[bold]rolegate demo[/] — a fresh server on {url}, data in {data_dir}\n")
            return _walk(Demo(console, url, data_dir))


def _walk(demo: Demo) -> int:
    platform_root = demo.account(PLATFORM_ACCOUNT)
    customer_root = demo.account(CUSTOMER_ACCOUNT)
    customer_s3 = demo.client("s3", customer_root)
    customer_iam = demo.client("iam", customer_root)
    table = _sales_table()

    def upload() -> str:
        customer_s3.create_bucket(Bucket=BUCKET)
        customer_s3.put_object(Bucket=BUCKET, Key="sales/2026/orders.csv", Body=_csv_bytes(table))
        sink = io.BytesIO()
        pq.write_table(table, sink, row_group_size=10_000)
        customer_s3.put_object(Bucket=BUCKET, Key="sales/2026/orders.parquet", Body=sink.getvalue())
        return f"s3://{BUCKET}/sales/2026/orders.csv and .parquet, {ROWS:,} rows each"

    demo.step("The customer uploads sample data", upload)
    role: dict[str, str] = {}

    def create_role() -> str:
        trust = SEED_TRUST_POLICY.replace("<account-id>", PLATFORM_ACCOUNT)
        role["arn"] = customer_iam.create_role(
            RoleName="qwak-access-role",
            AssumeRolePolicyDocument=trust,
            Description="Read access for the platform",
        )["Role"]["Arn"]
        customer_iam.put_role_policy(
            RoleName="qwak-access-role", PolicyName="read-customer-data",
            PolicyDocument=SEED_PERMISSION_POLICY.replace("BUCKET_NAME", BUCKET),
        )  # fmt: skip
        return f"{role['arn']} — trust policy pasted as the seed writes it, inline read policy"

    demo.step("The customer creates the role and hands over its ARN", create_role)
    platform_iam = demo.client("iam", platform_root)
    platform_iam.create_user(UserName="node-launcher")
    platform_iam.put_user_policy(
        UserName="node-launcher", PolicyName="assume",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}),
    )  # fmt: skip
    launcher_key = platform_iam.create_access_key(UserName="node-launcher")["AccessKey"]
    launcher = {
        "aws_access_key_id": launcher_key["AccessKeyId"],
        "aws_secret_access_key": launcher_key["SecretAccessKey"],
    }
    own_trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{PLATFORM_ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]})  # fmt: skip
    platform_sessions = {}
    for name in ("qwak-eks-base-demo", "data-science-notebook"):
        arn = platform_iam.create_role(RoleName=name, AssumeRolePolicyDocument=own_trust)["Role"][
            "Arn"
        ]
        platform_iam.put_role_policy(
            RoleName=name, PolicyName="assume-customer-roles",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}),
        )  # fmt: skip
        platform_sessions[name] = _session(
            demo.client("sts", launcher).assume_role(RoleArn=arn, RoleSessionName="node")
        )
    # The platform's own identity comes from the standard AWS environment variables.
    node = platform_sessions["qwak-eks-base-demo"]
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)  # nothing from this machine's AWS setup may leak in
    os.environ.update(
        AWS_ACCESS_KEY_ID=node["aws_access_key_id"],
        AWS_SECRET_ACCESS_KEY=node["aws_secret_access_key"],
        AWS_SESSION_TOKEN=node["aws_session_token"],
    )
    identity = PlatformIdentity(endpoint_url=demo.url)
    context = SourceContext(identity, RoleCredentialCache(identity))
    access = AssumeRoleConfiguration(role_arn=role.get("arn", "arn:aws:iam::111122223333:role/x"))
    samples: dict[str, Any] = {}

    def sample(kind: str) -> str:
        path = f"s3://{BUCKET}/sales/2026/orders.{kind}"
        source_type = CsvSource if kind == "csv" else ParquetSource
        source = source_type(
            name=f"orders_{kind}", description="orders", date_created_column="created_at",
            path=path, filesystem_configuration=access,
        )  # fmt: skip
        frame = source.sample(rows=5, context=context)
        samples[kind] = frame
        if len(frame) != 5:
            raise DemoFailed(f"expected 5 rows, got {len(frame)}")
        return f"{path}: {len(frame)} rows, columns {', '.join(frame.columns)}"

    demo.step("The platform samples the CSV source through the role", lambda: sample("csv"))
    demo.step("The platform samples the Parquet source through the role", lambda: sample("parquet"))
    if "parquet" in samples:
        shown = Table(title="orders.parquet, first rows (read as assumed-role/qwak-access-role)")
        for column in samples["parquet"].columns:
            shown.add_column(str(column))
        for row in samples["parquet"].itertuples(index=False):
            shown.add_row(*(str(v) for v in row))
        demo.console.print(shown)
    demo.step(
        "Both samples made one AssumeRole between them (credentials cached per role)",
        lambda: _expect(context.cache.assume_calls == 1, f"{context.cache.assume_calls} calls"),
    )

    def outsider() -> str:
        sts = demo.client("sts", platform_sessions["data-science-notebook"])
        try:
            sts.assume_role(RoleArn=role["arn"], RoleSessionName="notebook")
        except ClientError as error:
            return f"AccessDenied: {error.response['Error']['Message']}"
        raise DemoFailed("a role outside the trust patterns assumed the customer's role")

    demo.step("A platform role outside the seed's patterns is refused", outsider)

    def write() -> str:
        reader = _session(demo.client("sts", node).assume_role(
            RoleArn=role["arn"], RoleSessionName="writer"))  # fmt: skip
        try:
            demo.client("s3", reader).put_object(Bucket=BUCKET, Key="sales/x.csv", Body=b"x")
        except ClientError as error:
            return f"AccessDenied: {error.response['Error']['Message']}"
        raise DemoFailed("the read-only role wrote to the bucket")

    demo.step("Writing to the customer's bucket through the read-only role is refused", write)
    demo.console.print(
        "\n[bold]Your own server[/]: `rolegate server --data-dir ./state` (127.0.0.1:4566), then\n"
        "`rolegate account create --data-dir ./state` for keys, and point clients at it:\n"
        "  aws --endpoint-url http://127.0.0.1:4566 sts get-caller-identity\n"
        "  boto3.client('s3', endpoint_url='http://127.0.0.1:4566')\n"
        "`rolegate audit tail --denied --data-dir ./state` shows every refusal and its reason."
    )
    if demo.failures:
        demo.console.print(f"[red]{demo.failures} step(s) did not behave as the seed says[/]")
        return 1
    return 0


def _expect(condition: bool, detail: str) -> str:
    if not condition:
        raise DemoFailed(detail)
    return detail
