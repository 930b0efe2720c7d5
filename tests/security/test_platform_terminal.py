"""What the CLI prints from outside is shown, never obeyed: no rich markup, no terminal controls.

Anyone who can send a request (even anonymously) chooses the key in `rolegate audit tail`'s
resource column, and whoever writes a customer's bucket chooses the keys and the cell values that
`rolegate sources sample` and `rolegate batch report` print. rich reads `[...]` as markup (a
stray `[/]` raises MarkupError and the whole table is lost; `[link=...]` plants a link) and a
terminal obeys ESC sequences (OSC 0 retitles the window, OSC 8 links, OSC 52 writes the
clipboard, CSI 2J clears the screen).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from tests.platform.identity_env import use_platform_identity
from tests.rolegate_server import RunningServer
from tests.server.seed_world import Platform, seed_permission_policy, trust_account

from rolegate.cli.main import main

HOSTILE = [
    "[/]",
    "[link=http://evil.example]click[/link]",
    "x\x1b]0;owned\x07y",
    "\x1b]52;c;b3duZWQ=\x07",
    "\x1b[2Jcleared",
    "back\\",
]
BUCKET = "hostile-terminal"


def _anonymous_get(server: RunningServer, key: str) -> None:
    url = f"{server.url}/{BUCKET}/{urllib.parse.quote(key, safe='')}"
    try:
        urllib.request.urlopen(url, timeout=10).read()
    except urllib.error.HTTPError as refused:
        refused.read()


@pytest.fixture(scope="module")
def world(server: RunningServer) -> tuple[Platform, str]:
    """A customer's bucket with a hostile CSV, and a role the platform reads it through."""
    platform = Platform.create(server)
    customer = server.new_account()
    s3 = server.client("s3", customer)
    s3.create_bucket(Bucket=BUCKET)
    rows = "\n".join(f'"{value}",1' for value in HOSTILE)
    s3.put_object(Bucket=BUCKET, Key="data.csv", Body=f"[/]name,n\n{rows}\n".encode())
    iam = server.client("iam", customer)
    role = iam.create_role(
        RoleName="reader", AssumeRolePolicyDocument=trust_account(platform.account)
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="reader", PolicyName="data", PolicyDocument=seed_permission_policy(BUCKET)
    )
    return platform, role


def test_audit_tail_shows_hostile_keys_literally(
    server: RunningServer,
    world: tuple[Platform, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    for key in HOSTILE:
        _anonymous_get(server, key)
    assert main(["audit", "tail", "-n", "50", "--data-dir", str(server.data_dir)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "[/]" in out and "[link=http://evil.example]click[/link]" in out
    assert "\\x1b]0;owned\\x07" in out
    assert main(["audit", "tail", "--denied", "--data-dir", str(server.data_dir)]) == 0
    assert "[/]" in capsys.readouterr().out


def test_sources_sample_shows_hostile_cells_literally(
    server: RunningServer,
    world: tuple[Platform, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    platform, role = world
    use_platform_identity(monkeypatch, platform.operator)
    common = ["--path", f"s3://{BUCKET}/data.csv", "--format", "csv", "--role-arn", role]
    common += ["--endpoint-url", server.url, "--platform-dir", str(tmp_path)]
    for command in ("sample", "read"):
        assert main(["sources", command, *common]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out
        assert "[/]name" in out and "[link=http://evil.example]click[/link]" in out


def test_audit_tail_refuses_a_negative_count_as_a_usage_error(
    server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["audit", "tail", "-n", "-1", "--data-dir", str(server.data_dir)])
    assert usage.value.code == 2
    assert "not a number of lines" in capsys.readouterr().err
