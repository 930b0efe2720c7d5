"""Builds against a live server: fetched data, the role's credentials inside the command."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml
from tests.platform.builds.conftest import BUCKET, OBJECTS, BuildWorld

from rolegate.cli.main import main
from rolegate.platform.builds import load_build_config, run_build
from rolegate.platform.roles import PlatformIdentity

# Plain boto3 with no credentials and no endpoint: all of it comes from the environment.
SIZE_SCRIPT = f"""
import pathlib, boto3
found = boto3.client("s3").get_object(Bucket="{BUCKET}", Key="models/config.json")
pathlib.Path("size.txt").write_text(str(found["ContentLength"]))
"""


def write_config(folder: Path, **values: object) -> Path:
    document: dict[str, object] = {
        "build_folder": "work",
        "fetch": [
            {"source": f"s3://{BUCKET}/datasets/", "target": "data/"},
            {"source": f"s3://{BUCKET}/models/config.json", "target": "conf/"},
        ],
        "command": [sys.executable, "-c", SIZE_SCRIPT],
        **values,
    }
    path = folder / "build.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def test_the_build_gets_the_data_and_reads_s3_as_the_role(
    world: BuildWorld, identity: PlatformIdentity, tmp_path: Path
) -> None:
    config = load_build_config(write_config(tmp_path, role_arn=world.reader_role))
    # Shadowing settings in the platform's environment must not reach the build.
    base = dict(os.environ) | {"AWS_PROFILE": "no-such-profile", "AWS_ENDPOINT_URL_S3": "http://x"}
    assert run_build(config, identity, base_environment=base) == 0

    work = tmp_path / "work"
    assert (work / "data/train/a.csv").read_bytes() == OBJECTS["datasets/train/a.csv"]
    assert (work / "data/train/sub/b.csv").read_bytes() == OBJECTS["datasets/train/sub/b.csv"]
    assert (work / "conf/config.json").read_bytes() == OBJECTS["models/config.json"]
    assert (work / "size.txt").read_text() == str(len(OBJECTS["models/config.json"]))
    reads = [
        e
        for e in world.server.audit_entries()
        if e["operation"] == "GetObject" and str(e["resource"]).endswith("models/config.json")
    ]
    assert reads and all("assumed-role/build-reader/" in str(e["caller"]) for e in reads)


def test_the_build_exit_code_is_returned(
    world: BuildWorld, identity: PlatformIdentity, tmp_path: Path
) -> None:
    path = write_config(
        tmp_path,
        role_arn=world.reader_role,
        fetch=[],
        command=[sys.executable, "-c", "raise SystemExit(3)"],
    )
    assert run_build(load_build_config(path), identity) == 3


def test_the_cli_flag_overrides_the_role_in_the_file(
    world: BuildWorld,
    identity: PlatformIdentity,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_config(
        tmp_path, build_env={"docker": {"assumed_iam_role_arn": world.useless_role}}
    )
    endpoint = ["--endpoint-url", world.server.url]
    assert main(["build", "run", str(path), *endpoint]) == 2
    error = capsys.readouterr().err
    assert "AccessDenied" in error and "s3:ListBucket" in error

    assert main(["build", "run", str(path), "--iam-role-arn", world.reader_role, *endpoint]) == 0
    assert (tmp_path / "work/size.txt").exists()


def test_a_malformed_role_arn_fails_before_any_call(
    world: BuildWorld,
    identity: PlatformIdentity,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_config(tmp_path, role_arn=world.reader_role)
    requests_before = len(world.server.audit_entries())
    code = main(
        ["build", "run", str(path), "--role-arn", "garbage", "--endpoint-url", world.server.url]
    )
    assert code == 2
    assert "'garbage' is not an IAM role ARN" in capsys.readouterr().err
    assert len(world.server.audit_entries()) == requests_before
    assert not (tmp_path / "work").exists()
