"""SimulateCustomPolicy and SimulatePrincipalPolicy."""

from __future__ import annotations

import json

from iam_harness import ACCOUNT, ALLOW_S3_READ, TRUST, Iam

DENY_SECRET = (
    '{"Version":"2012-10-17","Statement":[{"Sid":"NoSecret","Effect":"Deny","Action":"s3:GetObject",'
    '"Resource":"arn:aws:s3:::bucket/secret/*"}]}'
)
BUCKET_POLICY_FOR_ALICE = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
        "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::bucket/*",
    }],
})  # fmt: skip


def _decisions(result: object) -> list[tuple[str, str, str]]:
    return [
        (r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"])
        for r in result["EvaluationResults"]
    ]


def test_simulate_custom_policy(iam: Iam) -> None:
    result = iam.call(
        "SimulateCustomPolicy",
        PolicyInputList=[ALLOW_S3_READ, DENY_SECRET],
        ActionNames=["s3:GetObject", "s3:PutObject"],
        ResourceArns=["arn:aws:s3:::bucket/a.txt", "arn:aws:s3:::bucket/secret/b.txt"],
    )
    # No resource type is listed for iam:SimulateCustomPolicy in the service authorization reference.
    assert iam.last_asked == ("iam:SimulateCustomPolicy", "*")
    assert _decisions(result) == [
        ("s3:GetObject", "arn:aws:s3:::bucket/a.txt", "allowed"),
        ("s3:GetObject", "arn:aws:s3:::bucket/secret/b.txt", "explicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::bucket/a.txt", "implicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::bucket/secret/b.txt", "implicitDeny"),
    ]
    denied = result["EvaluationResults"][1]["MatchedStatements"]
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in denied] == [
        ("PolicyInputList.2", "IAM Policy")
    ]
    assert result["IsTruncated"] is False


def test_simulate_custom_policy_with_resource_policy(iam: Iam) -> None:
    # The identity policy grants nothing for PutObject; the bucket policy names the user, which
    # is enough within one account (UG/reference_policies_evaluation-logic.html).
    result = iam.call(
        "SimulateCustomPolicy",
        PolicyInputList=[ALLOW_S3_READ],
        ActionNames=["s3:PutObject"],
        ResourceArns=["arn:aws:s3:::bucket/new.txt"],
        ResourcePolicy=BUCKET_POLICY_FOR_ALICE,
        CallerArn=f"arn:aws:iam::{ACCOUNT}:user/alice",
    )
    assert _decisions(result) == [("s3:PutObject", "arn:aws:s3:::bucket/new.txt", "allowed")]
    matched = result["EvaluationResults"][0]["MatchedStatements"]
    assert [m["SourcePolicyType"] for m in matched] == ["Resource Policy"]


def test_simulate_custom_policy_bad_input_is_invalid_input(iam: Iam) -> None:
    error = iam.error("SimulateCustomPolicy", PolicyInputList=[TRUST], ActionNames=["s3:GetObject"])
    # API_SimulateCustomPolicy.html: InvalidInput (400) for a policy that is not an identity policy.
    assert (error.code, error.status) == ("InvalidInput", 400)
    assert error.message.startswith("PolicyInputList.1:")
    error = iam.error(
        "SimulateCustomPolicy",
        PolicyInputList=[ALLOW_S3_READ],
        ActionNames=["s3:PutObject"],
        ResourcePolicy=BUCKET_POLICY_FOR_ALICE,
    )
    assert error.code == "InvalidInput"  # a resource policy needs a CallerArn


def test_simulate_custom_policy_pages(iam: Iam) -> None:
    base = {
        "PolicyInputList": [ALLOW_S3_READ],
        "ActionNames": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
    }
    first = iam.call("SimulateCustomPolicy", MaxItems=2, **base)
    assert first["IsTruncated"] is True and len(first["EvaluationResults"]) == 2
    rest = iam.call("SimulateCustomPolicy", Marker=first["Marker"], **base)
    assert _decisions(rest) == [("s3:ListBucket", "*", "implicitDeny")]


