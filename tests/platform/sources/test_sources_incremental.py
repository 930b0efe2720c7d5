"""`read(new_only=True)`: only rows newer than the last read's newest `date_created_column`."""

from __future__ import annotations

from pathlib import Path

from tests.platform.sources.conftest import (
    BUCKET,
    SourcesWorld,
    csv_text,
    events_table,
    parquet_bytes,
)

from rolegate.platform.registry import SourceRegistry
from rolegate.platform.sources import (
    AssumeRoleConfiguration,
    CsvSource,
    ParquetSource,
    SourceContext,
)


def ids(table: object) -> list[int]:
    return sorted(table.column("id").to_pylist())  # type: ignore[attr-defined]  # a pyarrow Table


def test_csv_new_only_reads_advance_the_mark_on_the_source(
    world: SourcesWorld, context: SourceContext
) -> None:
    s3 = world.server.client("s3", world.customer)
    s3.put_object(
        Bucket=BUCKET, Key="incr-csv/day-1.csv", Body=csv_text(events_table(0, 10)).encode()
    )
    source = CsvSource(
        "incr-csv",
        "",
        "created_at",
        world.path("incr-csv/"),
        filesystem_configuration=AssumeRoleConfiguration(world.customer_role),
    )
    assert ids(source.read(new_only=True, context=context)) == list(range(10))
    assert source.read(new_only=True, context=context).num_rows == 0
    s3.put_object(
        Bucket=BUCKET, Key="incr-csv/day-2.csv", Body=csv_text(events_table(10, 5)).encode()
    )
    assert ids(source.read(new_only=True, context=context)) == list(range(10, 15))
    # A full read still sees everything and leaves the mark alone.
    assert source.read(context=context).num_rows == 15
    assert source.read(new_only=True, context=context).num_rows == 0


def test_parquet_new_only_marks_persist_in_the_registry(
    world: SourcesWorld, context: SourceContext, tmp_path: Path
) -> None:
    s3 = world.server.client("s3", world.customer)
    s3.put_object(
        Bucket=BUCKET, Key="incr-pq/a.parquet", Body=parquet_bytes(events_table(0, 30), 10)
    )
    source = ParquetSource(
        "incr-pq",
        "",
        "created_at",
        world.path("incr-pq"),
        filesystem_configuration=AssumeRoleConfiguration(world.customer_role),
    )
    with SourceRegistry(tmp_path / "sources.sqlite") as registry:
        registry.register(source, context)
        assert registry.read("incr-pq", new_only=True, context=context).num_rows == 30
        assert registry.high_water_mark("incr-pq") == "2024-05-01T00:29:00"
    s3.put_object(
        Bucket=BUCKET, Key="incr-pq/b.parquet", Body=parquet_bytes(events_table(25, 10), 10)
    )
    with SourceRegistry(tmp_path / "sources.sqlite") as reopened:
        # Rows 25-29 were read already; only 30-34 are newer than the stored mark.
        assert ids(reopened.read("incr-pq", new_only=True, context=context)) == list(range(30, 35))
        assert reopened.entry("incr-pq").high_water_mark == "2024-05-01T00:34:00"
