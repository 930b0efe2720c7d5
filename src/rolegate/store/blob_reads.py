"""Reading blobs in bounded chunks: one range of one blob, or a range across an object's segments.

Each reader holds at most one open descriptor and closes it when exhausted, closed, failed or
dropped, so a GET abandoned half-way leaks nothing. What keeps a blob readable while a concurrent
PUT replaces its object is the store's trash (see `rolegate.store.blobs`), not the readers.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

CHUNK = 1 << 20  # the largest piece a read yields: bounds memory per GET


class SegmentRef(Protocol):
    """What a segmented read needs of a segment (`rolegate.model.Segment` has it)."""

    @property
    def blob_id(self) -> str: ...

    @property
    def size(self) -> int: ...


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


class RangeReader(Iterator[bytes]):
    """`length` bytes from `start` of an already open blob, in chunks of at most CHUNK bytes.

    Owns `fd`: closes it once the range is read, on close(), on a short blob (EOFError), or when
    dropped unread.
    """

    def __init__(self, fd: int, blob_id: str, start: int, length: int) -> None:
        self._fd = fd
        self._blob_id = blob_id
        self._offset = start
        self._end = start + length

    def __next__(self) -> bytes:
        if self._fd < 0:
            raise StopIteration
        if self._offset >= self._end:
            self.close()
            raise StopIteration
        try:
            chunk = os.pread(self._fd, min(CHUNK, self._end - self._offset), self._offset)
        except BaseException:
            self.close()
            raise
        if not chunk:
            self.close()
            raise EOFError(f"blob {self._blob_id} ends at {self._offset}, before {self._end}")
        self._offset += len(chunk)
        return chunk

    def close(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)

    def __del__(self) -> None:
        self.close()


class SegmentReader(Iterator[bytes]):
    """The chunks of a range across segments, each blob opened only when reached.

    A 10,000-part object costs one descriptor at a time; the open one is closed when the reader
    is exhausted, closed, fails, or is dropped.
    """

    def __init__(
        self,
        ranges: list[tuple[str, int, int]],
        read_range: Callable[[str, int, int], RangeReader],
    ) -> None:
        self._ranges = deque(ranges)
        self._read_range = read_range
        self._current: RangeReader | None = None

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
        self._ranges.clear()
        current, self._current = self._current, None
        if current is not None:
            current.close()

    def __del__(self) -> None:
        self.close()
