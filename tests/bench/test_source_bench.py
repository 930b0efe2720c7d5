"""The source bench keeps working: a tiny run reads the same rows through the role as from disk,
and ten sources on one role cost one AssumeRole, counted by the cache and by the server.

No timing is asserted (timings belong in the benchmark's report).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "source_bench.py"


def test_tiny_source_bench_reads_the_same_rows_and_assumes_once() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--megabytes", "1", "--rounds", "2", "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["reads_differing_from_local"] == 0
    assert report["file"]["rows"] > 0 and report["file"]["bytes"] > 0
    assert len(report["rounds"]) == 2
    assert all(report["sides"][side]["mb_per_s"] > 0 for side in ("local", "role"))
    assert report["ratio_median"] > 0
    assert report["ten_sources"] == {
        "sources": 10,
        "seconds": report["ten_sources"]["seconds"],
        "cache_assume_role_calls": 1,
        "server_assume_role_calls": 1,
        "short_samples": 0,
    }
