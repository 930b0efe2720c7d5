"""Run a batch execution: list the inputs through the role, skip what is done, run the rest.

The parent process is the registry's only writer; workers return outcomes and never raise, so a
failing file is recorded as failed and the other files' results are kept.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any, Protocol

from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
)

from rolegate.platform.batch.config import BatchExecution
from rolegate.platform.batch.executor import Executor, ProcessPoolTaskExecutor
from rolegate.platform.batch.registry import BatchRegistry, ExecutionSummary
from rolegate.platform.batch.tasks import (
    FileOutcome,
    FileState,
    FileTask,
    resolve_function,
    run_file_task,
)
from rolegate.platform.errors import PlatformError
from rolegate.platform.object_keys import unsafe_segments
from rolegate.platform.roles import PlatformIdentity, RoleCredentialCache


class BatchProgress(Protocol):
    def start(self, execution_id: str, total: int, skipped: int) -> None: ...

    def file_done(self, outcome: FileOutcome) -> None: ...


class _Silent:
    def start(self, execution_id: str, total: int, skipped: int) -> None:
        pass

    def file_done(self, outcome: FileOutcome) -> None:
        pass


@dataclass(frozen=True, slots=True)
class InputFile:
    key: str
    etag: str
    destination_key: str
    # Why the key cannot be read or named as an output; such a file fails without being read.
    problem: str | None = None


@dataclass(slots=True)
class BatchRun:
    execution_id: str
    skipped: int
    outcomes: list[FileOutcome] = field(default_factory=list)

    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.state is FileState.FAILED]

    @property
    def succeeded(self) -> int:
        return sum(o.state is FileState.SUCCEEDED for o in self.outcomes)


def new_execution_id() -> str:
    return f"batch-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def run_batch(
    execution: BatchExecution,
    identity: PlatformIdentity,
    registry: BatchRegistry,
    *,
    execution_id: str | None = None,
    executor: Executor | None = None,
    progress: BatchProgress | None = None,
    cache: RoleCredentialCache | None = None,
) -> BatchRun:
    execution_id = execution_id or new_execution_id()
    progress = progress or _Silent()
    cache = cache or RoleCredentialCache(identity)
    resolve_function(execution.function)  # an import error now, not once per file in workers
    # The session name says a batch is reading; generated ids already start with "batch-".
    purpose = execution_id if execution_id.startswith("batch-") else f"batch-{execution_id}"
    credentials = cache.credentials(execution.role, purpose)
    inputs = list_inputs(execution, identity.client("s3", credentials))
    registry.start(execution_id, execution)
    registry.plan(execution_id, [(f.key, f.destination_key, f.etag) for f in inputs])
    done = {r.source_key for r in registry.files(execution_id) if r.state is FileState.SUCCEEDED}
    refused = [f for f in inputs if f.problem is not None]
    todo = [f for f in inputs if f.key not in done and f.problem is None]
    run = BatchRun(execution_id, skipped=len(inputs) - len(todo) - len(refused))
    progress.start(execution_id, len(inputs), run.skipped)
    for item in refused:
        outcome = FileOutcome(item.key, "", FileState.FAILED, 0, error=item.problem or "")
        registry.record(execution_id, outcome)
        run.outcomes.append(outcome)
        progress.file_done(outcome)

    def tasks() -> Iterator[FileTask]:
        for item in todo:
            # Asked again per task: the cache answers from memory until near expiry, then
            # assumes the role again, so a long execution never ships stale credentials.
            fresh = cache.credentials(execution.role, purpose)
            yield FileTask(
                execution.source_bucket,
                item.key,
                execution.destination_bucket,
                item.destination_key,
                execution.input_file_type,
                execution.output_file_type,
                execution.function,
                fresh,
                identity.endpoint_url,
                identity.region,
                execution.retries,
                execution.file_timeout,
            )

    own_pool = None
    if executor is None:
        executor = own_pool = ProcessPoolTaskExecutor(execution.workers)
    try:
        for outcome in executor.map(run_file_task, tasks()):
            registry.record(execution_id, outcome)
            run.outcomes.append(outcome)
            progress.file_done(outcome)
    finally:
        if own_pool is not None:
            own_pool.close()
    return run


def resume_batch(
    execution_id: str,
    identity: PlatformIdentity,
    registry: BatchRegistry,
    **options: Any,
) -> BatchRun:
    summary: ExecutionSummary = registry.summary(execution_id)
    return run_batch(summary.execution, identity, registry, execution_id=execution_id, **options)


def list_inputs(execution: BatchExecution, s3: Any) -> list[InputFile]:
    """Every data file under the source folder; folder markers and `_`/`.` files are not data."""
    source = f"s3://{execution.source_bucket}/{execution.source_folder}"
    found: list[InputFile] = []
    try:
        pages = s3.get_paginator("list_objects_v2").paginate(
            Bucket=execution.source_bucket, Prefix=execution.source_folder
        )
        for page in pages:
            for item in page.get("Contents", []):
                key: str = item["Key"]
                name = PurePosixPath(key).name
                if key.endswith("/") or name.startswith(("_", ".")):
                    continue
                problem = unsafe_segments(key[len(execution.source_folder) :])
                if problem is not None:
                    found.append(InputFile(key, item.get("ETag", ""), "", _refusal(key, problem)))
                    continue
                destination = _destination_key(execution, key)
                found.append(InputFile(key, item.get("ETag", ""), destination))
    except ClientError as error:
        detail = error.response.get("Error", {})
        raise PlatformError(
            f"list {source}",
            f"{detail.get('Code', 'Error')}: {detail.get('Message', error)}",
            f"the role needs s3:ListBucket on arn:aws:s3:::{execution.source_bucket}",
        ) from None
    except BotoCoreError as error:
        raise PlatformError(f"list {source}", str(error), "check the endpoint URL") from None
    if not found:
        raise PlatformError(
            f"list {source}",
            "no input files there",
            "check source_bucket and source_folder",
        )
    _refuse_collisions(found)
    return found


def _refusal(key: str, problem: str) -> str:
    # S3 keeps `in/x/../../k` literally, but S3 clients (pyarrow's among them) normalize the
    # URL path: the read would reach another object or bucket, and the output key built from it
    # (`out/x/../../k`) would land outside the results folder.
    return (
        f"not read: the key {key!r} is no plain path below the source folder ({problem}); "
        "rename the object"
    )


def _destination_key(execution: BatchExecution, key: str) -> str:
    relative = PurePosixPath(key[len(execution.source_folder) :])
    renamed = relative.with_suffix(f".{execution.output_file_type.extension}")
    return f"{execution.destination_folder}{renamed}"


def _refuse_collisions(found: list[InputFile]) -> None:
    seen: dict[str, str] = {}
    for item in found:
        if item.problem is not None:
            continue
        other = seen.setdefault(item.destination_key, item.key)
        if other != item.key:
            raise PlatformError(
                "plan outputs",
                f"{other} and {item.key} would both be written to {item.destination_key}",
                "rename one of the inputs, or run them as separate executions",
            )
