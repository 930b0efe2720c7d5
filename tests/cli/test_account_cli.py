"""`rolegate account create` prints root credentials that a running server accepts (DESIGN.md contract)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.rolegate_server import Credentials, RunningServer


def _create(data_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "rolegate.cli.main",
            "account",
            "create",
            "--data-dir",
            str(data_dir),
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_account_create_with_and_without_a_running_server(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    before = _create(data_dir, "--account-id", "111122223333")
    assert before.returncode == 0, before.stderr
    printed = json.loads(before.stdout)
    assert set(printed) == {"AccountId", "AccessKeyId", "SecretAccessKey"}
    assert printed["AccountId"] == "111122223333"
    assert printed["AccessKeyId"].startswith("AKIA") and len(printed["AccessKeyId"]) == 20
    server = RunningServer(data_dir).start()
    try:
        during = json.loads(_create(data_dir).stdout)
        for made in (printed, during):
            creds = Credentials(made["AccessKeyId"], made["SecretAccessKey"])
            who = server.client("sts", creds).get_caller_identity()
            assert who["Arn"] == f"arn:aws:iam::{made['AccountId']}:root"
    finally:
        server.stop()


def test_account_create_refuses_a_taken_or_malformed_id(tmp_path: Path) -> None:
    assert _create(tmp_path, "--account-id", "111122223333").returncode == 0
    again = _create(tmp_path, "--account-id", "111122223333")
    assert again.returncode == 1 and "already exists" in again.stderr
    malformed = _create(tmp_path, "--account-id", "12ab")
    assert malformed.returncode == 1 and "12 digits" in malformed.stderr
