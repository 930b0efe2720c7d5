"""The audit log: one JSON line per request, appended to `audit.jsonl` in the data dir.

A line is whole or absent. Each is written with one `write` on a file opened for appending,
under an exclusive `flock` shared by every worker process; a write that fails part-way (a full
disk, a file size limit) is cut back to where it started before the lock is released, so no
fragment is left for the next line to run into. A fragment from a crash mid-write is cut off
when the log is next opened. The lock costs two system calls a request (~2 µs).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path

import msgspec

AUDIT_FILE = "audit.jsonl"
_ENCODER = msgspec.json.Encoder()
# How far back from the end to look for the last whole line when a crash left a fragment.
_TAIL_WINDOW = 1 << 20
log = logging.getLogger("rolegate.store")


class AuditUnavailable(Exception):
    """The line could not be written (and nothing of it was kept)."""


class AuditLog:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / AUDIT_FILE
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        with _locked(self._fd):
            _cut_fragment(self._fd)

    def append(self, entry: Mapping[str, object]) -> None:
        line = _ENCODER.encode(entry) + b"\n"
        with _locked(self._fd):
            try:
                written = os.write(self._fd, line)
            except OSError as error:
                # A write(2) that fails has written nothing: there is no fragment to cut.
                raise AuditUnavailable(str(error)) from error
            if written != len(line):
                # Under the lock the fragment is the file's last `written` bytes (found only
                # here, so the usual append costs no seek).
                _truncate(self._fd, os.fstat(self._fd).st_size - written)
                raise AuditUnavailable(f"short write: {written} of {len(line)} bytes")

    def close(self) -> None:
        os.close(self._fd)


class _locked:
    """`flock(LOCK_EX)` for the length of a `with`: a class, not a generator context manager,
    because it runs on every request."""

    __slots__ = ("_fd",)

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def __enter__(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)


def _truncate(fd: int, size: int) -> None:
    try:
        os.ftruncate(fd, size)
    except OSError:  # not a regular file (a device): there is nothing kept to cut
        log.warning("audit log: could not cut a failed write back to %d bytes", size)


def _cut_fragment(fd: int) -> None:
    """Remove a last line without its newline (a crash mid-write), so the next line starts
    clean and a reader loses only what was never whole."""
    size = os.fstat(fd).st_size
    if size == 0:
        return
    start = max(0, size - _TAIL_WINDOW)
    tail = os.pread(fd, size - start, start)
    if tail.endswith(b"\n"):
        return
    newline = tail.rfind(b"\n")
    if newline >= 0 or start == 0:
        _truncate(fd, start + newline + 1)
    else:  # a "line" longer than the window: keep it, but end it
        os.write(fd, b"\n")


def read_tail(data_dir: Path, count: int) -> list[dict[str, object]]:
    """The last `count` entries; a line cut short by a crash is skipped."""
    path = data_dir / AUDIT_FILE
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        last = deque(lines, maxlen=count)
    return [entry for entry in _decode(last) if entry is not None]


def _decode(lines: deque[str]) -> Iterator[dict[str, object] | None]:
    for line in lines:
        try:
            value = json.loads(line)
        except ValueError:
            yield None
            continue
        yield value if isinstance(value, dict) else None
