"""A real `rolegate server` process on 127.0.0.1 for end-to-end tests, and clients for it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from rolegate.services.accounts import create_account
from rolegate.store import open_metadata_store

REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None
    account_id: str = ""

    @classmethod
    def from_sts(cls, credentials: dict[str, Any], account_id: str = "") -> Credentials:
        return cls(
            credentials["AccessKeyId"],
            credentials["SecretAccessKey"],
            credentials["SessionToken"],
            account_id,
        )

    def environment(self) -> dict[str, str]:
        env = {
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
        }
        if self.session_token:
            env["AWS_SESSION_TOKEN"] = self.session_token
        return env


class RunningServer:
    # Run in the server's process before it execs (a subclass sets limits here); None by
    # default, so the usual start forks no Python code of ours in a child.
    prepare_child: Callable[[], None] | None = None

    def __init__(self, data_dir: Path, *extra_args: str) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._extra = extra_args
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RunningServer:
        command = [
            sys.executable,
            "-m",
            "rolegate.cli.main",
            "server",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            *self._extra,
        ]
        self.log = (self.data_dir.parent / f"server-{self.port}.log").open("wb")
        self.process = subprocess.Popen(
            command,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=self.prepare_child,  # noqa: PLW1509 - the child is ours, no threads run
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"rolegate server exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("rolegate server did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def new_account(self, account_id: str | None = None) -> Credentials:
        """An account created by the same code `rolegate account create` runs, on the live data dir."""
        store = open_metadata_store(self.data_dir)
        try:
            key = create_account(store, account_id)
        finally:
            store.close()
        return Credentials(key.access_key_id, key.secret_access_key, None, key.account_id)

    def client(self, service: str, credentials: Credentials, **config: Any) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=credentials.access_key_id,
            aws_secret_access_key=credentials.secret_access_key,
            aws_session_token=credentials.session_token,
            config=Config(retries={"max_attempts": 1}, **config),
        )

    def audit_entries(self) -> list[dict[str, Any]]:
        path = self.data_dir / "audit.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def aws_cli(
    server: RunningServer, credentials: Credentials, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run the real aws CLI against the server."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        **credentials.environment(),
    }
    aws = str(Path(sys.executable).parent / "aws")
    return subprocess.run(
        [aws, "--endpoint-url", server.url, "--output", "json", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
