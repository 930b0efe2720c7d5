"""`rolegate audit tail`: the last requests the server answered, with the decisions behind them."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from rolegate.cli.terminal_text import cell
from rolegate.server import default_data_dir
from rolegate.store.audit_log import read_tail


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = groups.add_parser("audit", help="read the server's audit log")
    commands = audit.add_subparsers(dest="command", required=True, metavar="COMMAND")
    tail = commands.add_parser("tail", help="show the last requests")
    tail.add_argument("-n", "--lines", type=_count, default=20, help="how many (default 20)")
    tail.add_argument("--data-dir", type=Path, default=None)
    tail.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    tail.add_argument("--denied", action="store_true", help="only requests that were refused")
    tail.set_defaults(handler=run_tail)


def _count(text: str) -> int:
    # A negative count reached deque(maxlen=...) and ended in a ValueError traceback.
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is not a number of lines (0 or more)")
    return value


def run_tail(args: argparse.Namespace) -> int:
    entries = read_tail(
        args.data_dir or default_data_dir(), args.lines if not args.denied else 100_000
    )
    if args.denied:
        entries = [e for e in entries if e.get("status") != 200][-args.lines :]
    if args.json:
        for entry in entries:
            print(json.dumps(entry))
        return 0
    table = Table(title="rolegate audit log", show_lines=False)
    for column in ("time", "caller", "operation", "resource", "decision", "status"):
        table.add_column(column)
    for entry in entries:
        status = str(entry.get("status", ""))
        style = "green" if status == "200" else "red"
        # Keys, callers and error texts are chosen by whoever sent the request, even anonymously.
        table.add_row(
            cell(entry.get("time", "")),
            cell(entry.get("caller") or "-"),
            cell(entry.get("operation", "")),
            cell(entry.get("resource") or "-"),
            cell(entry.get("decision") or "-"),
            f"[{style}]{cell(status)} {cell(entry.get('error') or '')}[/{style}]",
        )
        decisions = entry.get("decisions")
        if isinstance(decisions, list) and decisions and status != "200":
            last = decisions[-1]
            if isinstance(last, dict):
                table.add_row("", f"[dim]{cell(last.get('reason', ''))}[/dim]", "", "", "", "")
    Console().print(table)
    return 0
