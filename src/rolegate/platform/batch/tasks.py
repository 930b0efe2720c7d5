"""One file of a batch execution: read it, apply the user's function, write the result.

A task is a plain picklable value, so any executor (a local process pool today, a distributed
engine later) can ship it; the worker builds its own clients from the credentials it carries.
"""

from __future__ import annotations

import importlib
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from types import FrameType

import pandas as pd  # type: ignore[import-untyped]  # no stubs installed

from rolegate.platform.batch.config import FileType
from rolegate.platform.batch.storage import encode_frame, read_frame, s3_filesystem, write_bytes
from rolegate.platform.errors import PlatformError
from rolegate.platform.roles import TemporaryCredentials

FrameFunction = Callable[[pd.DataFrame], pd.DataFrame]


class FileState(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class FileTask:
    source_bucket: str
    source_key: str
    destination_bucket: str
    destination_key: str
    input_file_type: FileType
    output_file_type: FileType
    function: str
    credentials: TemporaryCredentials
    endpoint_url: str | None
    region: str
    retries: int
    file_timeout: float


@dataclass(frozen=True, slots=True)
class FileOutcome:
    source_key: str
    destination_key: str
    state: FileState
    attempts: int
    rows_in: int = 0
    rows_out: int = 0
    seconds: float = 0.0
    error: str = ""


class FileTimeout(Exception):
    pass


class _StepFailed(Exception):
    """One step of one attempt failed; `final` means another attempt cannot help."""

    def __init__(self, text: str, final: bool) -> None:
        super().__init__(text)
        self.final = final


@cache
def resolve_function(spec: str) -> FrameFunction:
    module_name, _, name = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise PlatformError(
            f"import {spec}",
            f"{type(error).__name__}: {error}",
            "make the module importable in the workers: run from its folder or add it to "
            "PYTHONPATH",
        ) from None
    found = getattr(module, name, None)
    if not callable(found):
        raise PlatformError(f"import {spec}", f"{module_name} has no function {name!r}")
    function: FrameFunction = found
    return function


def run_file_task(task: FileTask) -> FileOutcome:
    """Every attempt at one file; never raises, so one file cannot take the others down."""
    started = time.monotonic()
    error = ""
    for attempt in range(1, task.retries + 2):
        try:
            with _time_limit(task.file_timeout):
                rows_in, rows_out = _attempt(task)
        except _StepFailed as failure:
            error = str(failure)
            if failure.final:
                break
            time.sleep(min(0.2 * 2 ** (attempt - 1), 5.0))
            continue
        return FileOutcome(
            task.source_key,
            task.destination_key,
            FileState.SUCCEEDED,
            attempt,
            rows_in,
            rows_out,
            time.monotonic() - started,
        )
    return FileOutcome(
        task.source_key,
        task.destination_key,
        FileState.FAILED,
        attempt,
        seconds=time.monotonic() - started,
        error=error,
    )


def _attempt(task: FileTask) -> tuple[int, int]:
    fs = s3_filesystem(task.credentials, task.endpoint_url, task.region)
    source = f"{task.source_bucket}/{task.source_key}"
    destination = f"{task.destination_bucket}/{task.destination_key}"
    try:
        frame = read_frame(fs, source, task.input_file_type)
    except FileTimeout:
        raise _StepFailed(f"read s3://{source}: timed out", final=False) from None
    except Exception as error:
        raise _s3_failure(f"read s3://{source}", error, "s3:GetObject", source) from None
    try:
        function = resolve_function(task.function)
        result = function(frame)
    except FileTimeout:
        raise _StepFailed(f"{task.function}: timed out", final=False) from None
    except PlatformError as error:
        raise _StepFailed(str(error), final=True) from None
    except Exception as error:
        raise _StepFailed(f"{task.function} raised {_last_frames(error)}", final=False) from None
    if not isinstance(result, pd.DataFrame):
        raise _StepFailed(
            f"{task.function} returned {type(result).__name__}, not a pandas DataFrame", final=True
        )
    try:
        data = encode_frame(result, task.output_file_type)
    except Exception as error:
        raise _StepFailed(
            f"encode the result as {task.output_file_type}: {type(error).__name__}: {error}",
            final=True,
        ) from None
    try:
        write_bytes(fs, destination, data)
    except FileTimeout:
        raise _StepFailed(f"write s3://{destination}: timed out", final=False) from None
    except Exception as error:
        raise _s3_failure(f"write s3://{destination}", error, "s3:PutObject", destination) from None
    return len(frame), len(result)


def _s3_failure(step: str, error: Exception, action: str, path: str) -> _StepFailed:
    text = str(error)
    if "ACCESS_DENIED" in text or "AccessDenied" in text:
        # A permission does not appear between attempts: say what to grant and stop.
        return _StepFailed(
            f"{step}: access denied; the role needs {action} on arn:aws:s3:::{path} ({text})",
            final=True,
        )
    if "NO_SUCH_KEY" in text or "NoSuchKey" in text or isinstance(error, FileNotFoundError):
        return _StepFailed(f"{step}: the object is gone ({text})", final=True)
    return _StepFailed(f"{step}: {type(error).__name__}: {text}", final=False)


def _last_frames(error: BaseException) -> str:
    """The exception and where in the user's code it came from, without the platform's frames."""
    frames = traceback.extract_tb(error.__traceback__)[-2:]
    where = "; ".join(f"{f.filename}:{f.lineno} in {f.name}" for f in frames)
    return f"{type(error).__name__}: {error} (at {where})"


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    # SIGALRM can interrupt only the main thread; worker processes run tasks there, and an
    # in-thread executor simply goes without a limit.
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise FileTimeout(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
