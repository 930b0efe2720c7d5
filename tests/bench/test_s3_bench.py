"""The S3 bench keeps working: its quick run against rolegate alone succeeds and measures something.

No timing is asserted (timings belong in the benchmark's report). moto, nginx and the bare ASGI
app are left out (`--peers none`): CI has no nginx, and rolegate is what this guards. The bench's
own exit status already fails on any wrong HTTP status (a 403 instead of a 200, say).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "s3_bench.py"


def test_quick_s3_bench_measures_rolegate(tmp_path: Path) -> None:
    out = tmp_path / "s3.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--json", "--peers", "none",
         "--client", "python", "--out", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert json.loads(done.stdout) == report
    assert report["errors"] == []
    assert report["servers"] == {
        "rolegate": "ok",
        "moto": "skipped",
        "nginx": "skipped",
        "sink": "skipped",
    }
    for concurrency in ("1", "8"):
        assert report["small_get"]["rolegate"][concurrency]["per_second"] > 0
    assert report["large_get"]["rolegate"]["mb_per_s"] > 0
    assert all(section["rolegate"]["mb_per_s"] > 0 for section in report["put"].values())
    assert report["boto3_put_object"]["rolegate"]["mb_per_s"] > 0
    assert report["range"]["rolegate"]["small_per_s"] > 0
    assert report["range"]["rolegate"]["range_per_s"] > 0
    assert report["parquet"]["servers"]["rolegate"]["mb_per_s"] > 0
    # Every target is listed; those needing a missing peer are left unjudged, not failed.
    by_name = {target["name"]: target for target in report["targets"]}
    assert by_name["1 KiB GET @8 >= 0.25x nginx"]["met"] is None
    assert any(target["met"] is not None for target in report["targets"])
