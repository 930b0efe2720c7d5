"""Parquet sources: one file or a prefix; reads push the "new only" filter down to row groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type information
import pyarrow.dataset as ds  # type: ignore[import-untyped]  # pyarrow ships no type information
import pyarrow.parquet as pq  # type: ignore[import-untyped]  # pyarrow ships no type information
from pyarrow import fs as pafs

from rolegate.platform.sources.base import DataSource, RowFilter
from rolegate.platform.sources.locations import explained


@dataclass(frozen=True, slots=True)
class ParquetSource(DataSource):
    format_name: ClassVar[str] = "parquet"

    def _read_head(
        self, filesystem: pafs.FileSystem, files: list[pafs.FileInfo], rows: int
    ) -> pa.Table:
        tables: list[pa.Table] = []
        needed = rows
        for info in files:
            with (
                explained(f"read s3://{info.path}", info.path.partition("/")[0]),
                filesystem.open_input_file(info.path) as handle,
            ):
                parquet = pq.ParquetFile(handle, pre_buffer=True)
                # Row group by row group: a sample stops after the first one that has enough.
                for batch in parquet.iter_batches(batch_size=max(needed, 1)):
                    tables.append(pa.Table.from_batches([batch]))
                    needed -= batch.num_rows
                    if needed <= 0:
                        break
            if needed <= 0:
                break
        return pa.concat_tables(tables, promote_options="permissive")

    def _read_all(
        self, filesystem: pafs.FileSystem, files: list[pafs.FileInfo], newer: RowFilter | None
    ) -> pa.Table:
        parquet_format = ds.ParquetFileFormat(
            default_fragment_scan_options=ds.ParquetFragmentScanOptions(pre_buffer=True)
        )
        with explained(f"read {self.location}", self.location.bucket):
            dataset = ds.dataset(
                [info.path for info in files], format=parquet_format, filesystem=filesystem
            )
            row_filter = newer(dataset.schema) if newer is not None else None
            return dataset.to_table(filter=row_filter)
