"""The attack suite's servers: a real `rolegate server` per module, with one worker and with two.

Issue 10 asks that every attack hold against `--workers 1` and `--workers 2`: a fixture made with
`per_worker_count` runs its module against both, and `attack_server` starts the one asked for,
with whatever extra flags (short timeouts, a rate floor) the module's attacks need.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.rolegate_server import RunningServer

per_worker_count = pytest.fixture(scope="module", params=[1, 2], ids=["workers1", "workers2"])


def attack_server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    *extra_args: str,
) -> Iterator[RunningServer]:
    """A fixture's body: the server with `request.param` workers, stopped after the module."""
    data_dir = tmp_path_factory.mktemp(name) / "data"
    running = RunningServer(data_dir, "--workers", str(request.param), *extra_args).start()
    yield running
    running.stop()
