"""Build configuration files and the environment a build runs in, without a server."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rolegate.platform.builds import build_environment, load_build_config
from rolegate.platform.builds.config import FetchSpec
from rolegate.platform.errors import PlatformError
from rolegate.platform.roles import PlatformIdentity, TemporaryCredentials

FROM_FILE = "arn:aws:iam::111122223333:role/from-file"
FROM_DOCKER = "arn:aws:iam::111122223333:role/from-docker"
FROM_FLAG = "arn:aws:iam::111122223333:role/from-flag"


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "build.yaml"
    path.write_text(f"command: python train.py\n{text}")
    return path


def test_role_precedence_is_flag_then_role_arn_then_docker(tmp_path: Path) -> None:
    docker = f"build_env:\n  docker:\n    assumed_iam_role_arn: {FROM_DOCKER}\n"
    both = config_file(tmp_path, f"role_arn: {FROM_FILE}\n{docker}")
    assert load_build_config(both).role.role_arn == FROM_FILE
    assert load_build_config(both, FROM_FLAG).role.role_arn == FROM_FLAG
    only_docker = config_file(tmp_path, docker)
    assert load_build_config(only_docker).role.role_arn == FROM_DOCKER


def test_settings_are_read_relative_to_the_file(tmp_path: Path) -> None:
    path = config_file(
        tmp_path,
        f"role_arn: {FROM_FILE}\nexternal_id: ext-123\nbuild_folder: out\n"
        "fetch:\n  - {source: 's3://b/p/', target: data/}\nenv: {EPOCHS: 3}\n",
    )
    config = load_build_config(path)
    assert config.command == ("python", "train.py")
    assert config.build_folder == (tmp_path / "out").resolve()
    assert config.fetch == (FetchSpec("s3://b/p/", "data/"),)
    assert config.fetch[0].is_prefix and config.role.external_id == "ext-123"
    assert config.env == {"EPOCHS": "3"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no role"),
        ("role_arn: garbage\n", "is not an IAM role ARN"),
        (f"role_arn: {FROM_FILE}\nfetch: [{{source: 's3://b/k', target: ../up}}]\n", "leaves"),
        (f"role_arn: {FROM_FILE}\nfetch: [{{source: '/local/k'}}]\n", "is not s3://"),
        (f"role_arn: {FROM_FILE}\nimage: python\n", "unknown keys image"),
    ],
)
def test_bad_files_are_refused_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(PlatformError, match=message):
        load_build_config(config_file(tmp_path, text))


def test_the_environment_carries_the_role_and_nothing_that_would_shadow_it() -> None:
    credentials = TemporaryCredentials("ASIAROLE", "secret", "token", datetime.now(UTC))
    base = {
        "PATH": "/bin",
        "AWS_PROFILE": "admin",
        "AWS_ACCESS_KEY_ID": "AKIAPLATFORM",
        "AWS_ENDPOINT_URL_S3": "http://elsewhere",
        "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/token",
    }
    identity = PlatformIdentity("http://127.0.0.1:9000", "eu-west-1")
    env = build_environment(base, credentials, identity, {"EPOCHS": "3"})
    assert env == {
        "PATH": "/bin",
        "EPOCHS": "3",
        "AWS_ACCESS_KEY_ID": "ASIAROLE",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_SESSION_TOKEN": "token",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    assert "AWS_ENDPOINT_URL" not in build_environment(base, credentials, PlatformIdentity())
