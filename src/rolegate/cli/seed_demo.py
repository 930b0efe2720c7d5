"""`rolegate demo`: the seed, end to end, on a real `rolegate server` with embedded defaults.

A fresh data dir and a free loopback port; the platform's account and roles and a customer's
account; the customer uploads data and creates the role with the seed's trust policy pasted as
written; the platform samples both sources through the role, runs a batch execution (once the
customer has granted it a results folder) and a build; then the "no"s, each with its reason.
Every step checks that it behaved as the seed says and the demo exits 1 if one did not.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from rich.console import Console
from rich.table import Table

from rolegate.cli.seed_demo_data import (
    BUCKET,
    CUSTOMER_ACCOUNT,
    DAILY_FOLDER,
    RESULTS_BUCKET,
    RESULTS_FOLDER,
    ROLE_NAME,
    ROWS,
    SALES_PREFIX,
    csv_bytes,
    daily_tables,
    parquet_bytes,
    results_write_policy,
    sales_table,
    seed_permission_policy,
    seed_trust_policy,
)
from rolegate.cli.seed_demo_jobs import batch_table, run_batch_execution, run_daily_report_build
from rolegate.cli.seed_demo_world import (
    Credentials,
    Demo,
    DemoFailed,
    become_platform,
    expect,
    platform_sessions,
    running_server,
    session_credentials,
)
from rolegate.platform.batch import BatchRun
from rolegate.platform.roles import PlatformIdentity, RoleCredentialCache
from rolegate.platform.sources import (
    AssumeRoleConfiguration,
    CsvSource,
    ParquetSource,
    SourceContext,
)

TRUSTED_ROLE = "qwak-eks-base-demo"  # matches the seed's role/qwak-eks-base* pattern
OUTSIDER_ROLE = "data-science-notebook"  # matches neither pattern


def run(console: Console) -> int:
    with tempfile.TemporaryDirectory(prefix="rolegate-demo-") as tmp:
        data_dir = Path(tmp) / "data"
        with running_server(data_dir) as url:
            console.print(f"[bold]rolegate demo[/] — a fresh server on {url}, data in {data_dir}\n")
            return _walk(Demo(console, url, data_dir, Path(tmp)))


def _walk(demo: Demo) -> int:
    customer_root = demo.account(CUSTOMER_ACCOUNT)
    customer_s3 = demo.client("s3", customer_root)
    customer_iam = demo.client("iam", customer_root)
    demo.step("The customer uploads sample data", lambda: _upload(customer_s3))
    role: dict[str, str] = {}

    def create_role() -> str:
        role["arn"] = customer_iam.create_role(
            RoleName=ROLE_NAME,
            AssumeRolePolicyDocument=seed_trust_policy(),
            Description="Read access for the platform",
        )["Role"]["Arn"]
        customer_iam.put_role_policy(
            RoleName=ROLE_NAME, PolicyName="read-customer-data",
            PolicyDocument=seed_permission_policy(),
        )  # fmt: skip
        return f"{role['arn']} — trust policy pasted as the seed writes it, inline read policy"

    demo.step("The customer creates the role and hands over its ARN", create_role)
    role_arn = role.get("arn", f"arn:aws:iam::{CUSTOMER_ACCOUNT}:role/{ROLE_NAME}")
    sessions = platform_sessions(demo, (TRUSTED_ROLE, OUTSIDER_ROLE))
    become_platform(sessions[TRUSTED_ROLE])
    identity = PlatformIdentity(endpoint_url=demo.url)
    _sample_both(demo, identity, role_arn)

    def grant() -> str:
        customer_s3.create_bucket(Bucket=RESULTS_BUCKET)
        customer_iam.put_role_policy(
            RoleName=ROLE_NAME, PolicyName="write-platform-results",
            PolicyDocument=results_write_policy(),
        )  # fmt: skip
        return (
            f"inline policy write-platform-results: s3:PutObject on "
            f"arn:aws:s3:::{RESULTS_BUCKET}/{RESULTS_FOLDER}* and nothing else"
        )

    demo.step(
        f"The customer grants the role write on s3://{RESULTS_BUCKET}/{RESULTS_FOLDER} "
        "for batch results",
        grant,
    )
    batch: list[BatchRun] = []

    def run_batch_step() -> str:
        found, detail = run_batch_execution(demo, identity, role_arn, customer_s3)
        batch.append(found)
        return detail

    demo.step(
        f"The platform runs a batch execution through the role: {DAILY_FOLDER}*.csv -> "
        f"hourly revenue in Parquet",
        run_batch_step,
    )
    if batch:
        demo.console.print(batch_table(batch[0]))
    demo.step(
        "The platform runs a build through the role: fetch the daily files, run with its "
        "credentials",
        lambda: run_daily_report_build(demo, identity, role_arn),
    )
    demo.step(
        "A platform role outside the seed's patterns is refused",
        lambda: _outsider(demo, sessions[OUTSIDER_ROLE], role_arn),
    )
    demo.step(
        f"Writing into s3://{BUCKET} through the role is refused: the grant covers only "
        "the results folder",
        lambda: _write_to_data_bucket(demo, sessions[TRUSTED_ROLE], role_arn),
    )
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


def _upload(customer_s3: Any) -> str:
    table = sales_table()
    customer_s3.create_bucket(Bucket=BUCKET)
    customer_s3.put_object(Bucket=BUCKET, Key=f"{SALES_PREFIX}orders.csv", Body=csv_bytes(table))
    customer_s3.put_object(
        Bucket=BUCKET, Key=f"{SALES_PREFIX}orders.parquet", Body=parquet_bytes(table)
    )
    days = daily_tables(table)
    for name, day in days.items():
        customer_s3.put_object(Bucket=BUCKET, Key=f"{DAILY_FOLDER}{name}", Body=csv_bytes(day))
    return (
        f"s3://{BUCKET}/{SALES_PREFIX}orders.csv and .parquet, {ROWS:,} rows each; "
        f"the same orders as {len(days)} daily CSV files under {DAILY_FOLDER}"
    )


def _sample_both(demo: Demo, identity: PlatformIdentity, role_arn: str) -> None:
    context = SourceContext(identity, RoleCredentialCache(identity))
    access = AssumeRoleConfiguration(role_arn=role_arn)
    samples: dict[str, Any] = {}

    def sample(kind: str) -> str:
        path = f"s3://{BUCKET}/{SALES_PREFIX}orders.{kind}"
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
        shown = Table(title=f"orders.parquet, first rows (read as assumed-role/{ROLE_NAME})")
        for column in samples["parquet"].columns:
            shown.add_column(str(column))
        for row in samples["parquet"].itertuples(index=False):
            shown.add_row(*(str(v) for v in row))
        demo.console.print(shown)
    demo.step(
        "Both samples made one AssumeRole between them (credentials cached per role)",
        lambda: expect(
            context.cache.assume_calls == 1,
            f"AssumeRole calls by the sources' credential cache: {context.cache.assume_calls}",
        ),
    )


def _outsider(demo: Demo, outsider: Credentials, role_arn: str) -> str:
    try:
        demo.client("sts", outsider).assume_role(RoleArn=role_arn, RoleSessionName="notebook")
    except ClientError as error:
        return f"AccessDenied: {error.response['Error']['Message']}"
    raise DemoFailed("a role outside the trust patterns assumed the customer's role")


def _write_to_data_bucket(demo: Demo, node: Credentials, role_arn: str) -> str:
    writer = session_credentials(
        demo.client("sts", node).assume_role(RoleArn=role_arn, RoleSessionName="writer")
    )
    try:
        demo.client("s3", writer).put_object(Bucket=BUCKET, Key=f"{SALES_PREFIX}x.csv", Body=b"x")
    except ClientError as error:
        return f"AccessDenied: {error.response['Error']['Message']}"
    raise DemoFailed(f"the role wrote into s3://{BUCKET}")
