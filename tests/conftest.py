"""Fixtures shared by every folder that drives a real `rolegate server`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.rolegate_server import RunningServer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A real server process on 127.0.0.1 with a fresh data dir, for one test module."""
    data_dir: Path = tmp_path_factory.mktemp("rolegate") / "data"
    running = RunningServer(data_dir).start()
    yield running
    running.stop()
