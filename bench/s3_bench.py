"""S3 on rolegate beside moto, nginx and a bare ASGI app (the upload sink), in one run.

    .venv/bin/python bench/s3_bench.py                # ~2 minutes; tables, JSON in .bench/s3.json
    .venv/bin/python bench/s3_bench.py --quick        # under 30 s: small objects, short runs (smoke)
    .venv/bin/python bench/s3_bench.py --json         # the JSON on stdout instead of the tables
    .venv/bin/python bench/s3_bench.py --peers none   # rolegate alone (CI: no nginx there)
    .venv/bin/python bench/s3_bench.py --peers moto,sink --client python

What is measured (every server a real process on 127.0.0.1, requests signed up front):
1. 1 KiB GetObject requests/s at concurrency 1 and 8 (wrk when installed, else http_load.py),
   and the server's CPU time per request (from /proc);
2. one large GET (256 MiB) in MB/s, read over a plain socket and thrown away;
3. PUT MB/s of 64 and 256 MiB objects signed with UNSIGNED-PAYLOAD, sent from memory, and a
   default boto3 `put_object` of 64 MiB for reference (it hashes the body twice itself);
4. a ~111 MB Parquet file read by pyarrow through `S3FileSystem` against local disk, paired per
   round, the median ratio reported;
5. a 1 KiB range GET of the large object against a 1 KiB GET of the small one (O(range)?).
Exit status 1 when a server gives a wrong status somewhere (the figures would mean nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

import s3_parquet
import s3_transfer
from http_load import run_load
from s3_load import LoadClient, find_wrk, with_http_load
from s3_peers import (
    Peer,
    cpu_seconds,
    find_nginx,
    start_moto,
    start_nginx,
    start_rolegate,
    start_sink,
)
from s3_report import print_report, targets

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / ".bench" / "s3.json"
MIB = 1 << 20
SMALL = 1024
OPTIONAL_PEERS = ("moto", "nginx", "sink")


@dataclass(frozen=True, slots=True)
class Plan:
    small_seconds: float  # per requests/s measurement
    big_size: int
    get_rounds: int
    put_sizes: tuple[int, ...]
    put_rounds: tuple[int, ...]  # per size
    boto3_size: int
    boto3_rounds: int
    parquet_rows: int
    parquet_rounds: int
    range_pairs: int
    range_seconds: float


FULL = Plan(3.0, 256 * MIB, 5, (64 * MIB, 256 * MIB), (3, 2), 64 * MIB, 2, 4_000_000, 5, 4, 0.5)
QUICK = Plan(0.5, 16 * MIB, 2, (16 * MIB,), (2,), 16 * MIB, 1, 200_000, 3, 1, 0.3)


def label(size: int) -> str:
    return f"{size // MIB} MiB" if size >= MIB else f"{size // 1024} KiB"


class Run:
    """The servers of one run and what they answered; wrong statuses are collected in `errors`."""

    def __init__(self, plan: Plan, peers: dict[str, Peer], load: LoadClient) -> None:
        self.plan = plan
        self.peers = peers
        self.load = load
        self.errors: list[str] = []

    def _check(self, what: str, peer: Peer, status: int, expected: int) -> None:
        if status != expected:
            self.errors.append(f"{peer.name} {what}: status {status}, expected {expected}")

    def serving(self, kind: str, *names: str) -> list[Peer]:
        wanted = names or tuple(self.peers)
        return [
            self.peers[name]
            for name in wanted
            if name in self.peers
            and (self.peers[name].serves_get if kind == "get" else self.peers[name].serves_put)
        ]

    def upload(self, key: str, body: bytes) -> None:
        """Set-up PUTs (not timed) on every server that stores objects."""
        for peer in self.serving("put", "rolegate", "moto"):
            done = s3_transfer.put(peer.port, peer.put(key).head(len(body)), body)
            self._check(f"PUT {key}", peer, done.status, 200)

    def puts(self, payload: bytes) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for size, rounds in zip(self.plan.put_sizes, self.plan.put_rounds, strict=True):
            body = memoryview(payload)[:size]
            runs: dict[str, list[float]] = {peer.name: [] for peer in self.serving("put")}
            for index in range(rounds):  # interleaved: a slow spell lands on every server
                for peer in self.serving("put"):
                    head = peer.put(f"put/{size}-{index}").head(size)
                    done = s3_transfer.put(peer.port, head, body)
                    self._check(f"PUT {label(size)}", peer, done.status, 200)
                    runs[peer.name].append(done.mb_per_s)
            found[label(size)] = {name: _summary(values) for name, values in runs.items()}
        return found

    def boto3_puts(self, payload: bytes) -> dict[str, Any]:
        body = payload[: self.plan.boto3_size]
        runs: dict[str, list[float]] = {peer.name: [] for peer in self.serving("put")}
        for index in range(self.plan.boto3_rounds):
            for peer in self.serving("put"):
                client = peer.boto3()
                start = time.perf_counter()
                client.put_object(Bucket=peer.bucket, Key=f"boto3/{index}", Body=body)
                runs[peer.name].append(len(body) / (time.perf_counter() - start) / 1e6)
        return {name: _summary(values) for name, values in runs.items()}

    def small_gets(self) -> dict[str, Any]:
        peers = self.serving("get")
        requests = {peer.name: peer.get("small.bin") for peer in peers}
        for peer in peers:  # warm: connections, caches, the first policy evaluation
            with_http_load(peer.port, requests[peer.name], 2, 0.2, 200)
        found: dict[str, Any] = {peer.name: {} for peer in peers}
        for concurrency in (1, 8):
            for peer in peers:
                before = cpu_seconds(peer.pid) if peer.pid else None
                rate = self.load.rate(
                    peer.port, requests[peer.name], concurrency, self.plan.small_seconds
                )
                after = cpu_seconds(peer.pid) if peer.pid else None
                if rate.bad:
                    self.errors.append(f"{peer.name} 1 KiB GET @{concurrency}: {rate.bad} bad")
                found[peer.name][str(concurrency)] = rate.as_json()
                if before is not None and after is not None and rate.requests:
                    # Clock ticks (10 ms) over thousands of requests: good to a few percent.
                    cpu_us = (after - before) / rate.requests * 1e6
                    found[peer.name][str(concurrency)]["server_cpu_us"] = round(cpu_us, 1)
        return found

    def large_gets(self) -> dict[str, Any]:
        peers = self.serving("get")
        requests = {peer.name: peer.get("big.bin").head() for peer in peers}
        buffer = bytearray(s3_transfer.BUFFER)
        runs: dict[str, list[float]] = {peer.name: [] for peer in peers}
        for _ in range(self.plan.get_rounds):
            for peer in peers:
                done = s3_transfer.get(peer.port, requests[peer.name], buffer)
                self._check("large GET", peer, done.status, 200)
                if done.size != self.plan.big_size:
                    self.errors.append(f"{peer.name} large GET: {done.size} bytes")
                runs[peer.name].append(done.mb_per_s)
        return {name: _summary(values) for name, values in runs.items()}

    def ranges(self) -> dict[str, Any]:
        """Alternating slices of the two requests at concurrency 1, with http_load (exact
        statuses: 200 for the small object, 206 for the range)."""
        found: dict[str, Any] = {}
        middle = self.plan.big_size // 2
        for peer in self.serving("get"):
            cases = {
                "small": (peer.get("small.bin").head(), 200),
                "range": (peer.get("big.bin", f"bytes={middle}-{middle + SMALL - 1}").head(), 206),
            }
            good = dict.fromkeys(cases, 0)
            seconds = dict.fromkeys(cases, 0.0)
            for _ in range(self.plan.range_pairs):
                for name, (request, status) in cases.items():
                    done = run_load("127.0.0.1", peer.port, [request], 1, self.plan.range_seconds)
                    good[name] += done.statuses.get(status, 0)
                    seconds[name] += done.seconds
                    if done.requests != done.statuses.get(status, 0):
                        self.errors.append(f"{peer.name} {name} GET: {done.statuses}")
            rates = {name: good[name] / seconds[name] for name in cases}
            found[peer.name] = {
                "small_per_s": round(rates["small"], 1),
                "range_per_s": round(rates["range"], 1),
                "ratio": round(rates["range"] / rates["small"], 3) if rates["small"] else None,
            }
        return found

    def parquet(self, local: Path, rows: int, size: int) -> dict[str, Any]:
        sources = [s3_parquet.Source("disk", str(local))]
        for peer in self.serving("get", "rolegate", "moto"):
            creds = peer.reader
            assert creds is not None
            filesystem = s3_parquet.s3_filesystem(
                peer.port, creds.access_key_id, creds.secret_access_key, creds.session_token
            )
            sources.append(s3_parquet.Source(peer.name, f"{peer.bucket}/table.parquet", filesystem))
        rounds = s3_parquet.paired_rounds(sources, rows, self.plan.parquet_rounds)
        found: dict[str, Any] = {"rows": rows, "bytes": size, "rounds": rounds, "servers": {}}
        for source in sources[1:]:
            ratios = [r["disk"] / r[source.name] for r in rounds]
            seconds = statistics.median(r[source.name] for r in rounds)
            found["servers"][source.name] = {
                "median_s": round(seconds, 4),
                "mb_per_s": round(size / seconds / 1e6, 1),
                "ratio_median": round(statistics.median(ratios), 3),
                "ratios": [round(r, 3) for r in ratios],
            }
        disk = statistics.median(r["disk"] for r in rounds)
        found["disk"] = {"median_s": round(disk, 4), "mb_per_s": round(size / disk / 1e6, 1)}
        return found


def _summary(values: list[float]) -> dict[str, Any]:
    return {
        "mb_per_s": round(statistics.median(values), 1),
        "best": round(max(values), 1),
        "runs": [round(v, 1) for v in values],
    }


def _git_state() -> str:
    """The commit measured, and whether src/ had uncommitted changes (others edit it too)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' + uncommitted changes in src/' if dirty else ''}"


