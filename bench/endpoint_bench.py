"""Requests per second of STS on rolegate beside moto server, in one run (issue 3's bench).

    .venv/bin/python bench/endpoint_bench.py [--seconds 3] [--json] [--out PATH]

Both servers run as real processes on 127.0.0.1. Requests are signed up front with botocore and
replayed by `http_load` over keep-alive connections, so the client's CPU goes to sockets, not to
signing. rolegate answers the seed's flow (a platform role session assumes a customer's role
across accounts: trust policy, the caller's identity policy and a new session token per call);
moto has its auth turned on (`/moto-api/reset-auth`) and answers an IAM user's AssumeRole, which
is less work. Both share the machine's two cores with the load generator.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from rich.console import Console
from rich.table import Table

from http_load import LoadResult, run_load

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / ".bench" / "endpoint.json"
sys.path.insert(0, str(ROOT))

from tests.rolegate_server import Credentials, RunningServer, free_port  # noqa: E402
from tests.server.seed_world import (  # noqa: E402
    ALLOW_ASSUME_ANY,
    Platform,
    seed_trust_policy,
    trust_account,
)

from s3_peers import captured  # noqa: E402

SIGNED_REQUESTS = 256


def signed(client: Any, call: Callable[[Any], object]) -> bytes:
    """The bytes botocore would send for `call(client)`, signed, without sending them."""
    return captured(client, call).raw()


def _client(service: str, url: str, creds: Credentials) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
        config=Config(retries={"max_attempts": 1}),
    )


def rolegate_requests(server: RunningServer) -> dict[str, list[bytes]]:
    platform = Platform.create(server)
    customer = server.new_account()
    role_arn = server.client("iam", customer).create_role(
        RoleName="qwak-access-role", AssumeRolePolicyDocument=seed_trust_policy(platform.account)
    )["Role"]["Arn"]
    session = platform.session_of(platform.add_role("qwak-eks-base-bench"))
    sts = _client("sts", server.url, session)
    sts.assume_role(RoleArn=role_arn, RoleSessionName="check")  # the flow works
    return {
        "AssumeRole": [
            signed(sts, lambda c, i=i: c.assume_role(RoleArn=role_arn, RoleSessionName=f"s{i}"))
            for i in range(SIGNED_REQUESTS)
        ],
        "GetCallerIdentity": [signed(sts, lambda c: c.get_caller_identity())],
    }


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    moto = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, url


def moto_requests(url: str) -> dict[str, list[bytes]]:
    admin = Credentials("AKIAIOSFODNN7EXAMPLE", "a" * 40)
    iam = _client("iam", url, admin)
    iam.create_user(UserName="operator")
    iam.put_user_policy(UserName="operator", PolicyName="assume", PolicyDocument=ALLOW_ASSUME_ANY)
    key = iam.create_access_key(UserName="operator")["AccessKey"]
    # moto matches trust principals literally (an account root does not cover its users), so the
    # trust policy names the user.
    trust = json.loads(trust_account("123456789012"))
    trust["Statement"][0]["Principal"]["AWS"] = "arn:aws:iam::123456789012:user/operator"
    role_arn = iam.create_role(
        RoleName="qwak-access-role", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    # Turn moto's authentication and authorization on from here (field notes).
    urllib.request.urlopen(
        urllib.request.Request(
            f"{url}/moto-api/reset-auth", data=b"0", headers={"Content-Type": "text/plain"}
        )
    ).read()
    operator = Credentials(key["AccessKeyId"], key["SecretAccessKey"])
    sts = _client("sts", url, operator)
    sts.assume_role(RoleArn=role_arn, RoleSessionName="check")
    return {
        "AssumeRole": [
            signed(sts, lambda c, i=i: c.assume_role(RoleArn=role_arn, RoleSessionName=f"s{i}"))
            for i in range(SIGNED_REQUESTS)
        ],
        "GetCallerIdentity": [signed(sts, lambda c: c.get_caller_identity())],
    }


def measure(url: str, requests: dict[str, list[bytes]], seconds: float) -> dict[str, Any]:
    port = int(url.rsplit(":", 1)[1])
    out: dict[str, Any] = {}
    for operation, batch in requests.items():
        for concurrency in (1, 8):
            result: LoadResult = run_load("127.0.0.1", port, batch, concurrency, seconds)
            out[f"{operation}@{concurrency}"] = {
                "per_second": round(result.per_second, 1),
                "requests": result.requests,
                "statuses": {str(k): v for k, v in result.statuses.items()},
                "reconnects": result.reconnects,
            }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="rolegate worker processes (moto is one process whatever this says)",
    )
    args = parser.parse_args(argv)
    results: dict[str, Any] = {
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "workers": args.workers,
    }
    with tempfile.TemporaryDirectory() as tmp:
        server = RunningServer(Path(tmp) / "data", "--workers", str(args.workers)).start()
        try:
            results["rolegate"] = measure(server.url, rolegate_requests(server), args.seconds)
        finally:
            server.stop()
    moto, url = start_moto()
    try:
        results["moto"] = measure(url, moto_requests(url), args.seconds)
    finally:
        moto.terminate()
        moto.wait()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    table = Table(
        title=f"STS requests/s ({args.seconds:g} s each, pre-signed, keep-alive; rolegate with "
        f"{args.workers} worker process(es), moto one process)"
    )
    for column in ("operation", "concurrency", "rolegate", "moto", "ratio", "statuses"):
        table.add_column(column, justify="right")
    for key, mine in results["rolegate"].items():
        operation, concurrency = key.split("@")
        theirs = results["moto"][key]
        ratio = mine["per_second"] / theirs["per_second"] if theirs["per_second"] else float("inf")
        table.add_row(
            operation,
            concurrency,
            f"{mine['per_second']:.0f}",
            f"{theirs['per_second']:.0f}",
            f"{ratio:.1f}x",
            f"{mine['statuses']} / {theirs['statuses']}",
        )
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
