"""Copy the S3 files and prefixes a build lists into its folder, through the role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
)

from rolegate.platform.builds.config import FetchSpec
from rolegate.platform.errors import PlatformError


class FetchProgress(Protocol):
    def start(self, files: int, total_bytes: int) -> None: ...

    def file_done(self, source: str, size: int) -> None: ...


class _Silent:
    def start(self, files: int, total_bytes: int) -> None:
        pass

    def file_done(self, source: str, size: int) -> None:
        pass


@dataclass(frozen=True, slots=True)
class PlannedCopy:
    bucket: str
    key: str
    size: int
    destination: Path

    @property
    def source(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def _s3_error(step: str, error: Exception, hint: str) -> PlatformError:
    if isinstance(error, ClientError):
        detail = error.response.get("Error", {})
        message = f"{detail.get('Code', 'Error')}: {detail.get('Message', error)}"
        return PlatformError(step, message, hint)
    return PlatformError(step, str(error), "check the endpoint URL and the network")


def _inside(folder: Path, path: Path) -> Path:
    resolved = path.resolve()
    if not resolved.is_relative_to(folder):
        raise PlatformError(
            "plan fetch", f"{path} would be written outside the build folder {folder}"
        )
    return resolved


def plan_copies(specs: tuple[FetchSpec, ...], build_folder: Path, s3: Any) -> list[PlannedCopy]:
    planned: list[PlannedCopy] = []
    for spec in specs:
        target = build_folder / spec.target
        if not spec.is_prefix:
            try:
                head = s3.head_object(Bucket=spec.bucket, Key=spec.key)
            except (ClientError, BotoCoreError) as error:
                raise _s3_error(
                    f"fetch {spec.source}",
                    error,
                    f"check the object exists; the role needs s3:GetObject on "
                    f"arn:aws:s3:::{spec.bucket}/{spec.key}",
                ) from None
            if spec.target.endswith("/") or spec.target in ("", "."):
                target = target / PurePosixPath(spec.key).name
            planned.append(
                PlannedCopy(
                    spec.bucket, spec.key, head["ContentLength"], _inside(build_folder, target)
                )
            )
            continue
        try:
            pages = s3.get_paginator("list_objects_v2").paginate(
                Bucket=spec.bucket, Prefix=spec.key
            )
            items = [item for page in pages for item in page.get("Contents", [])]
        except (ClientError, BotoCoreError) as error:
            raise _s3_error(
                f"list {spec.source}",
                error,
                f"the role needs s3:ListBucket on arn:aws:s3:::{spec.bucket}",
            ) from None
        for item in items:
            relative = item["Key"][len(spec.key) :]
            if not relative or relative.endswith("/"):
                continue  # folder markers hold no data
            planned.append(
                PlannedCopy(
                    spec.bucket, item["Key"], item["Size"], _inside(build_folder, target / relative)
                )
            )
    return planned


def fetch_all(
    specs: tuple[FetchSpec, ...],
    build_folder: Path,
    s3: Any,
    progress: FetchProgress | None = None,
) -> list[PlannedCopy]:
    progress = progress or _Silent()
    planned = plan_copies(specs, build_folder.resolve(), s3)
    progress.start(len(planned), sum(p.size for p in planned))
    for copy in planned:
        copy.destination.parent.mkdir(parents=True, exist_ok=True)
        partial = copy.destination.with_name(f".{copy.destination.name}.part")
        try:
            s3.download_file(copy.bucket, copy.key, str(partial))
        except (ClientError, BotoCoreError) as error:
            partial.unlink(missing_ok=True)
            raise _s3_error(
                f"fetch {copy.source}",
                error,
                f"the role needs s3:GetObject on arn:aws:s3:::{copy.bucket}/{copy.key}",
            ) from None
        # Renamed only when whole, so a failed fetch never leaves half a file under its name.
        partial.replace(copy.destination)
        progress.file_done(copy.source, copy.size)
    return planned
