"""CSV sources: one file or a prefix of files, with RFC-4180 quoting by default."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar

import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type information
from pyarrow import csv
from pyarrow import fs as pafs

from rolegate.platform.errors import PlatformError
from rolegate.platform.sources.base import DataSource, RowFilter
from rolegate.platform.sources.locations import explained

# Enough for a sample's rows, small enough that a sample never pulls a large file.
_SAMPLE_BLOCK_BYTES = 1 << 20
_PARALLEL_FILES = 8


@dataclass(frozen=True, slots=True)
class CsvSource(DataSource):
    """`quote_character` and `escape_character` both `"` (the default) mean RFC-4180: a quote
    inside a quoted value is written twice. Another escape character (such as a backslash)
    escapes the next character instead. `quote_character=None` turns quoting off."""

    quote_character: str | None = '"'
    escape_character: str | None = '"'
    format_name: ClassVar[str] = "csv"

    def __post_init__(self) -> None:
        DataSource.__post_init__(self)
        for field_name in ("quote_character", "escape_character"):
            value = getattr(self, field_name)
            if value is not None and len(value) != 1:
                raise PlatformError(
                    "check source",
                    f"{field_name}={value!r} is not one character",
                    f"give {field_name} as a single character, or None for none",
                )

    def parse_options(self) -> csv.ParseOptions:
        quote = self.quote_character
        escape = self.escape_character
        rfc4180 = escape is None or escape == quote
        return csv.ParseOptions(
            quote_char=quote if quote is not None else False,
            double_quote=rfc4180,
            escape_char=False if rfc4180 else escape,
            newlines_in_values=True,
        )

    def _read_head(
        self, filesystem: pafs.FileSystem, files: list[pafs.FileInfo], rows: int
    ) -> pa.Table:
        tables: list[pa.Table] = []
        needed = rows
        for info in files:
            with (
                explained(f"read s3://{info.path}", _bucket(info)),
                filesystem.open_input_stream(info.path) as stream,
            ):
                reader = csv.open_csv(
                    stream,
                    read_options=csv.ReadOptions(block_size=_SAMPLE_BLOCK_BYTES),
                    parse_options=self.parse_options(),
                )
                batches: list[pa.RecordBatch] = []
                for batch in reader:
                    batches.append(batch)
                    needed -= batch.num_rows
                    if needed <= 0:
                        break
                tables.append(pa.Table.from_batches(batches, schema=reader.schema))
            if needed <= 0:
                break
        return pa.concat_tables(tables, promote_options="permissive")

    def _read_all(
        self, filesystem: pafs.FileSystem, files: list[pafs.FileInfo], newer: RowFilter | None
    ) -> pa.Table:
        def read_one(info: pafs.FileInfo) -> pa.Table:
            with (
                explained(f"read s3://{info.path}", _bucket(info)),
                filesystem.open_input_stream(info.path) as stream,
            ):
                table = csv.read_csv(stream, parse_options=self.parse_options())
            return table.filter(newer(table.schema)) if newer is not None else table

        with ThreadPoolExecutor(min(_PARALLEL_FILES, len(files))) as pool:
            tables = list(pool.map(read_one, files))
        return pa.concat_tables(tables, promote_options="permissive")


def _bucket(info: pafs.FileInfo) -> str:
    bucket: str = info.path.partition("/")[0]
    return bucket
