"""Batch executions against a live server: outputs, failures, reruns and missing permissions."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from pyarrow import feather
from tests.platform.batch.conftest import BUCKET, INPUT_FOLDER, PARTS, BatchWorld

from rolegate.platform.batch import (
    BatchExecution,
    BatchRegistry,
    FileState,
    InlineExecutor,
    ProcessPoolTaskExecutor,
    run_batch,
)
from rolegate.platform.batch.runner import resume_batch
from rolegate.platform.roles import PlatformIdentity

FUNCTIONS = "tests.platform.batch.functions"


def execution(world: BatchWorld, destination: str, **changes: Any) -> BatchExecution:
    values: dict[str, Any] = {
        "source_bucket": BUCKET,
        "destination_bucket": BUCKET,
        "source_folder": INPUT_FOLDER,
        "destination_folder": destination,
        "role_arn": world.writer_role,
        "function": f"{FUNCTIONS}:double_amount",
        "workers": 2,
        "retries": 1,
    }
    return BatchExecution(**(values | changes))


def read_output(world: BatchWorld, key: str) -> Any:
    body = world.server.client("s3", world.customer).get_object(Bucket=BUCKET, Key=key)["Body"]
    data = io.BytesIO(body.read())
    return pq.read_table(data) if key.endswith(".parquet") else feather.read_table(data)


def source_reads(world: BatchWorld) -> list[str]:
    return [
        str(e["resource"])
        for e in world.server.audit_entries()
        if e["operation"] == "GetObject" and f"{BUCKET}/{INPUT_FOLDER}/" in str(e["resource"])
    ]


@pytest.mark.parametrize(
    ("file_type", "extension", "where"),
    [("parquet", "parquet", "pool"), ("Feather", "feather", "inline")],
)
def test_every_file_is_written_in_the_output_format(
    world: BatchWorld,
    identity: PlatformIdentity,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    file_type: str,
    extension: str,
    where: str,
) -> None:
    # Worker processes are slow to start on a busy machine: one format goes through them.
    executor = request.getfixturevalue("pool") if where == "pool" else InlineExecutor()
    config = execution(world, f"out-{extension}", output_file_type=file_type)
    with BatchRegistry(tmp_path) as registry:
        run = run_batch(
            config, identity, registry, execution_id=f"to-{extension}", executor=executor
        )
        summary = registry.summary(run.execution_id)

    assert run.succeeded == PARTS and not run.failed()
    assert summary.counts[FileState.SUCCEEDED] == PARTS and summary.state == "succeeded"
    for part in range(1, PARTS + 1):
        table = read_output(world, f"out-{extension}/part-{part}.{extension}")
        assert table.column("part").to_pylist() == [part] * 4
        assert table.column("amount").to_pylist() == [2 * (i + 0.5) for i in range(4)]


def test_a_failing_file_keeps_the_others_and_a_rerun_does_only_what_is_left(
    world: BatchWorld, identity: PlatformIdentity, pool: ProcessPoolTaskExecutor, tmp_path: Path
) -> None:
    config = execution(world, "out-rerun", function=f"{FUNCTIONS}:fail_on_part_3")
    with BatchRegistry(tmp_path) as registry:
        first = run_batch(config, identity, registry, execution_id="with-a-failure", executor=pool)
        records = {r.source_key: r for r in registry.files("with-a-failure")}
        failed = records[f"{INPUT_FOLDER}/part-3.csv"]
        assert failed.state is FileState.FAILED
        assert "ValueError: part 3 is not for us" in failed.error
        assert failed.attempts == 2  # the first try and one retry
        assert [o.source_key for o in first.failed()] == [f"{INPUT_FOLDER}/part-3.csv"]
        assert first.succeeded == PARTS - 1
        listed = world.server.client("s3", world.customer).list_objects_v2(
            Bucket=BUCKET, Prefix="out-rerun/"
        )
        written = sorted(o["Key"] for o in listed.get("Contents", []))
        assert written == [f"out-rerun/part-{p}.csv" for p in (1, 2, 4, 5, 6)]

        reads_before = len(source_reads(world))
        second = resume_batch(
            "with-a-failure",
            identity,
            registry,
            executor=InlineExecutor(),
        )
        assert second.skipped == PARTS - 1
        assert [o.source_key for o in second.outcomes] == [f"{INPUT_FOLDER}/part-3.csv"]
        # Still the failing function (resume runs the recorded configuration): failed again.
        assert registry.files("with-a-failure")[2].attempts == 4
        new_reads = source_reads(world)[reads_before:]
        assert new_reads and all(r.endswith("part-3.csv") for r in new_reads)

        fixed = config.with_changes(function=f"{FUNCTIONS}:double_amount")
        third = run_batch(
            fixed, identity, registry, execution_id="with-a-failure", executor=InlineExecutor()
        )
        assert third.skipped == PARTS - 1 and third.succeeded == 1
        assert registry.summary("with-a-failure").state == "succeeded"


def test_a_role_without_put_object_fails_every_file_and_says_so(
    world: BatchWorld, identity: PlatformIdentity, tmp_path: Path
) -> None:
    config = execution(world, "out-denied", role_arn=world.reader_role, output_file_type="PARQUET")
    with BatchRegistry(tmp_path) as registry:
        run = run_batch(config, identity, registry, executor=InlineExecutor())
        records = registry.files(run.execution_id)
    assert len(records) == PARTS
    for record in records:
        assert record.state is FileState.FAILED
        assert "s3:PutObject" in record.error
        assert record.attempts == 1  # a missing permission is not retried


def test_a_file_over_its_timeout_fails_with_a_timeout(
    world: BatchWorld, identity: PlatformIdentity, tmp_path: Path
) -> None:
    config = execution(world, "out-slow", function=f"{FUNCTIONS}:slow", file_timeout=0.3, retries=0)
    with BatchRegistry(tmp_path) as registry:
        run = run_batch(config, identity, registry, executor=_FirstOnly())
    [outcome] = run.outcomes
    assert outcome.state is FileState.FAILED and "timed out" in outcome.error


class _FirstOnly(InlineExecutor):
    """Runs the first task only: one timeout proves the limit without waiting for six."""

    def map(self, task_fn: Any, tasks: Any) -> Any:
        return super().map(task_fn, [next(iter(tasks))])


def test_a_function_that_returns_no_frame_fails_once(
    world: BatchWorld, identity: PlatformIdentity, tmp_path: Path
) -> None:
    config = execution(world, "out-int", function=f"{FUNCTIONS}:not_a_frame")
    with BatchRegistry(tmp_path) as registry:
        run = run_batch(config, identity, registry, executor=_FirstOnly())
    [outcome] = run.outcomes
    assert "returned int, not a pandas DataFrame" in outcome.error and outcome.attempts == 1
