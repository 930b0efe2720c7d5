"""Copy the S3 files and prefixes a build lists into its folder, through the role."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
)

from rolegate.platform.builds.config import FetchSpec
from rolegate.platform.errors import PlatformError
from rolegate.platform.object_keys import unsafe_segments


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
    # resolve() follows symlinks already in the folder, so a link cannot carry a file outside.
    resolved = path.resolve()
    if resolved == folder or not resolved.is_relative_to(folder):
        raise PlatformError(
            "plan fetch", f"{path} would be written outside the build folder {folder}"
        )
    return resolved


def _relative(source: str, relative: str) -> str:
    problem = unsafe_segments(relative)
    if problem is not None:
        # The whole fetch stops (rather than skipping the key) so a build never runs on part of
        # its data without anyone noticing.
        raise PlatformError(
            "plan fetch",
            f"{source} cannot be written as a file: {problem}",
            "rename or remove that object; each part of a key below the fetched prefix must be "
            "a plain name (no '', '.', '..', control characters)",
        )
    return relative


def _refuse_clashes(planned: list[PlannedCopy]) -> None:
    """Keys `a` and `a/b` are an object and a folder of the same name: no file system holds both."""
    files = {copy.destination: copy for copy in planned}
    for copy in planned:
        for parent in copy.destination.parents:
            other = files.get(parent)
            if other is not None:
                raise PlatformError(
                    "plan fetch",
                    f"{other.source} and {copy.source} need {parent} as a file and as a folder",
                    "fetch them to different targets, or rename one",
                )


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
                target = target / _relative(spec.source, PurePosixPath(spec.key).name)
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
            source = f"s3://{spec.bucket}/{item['Key']}"
            destination = target / _relative(source, relative)
            planned.append(
                PlannedCopy(
                    spec.bucket, item["Key"], item["Size"], _inside(build_folder, destination)
                )
            )
    _refuse_clashes(planned)
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
        partial = copy.destination.with_name(f".{copy.destination.name}.part")
        try:
            copy.destination.parent.mkdir(parents=True, exist_ok=True)
            # Again now the folders exist: a link made since planning must not lead outside.
            _inside(build_folder.resolve(), partial)
            s3.download_file(copy.bucket, copy.key, str(partial))
            # Renamed only when whole, so a failed fetch never leaves half a file under its name.
            partial.replace(copy.destination)
        except (ClientError, BotoCoreError) as error:
            partial.unlink(missing_ok=True)
            raise _s3_error(
                f"fetch {copy.source}",
                error,
                f"the role needs s3:GetObject on arn:aws:s3:::{copy.bucket}/{copy.key}",
            ) from None
        except OSError as error:
            # A file where a folder must go (or the reverse) left by an earlier build, a full
            # disk, a read-only folder: the platform's step failed, not a crash.
            with suppress(OSError):
                partial.unlink(missing_ok=True)
            raise PlatformError(
                f"fetch {copy.source}",
                f"cannot write {copy.destination}: {error.strerror or error}",
                "clear the build folder of what is in the way, or fetch to another target",
            ) from None
        progress.file_done(copy.source, copy.size)
    return planned
