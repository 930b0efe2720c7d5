"""`rolegate sources register|list|sample|read|remove`: data sources read through a role ARN.

`sample` and `read` also take an ad-hoc source (`--path --format` and a role) instead of a
registered name. The platform's own identity is the standard AWS chain (environment variables,
profile); `--endpoint-url` (or AWS_ENDPOINT_URL) points it at `rolegate server`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from rolegate.cli.terminal_text import cell
from rolegate.platform.errors import PlatformError
from rolegate.platform.printable import printable

# The platform's roles and sources pull in boto3, pyarrow and pandas: they are imported where
# used (each such import carries `noqa: PLC0415`) so the other commands start without them.
if TYPE_CHECKING:
    from rolegate.platform.registry import SourceRegistry
    from rolegate.platform.sources import DataSource, FileSystemConfiguration, SourceContext


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sources = groups.add_parser("sources", help="CSV and Parquet sources read with a role ARN")
    commands = sources.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = commands.add_parser("register", help="check a source and register it by name")
    add.add_argument("name")
    _definition_arguments(add, required=True)
    add.add_argument("--description", default="")
    add.add_argument(
        "--no-validation",
        action="store_true",
        help="register without assuming the role and listing the path",
    )
    add.add_argument("--replace", action="store_true", help="replace a source of that name")
    _connection_arguments(add)
    add.set_defaults(handler=run_register)

    listing = commands.add_parser("list", help="the registered sources")
    listing.add_argument("--platform-dir", type=Path, default=None)
    listing.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    listing.set_defaults(handler=run_list)

    sample = commands.add_parser("sample", help="the first rows of a source")
    sample.add_argument("name", nargs="?", help="a registered source (or give --path)")
    _definition_arguments(sample, required=False)
    sample.add_argument("--rows", type=int, default=10, help="how many rows (default 10)")
    _connection_arguments(sample)
    sample.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    sample.set_defaults(handler=run_sample)

    read = commands.add_parser("read", help="every row of a source, or only the new ones")
    read.add_argument("name", nargs="?", help="a registered source (or give --path)")
    _definition_arguments(read, required=False)
    read.add_argument(
        "--new-only",
        action="store_true",
        help="only rows whose date-created column is newer than the last --new-only read",
    )
    read.add_argument("--limit", type=int, default=None, help="print at most this many rows")
    _connection_arguments(read)
    read.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    read.set_defaults(handler=run_read)

    remove = commands.add_parser("remove", help="forget a registered source")
    remove.add_argument("name")
    remove.add_argument("--platform-dir", type=Path, default=None)
    remove.set_defaults(handler=run_remove)


def _definition_arguments(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument("--path", required=required, help="s3://bucket/key or s3://bucket/prefix/")
    parser.add_argument("--format", choices=("csv", "parquet"), required=required)
    parser.add_argument(
        "--date-created-column",
        required=required,
        default="",
        help="the column that holds each row's creation time (for --new-only reads)",
    )
    parser.add_argument("--quote-character", default='"', help='CSV quote (default ")')
    parser.add_argument(
        "--escape-character", default='"', help='CSV escape (default ", meaning RFC-4180)'
    )
    access = parser.add_argument_group("access (one of)")
    access.add_argument("--role-arn", help="the customer's role to assume")
    access.add_argument("--external-id", help="the external id the role's trust policy asks for")
    access.add_argument("--session-name", help="RoleSessionName (default: from the source name)")
    access.add_argument("--duration", type=int, default=3600, help="session seconds (900-43200)")
    access.add_argument("--anonymous", action="store_true", help="unsigned, for public buckets")
    access.add_argument("--access-key-secret", help="env variable holding an access key id")
    access.add_argument("--secret-key-secret", help="env variable holding its secret key")
    access.add_argument("--session-token-secret", help="env variable holding a session token")


def _connection_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint-url",
        default=os.environ.get("AWS_ENDPOINT_URL"),
        help="AWS-compatible endpoint (default: $AWS_ENDPOINT_URL, else real AWS)",
    )
    parser.add_argument(
        "--region",
        default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
    )
    parser.add_argument("--profile", default=None, help="AWS profile of the platform's identity")
    parser.add_argument("--platform-dir", type=Path, default=None)


def _fail(error: Exception) -> int:
    # Other errors (pyarrow's, botocore's) quote keys and server messages as they came.
    text = error.describe() if isinstance(error, PlatformError) else printable(str(error))
    print(text, file=sys.stderr)
    return 1


def _context(args: argparse.Namespace) -> SourceContext:
    from rolegate.platform.roles import PlatformIdentity  # noqa: PLC0415
    from rolegate.platform.sources import SourceContext  # noqa: PLC0415

    return SourceContext(PlatformIdentity(args.endpoint_url, args.region, args.profile))


def _registry(args: argparse.Namespace) -> SourceRegistry:
    from rolegate.platform.registry import SourceRegistry  # noqa: PLC0415

    return SourceRegistry.in_dir(args.platform_dir)


def _filesystem_configuration(args: argparse.Namespace) -> FileSystemConfiguration:
    from rolegate.platform.sources import (  # noqa: PLC0415
        AnonymousS3Configuration,
        AssumeRoleConfiguration,
        SecretsS3Configuration,
    )

    chosen = [
        bool(args.role_arn),
        bool(args.anonymous),
        bool(args.access_key_secret or args.secret_key_secret),
    ]
    if sum(chosen) != 1:
        raise PlatformError(
            "choose access",
            "give exactly one way to reach the bucket",
            "pass --role-arn ARN, or --anonymous, or --access-key-secret with --secret-key-secret",
        )
    if args.role_arn:
        return AssumeRoleConfiguration(
            args.role_arn, args.external_id, args.session_name, args.duration
        )
    if args.anonymous:
        return AnonymousS3Configuration()
    return SecretsS3Configuration(
        args.access_key_secret or "", args.secret_key_secret or "", args.session_token_secret
    )


def _defined_source(args: argparse.Namespace, name: str) -> DataSource:
    from rolegate.platform.sources import CsvSource, ParquetSource  # noqa: PLC0415

    configuration = _filesystem_configuration(args)
    common = {
        "name": name,
        "description": getattr(args, "description", ""),
        "date_created_column": args.date_created_column,
        "path": args.path,
    }
    if args.format == "parquet":
        return ParquetSource(**common, filesystem_configuration=configuration)
    return CsvSource(
        **common,
        quote_character=args.quote_character or None,
        escape_character=args.escape_character or None,
        filesystem_configuration=configuration,
    )


def _chosen_source(args: argparse.Namespace) -> DataSource:
    if args.name and args.path:
        raise PlatformError(
            "choose source", "both a name and --path were given", "give one or the other"
        )
    if args.name:
        with _registry(args) as registry:
            return registry.get(args.name)
    if not args.path or not args.format:
        raise PlatformError(
            "choose source",
            "no source given",
            "name a registered source, or give --path s3://bucket/key and --format csv|parquet",
        )
    return _defined_source(args, "adhoc")


def run_register(args: argparse.Namespace) -> int:
    try:
        source = _defined_source(args, args.name)
        with _registry(args) as registry:
            found = registry.register(
                source, _context(args), validate=not args.no_validation, replace=args.replace
            )
    except Exception as error:
        return _fail(error)
    checked = "not validated" if found is None else f"role assumed, {found} file(s) listed"
    print(f"registered {source.name} ({checked})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from rolegate.platform.sources import source_to_dict  # noqa: PLC0415

    try:
        with _registry(args) as registry:
            entries = registry.list()
    except Exception as error:
        return _fail(error)
    rows = [
        source_to_dict(entry.source) | {"high_water_mark": entry.high_water_mark}
        for entry in entries
    ]
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return 0
    table = Table(title="rolegate data sources")
    for column in ("name", "format", "path", "access", "date_created_column", "high_water_mark"):
        table.add_column(column)
    for row in rows:
        access = row["filesystem_configuration"]
        assert isinstance(access, Mapping)  # built by source_to_dict just above
        table.add_row(
            cell(row["name"]),
            cell(row["format"]),
            cell(row["path"]),
            cell(access.get("role_arn") or access["type"]),
            cell(row["date_created_column"]),
            cell(row["high_water_mark"] or "-"),
        )
    Console().print(table)
    return 0


def run_sample(args: argparse.Namespace) -> int:
    try:
        source = _chosen_source(args)
        frame = source.sample(rows=args.rows, context=_context(args))
    except Exception as error:
        return _fail(error)
    _print_rows(list(frame.columns), frame.to_dict(orient="records"), args.json, source.name)
    return 0


def run_read(args: argparse.Namespace) -> int:
    try:
        source = _chosen_source(args)
        context = _context(args)
        if args.name:
            with _registry(args) as registry:
                table = registry.read(args.name, new_only=args.new_only, context=context)
        else:
            table = source.read(new_only=args.new_only, context=context)
    except Exception as error:
        return _fail(error)
    shown = table if args.limit is None else table.slice(0, args.limit)
    _print_rows(table.column_names, shown.to_pylist(), args.json, source.name)
    if not args.json:
        print(f"{table.num_rows} row(s)", file=sys.stderr)
    return 0


def run_remove(args: argparse.Namespace) -> int:
    try:
        with _registry(args) as registry:
            registry.remove(args.name)
    except Exception as error:
        return _fail(error)
    print(f"removed {args.name}")
    return 0


def _print_rows(
    columns: list[str], rows: Iterable[Mapping[str, object]], as_json: bool, title: str
) -> None:
    if as_json:
        for row in rows:
            print(json.dumps({str(k): _plain(v) for k, v in row.items()}))
        return
    # Column names and values are the customer's data: never markup, never terminal controls.
    table = Table(title=cell(title))
    for column in columns:
        table.add_column(cell(column))
    for row in rows:
        table.add_row(*(cell(_plain(row[column])) for column in columns))
    Console().print(table)


def _plain(value: object) -> object:
    """A JSON-ready value: dates as ISO text, NaN as null, numpy scalars as Python ones."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    item = getattr(value, "item", None)
    if callable(item):
        return _plain(item())
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
