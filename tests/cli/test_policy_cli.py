"""`rolegate policy simulate|validate` run as the real command, as a user runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PLATFORM = "377488441568"
CUSTOMER_ROLE = "arn:aws:iam::111122223333:role/qwak-access-role"

# The seed's trust policy with the platform account filled in (../shared/seed/).
SEED_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{PLATFORM}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "ArnLike": {
                    "aws:PrincipalArn": f"arn:aws:iam::{PLATFORM}:role/eksctl-Qwak-EKS-Cluster-nodegroup-*"
                }
            },
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{PLATFORM}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{PLATFORM}:role/qwak-eks-base*"}
            },
        },
    ],
}
ASSUME_ANY = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}'


def rolegate(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "rolegate.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def simulate_trust(tmp_path: Path, caller: str) -> dict[str, object]:
    trust_file = tmp_path / "trust.json"
    trust_file.write_text(json.dumps(SEED_TRUST, indent=2))
    done = rolegate(
        "policy", "simulate",
        "--policy-input-list", ASSUME_ANY,
        "--resource-policy", f"file://{trust_file}",
        "--caller-arn", caller,
        "--action-names", "sts:AssumeRole",
        "--resource-arns", CUSTOMER_ROLE,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)["EvaluationResults"][0]
    return result


# UG/reference_policies_evaluation-logic-cross-account.html: across accounts the trust policy
# (resource side) and the caller's identity policy must both allow; aws:PrincipalArn of a role
# session is the role's ARN (UG/reference_policies_condition-keys.html#condition-keys-principalarn).
@pytest.mark.parametrize(
    ("role", "decision"),
    [
        ("qwak-eks-base-prod", "allowed"),
        ("eksctl-Qwak-EKS-Cluster-nodegroup-ng-1", "allowed"),
        ("data-science-notebook", "implicitDeny"),
        ("platform/qwak-eks-base-1", "implicitDeny"),  # the path is part of aws:PrincipalArn
    ],
)
def test_simulate_seed_trust_policy(tmp_path: Path, role: str, decision: str) -> None:
    result = simulate_trust(tmp_path, f"arn:aws:iam::{PLATFORM}:role/{role}")
    assert result["EvalDecision"] == decision
    assert result["EvalActionName"] == "sts:AssumeRole"
    assert result["EvalResourceName"] == CUSTOMER_ROLE


def test_simulate_reports_matched_statement_positions(tmp_path: Path) -> None:
    result = simulate_trust(tmp_path, f"arn:aws:iam::{PLATFORM}:role/qwak-eks-base-prod")
    sources = {m["SourcePolicyId"]: m for m in result["MatchedStatements"]}  # type: ignore[union-attr]
    # json.dumps(indent=2) puts the first statement on lines 4-15; the second (qwak-eks-base*), the
    # one that matches, opens on line 16 at column 5.
    assert sources["ResourcePolicy"]["StartPosition"] == {"Line": 16, "Column": 5}
    assert "PolicyInputList.1" in sources


def test_simulate_explicit_deny_and_missing_context() -> None:
    # UG/reference_policies_evaluation-logic_policy-eval-denyallow.html: an explicit deny overrides
    # any allow. A condition key not supplied is reported in MissingContextValues
    # (https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html).
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {
                "Sid": "DenyOutsideCorp",
                "Effect": "Deny",
                "Action": "s3:DeleteObject",
                "Resource": "*",
                "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            },
        ],
    }
    done = rolegate(
        "policy", "simulate", "--policy-input-list", json.dumps(policy),
        "--action-names", "s3:DeleteObject", "s3:GetObject",
        "--context-entries",
        '[{"ContextKeyName":"aws:SourceIp","ContextKeyValues":["198.51.100.7"],"ContextKeyType":"ip"}]',
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)["EvaluationResults"]
    assert [r["EvalDecision"] for r in results] == ["explicitDeny", "allowed"]
    assert results[0]["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.1"

    without_ip = rolegate(
        "policy", "simulate", "--policy-input-list", json.dumps(policy),
        "--action-names", "s3:DeleteObject",
    )  # fmt: skip
    result = json.loads(without_ip.stdout)["EvaluationResults"][0]
    assert result["MissingContextValues"] == ["aws:SourceIp"]


def test_simulate_rejects_invalid_policy_as_invalid_input() -> None:
    done = rolegate(
        "policy", "simulate", "--policy-input-list", '{"Statement": {"Effect": "Allow"}}',
        "--action-names", "s3:GetObject",
    )  # fmt: skip
    assert done.returncode == 254
    assert "InvalidInput" in done.stderr
    assert "Policy statement must contain actions." in done.stderr
    assert "Traceback" not in done.stderr


def test_simulate_table_output_says_why() -> None:
    done = rolegate(
        "policy", "simulate", "--output", "table",
        "--policy-input-list", '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}',
        "--action-names", "s3:PutObject",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "because no identity-based policy allows the s3:PutObject action" in done.stdout


def test_validate_reports_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "*",
                    },
                    {"Effect": "Allow", "Action": "GetObject", "Resource": "*"},
                ],
            }
        )
    )
    done = rolegate("policy", "validate", str(bad), "--kind", "identity", "--json")
    assert done.returncode == 1
    problems = json.loads(done.stdout)["Problems"]
    messages = [p["Message"] for p in problems]
    assert "Policy document should not specify a principal." in messages
    assert "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc." in messages
    pointers = {p["Pointer"] for p in problems}
    assert pointers == {"/Statement/0/Principal", "/Statement/1/Action"}


def test_validate_accepts_seed_trust_policy(tmp_path: Path) -> None:
    good = tmp_path / "trust.json"
    good.write_text(json.dumps(SEED_TRUST))
    done = rolegate("policy", "validate", str(good), "--kind", "trust")
    assert done.returncode == 0, done.stderr
    assert "valid trust policy" in done.stdout


def test_validate_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "Version": "2012-10-17",\n  "Statement": [\n')
    done = rolegate("policy", "validate", str(broken), "--json")
    assert done.returncode == 1
    problem = json.loads(done.stdout)["Problems"][0]
    assert problem["Message"] == "Syntax errors in policy."
    assert problem["Line"] == 4


def test_offline_demo_runs() -> None:
    done = rolegate("demo", "--offline")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("allowed") >= 2
    assert "because no resource-based policy allows the sts:AssumeRole action" in done.stdout


def test_demo_walks_the_seed_on_a_real_server() -> None:
    # The seed: matching platform role reads both sources through the customer's role, runs a
    # batch execution (writing only where the customer granted it) and a build; a role outside
    # the patterns and a write to the data bucket are refused, with their reasons.
    done = rolegate("demo")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("✓") == 10 and "✗" not in done.stdout
    flat = " ".join(done.stdout.split())
    assert re.search(r"AssumeRole calls by the sources' credential cache: 1\b", flat)
    assert (
        "inline policy write-platform-results: s3:PutObject on "
        "arn:aws:s3:::customer-results/platform/daily-revenue/* and nothing else" in flat
    )
    assert "4 files on 2 worker processes, 50,000 orders in, 4 Parquet files in" in flat
    rows = re.findall(r"2026-01-0\d\.csv │ 12,500 │ 24 │ succeeded", flat)
    assert len(rows) == 4, flat
    assert (
        "ran as arn:aws:sts::111122223333:assumed-role/qwak-access-role/build-daily-report "
        "and counted 4 files, 50,000 rows; exit 0" in flat
    )
    assert "because no resource-based policy allows the sts:AssumeRole action" in flat
    assert (
        'not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::customer-data/'
        'sales/2026/x.csv" because no identity-based policy allows the s3:PutObject action'
    ) in flat
    assert "aws --endpoint-url http://127.0.0.1:4566 sts get-caller-identity" in flat
