"""Configuration files are read as settings, never expanded or loaded without bound.

PyYAML's safe_load keeps `*alias` as one shared node: "billion laughs" (nine nested lists of
ten aliases) loads at once and expands to 10**9 items when a setting becomes text (`str(value)`
of an env value or a function name, the repr in an error, the registry's JSON). Each case runs
as the real CLI in a child process with an address-space limit, so a blowup is a failed test,
not a stalled machine.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

# Nine lists of ten aliases, each level inside the last one: the final item is 10**9 strings.
LAUGHS = (
    "[&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol], "
    + ", ".join(f"&a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10))
    + "]"
)
ROLE = 'role_arn: arn:aws:iam::123456789012:role/r\ncommand: ["true"]\n'
CASES = {
    "build-env": (["build", "run"], f"{ROLE}env: {{X: {LAUGHS}}}\n"),
    # An entry without a source is quoted in the error.
    "build-fetch": (["build", "run"], f"{ROLE}fetch: [{{target: {LAUGHS}}}]\n"),
    "batch-function": (
        ["batch", "run", "-f"],
        "execution:\n  bucket: b\n  source_folder: in\n  destination_folder: out\n"
        f"  role_arn: arn:aws:iam::123456789012:role/r\n  function: {LAUGHS}\n",
    ),
}


def _limit_memory() -> None:
    limit = 1 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _run(arguments: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rolegate.cli.main", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,  # only sets a limit: safe before exec
        cwd=tmp_path,
        check=False,
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_aliases_in_a_config_file_are_refused_not_expanded(case: str, tmp_path: Path) -> None:
    command, text = CASES[case]
    path = tmp_path / "config.yaml"
    path.write_text(text)
    finished = _run([*command, str(path), "--out-conf"], tmp_path)
    assert finished.returncode == 2, finished.stderr[-2000:]
    assert "aliases (*name) are not allowed" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_an_endless_or_deeply_nested_file_is_refused(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("command: " + "[" * 100_000 + "]" * 100_000 + "\n")
    finished = _run(["build", "run", str(deep), "--out-conf"], tmp_path)
    assert finished.returncode == 2 and "Traceback" not in finished.stderr
    big = tmp_path / "big.yaml"
    big.write_text(
        "command: [true]\nrole_arn: arn:aws:iam::123456789012:role/r\n# " + "x" * (2 << 20)
    )
    finished = _run(["build", "run", str(big), "--out-conf"], tmp_path)
    assert finished.returncode == 2 and "over 1048576 bytes" in finished.stderr
