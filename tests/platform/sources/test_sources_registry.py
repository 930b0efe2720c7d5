"""The source registry: definitions round-trip through SQLite; names are unique."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolegate.platform.errors import PlatformError
from rolegate.platform.registry import REGISTRY_FILE, SourceRegistry, default_platform_dir
from rolegate.platform.sources import (
    AnonymousS3Configuration,
    AssumeRoleConfiguration,
    CsvSource,
    DataSource,
    ParquetSource,
    SecretsS3Configuration,
)

ROLE = "arn:aws:iam::123456789012:role/team/qwak-access-role"
SOURCES: list[DataSource] = [
    CsvSource(
        "orders",
        "orders export",
        "created_at",
        "s3://customer-data/orders/",
        quote_character="'",
        escape_character="\\",
        filesystem_configuration=AssumeRoleConfiguration(
            ROLE, external_id="qwak-7f3a9c", session_name="orders-reader", duration_seconds=900
        ),
    ),
    ParquetSource("public", "", "ts", "s3://open-data/x.parquet"),
    ParquetSource(
        "keys",
        "",
        "ts",
        "s3://customer-data/k/",
        filesystem_configuration=SecretsS3Configuration("KEY_ID", "SECRET", "TOKEN"),
    ),
]


def test_sources_round_trip_and_list_in_name_order(tmp_path: Path) -> None:
    with SourceRegistry.in_dir(tmp_path) as registry:
        for source in SOURCES:
            assert registry.register(source, validate=False) is None
    assert (tmp_path / REGISTRY_FILE).exists()
    with SourceRegistry.in_dir(tmp_path) as reopened:
        assert [reopened.get(s.name) for s in SOURCES] == SOURCES
        assert [e.source.name for e in reopened.list()] == ["keys", "orders", "public"]
        assert isinstance(reopened.get("public").filesystem_configuration, AnonymousS3Configuration)


def test_names_are_unique_unless_replaced(tmp_path: Path) -> None:
    with SourceRegistry.in_dir(tmp_path) as registry:
        registry.register(SOURCES[1], validate=False)
        registry.set_high_water_mark("public", "2024-01-01")
        with pytest.raises(PlatformError, match="already registered"):
            registry.register(SOURCES[1], validate=False)
        registry.register(SOURCES[1], validate=False, replace=True)
        # A replaced definition starts its "new only" reads again.
        assert registry.high_water_mark("public") is None
        registry.remove("public")
        with pytest.raises(PlatformError) as raised:
            registry.get("public")
    assert raised.value.step == "find source public"


def test_the_platform_dir_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEGATE_PLATFORM_DIR", str(tmp_path))
    assert default_platform_dir() == tmp_path
    monkeypatch.delenv("ROLEGATE_PLATFORM_DIR")
    assert default_platform_dir() == Path.home() / ".local" / "share" / "rolegate-platform"
