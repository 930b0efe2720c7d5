"""`rolegate batch run|status|report` end to end against a live server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.platform.batch.conftest import BUCKET, INPUT_FOLDER, PARTS, BatchWorld

from rolegate.cli.main import main
from rolegate.platform.roles import PlatformIdentity


def write_config(path: Path, role_arn: str) -> Path:
    path.write_text(
        f"bucket: {BUCKET}\n"
        f"source_folder: {INPUT_FOLDER}\n"
        "destination_folder: out-yaml\n"
        f"role_arn: {role_arn}\n"
        "function: tests.platform.batch.functions:double_amount\n"
        "workers: 2\n"
    )
    return path


def test_run_then_status_and_report_then_a_rerun_that_skips_everything(
    world: BatchWorld,
    identity: PlatformIdentity,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = write_config(tmp_path / "execution.yaml", world.writer_role)
    common = ["--platform-dir", str(tmp_path / "platform"), "--endpoint-url", world.server.url]
    run = ["batch", "run", "-f", str(config), "--destination-folder", "out-cli"]
    run += ["--output-file-type", "feather", "--execution-id", "cli-run", "--in-process", *common]
    assert main(run) == 0

    capsys.readouterr()
    assert main(["batch", "status", "cli-run", "--json", "--platform-dir", common[1]]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["state"] == "succeeded" and status["files"]["succeeded"] == PARTS
    assert status["execution"]["destination_folder"] == "out-cli/"  # the flag beat the file

    assert main(["batch", "report", "cli-run", "--platform-dir", common[1]]) == 0
    report = capsys.readouterr().out
    assert "out-cli/part-1.feather" in report and report.count("succeeded") >= PARTS

    assert main(run) == 0
    assert f"{PARTS} of {PARTS} files already succeeded" in capsys.readouterr().err


def test_failed_files_give_exit_code_1_and_the_report_names_them(
    world: BatchWorld,
    identity: PlatformIdentity,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = write_config(tmp_path / "execution.yaml", world.reader_role)
    platform_dir = str(tmp_path / "platform")
    code = main(
        [
            "batch",
            "run",
            "-f",
            str(config),
            "--execution-id",
            "denied",
            "--in-process",
            "--platform-dir",
            platform_dir,
            "--endpoint-url",
            world.server.url,
        ]
    )
    assert code == 1
    capsys.readouterr()
    assert main(["batch", "report", "denied", "--failed", "--platform-dir", platform_dir]) == 0
    assert "s3:PutObject" in capsys.readouterr().out


def test_a_malformed_role_arn_stops_before_any_call(
    world: BatchWorld,
    identity: PlatformIdentity,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = write_config(tmp_path / "execution.yaml", world.writer_role)
    requests_before = len(world.server.audit_entries())
    code = main(
        [
            "batch",
            "run",
            "-f",
            str(config),
            "--role-arn",
            "arn:aws:iam::12:role/x",
            "--platform-dir",
            str(tmp_path),
            "--endpoint-url",
            world.server.url,
        ]
    )
    assert code == 2
    assert "is not an IAM role ARN" in capsys.readouterr().err
    assert len(world.server.audit_entries()) == requests_before


def test_out_conf_prints_the_merged_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    role = "arn:aws:iam::111122223333:role/qwak-access-role"
    config = write_config(tmp_path / "execution.yaml", role)
    assert main(["batch", "run", "-f", str(config), "--retries", "5", "--out-conf"]) == 0
    printed = capsys.readouterr().out
    assert "retries: 5" in printed and f"source_bucket: {BUCKET}" in printed
