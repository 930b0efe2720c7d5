"""`rolegate account create`: a new account's root credentials, as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rolegate.server import default_data_dir


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    account = groups.add_parser("account", help="manage accounts in a data dir")
    commands = account.add_subparsers(dest="command", required=True, metavar="COMMAND")
    create = commands.add_parser(
        "create",
        help="create an account and print its root credentials as JSON",
        description="Works whether or not a server is running on the data dir.",
    )
    create.add_argument("--account-id", help="12-digit account id (default: random)")
    create.add_argument("--data-dir", type=Path, default=None)
    create.set_defaults(handler=run_create)


def run_create(args: argparse.Namespace) -> int:
    # Imported here so that other commands do not pay for the store and services.
    from rolegate.aws.errors import AwsError  # noqa: PLC0415
    from rolegate.services.accounts import create_account  # noqa: PLC0415
    from rolegate.store import open_metadata_store  # noqa: PLC0415

    store = open_metadata_store(args.data_dir or default_data_dir())
    try:
        key = create_account(store, args.account_id)
    except AwsError as error:
        print(f"rolegate account create: {error.message}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(
        json.dumps(
            {
                "AccountId": key.account_id,
                "AccessKeyId": key.access_key_id,
                "SecretAccessKey": key.secret_access_key,
            },
            indent=2,
        )
    )
    return 0
