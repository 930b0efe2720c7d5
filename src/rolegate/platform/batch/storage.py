"""Reading and writing one data file through the role's credentials, with pyarrow's S3 client.

Each worker process builds its own filesystem from the credentials its task carries: clients
hold sockets and threads and never cross a process boundary.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

# pandas and pyarrow ship no type information here (no stubs installed), hence the ignores.
import pandas as pd  # type: ignore[import-untyped]
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.fs as pafs  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from pyarrow import feather

from rolegate.platform.batch.config import FileType
from rolegate.platform.roles import TemporaryCredentials


def s3_filesystem(
    credentials: TemporaryCredentials, endpoint_url: str | None, region: str
) -> pafs.S3FileSystem:
    endpoint: dict[str, str] = {}
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        endpoint = {"endpoint_override": parts.netloc, "scheme": parts.scheme or "https"}
    return pafs.S3FileSystem(
        access_key=credentials.access_key_id,
        secret_key=credentials.secret_access_key,
        session_token=credentials.session_token,
        region=region,
        # Errors go back to the task, which decides whether another attempt is worth it.
        retry_strategy=pafs.AwsStandardS3RetryStrategy(max_attempts=2),
        **endpoint,
    )


def read_frame(fs: pafs.S3FileSystem, path: str, file_type: FileType) -> pd.DataFrame:
    match file_type:
        case FileType.CSV:
            with fs.open_input_stream(path) as stream:
                return pd.read_csv(io.BytesIO(stream.read()))
        case FileType.PARQUET:
            return pq.read_table(path, filesystem=fs).to_pandas()
        case FileType.FEATHER:
            with fs.open_input_file(path) as file:
                return feather.read_table(file).to_pandas()


def encode_frame(frame: pd.DataFrame, file_type: FileType) -> bytes:
    if file_type is FileType.CSV:
        text: str = frame.to_csv(index=False)
        return text.encode("utf-8")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    if file_type is FileType.PARQUET:
        pq.write_table(table, sink)
    else:
        feather.write_feather(table, sink)
    return bytes(sink.getvalue().to_pybytes())


def write_bytes(fs: pafs.S3FileSystem, path: str, data: bytes) -> None:
    # One stream for the whole body. pyarrow sends it as a multipart upload (recent versions
    # start every output stream with CreateMultipartUpload), and S3 shows the object only at
    # CompleteMultipartUpload: a reader sees either the old object or the new one, never half.
    with fs.open_output_stream(path) as stream:
        stream.write(data)
