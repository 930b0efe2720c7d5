"""A build runs the customer's code: it gets the role's session and nothing of the platform's.

The platform's long-term keys may sit in its environment under the SDK's names (replaced by the
role's), under older tools' names (`AWS_ACCESS_KEY`/`AWS_SECRET_KEY`, read by the EC2 API tools
and Hadoop), or in a profile of its config/credentials files. The build's code may ask for any
of them. None may answer: "Environment variables ... take precedence" only as long as the code
does not look elsewhere (sdkref/latest/guide/settings-reference.html,
cli/latest/userguide/cli-configure-files.html).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
import yaml
from tests.platform.identity_env import use_platform_identity
from tests.rolegate_server import RunningServer
from tests.server.seed_world import Platform, seed_permission_policy, trust_account

from rolegate.platform.batch.config import FileType
from rolegate.platform.batch.tasks import FileTask
from rolegate.platform.builds import load_build_config, run_build
from rolegate.platform.roles import PlatformIdentity, RoleConfig, RoleCredentialCache

BUCKET = "build-credentials"
# The customer's build: everything it can find that looks like the platform's credentials.
SNOOP = """
import json, os, sys, boto3
found = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
try:
    creds = boto3.Session(profile_name="platform").get_credentials()
    found["profile"] = creds.access_key if creds else None
except Exception as error:
    found["profile"] = type(error).__name__
found["caller"] = boto3.client("sts").get_caller_identity()["Arn"]
json.dump(found, open("found.json", "w"))
"""


def test_the_build_gets_none_of_the_platforms_credentials(
    server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = Platform.create(server)
    customer = server.new_account()
    server.client("s3", customer).create_bucket(Bucket=BUCKET)
    iam = server.client("iam", customer)
    role = iam.create_role(
        RoleName="builder", AssumeRolePolicyDocument=trust_account(platform.account)
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="builder", PolicyName="data", PolicyDocument=seed_permission_policy(BUCKET)
    )
    use_platform_identity(monkeypatch, platform.operator)
    key, secret = platform.operator.access_key_id, platform.operator.secret_access_key
    files = tmp_path / "aws"
    files.mkdir()
    (files / "credentials").write_text(
        f"[platform]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(files / "credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY", key)
    monkeypatch.setenv("AWS_SECRET_KEY", secret)
    path = tmp_path / "build.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "role_arn": role,
                "build_folder": "work",
                "command": [sys.executable, "-c", SNOOP],
                # The config cannot point the build back at the platform's files either.
                "env": {"AWS_CONFIG_FILE": str(files / "credentials")},
            }
        )
    )
    identity = PlatformIdentity(endpoint_url=server.url)
    assert run_build(load_build_config(path), identity, base_environment=dict(os.environ)) == 0
    found = json.loads((tmp_path / "work" / "found.json").read_text())
    assert "assumed-role/builder/" in found["caller"]
    text = json.dumps(found)
    assert key not in text and secret not in text, found


def test_a_task_or_credentials_value_never_prints_the_secret_half(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = Platform.create(server)
    customer = server.new_account()
    role = server.client("iam", customer).create_role(
        RoleName="batch", AssumeRolePolicyDocument=trust_account(platform.account)
    )["Role"]["Arn"]
    use_platform_identity(monkeypatch, platform.operator)
    identity = PlatformIdentity(endpoint_url=server.url)
    credentials = RoleCredentialCache(identity).credentials(RoleConfig(role), "batch-repr")
    # A FileTask crosses to worker processes and shows up in pool errors and tracebacks.
    task = FileTask(
        "b", "in/a.csv", "b", "out/a.csv", FileType.CSV, FileType.CSV, "m:f",
        credentials, server.url, "us-east-1", 0, 0,
    )  # fmt: skip
    for text in (repr(credentials), repr(task), str(task)):
        assert credentials.access_key_id in text
        assert credentials.secret_access_key not in text
        assert credentials.session_token not in text
