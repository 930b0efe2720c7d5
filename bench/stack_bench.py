"""Bare HTTP stacks side by side: stack_app.py under uvicorn and under granian, and nginx.

    .venv/bin/python bench/stack_bench.py                      # ~6 minutes; JSON in .bench/stacks.json
    .venv/bin/python bench/stack_bench.py --only big,put --rounds 7

No rolegate code: what each server costs by itself, to choose the stack `rolegate server` runs on.
Every server of a section runs at once on 127.0.0.1 and each measurement visits them in turn,
round after round (the order reversed every other round), so a slow spell lands on all of them.
Medians are reported with the load average (2 cores: the client shares them with the servers).

Sections: `small` (1 KiB GET, wrk -c1 and -c8, one worker each, granian with its options, and the
server's CPU per request from /proc), `workers` (the same at -c8 with two workers), `big` (one
256 MiB GET over a plain socket: uvicorn's and granian's 1 MiB chunk streams, granian's
`http.response.pathsend`, nginx's sendfile; and the server's CPU per GET), `put` (64 MiB PUT to a
sink that discards it, and to one that writes and fsyncs it), `pathsend` (what the client gets
when the file is removed as soon as the app's pathsend `send` returns).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import s3_transfer
from s3_load import find_wrk
from s3_peers import NGINX_CONF, cpu_seconds, find_nginx, free_port, stop_process, wait_for_port

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
MIB = 1 << 20
BIG = 256 * MIB
PUT = 64 * MIB
TARGET = "stack_app:app_from_environment"
UVICORN = [
    *(str(BIN / "uvicorn"), "--loop", "uvloop", "--http", "httptools"),
    *("--no-access-log", "--log-level", "warning", "--no-server-header", "--factory"),
]
GRANIAN = [
    *(str(BIN / "granian"), "--interface", "asgi", "--loop", "uvloop"),
    *("--no-access-log", "--log-level", "warning", "--factory"),
]
# name -> extra granian options, for the 1 KiB rows (blocking threads > 1 is refused for ASGI).
GRANIAN_OPTIONS = {
    "granian": [],
    "granian http1": ["--http", "1"],
    "granian http1 st": ["--http", "1", "--runtime-mode", "st"],
    "granian http1 rust tasks": ["--http", "1", "--task-impl", "rust"],
    "granian http1 backpressure 8": ["--http", "1", "--backpressure", "8"],
    "granian http1 2 runtime threads": ["--http", "1", "--runtime-threads", "2"],
}

Runs = dict[str, dict[str, list[float]]]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    paths: dict[str, str] = field(default_factory=lambda: {"small": "/small", "big": "/big"})

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid) or 0.0


def _spawn(name: str, command: list[str], env: dict[str, str], port: int) -> Server:
    process = subprocess.Popen(
        command, env=env, cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port(port, process, name, 30)
    except BaseException:
        stop_process(process)
        raise
    return Server(name, port, process)


def start_app(name: str, base: list[str], options: list[str], env: dict[str, str]) -> Server:
    port = free_port()
    return _spawn(name, [*base, *options, "--port", str(port), TARGET], env, port)


def start_nginx(home: Path, files: dict[str, Path], workers: int) -> Server:
    www = home / "www"
    www.mkdir(parents=True)
    for name, source in files.items():
        os.link(source, www / name)
    port = free_port()
    user = "user root;" if os.geteuid() == 0 else ""
    conf = home / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=home, port=port, user=user, workers=workers))
    nginx = find_nginx()
    if nginx is None:
        sys.exit("nginx is needed")
    command = [nginx, "-p", str(home), "-c", str(conf), "-e", str(home / "error.log")]
    server = _spawn(f"nginx w{workers}", command, dict(os.environ), port)
    server.paths = {"small": "/small.bin", "big": "/big.bin"}
    return server


def wrk_rate(port: int, path: str, concurrency: int, seconds: int) -> float:
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"bad answers on {port}{path}: {out}")
    line = next(line for line in out.splitlines() if line.startswith("Requests/sec"))
    return float(line.split()[1])


def interleaved(
    servers: list[Server], rounds: int, cases: list[str], measure: Callable[[Server, str], float]
) -> Runs:
    runs: Runs = {server.name: {case: [] for case in cases} for server in servers}
    for index in range(rounds):
        order = servers if index % 2 == 0 else servers[::-1]
        for case in cases:
            for server in order:
                runs[server.name][case].append(measure(server, case))
    return runs


def medians(runs: Runs) -> dict[str, dict[str, float]]:
    return {
        name: {case: round(statistics.median(values), 1) for case, values in cases.items()}
        for name, cases in runs.items()
    }


def _stopped(servers: list[Server]) -> None:
    for server in servers:
        stop_process(server.process)


class Bench:
    def __init__(self, tmp: Path, rounds: int, seconds: int) -> None:
        self.tmp = tmp
        self.rounds = rounds
        self.seconds = seconds
        self.files = {"small.bin": tmp / "small.bin", "big.bin": tmp / "big.bin"}
        self.files["small.bin"].write_bytes(os.urandom(1024))
        self.block = os.urandom(16 * MIB)
        with self.files["big.bin"].open("wb") as out:
            for _ in range(BIG // len(self.block)):
                out.write(self.block)
        self.env = dict(os.environ, STACK_BIG=str(self.files["big.bin"]), STACK_TMP=str(tmp))

    def small(self, workers: int) -> dict[str, object]:
        if workers == 1:
            servers = [start_nginx(self.tmp / "nginx-small", self.files, 1)]
            servers.append(start_app("uvicorn", UVICORN, [], self.env))
            for name, options in GRANIAN_OPTIONS.items():
                servers.append(start_app(name, GRANIAN, options, self.env))
            cases = ["c1", "c8"]
        else:
            servers = [start_nginx(self.tmp / "nginx-workers", self.files, workers)]
            more = ["--workers", str(workers)]
            servers.append(start_app(f"uvicorn w{workers}", UVICORN, more, self.env))
            servers.append(
                start_app(f"granian http1 w{workers}", GRANIAN, ["--http", "1", *more], self.env)
            )
            cases = ["c8"]
        cpu: Runs = {server.name: {case: [] for case in cases} for server in servers}

        def rate(server: Server, case: str) -> float:
            before = server.cpu()
            per_second = wrk_rate(server.port, server.paths["small"], int(case[1:]), self.seconds)
            used = server.cpu() - before
            cpu[server.name][case].append(used / (per_second * self.seconds) * 1e6)
            return per_second

        try:
            runs = interleaved(servers, self.rounds, cases, rate)
        finally:
            _stopped(servers)
        return {"per_second": medians(runs), "server_cpu_us": medians(cpu), "runs": runs}

    def big(self) -> dict[str, object]:
        servers = [
            start_nginx(self.tmp / "nginx-big", self.files, 1),
            start_app("uvicorn chunks", UVICORN, [], self.env),
            start_app("granian chunks", GRANIAN, ["--http", "1"], self.env),
            start_app(
                "granian pathsend", GRANIAN, ["--http", "1"], dict(self.env, STACK_GET="pathsend")
            ),
        ]
        buffer = bytearray(s3_transfer.BUFFER)
        cpu: Runs = {server.name: {"get": []} for server in servers}

        def get(server: Server, case: str) -> float:
            head = f"GET {server.paths['big']} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
            before = server.cpu()
            done = s3_transfer.get(server.port, head, buffer)
            cpu[server.name][case].append((server.cpu() - before) * 1e3)
            if done.status != 200 or done.size != BIG:
                raise RuntimeError(f"{server.name}: {done}")
            return done.mb_per_s

        try:
            runs = interleaved(servers, self.rounds, ["get"], get)
        finally:
            _stopped(servers)
        return {"mb_per_s": medians(runs), "server_cpu_ms": medians(cpu), "runs": runs}

    def put(self) -> dict[str, object]:
        servers = [
            start_app("uvicorn", UVICORN, [], self.env),
            start_app("granian http1", GRANIAN, ["--http", "1"], self.env),
        ]
        body = memoryview(self.block * (PUT // len(self.block)))

        def put(server: Server, case: str) -> float:
            head = f"PUT /{case} HTTP/1.1\r\nHost: x\r\nContent-Length: {PUT}\r\n\r\n".encode()
            done = s3_transfer.put(server.port, head, body)
            if done.status != 200:
                raise RuntimeError(f"{server.name}: {done}")
            return done.mb_per_s

        try:
            runs = interleaved(servers, self.rounds, ["discard", "fsync"], put)
        finally:
            _stopped(servers)
        return {"mb_per_s": medians(runs), "runs": runs}

    def pathsend(self, tries: int = 20) -> dict[str, int]:
        server = start_app("granian http1", GRANIAN, ["--http", "1"], self.env)
        head = b"GET /pathsend-then-unlink HTTP/1.1\r\nHost: x\r\n\r\n"
        statuses: dict[str, int] = {}
        try:
            for _ in range(tries):
                done = s3_transfer.get(server.port, head)
                key = f"{done.status} ({done.size} bytes)"
                statuses[key] = statuses.get(key, 0) + 1
        finally:
            _stopped([server])
        return statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=3, help="per wrk measurement")
    parser.add_argument("--only", default="small,workers,big,put,pathsend")
    parser.add_argument("--out", type=Path, default=HERE.parent / ".bench" / "stacks.json")
    args = parser.parse_args()
    if find_wrk() is None:
        sys.exit("wrk is needed")
    results: dict[str, object] = {"load_average_start": [round(x, 2) for x in os.getloadavg()]}
    sections: dict[str, Callable[[Bench], object]] = {
        "small": lambda bench: bench.small(1),
        "workers": lambda bench: bench.small(2),
        "big": Bench.big,
        "put": Bench.put,
        "pathsend": Bench.pathsend,
    }
    with tempfile.TemporaryDirectory(prefix="stacks-") as name:
        bench = Bench(Path(name), args.rounds, args.seconds)
        for section in args.only.split(","):
            results[section] = found = sections[section](bench)
            shown = (
                {k: v for k, v in found.items() if k != "runs"}
                if isinstance(found, dict)
                else found
            )
            print(section, json.dumps(shown, indent=1), flush=True)
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print("load average", results["load_average_start"], "->", results["load_average_end"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
