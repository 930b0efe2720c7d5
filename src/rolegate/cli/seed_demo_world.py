"""The demo's stage: a real server on a free port, accounts made on its data dir, checked steps,
and the platform's own identity (its roles, a session of the one the customer trusts).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]  # no type information shipped
from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from rich.console import Console

from rolegate.cli.seed_demo_data import PLATFORM_ACCOUNT
from rolegate.platform.errors import PlatformError
from rolegate.services.accounts import create_account
from rolegate.store import open_metadata_store

Credentials = dict[str, str]  # boto3 client keyword arguments: aws_access_key_id, ...
ALLOW_ASSUME_ANY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
)


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
    """Runs the steps against one server; `scratch` holds what the platform keeps on disk."""

    def __init__(self, console: Console, url: str, data_dir: Path, scratch: Path) -> None:
        self.console = console
        self.url = url
        self.data_dir = data_dir
        self.scratch = scratch
        self.failures = 0

    def step(self, text: str, check: Callable[[], str]) -> None:
        try:
            detail = check()
        except (DemoFailed, PlatformError, ClientError) as error:
            self.failures += 1
            self.console.print(f"[red]✗[/] {text}\n    {error}")
            return
        self.console.print(f"[green]✓[/] {text}" + (f"\n    [dim]{detail}[/]" if detail else ""))

    def account(self, account_id: str) -> Credentials:
        store = open_metadata_store(self.data_dir)
        try:
            key = create_account(store, account_id)
        finally:
            store.close()
        return {
            "aws_access_key_id": key.access_key_id,
            "aws_secret_access_key": key.secret_access_key,
        }

    def client(self, service: str, credentials: Credentials) -> Any:
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1", **credentials)


def session_credentials(response: dict[str, Any]) -> Credentials:
    found = response["Credentials"]
    return {
        "aws_access_key_id": found["AccessKeyId"],
        "aws_secret_access_key": found["SecretAccessKey"],
        "aws_session_token": found["SessionToken"],
    }


def expect(condition: bool, detail: str) -> str:
    if not condition:
        raise DemoFailed(detail)
    return detail


def platform_sessions(demo: Demo, role_names: tuple[str, ...]) -> dict[str, Credentials]:
    """The platform's account: a node launcher user and its roles, each with a live session."""
    iam = demo.client("iam", demo.account(PLATFORM_ACCOUNT))
    iam.create_user(UserName="node-launcher")
    iam.put_user_policy(
        UserName="node-launcher", PolicyName="assume", PolicyDocument=ALLOW_ASSUME_ANY
    )
    key = iam.create_access_key(UserName="node-launcher")["AccessKey"]
    launcher = {
        "aws_access_key_id": key["AccessKeyId"],
        "aws_secret_access_key": key["SecretAccessKey"],
    }
    own_trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{PLATFORM_ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]})  # fmt: skip
    sessions = {}
    for name in role_names:
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=own_trust)["Role"]["Arn"]
        iam.put_role_policy(
            RoleName=name, PolicyName="assume-customer-roles", PolicyDocument=ALLOW_ASSUME_ANY
        )
        sessions[name] = session_credentials(
            demo.client("sts", launcher).assume_role(RoleArn=arn, RoleSessionName="node")
        )
    return sessions


def become_platform(node: Credentials) -> None:
    """The platform's own identity comes from the standard AWS environment variables."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)  # nothing from this machine's AWS setup may leak in
    os.environ.update(
        AWS_ACCESS_KEY_ID=node["aws_access_key_id"],
        AWS_SECRET_ACCESS_KEY=node["aws_secret_access_key"],
        AWS_SESSION_TOKEN=node["aws_session_token"],
    )
