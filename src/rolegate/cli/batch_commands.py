"""`rolegate batch run|resume|status|report|list`: batch executions through a customer's role.

Exit codes: 0 every file succeeded, 1 some files failed (their errors are in `report`),
2 the execution could not start (bad configuration, role or listing).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import yaml  # type: ignore[import-untyped]  # no stubs installed
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from rolegate.cli.terminal_text import cell
from rolegate.platform.batch import (
    BatchExecution,
    BatchRegistry,
    FileOutcome,
    FileState,
    FileType,
    InlineExecutor,
    load_batch_execution,
    run_batch,
)
from rolegate.platform.errors import PlatformError
from rolegate.platform.roles import PlatformIdentity

EXIT_FAILED_FILES = 1
EXIT_NOT_STARTED = 2
# Flags whose values override the YAML file's (same names as its keys).
_EXECUTION_FLAGS = (
    "bucket",
    "source_bucket",
    "destination_bucket",
    "source_folder",
    "destination_folder",
    "input_file_type",
    "output_file_type",
    "role_arn",
    "external_id",
    "function",
    "workers",
    "retries",
    "file_timeout",
)


def _file_type(value: str) -> FileType:
    try:
        return FileType.parse(value)
    except PlatformError as error:
        raise argparse.ArgumentTypeError(f"{error.message}; {error.hint}") from None


def add_identity_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the platform's own identity and AWS are: the standard chain unless told otherwise."""
    parser.add_argument(
        "--endpoint-url",
        default=os.environ.get("AWS_ENDPOINT_URL"),
        help="an S3/STS endpoint such as a `rolegate server` (default: $AWS_ENDPOINT_URL, or AWS)",
    )
    parser.add_argument(
        "--region",
        default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
    )
    parser.add_argument("--profile", default=None, help="the platform's own AWS profile")


def identity_from(args: argparse.Namespace) -> PlatformIdentity:
    return PlatformIdentity(args.endpoint_url, args.region, args.profile)


def _add_platform_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--platform-dir",
        type=Path,
        default=None,
        help="where the execution registry lives "
        "(default: $ROLEGATE_PLATFORM_DIR or ~/.local/share/rolegate-platform)",
    )


def _add_in_process(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the files one by one in this process (to debug a function)",
    )


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    batch = groups.add_parser("batch", help="run a function over every file of a folder")
    commands = batch.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="start (or rerun) a batch execution")
    run.add_argument("-f", "--from-file", type=Path, help="YAML with the execution's settings")
    run.add_argument("--bucket", help="fills whichever of source/destination bucket is missing")
    run.add_argument("--source-bucket")
    run.add_argument("--destination-bucket")
    run.add_argument("--source-folder")
    run.add_argument("--destination-folder")
    types = [t.value for t in FileType]
    run.add_argument("--input-file-type", type=_file_type, help=f"{'|'.join(types)}")
    run.add_argument("--output-file-type", type=_file_type, help=f"{'|'.join(types)}")
    run.add_argument("--role-arn", "--iam-role-arn", dest="role_arn")
    run.add_argument("--external-id")
    run.add_argument("--function", help="module:function mapping a DataFrame to a DataFrame")
    run.add_argument("--workers", type=int, help="worker processes (default 2)")
    run.add_argument("--retries", type=int, help="more attempts per failing file (default 2)")
    run.add_argument("--file-timeout", type=float, help="seconds per attempt, 0 = no limit")
    run.add_argument(
        "--execution-id", help="rerun this execution: files already succeeded are skipped"
    )
    _add_in_process(run)
    run.add_argument(
        "--out-conf", action="store_true", help="print the merged configuration as YAML and stop"
    )
    _add_platform_dir(run)
    add_identity_arguments(run)
    run.set_defaults(handler=run_execution)

    resume = commands.add_parser("resume", help="rerun an execution's unfinished files")
    resume.add_argument("execution_id")
    resume.add_argument("--workers", type=int)
    resume.add_argument("--retries", type=int)
    _add_in_process(resume)
    _add_platform_dir(resume)
    add_identity_arguments(resume)
    resume.set_defaults(handler=resume_execution)

    status = commands.add_parser("status", help="an execution's state and file counts")
    status.add_argument("execution_id")
    status.add_argument("--json", action="store_true")
    _add_platform_dir(status)
    status.set_defaults(handler=show_status)

    report = commands.add_parser("report", help="every file of an execution, with errors")
    report.add_argument("execution_id")
    report.add_argument("--failed", action="store_true", help="only the files that failed")
    _add_platform_dir(report)
    report.set_defaults(handler=show_report)

    listing = commands.add_parser("list", help="the executions in the registry")
    _add_platform_dir(listing)
    listing.set_defaults(handler=list_executions)


class RichBatchProgress:
    def __init__(self, console: Console) -> None:
        self.console = console
        self._bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
        )
        self._task: TaskID | None = None

    def start(self, execution_id: str, total: int, skipped: int) -> None:
        if skipped:
            self.console.print(f"{skipped} of {total} files already succeeded: skipped")
        self._bar.start()
        self._task = self._bar.add_task(cell(execution_id), total=total - skipped, failed=0)

    def file_done(self, outcome: FileOutcome) -> None:
        if self._task is None:
            return
        failed = outcome.state is FileState.FAILED
        self._bar.advance(self._task)
        if failed:
            task = self._bar.tasks[self._task]
            self._bar.update(self._task, failed=int(task.fields["failed"]) + 1)
            self._bar.console.print(
                f"[red]failed[/] {cell(outcome.source_key)}: {cell(outcome.error)}"
            )

    def stop(self) -> None:
        self._bar.stop()


