"""The attack suite's server: a fresh `rolegate server` per module, with one worker and with two.

Issue 10 asks that every attack hold against `--workers 1` and `--workers 2`; parametrizing the
module-scoped fixture runs each module against both.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.rolegate_server import RunningServer
from tests.security.servers import attack_server, per_worker_count


@per_worker_count
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    yield from attack_server(request, tmp_path_factory, "rolegate-attack")
