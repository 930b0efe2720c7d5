"""The audit log: one JSON line per request, appended to `audit.jsonl` in the data dir.

Lines are written whole with one `write` on a file opened for appending, so concurrent writers
never interleave within a line and a crash can at worst cut the last line short.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path

import msgspec

AUDIT_FILE = "audit.jsonl"
_ENCODER = msgspec.json.Encoder()


class AuditLog:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / AUDIT_FILE
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def append(self, entry: Mapping[str, object]) -> None:
        os.write(self._fd, _ENCODER.encode(entry) + b"\n")

    def close(self) -> None:
        os.close(self._fd)


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
