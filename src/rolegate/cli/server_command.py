"""`rolegate server`: IAM, STS (and S3) on one loopback endpoint."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rolegate.server import ServerConfig, default_data_dir
from rolegate.server.config import DEFAULT_PORT


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
    parser.set_defaults(handler=run_server)


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
    )
    print(
        f"rolegate server on http://{config.host}:{config.port} (data in {config.data_dir}"
        + (f", {config.workers} worker processes)" if config.workers > 1 else ")"),
        file=sys.stderr,
        flush=True,
    )
    serve(config)
    return 0
