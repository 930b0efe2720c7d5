"""`s3://bucket/key` paths: parsing, listing the files under a prefix, and explaining failures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type information
from pyarrow import fs as pafs

from rolegate.platform.errors import PlatformError

# UG/bucketnamingrules.html: 3-63 characters of lowercase letters, digits, dots and hyphens.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


@dataclass(frozen=True, slots=True)
class S3Location:
    bucket: str
    key: str

    @classmethod
    def parse(cls, path: str) -> S3Location:
        scheme, _, rest = path.partition("://")
        bucket, _, key = rest.partition("/")
        if scheme not in ("s3", "s3a") or not _BUCKET.fullmatch(bucket):
            raise PlatformError(
                "check path",
                f"{path!r} is not an s3://BUCKET/KEY path",
                "write the path as s3://bucket/key for one file or s3://bucket/prefix/ for a folder",
            )
        return cls(bucket, key)

    @property
    def arrow_path(self) -> str:
        return f"{self.bucket}/{self.key}".rstrip("/")

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def permission_hint(bucket: str) -> str:
    return (
        f"the role's permission policy must allow s3:GetObject on arn:aws:s3:::{bucket}/* "
        f"and s3:ListBucket on arn:aws:s3:::{bucket}"
    )


@contextmanager
def explained(step: str, bucket: str) -> Iterator[None]:
    """Turn pyarrow's OSError texts ("AWS Error ACCESS_DENIED ...") into a PlatformError."""
    try:
        yield
    except OSError as error:
        raise PlatformError(step, _reason(str(error)), _hint_for(str(error), bucket)) from None
    except pa.ArrowInvalid as error:
        raise PlatformError(
            step,
            f"the data could not be parsed: {error}",
            "check the source's format (csv or parquet) and, for CSV, its quote and escape "
            "characters",
        ) from None


def _reason(text: str) -> str:
    # pyarrow prefixes its own context; the AWS part is what the user can act on.
    marker = text.find("AWS Error")
    return text[marker:].strip() if marker >= 0 else text.strip()


def _hint_for(text: str, bucket: str) -> str:
    upper = text.upper()
    if "EXPIRED" in upper:
        return (
            "the temporary credentials expired; read through one SourceContext so its "
            "credential cache assumes the role again before expiry"
        )
    if "ACCESS_DENIED" in upper or "ACCESSDENIED" in upper or "STATUS 403" in upper:
        return permission_hint(bucket)
    if "NO_SUCH_BUCKET" in upper or "NOSUCHBUCKET" in upper:
        return f"check the bucket name {bucket!r} in the path"
    if "NETWORK" in upper or "CONNECT" in upper or "RESOLVE" in upper:
        return "check the endpoint URL and that S3 is reachable"
    return "check the path, the bucket's region and the role's permissions"


def list_files(filesystem: pafs.FileSystem, location: S3Location) -> list[pafs.FileInfo]:
    """Every data file under the prefix, in key order, or else the one file the path names.

    Listing comes first: a refused ListObjectsV2 carries the server's reason in its body,
    where a refused HeadObject has none.
    """
    with explained(f"list {location}", location.bucket):
        selector = pafs.FileSelector(location.arrow_path, recursive=True, allow_not_found=True)
        files = sorted(
            (
                info
                for info in filesystem.get_file_info(selector)
                if info.type == pafs.FileType.File and _is_data(info)
            ),
            key=lambda info: info.path,
        )
        if not files and location.key and not location.key.endswith("/"):
            found = filesystem.get_file_info(location.arrow_path)
            files = [found] if found.type == pafs.FileType.File else []
    if not files:
        raise PlatformError(
            f"list {location}",
            "no files found at that path",
            "check the path; a folder must hold at least one non-empty file",
        )
    return files


def _is_data(info: pafs.FileInfo) -> bool:
    # Markers such as _SUCCESS and hidden files are written by jobs, not data.
    return bool(info.size) and not info.base_name.startswith(("_", "."))