def _execute(args: argparse.Namespace, execution: BatchExecution, execution_id: str | None) -> int:
    console = Console(stderr=True)
    # As `python -m` does: a `module:function` next to where the command runs is importable.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    progress = RichBatchProgress(console)
    with BatchRegistry(args.platform_dir) as registry:
        try:
            run = run_batch(
                execution,
                identity_from(args),
                registry,
                execution_id=execution_id,
                executor=InlineExecutor() if args.in_process else None,
                progress=progress,
            )
        finally:
            progress.stop()
        summary = registry.summary(run.execution_id)
    console.print(
        f"execution [bold]{cell(run.execution_id)}[/]: {summary.counts[FileState.SUCCEEDED]} succeeded, "
        f"{summary.counts[FileState.FAILED]} failed, {run.skipped} skipped this run"
    )
    if summary.counts[FileState.FAILED]:
        console.print(f"details: rolegate batch report {cell(run.execution_id)} --failed")
        return EXIT_FAILED_FILES
    return 0


def run_execution(args: argparse.Namespace) -> int:
    overrides = {name: getattr(args, name) for name in _EXECUTION_FLAGS}
    try:
        execution = load_batch_execution(args.from_file, overrides)
        if args.out_conf:
            print(yaml.safe_dump(execution.to_mapping(), sort_keys=False), end="")
            return 0
        return _execute(args, execution, args.execution_id)
    except PlatformError as error:
        print(f"rolegate batch run: {error}", file=sys.stderr)
        return EXIT_NOT_STARTED


def resume_execution(args: argparse.Namespace) -> int:
    try:
        with BatchRegistry(args.platform_dir) as registry:
            execution = registry.summary(args.execution_id).execution
        changes = {k: v for k in ("workers", "retries") if (v := getattr(args, k)) is not None}
        return _execute(args, execution.with_changes(**changes), args.execution_id)
    except PlatformError as error:
        print(f"rolegate batch resume: {error}", file=sys.stderr)
        return EXIT_NOT_STARTED


def show_status(args: argparse.Namespace) -> int:
    try:
        with BatchRegistry(args.platform_dir) as registry:
            summary = registry.summary(args.execution_id)
    except PlatformError as error:
        print(f"rolegate batch status: {error}", file=sys.stderr)
        return EXIT_NOT_STARTED
    counts = {state.value: count for state, count in summary.counts.items()}
    if args.json:
        document = {
            "execution_id": summary.execution_id,
            "state": summary.state,
            "files": counts,
            "created": summary.created,
            "updated": summary.updated,
            "execution": summary.execution.to_mapping(),
        }
        print(json.dumps(document, indent=2))
        return 0
    execution = summary.execution
    identity = execution.identity_fields()
    print(f"execution   {summary.execution_id}: {summary.state}")
    print(f"files       {summary.total}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    print(f"source      {identity['source']} ({execution.input_file_type})")
    print(f"destination {identity['destination']} ({execution.output_file_type})")
    print(f"function    {execution.function}")
    print(f"role        {execution.role_arn}")
    print(f"created     {summary.created}, updated {summary.updated}")
    return 0


def show_report(args: argparse.Namespace) -> int:
    try:
        with BatchRegistry(args.platform_dir) as registry:
            summary = registry.summary(args.execution_id)
            records = registry.files(args.execution_id)
    except PlatformError as error:
        print(f"rolegate batch report: {error}", file=sys.stderr)
        return EXIT_NOT_STARTED
    if args.failed:
        records = [r for r in records if r.state is FileState.FAILED]
    table = Table(title=cell(f"batch execution {summary.execution_id}: {summary.state}"))
    for column in ("input", "output", "state", "attempts", "rows in", "rows out", "seconds"):
        table.add_column(column)
    table.add_column("error", overflow="fold")
    styles = {FileState.SUCCEEDED: "green", FileState.FAILED: "red", FileState.PENDING: "yellow"}
    for record in records:
        style = styles[record.state]
        # Keys come from the customer's bucket, errors from the server and the user's function.
        table.add_row(
            cell(record.source_key),
            cell(record.destination_key),
            f"[{style}]{record.state}[/{style}]",
            str(record.attempts),
            str(record.rows_in),
            str(record.rows_out),
            f"{record.seconds:.2f}",
            cell(record.error),
        )
    Console(width=max(160, Console().width)).print(table)
    return 0


def list_executions(args: argparse.Namespace) -> int:
    with BatchRegistry(args.platform_dir) as registry:
        ids = registry.execution_ids()
        table = Table(title="batch executions")
        for column in ("id", "state", "files", "updated", "function"):
            table.add_column(column)
        for execution_id in ids:
            summary = registry.summary(execution_id)
            table.add_row(
                cell(execution_id),
                cell(summary.state),
                str(summary.total),
                cell(summary.updated),
                cell(summary.execution.function),
            )
    Console().print(table)
    return 0
