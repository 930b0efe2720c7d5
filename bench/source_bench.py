"""A Parquet data source read through the customer's role, against the same file from local disk.

A real `rolegate server` holds a ~100 MB Parquet file (`s3_parquet.write_parquet`) in a customer's
bucket; the customer's role has the seed's trust policy and read policy, and the platform reads
as a session of its `qwak-eks-base*` role, from the standard AWS environment variables.
Each round reads the file once each way, the first side alternating from round to round:
- local disk: `pq.read_table(path, use_threads=False, pre_buffer=True)`;
- through the role: `ParquetSource(...).read(context=...)` with an `AssumeRoleConfiguration`
  (list the path, then a pyarrow dataset over `S3FileSystem` signed with the role's session).
Single-threaded means the same on both sides: pyarrow's CPU pool is cut to one thread for the
whole run (`ParquetSource.read` takes no `use_threads`, so its scan runs on that one thread; the
local read passes `use_threads=False`), and both pre-buffer through pyarrow's default I/O pool.
Then ten sources on the same role are registered and sampled with one credential cache, and the
AssumeRole calls are counted twice: by the cache and in the server's audit log.

    .venv/bin/python bench/source_bench.py [--megabytes 100] [--rounds 5] [--sources 10] [--json]

Exit status 1 when a read through the role differs from the local read, or a sample is short.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyarrow as pa  # noqa: E402
import pyarrow.csv as pacsv  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from tests.rolegate_server import RunningServer  # noqa: E402
from tests.server.seed_world import (  # noqa: E402
    Platform,
    seed_permission_policy,
    seed_trust_policy,
)

from rolegate.platform.registry import SourceRegistry  # noqa: E402
from rolegate.platform.roles import PlatformIdentity, RoleCredentialCache  # noqa: E402
from rolegate.platform.sources import (  # noqa: E402
    AssumeRoleConfiguration,
    CsvSource,
    DataSource,
    ParquetSource,
    SourceContext,
)
from s3_parquet import write_parquet  # noqa: E402

BUCKET = "bench-sources"
BIG_KEY = "orders/orders.parquet"
CUSTOMER_ROLE = "qwak-access-role"
PLATFORM_ROLE = "qwak-eks-base-bench"  # matches the seed's role/qwak-eks-base* pattern
BYTES_PER_ROW = 28  # what `write_parquet`'s columns take on disk, snappy-compressed
SAMPLE_ROWS = 10
TARGET_RATIO = 0.5


@dataclass(frozen=True)
class World:
    server: RunningServer
    role_arn: str
    identity: PlatformIdentity
    local_file: Path
    size: int
    rows: int


def prepare(server: RunningServer, scratch: Path, megabytes: float, sources: int) -> World:
    platform = Platform.create(server)
    node_role = platform.add_role(PLATFORM_ROLE)
    customer = server.new_account()
    s3 = server.client("s3", customer)
    s3.create_bucket(Bucket=BUCKET)
    rows = max(1_000, round(megabytes * 1_000_000 / BYTES_PER_ROW))
    local_file = scratch / "orders.parquet"
    size = write_parquet(local_file, rows)
    s3.upload_file(str(local_file), BUCKET, BIG_KEY)
    small = pa.table(
        {"id": pa.array(range(100), pa.int64()), "amount": [i / 4 for i in range(100)]}
    )
    for n in range(sources):
        body = io.BytesIO()
        if n % 2:
            pacsv.write_csv(small, body)
        else:
            pq.write_table(small, body)
        s3.put_object(Bucket=BUCKET, Key=small_key(n), Body=body.getvalue())
    iam = server.client("iam", customer)
    role_arn: str = iam.create_role(
        RoleName=CUSTOMER_ROLE, AssumeRolePolicyDocument=seed_trust_policy(platform.account)
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=CUSTOMER_ROLE, PolicyName="read", PolicyDocument=seed_permission_policy(BUCKET)
    )
    # The platform's own identity: a session of its node role, in the standard variables.
    os.environ.update(platform.session_of(node_role, "bench-node").environment())
    os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    identity = PlatformIdentity(endpoint_url=server.url)
    return World(server, role_arn, identity, local_file, size, rows)


def small_key(n: int) -> str:
    return f"small/source-{n:02}.{'csv' if n % 2 else 'parquet'}"


def read_local(world: World) -> pa.Table:
    return pq.read_table(world.local_file, use_threads=False, pre_buffer=True)


def timed(read: Callable[[], pa.Table]) -> tuple[float, pa.Table]:
    started = time.perf_counter()
    table = read()
    return time.perf_counter() - started, table


def paired_rounds(world: World, rounds: int) -> tuple[list[dict[str, float]], int]:
    """Seconds per side per round, and how many reads through the role differed from disk.

    The first read of each side warms the page cache, the connection and the credential cache
    (the one AssumeRole of the run); it is checked but not timed.
    """
    context = SourceContext(world.identity, RoleCredentialCache(world.identity))
    source = ParquetSource(
        name="orders", description="orders, ~100 MB", date_created_column="id",
        path=f"s3://{BUCKET}/{BIG_KEY}",
        filesystem_configuration=AssumeRoleConfiguration(world.role_arn),
    )  # fmt: skip
    sides: dict[str, Callable[[], pa.Table]] = {
        "local": lambda: read_local(world),
        "role": lambda: source.read(context=context),
    }
    differing = 0
    results: list[dict[str, float]] = []
    for round_number in range(rounds + 1):
        order = list(sides) if round_number % 2 == 0 else list(reversed(sides))
        seconds: dict[str, float] = {}
        tables: dict[str, pa.Table] = {}
        for name in order:
            seconds[name], tables[name] = timed(sides[name])
        differing += not tables["role"].equals(tables["local"])
        differing += tables["local"].num_rows != world.rows
        if round_number:
            results.append(seconds)
    return results, differing


def sample_sources(world: World, count: int, platform_dir: Path) -> dict[str, Any]:
    """Register `count` sources on the same role and sample each, sharing one credential cache."""
    cache = RoleCredentialCache(world.identity)
    context = SourceContext(world.identity, cache)
    access = AssumeRoleConfiguration(world.role_arn)
    audited_before = audited_assume_roles(world)
    short = 0
    started = time.perf_counter()
    with SourceRegistry.in_dir(platform_dir) as registry:
        for n in range(count):
            kind: type[DataSource] = CsvSource if n % 2 else ParquetSource
            source = kind(
                name=f"source_{n:02}", description="one of ten on the same role",
                date_created_column="id", path=f"s3://{BUCKET}/{small_key(n)}",
                filesystem_configuration=access,
            )  # fmt: skip
            registry.register(source, context=context)
            short += len(registry.get(source.name).sample(rows=SAMPLE_ROWS, context=context)) != (
                SAMPLE_ROWS
            )
    return {
        "sources": count,
        "seconds": round(time.perf_counter() - started, 3),
        "cache_assume_role_calls": cache.assume_calls,
        "server_assume_role_calls": audited_assume_roles(world) - audited_before,
        "short_samples": short,
    }


def audited_assume_roles(world: World) -> int:
    return sum(
        1
        for entry in world.server.audit_entries()
        if entry.get("operation") == "AssumeRole"
        and entry.get("resource") == world.role_arn
        and entry.get("status") == 200
    )


def summarise(world: World, rounds: list[dict[str, float]]) -> dict[str, Any]:
    megabytes = world.size / 1_000_000
    sides = {}
    for name in ("local", "role"):
        median = statistics.median(r[name] for r in rounds)
        sides[name] = {"median_seconds": round(median, 4), "mb_per_s": round(megabytes / median, 1)}
    # Throughput through the role over throughput from disk, per round: local s / role s.
    ratios = [r["local"] / r["role"] for r in rounds]
    return {"sides": sides, "ratio_median": round(statistics.median(ratios), 3), "ratios": ratios}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=100, help="size of the Parquet file")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (after one warm-up)")
    parser.add_argument("--sources", type=int, default=10, help="sources sampled on one role")
    parser.add_argument("--json", action="store_true", help="the results as JSON on stdout")
    args = parser.parse_args(argv)
    pa.set_cpu_count(1)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="source-bench-") as tmp:
        scratch = Path(tmp)
        server = RunningServer(scratch / "data").start()
        try:
            world = prepare(server, scratch, args.megabytes, args.sources)
            rounds, differing = paired_rounds(world, args.rounds)
            sampled = sample_sources(world, args.sources, scratch / "platform")
        finally:
            server.stop()
    report = {
        "file": {"bytes": world.size, "rows": world.rows},
        "rounds": [{k: round(v, 4) for k, v in r.items()} for r in rounds],
        **summarise(world, rounds),
        "reads_differing_from_local": differing,
        "ten_sources": sampled,
        "target_ratio": TARGET_RATIO,
        "cpus": os.cpu_count(),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
    }
    report["ratios"] = [round(r, 3) for r in report["ratios"]]
    failed = differing > 0 or sampled["short_samples"] > 0
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        show(report, args.rounds)
    return 1 if failed else 0


def show(report: dict[str, Any], rounds: int) -> None:
    console = Console()
    megabytes = report["file"]["bytes"] / 1_000_000
    table = Table(
        title=f"Parquet source, {megabytes:.1f} MB ({report['file']['rows']:,} rows), "
        f"median of {rounds} paired rounds, one CPU thread"
    )
    for column in ("read", "median s", "MB/s", "same rows as disk"):
        table.add_column(column, justify="left" if column == "read" else "right")
    same = "yes" if report["reads_differing_from_local"] == 0 else "[red]NO[/]"
    labels = {
        "local": "local disk, pq.read_table",
        "role": "through the role, ParquetSource.read",
    }
    for name, label in labels.items():
        side = report["sides"][name]
        table.add_row(
            label,
            f"{side['median_seconds']:.3f}",
            f"{side['mb_per_s']:.1f}",
            "—" if name == "local" else same,
        )
    console.print(table)
    ratio = report["ratio_median"]
    verdict = "[green]meets[/]" if ratio >= TARGET_RATIO else "[red]misses[/]"
    console.print(
        f"through the role / local disk: {ratio:.2f}x (median of per-round ratios "
        f"{', '.join(f'{r:.2f}' for r in report['ratios'])}; {verdict} the {TARGET_RATIO}x target)"
    )
    sampled = report["ten_sources"]
    calls = Table(title=f"{sampled['sources']} sources on one role, registered and sampled")
    for column in ("AssumeRole by the cache", "AssumeRole in the server's audit", "seconds"):
        calls.add_column(column, justify="right")
    calls.add_row(
        str(sampled["cache_assume_role_calls"]),
        str(sampled["server_assume_role_calls"]),
        f"{sampled['seconds']:.2f}",
    )
    console.print(calls)
    one = sampled["cache_assume_role_calls"] == sampled["server_assume_role_calls"] == 1
    console.print(
        ("[green]one[/]" if one else "[red]not one[/]") + " AssumeRole for the role (target: 1)"
    )
    console.print(
        f"{report['cpus']} CPUs, load average {report['load_average_before']:.2f} before and "
        f"{report['load_average_after']:.2f} after"
    )


if __name__ == "__main__":
    sys.exit(main())
