"""The demo's platform jobs through the customer's role: a batch execution and a build.

Each job has its own credential cache, so its session is named after it (`batch-<id>`,
`build-<folder>`) and the sources' one-AssumeRole count stays theirs alone.
"""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import yaml  # type: ignore[import-untyped]  # no stubs installed
from rich.table import Table

from rolegate.cli.seed_demo_data import (
    BUCKET,
    DAILY_FOLDER,
    DAYS,
    RESULTS_BUCKET,
    RESULTS_FOLDER,
    ROLE_NAME,
)
from rolegate.cli.seed_demo_world import Demo, DemoFailed, expect
from rolegate.platform.batch import (
    BatchExecution,
    BatchRegistry,
    BatchRun,
    FileType,
    ProcessPoolTaskExecutor,
    run_batch,
)
from rolegate.platform.builds import load_build_config, run_build
from rolegate.platform.roles import PlatformIdentity, RoleCredentialCache

BATCH_FUNCTION = "rolegate.cli.demo_functions:hourly_revenue"
BUILD_FOLDER = "daily-report"
BUILD_REPORT = "build-report.json"
# The build's command: plain boto3, configured only by the AWS_* variables the build injects.
BUILD_SCRIPT = f"""\
import json, pathlib, boto3
files = sorted(pathlib.Path("data").rglob("*.csv"))
rows = sum(len(f.read_text().splitlines()) - 1 for f in files)
arn = boto3.client("sts").get_caller_identity()["Arn"]
report = {{"arn": arn, "files": len(files), "rows": rows}}
pathlib.Path({BUILD_REPORT!r}).write_text(json.dumps(report))
"""


def batch_execution(role_arn: str) -> BatchExecution:
    return BatchExecution(
        source_bucket=BUCKET,
        destination_bucket=RESULTS_BUCKET,
        source_folder=DAILY_FOLDER,
        destination_folder=RESULTS_FOLDER,
        role_arn=role_arn,
        function=BATCH_FUNCTION,
        input_file_type=FileType.CSV,
        output_file_type=FileType.PARQUET,
        workers=2,
        retries=1,
    )


def run_batch_execution(
    demo: Demo, identity: PlatformIdentity, role_arn: str, customer_s3: Any
) -> tuple[BatchRun, str]:
    """Run the execution, then check as the customer that every output is there, row for row."""
    execution = batch_execution(role_arn)
    pool = ProcessPoolTaskExecutor(workers=execution.workers, import_paths=[])
    with pool, BatchRegistry(demo.scratch / "platform") as registry:
        run = run_batch(
            execution, identity, registry, executor=pool, cache=RoleCredentialCache(identity)
        )
    failed = sorted(run.failed(), key=lambda o: o.source_key)
    if failed:
        others = f" (and {len(failed) - 1} more files)" if len(failed) > 1 else ""
        raise DemoFailed(f"{failed[0].source_key}: {failed[0].error}{others}")
    expect(run.succeeded == DAYS, f"{run.succeeded} of {DAYS} daily files succeeded")
    listed = customer_s3.list_objects_v2(Bucket=RESULTS_BUCKET, Prefix=RESULTS_FOLDER)
    found = {item["Key"] for item in listed.get("Contents", [])}
    written = {o.destination_key for o in run.outcomes}
    expect(found == written and len(written) > 0, f"outputs {sorted(found)}, expected {written}")
    for outcome in run.outcomes:
        body = customer_s3.get_object(Bucket=RESULTS_BUCKET, Key=outcome.destination_key)
        rows = pq.read_table(io.BytesIO(body["Body"].read())).num_rows
        expect(rows == outcome.rows_out, f"{outcome.destination_key} holds {rows} rows")
    rows_in = sum(o.rows_in for o in run.outcomes)
    return run, (
        f"{run.execution_id}: {run.succeeded} files on {execution.workers} worker processes, "
        f"{rows_in:,} orders in, "
        f"{len(found)} Parquet files in s3://{RESULTS_BUCKET}/{RESULTS_FOLDER} "
        f"(listed and read back by the customer)"
    )


def batch_table(run: BatchRun) -> Table:
    shown = Table(title=f"batch execution {run.execution_id} ({BATCH_FUNCTION})")
    shown.add_column("file")
    shown.add_column("rows in", justify="right")
    shown.add_column("rows out", justify="right")
    shown.add_column("state")
    shown.add_column("seconds", justify="right")
    for outcome in sorted(run.outcomes, key=lambda o: o.source_key):
        shown.add_row(
            outcome.source_key.removeprefix(DAILY_FOLDER),
            f"{outcome.rows_in:,}",
            f"{outcome.rows_out:,}",
            outcome.state.value,
            f"{outcome.seconds:.2f}",
        )
    return shown


def run_daily_report_build(demo: Demo, identity: PlatformIdentity, role_arn: str) -> str:
    """Write a build.yaml, load it as `rolegate build run` does, run it, read what it saw."""
    config_file = demo.scratch / "build.yaml"
    config_file.write_text(
        yaml.safe_dump(
            {
                "role_arn": role_arn,
                "build_folder": BUILD_FOLDER,
                "fetch": [{"source": f"s3://{BUCKET}/{DAILY_FOLDER}", "target": "data/"}],
                "command": [sys.executable, "-c", BUILD_SCRIPT],
            },
            sort_keys=False,
        )
    )
    config = load_build_config(config_file)
    code = run_build(config, identity, cache=RoleCredentialCache(identity))
    expect(code == 0, f"the build command exited {code}")
    report = json.loads((config.build_folder / BUILD_REPORT).read_text())
    session = f":assumed-role/{ROLE_NAME}/"
    expect(session in report["arn"], f"the build ran as {report['arn']}, not the role")
    expect(report["files"] > 0, "the build saw no fetched files")
    return (
        f"build.yaml fetched s3://{BUCKET}/{DAILY_FOLDER} into {BUILD_FOLDER}/data/; the "
        f"command (plain boto3) ran as {report['arn']} and counted {report['files']} files, "
        f"{report['rows']:,} rows; exit 0"
    )