def test_simulate_principal_policy_for_a_role_without_its_trust_policy(iam: Iam) -> None:
    # The role's trust policy trusts nobody useful here; the simulation is about its permissions.
    iam.role()
    iam.call("PutRolePolicy", RoleName="worker", PolicyName="read", PolicyDocument=ALLOW_S3_READ)
    iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=iam.policy("no-secret", DENY_SECRET))
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/worker"
    result = iam.call(
        "SimulatePrincipalPolicy",
        PolicySourceArn=role_arn,
        ActionNames=["s3:GetObject", "sts:AssumeRole"],
        ResourceArns=["arn:aws:s3:::bucket/secret/x", "arn:aws:s3:::bucket/ok"],
    )
    assert iam.last_asked == ("iam:SimulatePrincipalPolicy", role_arn)
    assert _decisions(result) == [
        ("s3:GetObject", "arn:aws:s3:::bucket/secret/x", "explicitDeny"),
        ("s3:GetObject", "arn:aws:s3:::bucket/ok", "allowed"),
        ("sts:AssumeRole", "arn:aws:s3:::bucket/secret/x", "implicitDeny"),
        ("sts:AssumeRole", "arn:aws:s3:::bucket/ok", "implicitDeny"),
    ]
    results = result["EvaluationResults"]
    # Source policies are named as IAM names them: inline by name, managed by policy name.
    assert [m["SourcePolicyId"] for m in results[0]["MatchedStatements"]] == ["no-secret"]
    assert [m["SourcePolicyId"] for m in results[1]["MatchedStatements"]] == ["read"]


def test_simulate_principal_policy_applies_the_users_boundary_and_extra_policies(iam: Iam) -> None:
    boundary = iam.policy("only-read", ALLOW_S3_READ)
    iam.user(PermissionsBoundary=boundary)
    iam.call(
        "AttachUserPolicy", UserName="alice", PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess"
    )
    extra = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}'
    result = iam.call(
        "SimulatePrincipalPolicy",
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/alice",
        PolicyInputList=[extra],
        ActionNames=["s3:GetObject", "s3:PutObject", "iam:ListUsers"],
        ResourceArns=["arn:aws:s3:::bucket/a"],
    )
    assert _decisions(result) == [
        ("s3:GetObject", "arn:aws:s3:::bucket/a", "allowed"),
        # Allowed by AmazonS3FullAccess, outside the boundary.
        ("s3:PutObject", "arn:aws:s3:::bucket/a", "implicitDeny"),
        ("iam:ListUsers", "arn:aws:s3:::bucket/a", "implicitDeny"),
    ]
    allowed = result["EvaluationResults"][0]["MatchedStatements"]
    assert {(m["SourcePolicyId"], m["SourcePolicyType"]) for m in allowed} >= {
        ("AmazonS3FullAccess", "IAM Policy")
    }
    # A boundary given in the request takes the place of the user's own.
    wide = iam.call(
        "SimulatePrincipalPolicy",
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/alice",
        PolicyInputList=[extra],
        PermissionsBoundaryPolicyInputList=[
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
        ],
        ActionNames=["s3:PutObject", "iam:ListUsers"],
    )
    assert [d for _, _, d in _decisions(wide)] == ["allowed", "allowed"]
    listing = wide["EvaluationResults"][1]["MatchedStatements"]
    assert "PolicyInputList.1" in [m["SourcePolicyId"] for m in listing]


def test_simulate_principal_with_no_policies_denies_everything(iam: Iam) -> None:
    iam.user()
    result = iam.call(
        "SimulatePrincipalPolicy",
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/alice",
        ActionNames=["s3:GetObject"],
    )
    assert _decisions(result) == [("s3:GetObject", "*", "implicitDeny")]
    assert result["EvaluationResults"][0]["MatchedStatements"] == []


def test_simulate_principal_policy_errors(iam: Iam) -> None:
    missing = f"arn:aws:iam::{ACCOUNT}:role/ghost"
    error = iam.error(
        "SimulatePrincipalPolicy", PolicySourceArn=missing, ActionNames=["s3:GetObject"]
    )
    assert iam.last_asked == ("iam:SimulatePrincipalPolicy", missing)
    assert (error.code, error.message) == (
        "NoSuchEntity",
        "The role with name ghost cannot be found.",
    )
    error = iam.error(
        "SimulatePrincipalPolicy",
        PolicySourceArn="arn:aws:s3:::not-a-principal",
        ActionNames=["s3:GetObject"],
    )
    assert (error.code, error.status) == ("InvalidInput", 400)