def _payload(size: int) -> bytes:
    # Random bytes (nothing on the way compresses, but no server may shortcut zeros either);
    # a 16 MiB block repeated is as good for every server here and 16x cheaper to make.
    block = os.urandom(min(size, 16 * MIB))
    return (block * (size // len(block) + 1))[:size]


def _start_peers(
    wanted: set[str], tmp: Path, files: dict[str, Path], workers: int
) -> tuple[dict[str, Peer], dict[str, str]]:
    peers: dict[str, Peer] = {}
    status: dict[str, str] = {}
    starters: dict[str, Callable[[], Peer]] = {
        "rolegate": lambda: start_rolegate(tmp, workers),
        "moto": start_moto,  # one process by design: its state lives in that process's memory
        "sink": lambda: start_sink(tmp, files, workers),
    }
    nginx = find_nginx()
    if nginx is not None:
        starters["nginx"] = lambda: start_nginx(nginx, tmp, files, workers)
    try:
        for name in ("rolegate", *OPTIONAL_PEERS):
            if name != "rolegate" and name not in wanted:
                status[name] = "skipped"
            elif name not in starters:
                status[name] = "not installed"
            else:
                try:
                    peers[name] = starters[name]()
                    status[name] = "ok"
                except Exception as error:
                    if name == "rolegate":
                        raise
                    status[name] = f"failed to start: {error}"
    except BaseException:
        _stop(peers)
        raise
    return peers, status


def _stop(peers: dict[str, Peer]) -> None:
    for peer in peers.values():
        try:
            peer.stop()
        except Exception as error:  # pragma: no cover - keep stopping the others
            print(f"stopping {peer.name}: {error}", file=sys.stderr)


def run(
    plan: Plan, wanted: set[str], quick: bool, load: LoadClient, workers: int = 1
) -> tuple[dict[str, Any], list[str]]:
    started = time.perf_counter()
    results: dict[str, Any] = {
        "quick": quick,
        "plan": asdict(plan),
        "cpus": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "load_client": load.name,
        "workers": workers,
        "git": _git_state(),
    }
    with tempfile.TemporaryDirectory(prefix="s3-bench-") as name:
        tmp = Path(name)
        (tmp / "files").mkdir()
        payload = _payload(plan.big_size)
        files = {"small.bin": tmp / "files" / "small.bin", "big.bin": tmp / "files" / "big.bin"}
        small = payload[:SMALL]
        files["small.bin"].write_bytes(small)
        files["big.bin"].write_bytes(payload)
        table = tmp / "files" / "table.parquet"
        table_size = s3_parquet.write_parquet(table, plan.parquet_rows)
        peers, results["servers"] = _start_peers(wanted, tmp, files, workers)
        results["versions"] = {name: peer.version for name, peer in peers.items()}
        if load.wrk:
            results["versions"]["wrk"] = load.version()
        bench = Run(plan, peers, load)
        try:
            bench.upload("small.bin", small)
            bench.upload("big.bin", payload)
            bench.upload("table.parquet", table.read_bytes())
            results["put"] = bench.puts(payload)
            results["boto3_put_object"] = {"size": plan.boto3_size, **bench.boto3_puts(payload)}
            results["small_get"] = bench.small_gets()
            results["large_get"] = {"size": plan.big_size, **bench.large_gets()}
            results["range"] = bench.ranges()
            results["parquet"] = bench.parquet(table, plan.parquet_rows, table_size)
        finally:
            _stop(peers)
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["errors"] = bench.errors
    results["targets"] = targets(results)
    return results, bench.errors


def _peers_arg(text: str) -> set[str]:
    if text == "all":
        return set(OPTIONAL_PEERS)
    if text == "none":
        return set()
    names = {part.strip() for part in text.split(",") if part.strip()}
    unknown = names - set(OPTIONAL_PEERS)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown peers: {', '.join(sorted(unknown))}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small objects, short runs")
    parser.add_argument("--json", action="store_true", help="print the JSON, not the tables")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--peers",
        type=_peers_arg,
        default=set(OPTIONAL_PEERS),
        help="all (default), none, or a comma list of moto,nginx,sink",
    )
    parser.add_argument(
        "--client",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator for requests/s: wrk (auto: when installed) or http_load.py",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes for rolegate, nginx and the sink alike (default: one per CPU)",
    )
    args = parser.parse_args(argv)
    wrk = find_wrk() if args.client != "python" else None
    if args.client == "wrk" and wrk is None:
        parser.error("wrk is not installed")
    plan = QUICK if args.quick else FULL
    results, errors = run(plan, args.peers, args.quick, LoadClient(wrk), args.workers)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_report(results, Console())
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
