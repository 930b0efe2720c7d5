"""Fixtures for the IAM service tests; the harness itself is in iam_harness.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from iam_harness import Iam, open_iam


@pytest.fixture
def iam(tmp_path: Path) -> Iterator[Iam]:
    harness = open_iam(tmp_path / "metadata.sqlite3")
    yield harness
    harness.store.close()
