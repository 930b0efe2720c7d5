"""`rolegate demo`: the seed end to end on a real server (`seed_demo`), or with `--offline` its
trust and permission policies decided by `rolegate policy simulate`, each decision with its
reason and the exact command so it can be run by hand.
"""

from __future__ import annotations

import argparse
import json
import shlex

from rich.console import Console
from rich.panel import Panel

from rolegate.cli import policy_commands
from rolegate.policy.templates import (
    assume_any_role_policy,
    bucket_read_policy,
    platform_trust_policy,
)

PLATFORM_ACCOUNT = "377488441568"  # the seed's "Qwak Cloud" account id
CUSTOMER_ACCOUNT = "111122223333"
CUSTOMER_ROLE = f"arn:aws:iam::{CUSTOMER_ACCOUNT}:role/qwak-access-role"
BUCKET = "customer-data"


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = groups.add_parser("demo", help="the seed end to end on a real server, explained")
    demo.add_argument(
        "--offline",
        action="store_true",
        help="only the policy decisions, with `rolegate policy simulate` (no server)",
    )
    demo.set_defaults(handler=run_demo)


def _simulate(console: Console, title: str, argv: list[str]) -> None:
    console.print(f"\n[bold]{title}[/]")
    console.print(f"[dim]$ rolegate {shlex.join(argv)}[/]")
    # Imported here: the parser module imports this one to register the `demo` command.
    from rolegate.cli.main_parser import build_parser  # noqa: PLC0415

    args = build_parser(argv).parse_args([*argv, "--output", "table"])
    code = policy_commands.run_simulate(args)
    if code != 0:
        raise SystemExit(code)


def run_demo(args: argparse.Namespace) -> int:
    if not args.offline:
        # Imported here: the live demo loads boto3, pyarrow and the server's stores.
        from rolegate.cli.seed_demo import run  # noqa: PLC0415

        return run(Console())
    return run_offline()


def run_offline() -> int:
    console = Console()
    trust = json.dumps(platform_trust_policy(PLATFORM_ACCOUNT))
    permissions = json.dumps(bucket_read_policy(BUCKET))
    platform_side = json.dumps(assume_any_role_policy())
    console.print(
        Panel.fit(
            "A customer's role trusts the platform's account, but only its roles named\n"
            "role/eksctl-Qwak-EKS-Cluster-nodegroup-* or role/qwak-eks-base* (ArnLike on\n"
            f"aws:PrincipalArn), and may only read s3://{BUCKET}. Customer role: {CUSTOMER_ROLE}",
            title="rolegate demo: the seed's trust relationship",
        )
    )
    for role_name, expectation in (
        ("qwak-eks-base-prod", "matches role/qwak-eks-base*"),
        ("eksctl-Qwak-EKS-Cluster-nodegroup-ng-1", "matches the nodegroup pattern"),
        ("data-science-notebook", "matches neither pattern"),
    ):
        caller = f"arn:aws:iam::{PLATFORM_ACCOUNT}:role/{role_name}"
        _simulate(
            console,
            f"Can the platform role {role_name} assume the customer's role? ({expectation})",
            [
                "policy", "simulate",
                "--policy-input-list", platform_side,
                "--resource-policy", trust,
                "--caller-arn", caller,
                "--action-names", "sts:AssumeRole",
                "--resource-arns", CUSTOMER_ROLE,
            ],
        )  # fmt: skip
    bucket_arn = f"arn:aws:s3:::{BUCKET}"
    _simulate(
        console,
        "What may a session of the customer's role do with objects? (the seed's permission policy)",
        [
            "policy", "simulate",
            "--policy-input-list", permissions,
            "--action-names", "s3:GetObject", "s3:PutObject",
            "--resource-arns", f"{bucket_arn}/sales/2026.csv", "arn:aws:s3:::other-bucket/x.csv",
        ],
    )  # fmt: skip
    _simulate(
        console,
        "...and may it list the bucket?",
        [
            "policy", "simulate",
            "--policy-input-list", permissions,
            "--action-names", "s3:ListBucket",
            "--resource-arns", bucket_arn,
        ],
    )  # fmt: skip
    return 0
