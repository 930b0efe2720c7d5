"""Blob store write throughput: BlobWriter with and without MD5 against a plain file.

    .venv/bin/python bench/blob_store.py                 # 256 MiB in 1 MiB pieces, 3 rounds
    .venv/bin/python bench/blob_store.py --mib 64 --rounds 5 --dir /path/on/the/data/disk

Every variant writes the same bytes from the same buffer. The plain file is timed twice: without
an fsync (what a bare sink costs) and with one at the end (what durability costs). The BlobWriter
figures include its fsync, the rename and the directory fsync; MD5 alone is the ceiling for any
writer that computes an ETag. Best of the rounds is printed, so a
slow spell of a shared disk shows in the spread rather than the headline.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rolegate.store.blobs import BlobStore

PIECE = 1 << 20


def plain_file(directory: Path, piece: bytes, count: int, fsync: bool) -> None:
    path = directory / "plain.bin"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for _ in range(count):
            os.write(fd, piece)
        if fsync:
            os.fsync(fd)
    finally:
        os.close(fd)
    path.unlink()


def blob_writer(store: BlobStore, piece: bytes, count: int, md5: bool) -> None:
    with store.writer(md5=md5) as writer:
        for _ in range(count):
            writer.write(piece)
        ref = writer.commit()
    store.delete(ref.blob_id)


def md5_alone(piece: bytes, count: int) -> None:
    digest = hashlib.md5(usedforsecurity=False)
    for _ in range(count):
        digest.update(piece)


def best_seconds(run: Callable[[], None], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="default: a temp dir")
    args = parser.parse_args()
    piece = os.urandom(PIECE)
    count = args.mib
    with tempfile.TemporaryDirectory(dir=args.dir) as name:
        directory = Path(name)
        store = BlobStore(directory / "blobs")
        variants: dict[str, Callable[[], None]] = {
            "plain file, no fsync": lambda: plain_file(directory, piece, count, fsync=False),
            "plain file + fsync": lambda: plain_file(directory, piece, count, fsync=True),
            "BlobWriter, no MD5": lambda: blob_writer(store, piece, count, md5=False),
            "BlobWriter + MD5": lambda: blob_writer(store, piece, count, md5=True),
            "MD5 alone (no I/O)": lambda: md5_alone(piece, count),
        }
        print(f"{args.mib} MiB in {PIECE >> 10} KiB pieces, best of {args.rounds}")
        baseline = 0.0
        for label, run in variants.items():
            run()  # warm-up: page cache, directories
            seconds = best_seconds(run, args.rounds)
            rate = args.mib * PIECE / seconds / 1e6
            baseline = baseline or rate
            print(f"  {label:<22} {rate:8.0f} MB/s  {rate / baseline:5.2f}x")


if __name__ == "__main__":
    main()
