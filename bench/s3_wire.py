"""S3 wire layer speed: aws-chunked decoding in MB/s, and µs to route a request.

    .venv/bin/python bench/s3_wire.py           # about 10 s
    .venv/bin/python bench/s3_wire.py --quick   # a smoke run

Decoding: a 64 MiB STREAMING-UNSIGNED-PAYLOAD-TRAILER body (the framing botocore sends, built here
in the same format) fed to `AwsChunkedDecoder` in 64 KiB pieces, as an ASGI server receives it,
with the CRC32 or CRC64NVME trailer checked at the end. Two chunk sizes: 1 MiB (botocore's) and
64 KiB (the most framing per byte that clients send). For scale, each row also shows the same
pieces only checksummed, and only copied into fresh bytes (what a sink that keeps the data does at
least; a decode can beat it, as a piece wholly inside one chunk is handed back without a copy). A signed-chunk row (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, 64 KiB chunks) adds the
per-chunk SHA-256 and HMAC. Exit status 1 if a decode gives the wrong payload.

Routing: `parse_query` + `resolve` for a GetObject, path-style and virtual-hosted.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import statistics
import sys
import time
from collections.abc import Callable

from rolegate.aws.s3.checksums import ChecksumAlgorithm, Checksummer, header_name
from rolegate.aws.s3.chunk_signing import EMPTY_SHA256, ChunkSigning
from rolegate.aws.s3.chunked import AwsChunkedDecoder, StreamingMode
from rolegate.aws.s3.routing import parse_query, resolve
from timing import FULL, QUICK, Budget, measure

MIB = 1 << 20
PIECE = 64 * 1024
SIGNING = ChunkSigning(
    b"k" * 32, "0" * 64, "20261128T090000Z", "20261128/us-east-1/s3/aws4_request"
)


def unsigned_body(payload: bytes, chunk: int, algorithm: ChecksumAlgorithm) -> bytes:
    checksum = Checksummer(algorithm)
    checksum.update(payload)
    parts = []
    for start in range(0, len(payload), chunk):
        data = payload[start : start + chunk]
        parts += [f"{len(data):x}\r\n".encode(), data, b"\r\n"]
    trailer = f"0\r\n{header_name(algorithm)}:{checksum.b64digest()}\r\n\r\n"
    return b"".join([*parts, trailer.encode()])


def signed_body(payload: bytes, chunk: int) -> bytes:
    head = f"AWS4-HMAC-SHA256-PAYLOAD\n{SIGNING.amz_date}\n{SIGNING.scope}\n"
    previous = SIGNING.seed_signature
    parts = []
    for start in [*range(0, len(payload), chunk), len(payload)]:
        data = payload[start : start + chunk]
        text = f"{head}{previous}\n{EMPTY_SHA256}\n{hashlib.sha256(data).hexdigest()}"
        previous = hmac.new(SIGNING.signing_key, text.encode(), hashlib.sha256).hexdigest()
        parts += [f"{len(data):x};chunk-signature={previous}\r\n".encode(), data, b"\r\n"]
    return b"".join(parts)


def pieces_of(body: bytes) -> list[bytes]:
    return [body[i : i + PIECE] for i in range(0, len(body), PIECE)]


def best_and_median_mbs(run: Callable[[], object], size: int, repeats: int) -> tuple[float, float]:
    run()  # warm
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        rates.append(size / (time.perf_counter() - start) / 1e6)
    return max(rates), statistics.median(rates)


def decode_unsigned(pieces: list[bytes], algorithm: ChecksumAlgorithm, size: int) -> int:
    decoder = AwsChunkedDecoder(
        StreamingMode.UNSIGNED_TRAILER, size, expected_trailer=header_name(algorithm)
    )
    total = 0
    for piece in pieces:
        total += len(decoder.feed(piece))
    decoder.finish()
    return total


def decode_signed(pieces: list[bytes], size: int) -> int:
    decoder = AwsChunkedDecoder(StreamingMode.SIGNED, size, signing=SIGNING)
    total = 0
    for piece in pieces:
        total += len(decoder.feed(piece))
    decoder.finish()
    return total


def checksum_only(pieces: list[bytes], algorithm: ChecksumAlgorithm) -> None:
    checksum = Checksummer(algorithm)
    for piece in pieces:
        checksum.update(piece)
    checksum.digest()


def copy_only(pieces: list[bytes]) -> None:
    for piece in pieces:
        bytes(memoryview(piece)[1:])  # a fresh copy of (nearly) each piece


def bench_decoding(payload: bytes, repeats: int) -> bool:
    size = len(payload)
    correct = True
    print(
        f"aws-chunked decode, {size // MIB} MiB fed in {PIECE // 1024} KiB pieces (MB/s, best / median)"
    )
    for chunk in (MIB, PIECE):
        for algorithm in (ChecksumAlgorithm.CRC32, ChecksumAlgorithm.CRC64NVME):
            pieces = pieces_of(unsigned_body(payload, chunk, algorithm))
            correct &= decode_unsigned(pieces, algorithm, size) == size
            best, median = best_and_median_mbs(
                lambda p=pieces, a=algorithm: decode_unsigned(p, a, size), size, repeats
            )
            crc_best, _ = best_and_median_mbs(
                lambda p=pieces, a=algorithm: checksum_only(p, a), size, repeats
            )
            copy_best, _ = best_and_median_mbs(lambda p=pieces: copy_only(p), size, repeats)
            print(
                f"  unsigned trailer, {chunk // 1024:>4} KiB chunks, {algorithm.value:<9} "
                f"{best:7.0f} / {median:7.0f}   checksum alone {crc_best:6.0f}, "
                f"copy alone {copy_best:6.0f}"
            )
    pieces = pieces_of(signed_body(payload, PIECE))
    correct &= decode_signed(pieces, size) == size
    best, median = best_and_median_mbs(lambda: decode_signed(pieces, size), size, repeats)
    print(f"  signed chunks,      64 KiB chunks, SHA-256+HMAC {best:5.0f} / {median:7.0f}")
    return correct


def bench_routing(budget: Budget) -> None:
    bases = ("localhost:4566",)

    def path_style(reps: int) -> Callable[[], object]:
        def run() -> None:
            for _ in range(reps):
                resolve(
                    "GET",
                    b"/bucket/photos/2026/11/img-0001.jpg",
                    parse_query(b""),
                    "localhost:4566",
                    bases,
                )

        return run

    def virtual_hosted(reps: int) -> Callable[[], object]:
        def run() -> None:
            for _ in range(reps):
                resolve(
                    "GET",
                    b"/photos/2026/11/img%200001.jpg",
                    parse_query(b"versionId=3"),
                    "bucket.localhost:4566",
                    bases,
                )

        return run

    print("routing a GetObject (parse_query + resolve), µs: median / p90")
    for name, batch in (
        ("path-style", path_style),
        ("virtual-hosted, %20, ?versionId", virtual_hosted),
    ):
        found = measure(batch, 1, budget)
        print(f"  {name:<34} {found.median_us:6.2f} / {found.p90_us:6.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: small body, few samples")
    args = parser.parse_args(argv)
    payload = os.urandom((8 if args.quick else 64) * MIB)
    correct = bench_decoding(payload, repeats=2 if args.quick else 7)
    bench_routing(QUICK if args.quick else FULL)
    if not correct:
        print("a decode gave the wrong payload size", file=sys.stderr)
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main())
