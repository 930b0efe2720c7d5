"""`make bench` keeps working: its quick run succeeds and every engine it judges answers right.

No timing is asserted here (timings belong in the benchmark's report); what is asserted is that
each suite's requests get the decision written down for them, by rolegate and by cedarpy.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "policy_eval.py"


def test_quick_bench_runs_and_engines_agree(tmp_path: Path) -> None:
    out = tmp_path / "policy_eval.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--json", "--out", str(out),
         "--suite", "a-trust", "--suite", "b-full-20"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert [s["key"] for s in report["suites"]] == ["a-trust", "b-full-20"]
    for suite in report["suites"]:
        for engine in ("rolegate", "cedarpy"):
            result = suite["engines"][engine]
            assert result["agree"] == suite["requests"], (suite["key"], engine, result)
            assert result["median_us"] > 0
