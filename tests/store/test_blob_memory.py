"""Neither writing nor reading a blob holds it in memory: peak RSS stays flat for 512 MiB."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = Path(__file__).with_name("memory_probe.py")
MIB = 512


def test_a_512_mib_blob_goes_both_ways_with_flat_memory(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(PROBE), str(tmp_path / "blobs"), str(MIB)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    report = json.loads(result.stdout)
    assert report["written"][0] == MIB << 20
    assert report["read"] == report["written"]
    growth_mib = (report["after_kib"] - report["before_kib"]) / 1024
    assert growth_mib < 64, f"peak RSS grew by {growth_mib:.1f} MiB for a {MIB} MiB blob"
