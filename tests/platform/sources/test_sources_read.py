"""CSV and Parquet sources read over S3 with an assumed role: files, prefixes, samples."""

from __future__ import annotations

import pyarrow as pa
from tests.platform.sources.conftest import MANY_CSV_FILES, SourcesWorld

from rolegate.platform.sources import (
    AssumeRoleConfiguration,
    AwsS3AssumeRoleFileSystemConfiguration,
    CsvSource,
    ParquetSource,
    SourceContext,
)


def csv_source(world: SourcesWorld, key: str, **options: object) -> CsvSource:
    return CsvSource(
        name=key.replace("/", "-"),
        description="events",
        date_created_column="created_at",
        path=world.path(key),
        filesystem_configuration=AssumeRoleConfiguration(world.customer_role),
        **options,  # type: ignore[arg-type]  # quote/escape options only
    )


def parquet_source(world: SourcesWorld, key: str) -> ParquetSource:
    return ParquetSource(
        name=key.replace("/", "-"),
        description="events",
        date_created_column="created_at",
        path=world.path(key),
        filesystem_configuration=AwsS3AssumeRoleFileSystemConfiguration(
            role_arn=world.customer_role
        ),
    )


def test_csv_file_reads_whole_and_samples_a_frame(
    world: SourcesWorld, context: SourceContext
) -> None:
    source = csv_source(world, "csv/events.csv")
    table = source.read(context=context)
    assert table.num_rows == 50
    assert table.schema.field("created_at").type == pa.timestamp("s")
    sample = source.sample(rows=5, context=context)
    assert list(sample["id"]) == [0, 1, 2, 3, 4]
    assert list(sample.columns) == ["id", "created_at", "amount"]


def test_csv_prefix_reads_every_file_and_skips_markers(
    world: SourcesWorld, context: SourceContext
) -> None:
    source = csv_source(world, "csv/many/")
    assert len(source.files(context)) == MANY_CSV_FILES
    table = source.read(context=context)
    assert table.num_rows == MANY_CSV_FILES * 10
    assert sorted(table.column("id").to_pylist()) == list(range(MANY_CSV_FILES * 10))
    assert source.sample(rows=3, context=context)["id"].tolist() == [0, 1, 2]


def test_parquet_file_and_prefix(world: SourcesWorld, context: SourceContext) -> None:
    single = parquet_source(world, "parquet/events.parquet")
    assert single.read(context=context).num_rows == 100
    assert single.sample(rows=7, context=context)["id"].tolist() == list(range(7))
    many = parquet_source(world, "parquet/many")
    table = many.read(context=context)
    assert sorted(table.column("id").to_pylist()) == list(range(120))
    # A sample larger than one row group (10 rows) spans row groups but stops early.
    assert many.sample(rows=25, context=context)["id"].tolist() == list(range(25))


def test_ten_samples_through_one_role_assume_it_once(
    world: SourcesWorld, context: SourceContext
) -> None:
    sources = [csv_source(world, f"csv/many/part-{part:02d}.csv") for part in range(10)]
    for source in sources:
        assert len(source.sample(rows=2, context=context)) == 2
    assert context.cache.assume_calls == 1
