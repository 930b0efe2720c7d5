"""A build's fetch writes a customer's object keys as local files: a hostile bucket is zip-slip.

Whoever can write to the customer's bucket names the keys. Nothing a key says may place a file
outside the build's own folder, and a key the platform cannot write is a platform error (exit 2
from the CLI), never a traceback. S3 stores any UTF-8 key literally and warns that some
characters and `.`/`..` segments need special handling by applications
(AmazonS3/latest/userguide/object-keys.html, "Object key naming guidelines"); the AWS CLI's
recursive downloads likewise refuse a key that would land outside the destination. rolegate
stops the whole fetch, so a build never runs on part of its data unnoticed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from tests.platform.identity_env import use_platform_identity
from tests.rolegate_server import RunningServer
from tests.server.seed_world import Platform, seed_permission_policy, trust_account

from rolegate.cli.main import main
from rolegate.platform.builds import load_build_config, run_build
from rolegate.platform.errors import PlatformError
from rolegate.platform.roles import PlatformIdentity

BUCKET = "hostile-build-data"
# Each prefix holds one attack; the build fetches one prefix into its own folder.
ATTACKS = {
    "dot": ["dot/."],
    "dotdot": ["dotdot/x/.."],
    "escape": ["escape/../../escaped"],
    "absolute": ["absolute//tmp/escaped"],
    "nul": ["nul/a\x00b"],
    "clash": ["clash/a", "clash/a/b"],
    "escape-code": ["escape-code/\x1b]0;owned\x07"],
}


@pytest.fixture(scope="module")
def hostile(server: RunningServer) -> tuple[Platform, str]:
    platform = Platform.create(server)
    customer = server.new_account()
    s3 = server.client("s3", customer)
    s3.create_bucket(Bucket=BUCKET)
    for keys in ATTACKS.values():
        for key in keys:
            s3.put_object(Bucket=BUCKET, Key=key, Body=b"owned\n")
    s3.put_object(Bucket=BUCKET, Key="fine/data.csv", Body=b"x\n1\n")
    iam = server.client("iam", customer)
    role = iam.create_role(
        RoleName="build-reader", AssumeRolePolicyDocument=trust_account(platform.account)
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="build-reader", PolicyName="data", PolicyDocument=seed_permission_policy(BUCKET)
    )
    return platform, role


def _config(root: Path, role: str, prefix: str, target: str = ".") -> Path:
    marker = root / "ran.txt"
    document = {
        "role_arn": role,
        "build_folder": "parent/work",
        "fetch": [{"source": f"s3://{BUCKET}/{prefix}/", "target": target}],
        "command": [sys.executable, "-c", f"open({str(marker)!r}, 'w').write('ran')"],
    }
    path = root / "build.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def _outside(root: Path) -> set[Path]:
    """Every path under `root` except the build folder's own content and the config."""
    work = root / "parent" / "work"
    return {p for p in root.rglob("*") if not p.is_relative_to(work) and p != work}


@pytest.mark.parametrize("prefix", sorted(ATTACKS))
def test_a_hostile_key_writes_nothing_outside_the_build_folder(
    server: RunningServer,
    hostile: tuple[Platform, str],
    prefix: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    platform, role = hostile
    use_platform_identity(monkeypatch, platform.operator)
    config = load_build_config(_config(tmp_path, role, prefix), None)
    config.build_folder.mkdir(parents=True)
    before = _outside(tmp_path)
    with pytest.raises(PlatformError) as refused:
        run_build(config, PlatformIdentity(endpoint_url=server.url))
    assert _outside(tmp_path) == before, "a file was written outside the build folder"
    assert not (tmp_path / "escaped").exists() and not Path("/tmp/escaped").exists()
    assert not (tmp_path / "ran.txt").exists(), "the build ran on part of its data"
    # The refusal names the object without handing its control characters to the terminal.
    assert "\x1b" not in str(refused.value) and "\x00" not in str(refused.value)


def test_the_cli_answers_a_hostile_key_with_a_platform_error(
    server: RunningServer,
    hostile: tuple[Platform, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    platform, role = hostile
    use_platform_identity(monkeypatch, platform.operator)
    path = _config(tmp_path, role, "nul")
    assert main(["build", "run", str(path), "--endpoint-url", server.url]) == 2
    assert "nul/a" in capsys.readouterr().err


def test_a_link_in_the_build_folder_does_not_lead_outside(
    server: RunningServer,
    hostile: tuple[Platform, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    platform, role = hostile
    use_platform_identity(monkeypatch, platform.operator)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    work = tmp_path / "parent" / "work"
    work.mkdir(parents=True)
    # An earlier build (the customer's own command) left links behind: the folder and the
    # partial file the next fetch writes first.
    (work / "data").symlink_to(elsewhere, target_is_directory=True)
    (work / ".data.csv.part").symlink_to(elsewhere / "part")
    for target in ("data/", "."):
        config = load_build_config(_config(tmp_path, role, "fine", target), None)
        with pytest.raises(PlatformError):
            run_build(config, PlatformIdentity(endpoint_url=server.url))
    assert list(elsewhere.iterdir()) == []


def test_plain_keys_are_still_fetched(
    server: RunningServer,
    hostile: tuple[Platform, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    platform, role = hostile
    use_platform_identity(monkeypatch, platform.operator)
    config = load_build_config(_config(tmp_path, role, "fine", "in/"), None)
    assert run_build(config, PlatformIdentity(endpoint_url=server.url)) == 0
    assert (tmp_path / "parent/work/in/data.csv").read_bytes() == b"x\n1\n"
    assert (tmp_path / "ran.txt").read_text() == "ran"
