"""Batch execution throughput: files/s at 1 and 2 workers on CPU-bound per-file work.

A real `rolegate server` holds N small CSV files; a customer role may read them and write the
results. Each file's function burns CPU in pure Python (the GIL cannot share it), so files/s
should scale with worker processes; the target is >= 1.7x from 1 to 2 workers.
Worker start-up (spawn + imports) is paid before the clock starts: the pool is warmed first.

    .venv/bin/python bench/batch_bench.py [--files 16] [--work 2000000] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from tests.rolegate_server import RunningServer  # noqa: E402
from tests.server.seed_world import Platform, trust_account  # noqa: E402

from rolegate.platform.batch import (  # noqa: E402
    BatchExecution,
    BatchRegistry,
    ProcessPoolTaskExecutor,
    run_batch,
)
from rolegate.platform.roles import PlatformIdentity, RoleCredentialCache  # noqa: E402

BUCKET = "bench-batch"


def burn_cpu(frame: pd.DataFrame) -> pd.DataFrame:
    """Pure-Python arithmetic, sized by the `work` column every input carries."""
    total = 0
    for i in range(int(frame["work"].iloc[0])):
        total = (total + i * i) % 1_000_003
    return frame.assign(checksum=total)


def noop(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


def _burn(work: int) -> int:
    return int(burn_cpu(pd.DataFrame({"work": [work]}))["checksum"].iloc[0])


def machine_ceiling(files: int, work: int) -> float:
    """The same loops in a bare process pool, no S3 and no registry: what 2 workers can give
    on this machine right now (another busy process on a 2-core box shows up here)."""
    rates = []
    for workers in (1, 2):
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_burn, [1] * workers))
            started = time.perf_counter()
            list(pool.map(_burn, [work] * files))
            rates.append(files / (time.perf_counter() - started))
    return rates[1] / rates[0]


def policy() -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject"],
                    "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                }
            ],
        }
    )


def prepare(server: RunningServer, files: int, work: int) -> tuple[str, Platform]:
    platform = Platform.create(server)
    customer = server.new_account()
    s3 = server.client("s3", customer)
    s3.create_bucket(Bucket=BUCKET)
    for n in range(files):
        body = f"n,work\n{n},{work}\n".encode()
        s3.put_object(Bucket=BUCKET, Key=f"in/file-{n:03}.csv", Body=body)
    iam = server.client("iam", customer)
    role: str = iam.create_role(
        RoleName="bench-batch", AssumeRolePolicyDocument=trust_account(platform.account)
    )["Role"]["Arn"]
    iam.put_role_policy(RoleName="bench-batch", PolicyName="data", PolicyDocument=policy())
    return role, platform


def measure(
    identity: PlatformIdentity, role: str, workers: int, registry_dir: Path
) -> dict[str, Any]:
    cache = RoleCredentialCache(identity)
    base = BatchExecution(
        BUCKET, BUCKET, "in", f"out-{workers}", role, "batch_bench:noop", workers=workers
    )
    with (
        ProcessPoolTaskExecutor(workers, import_paths=[str(BENCH), str(ROOT)]) as pool,
        BatchRegistry(registry_dir) as registry,
    ):
        started = time.perf_counter()
        run_batch(
            base, identity, registry, executor=pool, cache=cache, execution_id=f"warm-{workers}"
        )
        warm_up = time.perf_counter() - started
        timed = base.with_changes(function="batch_bench:burn_cpu")
        started = time.perf_counter()
        run = run_batch(
            timed, identity, registry, executor=pool, cache=cache, execution_id=f"cpu-{workers}"
        )
        seconds = time.perf_counter() - started
    assert not run.failed(), run.failed()
    return {
        "workers": workers,
        "files": run.succeeded,
        "seconds": round(seconds, 3),
        "files_per_second": round(run.succeeded / seconds, 3),
        "warm_up_seconds": round(warm_up, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--work", type=int, default=2_000_000, help="loop iterations per file")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as scratch:
        server = RunningServer(Path(scratch) / "data").start()
        try:
            role, platform = prepare(server, args.files, args.work)
            os.environ.update(platform.operator.environment())
            os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
            os.environ.pop("AWS_PROFILE", None)
            identity = PlatformIdentity(endpoint_url=server.url)
            load_before = os.getloadavg()[0]
            results = [measure(identity, role, w, Path(scratch) / f"reg-{w}") for w in (1, 2)]
            ceiling = machine_ceiling(args.files, args.work)
        finally:
            server.stop()
    speedup = results[1]["files_per_second"] / results[0]["files_per_second"]
    if args.json:
        document = {
            "results": results,
            "speedup_1_to_2": round(speedup, 3),
            "bare_pool_speedup_1_to_2": round(ceiling, 3),
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
        }
        print(json.dumps(document, indent=2))
        return 0
    table = Table(title=f"batch execution, {args.files} files, {args.work:,} iterations each")
    for column in ("workers", "files", "seconds", "files/s", "pool warm-up s"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(
            str(r["workers"]),
            str(r["files"]),
            f"{r['seconds']:.2f}",
            f"{r['files_per_second']:.2f}",
            f"{r['warm_up_seconds']:.2f}",
        )
    console = Console()
    console.print(table)
    verdict = "[green]meets[/]" if speedup >= 1.7 else "[red]misses[/]"
    console.print(f"1 -> 2 workers: {speedup:.2f}x files/s ({verdict} the 1.7x target)")
    console.print(
        f"the same loops in a bare process pool: {ceiling:.2f}x "
        f"({os.cpu_count()} CPUs, load average {load_before:.2f} before the run)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
