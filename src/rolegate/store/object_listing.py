"""ListObjects over any ordered key scan: prefix, delimiter roll-up, start_after, max_keys.

Why a scan with jumps: the keys that roll up to one common prefix are exactly the keys starting
with it, a contiguous range; once it is seen, the scan restarts at the end of that range instead
of reading every key under it. A bucket with 100k keys under `a/` lists `/` in two seeks.
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import closing
from typing import Protocol

from rolegate.model import StoredObject
from rolegate.store.key_ranges import common_prefix, prefix_end
from rolegate.store.objects import ListPage


class KeyScanner(Protocol):
    def scan(
        self, low: str, inclusive: bool, high: str | None
    ) -> Generator[tuple[str, bytes], None, None]:
        """(key, body) in key order from `low` up to, not including, `high` (None: no end)."""
        ...

    def decode(self, body: bytes) -> StoredObject: ...


def list_keys(
    scanner: KeyScanner, prefix: str, delimiter: str, start_after: str, max_keys: int
) -> ListPage:
    if max_keys <= 0:
        # S3 answers max-keys=0 with an empty page that is not truncated.
        return ListPage([], [], False, None)
    start = _first_bound(prefix, delimiter, start_after)
    if start is None:
        return ListPage([], [], False, None)
    low, inclusive = start
    high = prefix_end(prefix)
    objects: list[StoredObject] = []
    prefixes: list[str] = []
    last: str | None = None
    while True:
        rolled_up: str | None = None
        with closing(scanner.scan(low, inclusive, high)) as rows:
            for key, body in rows:
                if len(objects) + len(prefixes) == max_keys:
                    # Every row left is a new entry: common prefixes already seen were jumped.
                    return ListPage(objects, prefixes, True, last)
                rolled_up = common_prefix(key, prefix, delimiter)
                if rolled_up is not None:
                    prefixes.append(rolled_up)
                    last = rolled_up
                    break
                objects.append(scanner.decode(body))
                last = key
        if rolled_up is None:
            return ListPage(objects, prefixes, False, last)
        jump = prefix_end(rolled_up)
        if jump is None or (high is not None and jump >= high):
            return ListPage(objects, prefixes, False, last)
        low, inclusive = jump, True


def _first_bound(prefix: str, delimiter: str, start_after: str) -> tuple[str, bool] | None:
    """Where the scan starts (inclusive or not), None when nothing can follow `start_after`.

    Only entries sorting after `start_after` are listed. When `start_after` lies under a common
    prefix, that prefix sorts at or before it, so every key rolling up to it is skipped: paging
    with the common prefix a page ended on continues after it instead of repeating it.
    """
    if not start_after or start_after < prefix:
        return prefix, True
    if start_after.startswith(prefix):
        rolled_up = common_prefix(start_after, prefix, delimiter)
        if rolled_up is not None:
            end = prefix_end(rolled_up)
            return None if end is None else (end, True)
    return start_after, False
