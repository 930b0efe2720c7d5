"""What the server's processes hold and spend, read from /proc: for attacks whose harm is memory
or CPU rather than a wrong answer. With `--workers 2` the children serve, so every figure is the
sum over the server process and its children."""

from __future__ import annotations

import os
from pathlib import Path

from tests.rolegate_server import RunningServer


def server_pids(server: RunningServer) -> list[int]:
    assert server.process is not None
    parent = server.process.pid
    found = [parent]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its closing paren.
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry.name))
    return found


def _status_kib(server: RunningServer, field: str) -> int:
    total = 0
    for pid in server_pids(server):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                total += int(line.split()[1])
    return total


def rss_mib(server: RunningServer) -> float:
    """Resident memory now (VmRSS), in MiB."""
    return _status_kib(server, "VmRSS") / 1024


def peak_rss_kib(server: RunningServer) -> int:
    """The peak resident sizes so far (VmHWM), in KiB."""
    return _status_kib(server, "VmHWM")


def cpu_seconds(server: RunningServer) -> float:
    """User + system CPU time so far: unlike wall time, it does not depend on how busy the
    machine is."""
    ticks = 0
    for pid in server_pids(server):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")
