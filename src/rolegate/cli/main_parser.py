"""The argument parser of `rolegate`, one sub-command group per module."""

from __future__ import annotations

import argparse

from rolegate import __version__
from rolegate.cli import (
    account_commands,
    audit_commands,
    demo_command,
    policy_commands,
    server_command,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rolegate",
        description="Exact, explainable IAM for a local AWS-compatible cloud "
        "and the platform that uses it.",
    )
    parser.add_argument("--version", action="version", version=f"rolegate {__version__}")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")
    server_command.register(groups)
    account_commands.register(groups)
    policy_commands.register(groups)
    audit_commands.register(groups)
    demo_command.register(groups)
    return parser
