"""`rolegate server`: IAM, STS (and S3) on one loopback endpoint."""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

from rolegate.server import ServerConfig, default_data_dir
from rolegate.server.config import (
    DEFAULT_BODY_MIN_RATE,
    DEFAULT_BODY_RATE_GRACE_SECONDS,
    DEFAULT_BODY_TIMEOUT_SECONDS,
    DEFAULT_HEADER_TIMEOUT_SECONDS,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PORT,
)


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = groups.add_parser("server", help="run the local IAM + STS + S3 endpoint")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: loopback only; give 0.0.0.0 to expose it)",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 4566)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="state directory (default $ROLEGATE_DATA_DIR or the XDG data home)",
    )
    parser.add_argument("--region", default="us-east-1", help="region served (default us-east-1)")
    parser.add_argument(
        "--clock-offset",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="testing only: shift the server's clock by SECONDS (to expire sessions quickly)",
    )
    parser.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="worker processes sharing the port and data dir (default 1; about one per core)",
    )
    parser.add_argument(
        "--trusted-proxy",
        dest="trusted_proxies",
        action="append",
        type=_network,
        default=[],
        metavar="CIDR",
        help="a reverse proxy (address or CIDR) whose X-Forwarded-For names the client; repeat "
        "for several. Default none: aws:SourceIp and the audit log's source_ip are always the "
        "connecting address",
    )
    parser.add_argument(
        "--header-timeout",
        type=_seconds,
        default=DEFAULT_HEADER_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="a request's headers must arrive within SECONDS, else the connection is closed "
        f"(default {DEFAULT_HEADER_TIMEOUT_SECONDS:g}, as S3)",
    )
    parser.add_argument(
        "--body-timeout",
        type=_seconds,
        default=DEFAULT_BODY_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="a request body that sends nothing for SECONDS gets 400 RequestTimeout, and an "
        "answer the client reads nothing of for SECONDS is dropped "
        f"(default {DEFAULT_BODY_TIMEOUT_SECONDS:g}, as S3)",
    )
    parser.add_argument(
        "--body-min-rate",
        type=_rate,
        default=DEFAULT_BODY_MIN_RATE,
        metavar="BYTES_PER_SECOND",
        help="after --body-rate-grace seconds, a request body must have averaged at least this "
        "many bytes a second, else 400 RequestTimeout (a trickle never idle long enough for "
        f"--body-timeout); 0 for no minimum (default {DEFAULT_BODY_MIN_RATE:g})",
    )
    parser.add_argument(
        "--body-rate-grace",
        type=_seconds,
        default=DEFAULT_BODY_RATE_GRACE_SECONDS,
        metavar="SECONDS",
        help="how long a body may arrive at any rate before --body-min-rate applies "
        f"(default {DEFAULT_BODY_RATE_GRACE_SECONDS:g})",
    )
    parser.add_argument(
        "--max-connections",
        type=_positive,
        default=DEFAULT_MAX_CONNECTIONS,
        metavar="N",
        help="open connections per worker process; requests past it get 503 SlowDown "
        f"(default {DEFAULT_MAX_CONNECTIONS})",
    )
    parser.set_defaults(handler=run_server)


def _network(text: str) -> str:
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an address or CIDR: {text!r}") from error


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def run_server(args: argparse.Namespace) -> int:
    # uvicorn and the services load only for this command.
    from rolegate.server.runner import serve  # noqa: PLC0415

    config = ServerConfig(
        data_dir=args.data_dir or default_data_dir(),
        host=args.host,
        port=args.port,
        region=args.region,
        clock_offset_seconds=args.clock_offset,
        workers=args.workers,
        trusted_proxies=tuple(args.trusted_proxies),
        header_timeout_seconds=args.header_timeout,
        body_timeout_seconds=args.body_timeout,
        body_min_rate=args.body_min_rate,
        body_rate_grace_seconds=args.body_rate_grace,
        max_connections=args.max_connections,
    )
    print(
        f"rolegate server on http://{config.host}:{config.port} (data in {config.data_dir}"
        + (f", {config.workers} worker processes)" if config.workers > 1 else ")"),
        file=sys.stderr,
        flush=True,
    )
    serve(config)
    return 0
