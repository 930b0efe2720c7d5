"""What CSV and Parquet sources share: a path, a role, a sample, a read, and "new only" reads.

A source is a frozen value; its high-water mark (the newest `date_created_column` value already
read) lives in a `HighWaterMarks` store: the registry for registered sources, otherwise a small
in-memory store owned by the source object.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar, Protocol

import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type information
import pyarrow.compute as pc  # type: ignore[import-untyped]  # pyarrow ships no type information
from pyarrow import fs as pafs

from rolegate.platform.errors import PlatformError
from rolegate.platform.sources.context import SourceContext
from rolegate.platform.sources.filesystems import (
    AnonymousS3Configuration,
    FileSystemConfiguration,
)
from rolegate.platform.sources.locations import S3Location, list_files

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]  # pandas-stubs is not installed


# Given the schema actually read, the expression that keeps only rows past the high-water mark.
RowFilter = Callable[[pa.Schema], pc.Expression]


class HighWaterMarks(Protocol):
    def high_water_mark(self, source_name: str) -> str | None: ...

    def set_high_water_mark(self, source_name: str, mark: str) -> None: ...


class MemoryMarks:
    def __init__(self) -> None:
        self._marks: dict[str, str] = {}
        self._lock = threading.Lock()

    def high_water_mark(self, source_name: str) -> str | None:
        with self._lock:
            return self._marks.get(source_name)

    def set_high_water_mark(self, source_name: str, mark: str) -> None:
        with self._lock:
            self._marks[source_name] = mark


@dataclass(frozen=True, slots=True)
class DataSource(ABC):
    name: str
    description: str
    date_created_column: str
    path: str
    filesystem_configuration: FileSystemConfiguration = field(
        default_factory=AnonymousS3Configuration, kw_only=True
    )
    _marks: MemoryMarks = field(default_factory=MemoryMarks, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.name:
            raise PlatformError("check source", "the source has no name", "give it a name")
        S3Location.parse(self.path)

    format_name: ClassVar[str]

    @property
    def location(self) -> S3Location:
        return S3Location.parse(self.path)

    def files(self, context: SourceContext | None = None) -> list[pafs.FileInfo]:
        """Assume the role and list the path: what registration checks."""
        filesystem = self._filesystem(context or SourceContext())
        return list_files(filesystem, self.location)

    def sample(self, rows: int = 10, context: SourceContext | None = None) -> pd.DataFrame:
        """The first `rows` rows, reading no more of the source than it takes to get them."""
        if rows < 1:
            raise PlatformError("sample", f"rows={rows}", "ask for at least one row")
        filesystem = self._filesystem(context or SourceContext())
        table = self._read_head(filesystem, list_files(filesystem, self.location), rows)
        return table.slice(0, rows).to_pandas()

    def read(
        self,
        new_only: bool = False,
        context: SourceContext | None = None,
        marks: HighWaterMarks | None = None,
    ) -> pa.Table:
        """Every row, or with `new_only` the rows newer than the last `new_only` read."""
        store: HighWaterMarks = marks if marks is not None else self._marks
        filesystem = self._filesystem(context or SourceContext())
        files = list_files(filesystem, self.location)
        mark = store.high_water_mark(self.name) if new_only else None
        newer: RowFilter | None = None
        if mark is not None:
            newer = partial(self._newer_than, mark=mark)
        table = self._read_all(filesystem, files, newer)
        if new_only and table.num_rows:
            store.set_high_water_mark(self.name, self._newest(table))
        return table

    def _filesystem(self, context: SourceContext) -> pafs.S3FileSystem:
        return context.filesystem(self.filesystem_configuration, purpose=self.name)

    def _newer_than(self, schema: pa.Schema, *, mark: str) -> pc.Expression:
        index = schema.get_field_index(self.date_created_column)
        if index < 0:
            raise self._missing_column(schema)
        column_type = schema.field(index).type
        try:
            bound = pa.scalar(mark).cast(column_type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
            raise PlatformError(
                f"read {self.path}",
                f"the stored high-water mark {mark!r} does not fit column "
                f"{self.date_created_column} of type {column_type}: {error}",
                "reset the source's high-water mark or fix the column's type",
            ) from None
        return pc.field(self.date_created_column) > bound

    def _newest(self, table: pa.Table) -> str:
        if self.date_created_column not in table.column_names:
            raise self._missing_column(table.schema)
        return mark_text(pc.max(table.column(self.date_created_column)).as_py())

    def _missing_column(self, schema: pa.Schema) -> PlatformError:
        return PlatformError(
            f"read {self.path}",
            f"date_created_column {self.date_created_column!r} is not a column "
            f"(columns: {', '.join(schema.names)})",
            "set date_created_column to the column that holds each row's creation time",
        )

    @abstractmethod
    def _read_head(
        self, filesystem: pafs.FileSystem, files: list[pafs.FileInfo], rows: int
    ) -> pa.Table: ...

    @abstractmethod
    def _read_all(
        self, filesystem: pafs.FileSystem, files: list[pafs.FileInfo], newer: RowFilter | None
    ) -> pa.Table: ...


def mark_text(value: object) -> str:
    """A high-water mark as text that `pa.scalar(text).cast(column_type)` turns back."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
