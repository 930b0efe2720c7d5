"""`rolegate sources ...`: the ad-hoc `sample` contract (as a subprocess) and the registry flow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.platform.identity_env import use_platform_identity
from tests.platform.sources.conftest import SourcesWorld
from tests.rolegate_server import REGION, Credentials

from rolegate.cli.main import main


def run_cli(credentials: Credentials, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        **credentials.environment(),
    }
    return subprocess.run(
        [sys.executable, "-m", "rolegate.cli.main", "sources", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def sample_args(world: SourcesWorld, role_arn: str, *extra: str) -> list[str]:
    return [
        "sample",
        "--path",
        world.path("csv/events.csv"),
        "--format",
        "csv",
        "--role-arn",
        role_arn,
        "--endpoint-url",
        world.server.url,
        *extra,
    ]


def assume_role_calls(world: SourcesWorld) -> int:
    return sum(1 for e in world.server.audit_entries() if e.get("operation") == "AssumeRole")


def test_sample_prints_json_lines(world: SourcesWorld, node_session: Credentials) -> None:
    done = run_cli(node_session, *sample_args(world, world.customer_role, "--rows", "4", "--json"))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["id"] for row in rows] == [0, 1, 2, 3]
    assert rows[1] == {"id": 1, "created_at": "2024-05-01T00:01:00", "amount": 1.5}


def test_sample_as_a_denied_platform_role_explains_why(world: SourcesWorld) -> None:
    outsider = world.platform.session_of(world.outsider_role)
    done = run_cli(outsider, *sample_args(world, world.customer_role, "--json"))
    assert done.returncode == 1
    assert done.stdout == ""
    assert f"assume role {world.customer_role} failed: AccessDenied" in done.stderr
    assert "what to do: check that the role's trust policy" in done.stderr


def test_a_malformed_role_arn_fails_before_any_call(
    world: SourcesWorld, node_session: Credentials
) -> None:
    before = assume_role_calls(world)
    done = run_cli(node_session, *sample_args(world, "arn:aws:iam::12345:role/qwak-access-role"))
    assert done.returncode == 1
    assert "check role_arn failed" in done.stderr
    assert assume_role_calls(world) == before


def test_register_list_read_new_only_and_remove(
    world: SourcesWorld,
    node_session: Credentials,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_platform_identity(monkeypatch, node_session)
    common = ["--endpoint-url", world.server.url, "--platform-dir", str(tmp_path)]
    definition = [
        "--path",
        world.path("parquet/many/"),
        "--format",
        "parquet",
        "--date-created-column",
        "created_at",
        "--role-arn",
        world.customer_role,
    ]
    assert main(["sources", "register", "events", *definition, *common]) == 0
    assert "role assumed, 3 file(s) listed" in capsys.readouterr().out
    assert main(["sources", "register", "events", *definition, *common]) == 1
    assert "already registered" in capsys.readouterr().err

    assert main(["sources", "list", "--json", "--platform-dir", str(tmp_path)]) == 0
    (listed,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert listed["filesystem_configuration"]["role_arn"] == world.customer_role

    assert main(["sources", "read", "events", "--new-only", "--json", *common]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 120
    assert main(["sources", "read", "events", "--new-only", "--json", *common]) == 0
    assert capsys.readouterr().out == ""
    assert main(["sources", "sample", "events", "--rows", "2", *common]) == 0
    assert "events" in capsys.readouterr().out

    assert main(["sources", "remove", "events", "--platform-dir", str(tmp_path)]) == 0
    assert main(["sources", "remove", "events", "--platform-dir", str(tmp_path)]) == 1
    assert "no source with that name" in capsys.readouterr().err


def test_register_refuses_a_source_whose_role_cannot_be_assumed(
    world: SourcesWorld,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_platform_identity(monkeypatch, world.platform.session_of(world.outsider_role))
    args = [
        "sources",
        "register",
        "events",
        "--path",
        world.path("csv/events.csv"),
        "--format",
        "csv",
        "--date-created-column",
        "created_at",
        "--role-arn",
        world.customer_role,
        "--endpoint-url",
        world.server.url,
        "--platform-dir",
        str(tmp_path),
    ]
    assert main(args) == 1
    assert "assume role" in capsys.readouterr().err
    assert main([*args, "--no-validation"]) == 0
    assert "not validated" in capsys.readouterr().out
