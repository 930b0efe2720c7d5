"""Writes a blob of MIB mebibytes through BlobWriter and reads it back through read_range.

    python tests/store/memory_probe.py ROOT MIB

Prints JSON: peak RSS before and after (KiB, from getrusage), size and MD5 as written and as read.
Run in its own process so that the peak belongs to this work alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
from pathlib import Path

from rolegate.store.blobs import BlobStore

PIECE = 1 << 20


def peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def main() -> None:
    store, mib = BlobStore(Path(sys.argv[1])), int(sys.argv[2])
    piece = bytearray(os.urandom(PIECE))
    # Warm up first (pool threads started, code paths run) so the baseline includes them.
    with store.writer() as writer:
        writer.write(piece)
        store.delete(writer.commit().blob_id)
    before = peak_kib()

    with store.writer() as writer:
        for number in range(mib):
            piece[:8] = number.to_bytes(8, "little")  # no two pieces alike
            writer.write(piece)
        ref = writer.commit()
    read_md5, read_size = hashlib.md5(usedforsecurity=False), 0
    for chunk in store.read_range(ref.blob_id, 0, ref.size):
        read_md5.update(chunk)
        read_size += len(chunk)

    report = {
        "before_kib": before,
        "after_kib": peak_kib(),
        "written": [ref.size, ref.md5_hex],
        "read": [read_size, read_md5.hexdigest()],
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
