"""`rolegate build run CONFIG.yaml`: fetch a build's S3 data through its role, then run it.

The role: `--iam-role-arn` (alias `--role-arn`) > the file's `role_arn` >
`build_env.docker.assumed_iam_role_arn`. The exit code is the build command's; a step of the
platform that fails (role, fetch, start) prints which and exits 2.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TransferSpeedColumn,
)

from rolegate.cli.batch_commands import add_identity_arguments, identity_from
from rolegate.platform.builds import load_build_config, run_build
from rolegate.platform.errors import PlatformError

EXIT_PLATFORM_ERROR = 2


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    build = groups.add_parser("build", help="run a build with a customer role's data and access")
    commands = build.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="fetch the configured S3 data, then run the command")
    run.add_argument("config", type=Path, help="the build configuration (YAML)")
    run.add_argument(
        "--iam-role-arn",
        "--role-arn",
        dest="role_arn",
        help="the customer role to assume (overrides the file)",
    )
    run.add_argument(
        "--out-conf", action="store_true", help="print the resolved configuration and stop"
    )
    add_identity_arguments(run)
    run.set_defaults(handler=run_build_command)


class RichFetchProgress:
    def __init__(self, console: Console) -> None:
        self._bar = Progress(
            TextColumn("[bold]fetch"),
            BarColumn(),
            TextColumn("{task.fields[done]}/{task.fields[files]} files"),
            DownloadColumn(),
            TransferSpeedColumn(),
            console=console,
        )
        self._task: TaskID | None = None
        self._files = 0

    def start(self, files: int, total_bytes: int) -> None:
        self._bar.start()
        self._task = self._bar.add_task("fetch", total=total_bytes, files=files, done=0)

    def file_done(self, source: str, size: int) -> None:
        if self._task is not None:
            self._files += 1
            self._bar.update(self._task, advance=size, done=self._files)

    def stop(self) -> None:
        self._bar.stop()


def run_build_command(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    try:
        config = load_build_config(args.config, args.role_arn)
        if args.out_conf:
            print(f"role_arn: {config.role.role_arn}")
            print(f"build_folder: {config.build_folder}")
            for spec in config.fetch:
                print(f"fetch: {spec.source} -> {spec.target}")
            print(f"command: {shlex.join(config.command)}")
            return 0
        progress = RichFetchProgress(console)
        try:
            code = run_build(config, identity_from(args), progress=progress)
        finally:
            progress.stop()
    except PlatformError as error:
        print(f"rolegate build run: {error}", file=sys.stderr)
        return EXIT_PLATFORM_ERROR
    if code != 0:
        console.print(f"[red]the build command exited with {code}[/]")
    return code
