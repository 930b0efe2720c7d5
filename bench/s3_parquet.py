"""A Parquet file read with pyarrow from local disk and through `pyarrow.fs.S3FileSystem`.

The file is generated with pyarrow alone (no numpy): an id, a random double and float, a random
int64 and a low-cardinality string column, snappy-compressed, eight row groups — about 28 bytes
a row, so 4M rows make ~111 MB. Reads are single-threaded (`use_threads=False`) with
`pre_buffer=True` (field notes: 5 GETs for a 100 MB file instead of 25, or 97 when streamed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs
import pyarrow.parquet as pq

ROW_GROUPS = 8


def write_parquet(path: Path, rows: int) -> int:
    """Write the file; returns its size in bytes."""
    cities = pa.array([f"city-{i:03d}" for i in range(200)])
    pick = pc.cast(pc.floor(pc.multiply(pc.random(rows, initializer=1), 200)), pa.int64())
    table = pa.table(
        {
            "id": pa.array(range(rows), pa.int64()),
            "amount": pc.random(rows, initializer=2),
            "score": pc.cast(pc.random(rows, initializer=3), pa.float32()),
            "account": pc.cast(
                pc.floor(pc.multiply(pc.random(rows, initializer=4), 2.0**53)), pa.int64()
            ),
            "city": cities.take(pick),
        }
    )
    pq.write_table(table, path, compression="snappy", row_group_size=max(1, rows // ROW_GROUPS))
    return path.stat().st_size


@dataclass(frozen=True, slots=True)
class Source:
    """Where a read goes: a local path, or a path inside an S3 filesystem."""

    name: str
    path: str
    filesystem: pyarrow.fs.FileSystem | None = None


def s3_filesystem(
    port: int, access_key: str, secret_key: str, session_token: str | None
) -> pyarrow.fs.S3FileSystem:
    return pyarrow.fs.S3FileSystem(
        access_key=access_key,
        secret_key=secret_key,
        session_token=session_token,
        endpoint_override=f"127.0.0.1:{port}",
        scheme="http",
        region="us-east-1",
    )


def timed_read(source: Source, rows: int) -> float:
    start = time.perf_counter()
    table = pq.read_table(
        source.path, filesystem=source.filesystem, use_threads=False, pre_buffer=True
    )
    seconds = time.perf_counter() - start
    if table.num_rows != rows:
        raise AssertionError(f"{source.name}: read {table.num_rows} rows, wrote {rows}")
    return seconds


def paired_rounds(sources: list[Source], rows: int, rounds: int) -> list[dict[str, float]]:
    """Each round reads every source once, in turn (disk first); seconds per source per round.

    Pairing within a round keeps a noisy spell on a shared machine from landing on one side
    only; the ratio is taken per round and its median reported.
    """
    for source in sources:  # warm: page cache, connections, the server's policy caches
        timed_read(source, rows)
    return [{source.name: timed_read(source, rows) for source in sources} for _ in range(rounds)]
