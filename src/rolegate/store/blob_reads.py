"""Reading blobs in bounded chunks, and pins that keep a blob being read from being deleted.

Why pins: a GET reads an object's segments one after another while a PUT may replace the object
and delete its old blobs. A blob already open is safe (POSIX keeps its bytes until closed); one
not yet opened would be gone, and the response cut short. While a reader pins a blob, `delete`
only marks it, and the last reader to let go removes it.
"""

from __future__ import annotations

import os
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, Protocol

CHUNK = 1 << 20  # the largest piece a read yields: bounds memory per GET


class SegmentRef(Protocol):
    """What a segmented read needs of a segment (`rolegate.model.Segment` has it)."""

    @property
    def blob_id(self) -> str: ...

    @property
    def size(self) -> int: ...


def chunks(handle: BinaryIO, blob_id: str, start: int, length: int) -> Iterator[bytes]:
    with handle:
        fd = handle.fileno()
        offset, end = start, start + length
        while offset < end:
            chunk = os.pread(fd, min(CHUNK, end - offset), offset)
            if not chunk:
                raise EOFError(f"blob {blob_id} ends at {offset}, before {end}")
            offset += len(chunk)
            yield chunk


def segment_ranges(
    segments: Iterable[SegmentRef], start: int, length: int | None
) -> list[tuple[str, int, int]]:
    """(blob_id, start within it, length) for the byte range of the concatenated segments."""
    parts = list(segments)
    total = sum(segment.size for segment in parts)
    end = total if length is None else min(total, start + length)
    ranges = []
    offset = 0
    for segment in parts:
        low, high = max(start, offset), min(end, offset + segment.size)
        if low < high:
            ranges.append((segment.blob_id, low - offset, high - low))
        offset += segment.size
    return ranges


class Pins:
    def __init__(self, unlink: Callable[[str], None]) -> None:
        self._unlink = unlink
        self._lock = threading.Lock()
        self._pins: Counter[str] = Counter()
        self._doomed: set[str] = set()

    def pin(self, blob_ids: Iterable[str]) -> None:
        with self._lock:
            self._pins.update(blob_ids)

    def unpin(self, blob_ids: Iterable[str]) -> None:
        released = []
        with self._lock:
            for blob_id in blob_ids:
                self._pins[blob_id] -= 1
                if self._pins[blob_id] <= 0:
                    del self._pins[blob_id]
                    if blob_id in self._doomed:
                        self._doomed.discard(blob_id)
                        released.append(blob_id)
        for blob_id in released:
            self._unlink(blob_id)

    def pinned(self, blob_id: str) -> bool:
        with self._lock:
            return blob_id in self._pins

    def delete(self, blob_id: str) -> None:
        """Unlinks now, or when the last reader unpins."""
        with self._lock:
            if blob_id in self._pins:
                self._doomed.add(blob_id)
                return
        self._unlink(blob_id)


class SegmentReader(Iterator[bytes]):
    """The chunks of a range across segments; holds pins on its blobs until exhausted or closed."""

    def __init__(
        self,
        ranges: list[tuple[str, int, int]],
        read_range: Callable[[str, int, int], Iterator[bytes]],
        pins: Pins,
    ) -> None:
        self._ranges = deque(ranges)
        self._read_range = read_range
        self._pins: Pins | None = pins
        self._pinned = [blob_id for blob_id, _, _ in ranges]
        self._current: Iterator[bytes] | None = None

    def __next__(self) -> bytes:
        try:
            while True:
                if self._current is None:
                    if not self._ranges:
                        raise StopIteration
                    self._current = self._read_range(*self._ranges.popleft())
                chunk = next(self._current, None)
                if chunk is not None:
                    return chunk
                self._current = None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        current, self._current = self._current, None
        if current is not None and hasattr(current, "close"):
            current.close()
        pins, self._pins = self._pins, None
        if pins is not None:
            pins.unpin(self._pinned)

    def __del__(self) -> None:
        # A GET abandoned half-way still lets go of its pins.
        self.close()
