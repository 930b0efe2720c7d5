"""The attack suite's server: a fresh `rolegate server` per module, with one worker and with two.

Issue 10 asks that every attack hold against `--workers 1` and `--workers 2`; parametrizing the
module-scoped fixture runs each module against both.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.rolegate_server import RunningServer


@pytest.fixture(scope="module", params=[1, 2], ids=["workers1", "workers2"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    data_dir = tmp_path_factory.mktemp("rolegate-attack") / "data"
    running = RunningServer(data_dir, "--workers", str(request.param)).start()
    yield running
    running.stop()
