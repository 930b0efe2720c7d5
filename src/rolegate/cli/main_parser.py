"""The argument parser of `rolegate`, one sub-command group per module.

Groups are imported only when needed: `rolegate server` must not pay for pandas and pyarrow,
which the platform's groups load (~0.5 s here). When the first argument names a group, only that
group's module is imported; `rolegate --help` and anything unrecognised import them all.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from rolegate import __version__

# Command name -> module registering it, in the order `--help` lists them.
GROUPS = {
    "server": "rolegate.cli.server_command",
    "account": "rolegate.cli.account_commands",
    "policy": "rolegate.cli.policy_commands",
    "audit": "rolegate.cli.audit_commands",
    "demo": "rolegate.cli.demo_command",
    "sources": "rolegate.cli.sources_commands",
    "batch": "rolegate.cli.batch_commands",
    "build": "rolegate.cli.build_commands",
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rolegate",
        description="Exact, explainable IAM for a local AWS-compatible cloud "
        "and the platform that uses it.",
    )
    parser.add_argument("--version", action="version", version=f"rolegate {__version__}")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")
    first = argv[0] if argv else None
    wanted = [first] if first in GROUPS else list(GROUPS)
    for name in wanted:
        importlib.import_module(GROUPS[name]).register(groups)
    return parser
