"""The platform's own identity, taken from the standard chain as in production: the environment."""

from __future__ import annotations

import pytest
from tests.rolegate_server import Credentials


def use_platform_identity(monkeypatch: pytest.MonkeyPatch, credentials: Credentials) -> None:
    """Only these credentials: no profile, config file or endpoint from the machine leaks in."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    for name, value in credentials.environment().items():
        monkeypatch.setenv(name, value)
