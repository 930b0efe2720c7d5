"""The policies and requests `policy_eval.py` times, with the decision AWS gives for each request.

Every engine is checked against `Call.expected` before it is timed. Three sources:
- the seed's trust policy with callers that match it and callers that do not;
- FULL, a 20-statement identity policy: S3/EC2/IAM/KMS/logs actions with wildcards, conditions of
  six operator families (StringEquals/StringLike, IpAddress, Bool, NumericLessThan,
  DateLessThan, StringNotEquals), NotAction and NotResource;
- MOTO_SUBSET, 20 statements using only what moto's evaluator gets right (Action/NotAction/
  Resource globs, StringEquals that every request satisfies, Deny with a Resource), so that moto
  is timed doing the same work as the others and giving the same answers.
Copies of a template differ by `n` in names and tags; in a set of copies 0..k, requests aimed at
the last copy are answered only by the last policy.
"""

from __future__ import annotations

import re

from policy_cases import (
    Call,
    Caller,
    CallSpec,
    Document,
    Expected,
    Suite,
    Template,
    compact_size,
    policy,
    role_caller,
    spec,
)

ACCOUNT = "377488441568"
CUSTOMER_ACCOUNT = "111122223333"
OTHER_ACCOUNT = "999988887777"
ROLE_PREFIX = f"arn:aws:iam::{ACCOUNT}:role/"
IDENTITY_POLICY_QUOTA = 6144  # characters without whitespace (UG/reference_iam-quotas.html)


# --- (a) the seed's trust policy -------------------------------------------------------------

SEED_TRUST_POLICY: Document = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "ArnLike": {"aws:PrincipalArn": f"{ROLE_PREFIX}eksctl-Qwak-EKS-Cluster-nodegroup-*"}
            },
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/qwak-eks-base*"}
            },
        },
    ],
}

# The caller's own side of a cross-account AssumeRole: its identity policy must allow it too.
CALLER_ASSUME_POLICY: Document = policy(
    [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/*"}]
)
CUSTOMER_ROLE_ARN = f"arn:aws:iam::{CUSTOMER_ACCOUNT}:role/qwak-customer-access"
NODEGROUP_ROLE = "eksctl-Qwak-EKS-Cluster-nodegroup-ng-1a2b-NodeInstanceRole-7QX2"


def _trust_call(label: str, caller: Caller, expected: Expected) -> Call:
    return Call(label, caller, "sts:AssumeRole", CUSTOMER_ROLE_ARN, CUSTOMER_ACCOUNT, {}, expected)


TRUST_CALLS = (
    _trust_call("nodegroup role", role_caller(ACCOUNT, NODEGROUP_ROLE, "i-0abc"), Expected.ALLOWED),
    _trust_call(
        "qwak-eks-base role",
        role_caller(ACCOUNT, "qwak-eks-base-workers", "i-0def"),
        Expected.ALLOWED,
    ),
    _trust_call(
        "other role, same account",
        role_caller(ACCOUNT, "qwak-ci-runner", "build-17"),
        Expected.IMPLICIT_DENY,
    ),
    _trust_call(
        "matching name behind a path",
        role_caller(ACCOUNT, "eks/qwak-eks-base-1", "s"),
        Expected.IMPLICIT_DENY,
    ),
    _trust_call(
        "matching name, other account",
        role_caller(OTHER_ACCOUNT, "qwak-eks-base-1", "s"),
        Expected.IMPLICIT_DENY,
    ),
    _trust_call(
        "IAM user",
        Caller(f"arn:aws:iam::{ACCOUNT}:user/alice", f"arn:aws:iam::{ACCOUNT}:user/alice"),
        Expected.IMPLICIT_DENY,
    ),
)


# --- FULL: the 20-statement identity policy of (b) and (c) -----------------------------------

SERVICES_GUARD = [
    "s3:*",
    "ec2:*",
    "iam:Get*",
    "iam:List*",
    "iam:PassRole",
    "sts:*",
    "kms:*",
    "logs:*",
]


def full_statements(n: int) -> list[dict[str, object]]:
    a = ACCOUNT
    return [
        {"Sid": f"ReadData{n}", "Effect": "Allow",
         "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
         "Resource": [f"arn:aws:s3:::qwak-data-{n}", f"arn:aws:s3:::qwak-data-{n}/*"],
         "Condition": {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}},
        {"Sid": f"WriteStaging{n}", "Effect": "Allow",
         "Action": ["s3:PutObject", "s3:PutObjectTagging"],
         "Resource": f"arn:aws:s3:::qwak-staging-{n}/uploads/*",
         "Condition": {"StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms"},
                       "Bool": {"aws:SecureTransport": "true"}}},
        {"Sid": f"ListLogs{n}", "Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": f"arn:aws:s3:::qwak-logs-{n}",
         "Condition": {"NumericLessThan": {"s3:max-keys": "1000"},
                       "StringLike": {"s3:prefix": ["2025/*", "2026/*"]}}},
        {"Sid": f"DenyInsecure{n}", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": f"ReadSharedFromCorp{n}", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"],
         "Resource": f"arn:aws:s3:::qwak-shared-{n}*",
         "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}},
        {"Sid": f"Ec2Describe{n}", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
        {"Sid": f"Ec2StartStopOwn{n}", "Effect": "Allow",
         "Action": ["ec2:StartInstances", "ec2:StopInstances"],
         "Resource": f"arn:aws:ec2:*:{a}:instance/*",
         "Condition": {"StringEquals": {"aws:ResourceTag/team": f"ml-{n}"}}},
        {"Sid": f"DenyTerminateProd{n}", "Effect": "Deny", "Action": "ec2:TerminateInstances",
         "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}},
        {"Sid": f"RunSmall{n}", "Effect": "Allow", "Action": "ec2:RunInstances",
         "Resource": f"arn:aws:ec2:us-east-1:{a}:instance/*",
         "Condition": {"StringLike": {"ec2:InstanceType": ["t3.*", "m5.large"]}}},
        {"Sid": f"PassNodeRole{n}", "Effect": "Allow", "Action": "iam:PassRole",
         "Resource": f"arn:aws:iam::{a}:role/qwak-eks-{n}-*",
         "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}},
        {"Sid": f"ReadOwnRoles{n}", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"],
         "Resource": f"arn:aws:iam::{a}:role/qwak-{n}-*"},
        {"Sid": f"DenyOtherServices{n}", "Effect": "Deny", "NotAction": SERVICES_GUARD,
         "Resource": "*"},
        {"Sid": f"KmsViaS3{n}", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
         "Resource": f"arn:aws:kms:us-east-1:{a}:key/*",
         "Condition": {"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"},
                       "StringEquals": {"kms:EncryptionContext:team": f"ml-{n}"}}},
        {"Sid": f"DenyDeleteOutsideSandbox{n}", "Effect": "Deny",
         "Action": ["s3:DeleteObject", "s3:DeleteBucket"],
         "NotResource": ["arn:aws:s3:::qwak-sandbox-*"]},
        {"Sid": f"Sandbox{n}Until2030", "Effect": "Allow", "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::qwak-sandbox-{n}", f"arn:aws:s3:::qwak-sandbox-{n}/*"],
         "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}},
        {"Sid": f"AssumeDataAccess{n}", "Effect": "Allow", "Action": "sts:AssumeRole",
         "Resource": f"arn:aws:iam::*:role/qwak-data-access-{n}",
         "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}},
        {"Sid": f"PublicReadWithMfa{n}", "Effect": "Allow",
         "NotAction": ["iam:*", "sts:*", "kms:*"],
         "Resource": f"arn:aws:s3:::qwak-public-{n}/*",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
        {"Sid": f"DenyUnencryptedPut{n}", "Effect": "Deny", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::qwak-staging-{n}/*",
         "Condition": {"StringNotEquals": {
             "s3:x-amz-server-side-encryption": ["aws:kms", "AES256"]}}},
        {"Sid": f"WriteLogs{n}", "Effect": "Allow",
         "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": f"arn:aws:logs:us-east-1:{a}:log-group:/qwak/{n}/*"},
        {"Sid": f"DenyEc2OutsideRegions{n}", "Effect": "Deny", "Action": "ec2:*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}},
    ]  # fmt: skip


def _is_broad(statement: dict[str, object]) -> bool:
    """A guard that applies across resources or actions: Resource "*", NotAction, NotResource."""
    return (
        statement.get("Resource") == "*" or "NotAction" in statement or "NotResource" in statement
    )


def specific_statements(n: int) -> list[dict[str, object]]:
    """20 statements that each name copy n's own resources: no account-wide guards.

    Real policy sets hold the account-wide guards (deny insecure transport, deny other services)
    once, not in every policy; the rest of their statements name specific resources.
    """
    specific = [s for s in full_statements(n) if not _is_broad(s)]
    extra = [{**s, "Sid": f"{s['Sid']}b"} for s in full_statements(n + 100) if not _is_broad(s)]
    return (specific + extra)[:20]


def distinct_policies(target: int, copies: int) -> tuple[Document, ...]:
    """The full template for copy `target` plus `copies - 1` policies of specific statements."""
    others = [i for i in range(copies + 1) if i != target][: copies - 1]
    return (policy(full_statements(target)), *(policy(specific_statements(i)) for i in others))


def full_calls(n: int) -> list[CallSpec]:
    a = ACCOUNT
    instance = f"arn:aws:ec2:us-east-1:{a}:instance/i-0123456789abcdef0"
    return [
        spec("s3 read", "s3:GetObject", f"arn:aws:s3:::qwak-data-{n}/models/m.bin",
              Expected.ALLOWED),
        spec("s3 put sse-kms", "s3:PutObject", f"arn:aws:s3:::qwak-staging-{n}/uploads/x.parquet",
              Expected.ALLOWED, **{"s3:x-amz-server-side-encryption": "aws:kms"}),
        spec("s3 put over http", "s3:PutObject", f"arn:aws:s3:::qwak-staging-{n}/uploads/y.parquet",
              Expected.EXPLICIT_DENY, **{"s3:x-amz-server-side-encryption": "aws:kms",
                                         "aws:SecureTransport": "false"}),
        spec("s3 list logs", "s3:ListBucket", f"arn:aws:s3:::qwak-logs-{n}", Expected.ALLOWED,
              **{"s3:max-keys": "500", "s3:prefix": "2025/06/"}),
        spec("s3 read elsewhere", "s3:GetObject", "arn:aws:s3:::someone-else/x",
              Expected.IMPLICIT_DENY),
        spec("ec2 describe", "ec2:DescribeInstances", "*", Expected.ALLOWED),
        spec("ec2 start own", "ec2:StartInstances", instance, Expected.ALLOWED,
              **{"aws:ResourceTag/team": f"ml-{n}"}),
        spec("ec2 start other team", "ec2:StartInstances", instance, Expected.IMPLICIT_DENY,
              **{"aws:ResourceTag/team": "data-eng"}),
        spec("ec2 terminate prod", "ec2:TerminateInstances", instance, Expected.EXPLICIT_DENY,
              **{"aws:ResourceTag/env": "prod"}),
        spec("iam create user", "iam:CreateUser", f"arn:aws:iam::{a}:user/mallory",
              Expected.EXPLICIT_DENY),
        spec("iam pass role", "iam:PassRole", f"arn:aws:iam::{a}:role/qwak-eks-{n}-nodes",
              Expected.ALLOWED, **{"iam:PassedToService": "ec2.amazonaws.com"}),
        spec("kms decrypt via s3", "kms:Decrypt", f"arn:aws:kms:us-east-1:{a}:key/1234abcd",
              Expected.ALLOWED, **{"kms:ViaService": "s3.us-east-1.amazonaws.com",
                                   "kms:EncryptionContext:team": f"ml-{n}"}),
        spec("s3 delete data", "s3:DeleteObject", f"arn:aws:s3:::qwak-data-{n}/x",
              Expected.EXPLICIT_DENY),
        spec("s3 delete sandbox", "s3:DeleteObject", f"arn:aws:s3:::qwak-sandbox-{n}/tmp/x",
              Expected.ALLOWED),
    ]  # fmt: skip


IDENTITY_CALLER = role_caller(ACCOUNT, "qwak-eks-base-workers", "i-0def")

FULL = Template(
    statements=full_statements,
    calls=full_calls,
    caller=IDENTITY_CALLER,
    account=ACCOUNT,
    base_context={
        "aws:SecureTransport": "true",
        "aws:SourceIp": "10.20.30.40",
        "aws:RequestedRegion": "us-east-1",
        "aws:CurrentTime": "2025-06-01T12:00:00Z",
        "aws:MultiFactorAuthPresent": "true",
    },
    # ReadData, WriteStaging, ListLogs, DenyInsecure, ReadSharedFromCorp.
    prefix_5={
        "s3 read": Expected.ALLOWED,
        "s3 put sse-kms": Expected.ALLOWED,
        "s3 put over http": Expected.EXPLICIT_DENY,
        "s3 list logs": Expected.ALLOWED,
    },
)


# --- MOTO_SUBSET: the same shape, in what moto evaluates correctly ---------------------------
# moto checks conditions before the resource and answers DENIED when one fails, even for an
# Allow, so every StringEquals here holds for every request; it reads a Deny without Resource as
# an allow, so each Deny names resources; it has no NotResource and no other operators.


def subset_statements(n: int) -> list[Document]:
    a = ACCOUNT
    regions = {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}
    return [
        {"Sid": f"ReadData{n}", "Effect": "Allow",
         "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
         "Resource": [f"arn:aws:s3:::qwak-data-{n}", f"arn:aws:s3:::qwak-data-{n}/*"],
         "Condition": regions},
        {"Sid": f"WriteStaging{n}", "Effect": "Allow",
         "Action": ["s3:PutObject", "s3:PutObjectTagging"],
         "Resource": f"arn:aws:s3:::qwak-staging-{n}/*",
         "Condition": {"StringEquals": {"aws:PrincipalAccount": a}}},
        {"Sid": f"ListLogs{n}", "Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": f"arn:aws:s3:::qwak-logs-{n}"},
        {"Sid": f"DenyReadonlyPut{n}", "Effect": "Deny",
         "Action": ["s3:PutObject", "s3:DeleteObject"],
         "Resource": f"arn:aws:s3:::qwak-staging-{n}/readonly/*"},
        {"Sid": f"ReadShared{n}", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"],
         "Resource": f"arn:aws:s3:::qwak-shared-{n}*"},
        {"Sid": f"Ec2Describe{n}", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
        {"Sid": f"Ec2StartStop{n}", "Effect": "Allow",
         "Action": ["ec2:StartInstances", "ec2:StopInstances"],
         "Resource": f"arn:aws:ec2:*:{a}:instance/*",
         "Condition": {"StringEquals": {"aws:PrincipalType": "AssumedRole"}}},
        {"Sid": f"DenyTerminate{n}", "Effect": "Deny", "Action": "ec2:TerminateInstances",
         "Resource": f"arn:aws:ec2:*:{a}:instance/*"},
        {"Sid": f"RunInstances{n}", "Effect": "Allow", "Action": "ec2:RunInstances",
         "Resource": [f"arn:aws:ec2:*:{a}:instance/*", "arn:aws:ec2:*::image/ami-*"]},
        {"Sid": f"PassNodeRole{n}", "Effect": "Allow", "Action": "iam:PassRole",
         "Resource": f"arn:aws:iam::{a}:role/qwak-eks-{n}-*", "Condition": regions},
        {"Sid": f"ReadOwnRoles{n}", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"],
         "Resource": f"arn:aws:iam::{a}:role/qwak-{n}-*"},
        {"Sid": f"DenyOtherServices{n}", "Effect": "Deny", "NotAction": SERVICES_GUARD,
         "Resource": "*"},
        {"Sid": f"KmsForData{n}", "Effect": "Allow",
         "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
         "Resource": f"arn:aws:kms:us-east-1:{a}:key/*"},
        {"Sid": f"DenyDeleteData{n}", "Effect": "Deny",
         "Action": ["s3:DeleteObject", "s3:DeleteBucket"],
         "Resource": ["arn:aws:s3:::qwak-data-*", "arn:aws:s3:::qwak-logs-*"]},
        {"Sid": f"Sandbox{n}", "Effect": "Allow", "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::qwak-sandbox-{n}", f"arn:aws:s3:::qwak-sandbox-{n}/*"]},
        {"Sid": f"AssumeDataAccess{n}", "Effect": "Allow", "Action": "sts:AssumeRole",
         "Resource": f"arn:aws:iam::*:role/qwak-data-access-{n}", "Condition": regions},
        {"Sid": f"PublicNotIam{n}", "Effect": "Allow", "NotAction": ["iam:*", "sts:*", "kms:*"],
         "Resource": f"arn:aws:s3:::qwak-public-{n}/*"},
        {"Sid": f"DenyLockedPut{n}", "Effect": "Deny", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::qwak-staging-{n}/locked/*"},
        {"Sid": f"WriteLogs{n}", "Effect": "Allow",
         "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": f"arn:aws:logs:us-east-1:{a}:log-group:/qwak/{n}/*"},
        {"Sid": f"DenyEc2InAsia{n}", "Effect": "Deny", "Action": "ec2:*",
         "Resource": "arn:aws:ec2:ap-*"},
    ]  # fmt: skip


def subset_calls(n: int) -> list[CallSpec]:
    a = ACCOUNT
    instance = f"arn:aws:ec2:us-east-1:{a}:instance/i-0123456789abcdef0"
    return [
        spec("s3 read", "s3:GetObject", f"arn:aws:s3:::qwak-data-{n}/models/m.bin",
             Expected.ALLOWED),
        spec("s3 put", "s3:PutObject", f"arn:aws:s3:::qwak-staging-{n}/uploads/x.parquet",
             Expected.ALLOWED),
        spec("s3 put readonly", "s3:PutObject", f"arn:aws:s3:::qwak-staging-{n}/readonly/x",
             Expected.EXPLICIT_DENY),
        spec("s3 list logs", "s3:ListBucket", f"arn:aws:s3:::qwak-logs-{n}", Expected.ALLOWED),
        spec("s3 read elsewhere", "s3:GetObject", "arn:aws:s3:::someone-else/x",
             Expected.IMPLICIT_DENY),
        spec("ec2 describe", "ec2:DescribeInstances", "*", Expected.ALLOWED),
        spec("ec2 start", "ec2:StartInstances", instance, Expected.ALLOWED),
        spec("ec2 start in asia", "ec2:StartInstances",
             f"arn:aws:ec2:ap-south-1:{a}:instance/i-0fedcba9876543210", Expected.EXPLICIT_DENY),
        spec("ec2 terminate", "ec2:TerminateInstances", instance, Expected.EXPLICIT_DENY),
        spec("iam create user", "iam:CreateUser", f"arn:aws:iam::{a}:user/mallory",
             Expected.EXPLICIT_DENY),
        spec("iam pass role", "iam:PassRole", f"arn:aws:iam::{a}:role/qwak-eks-{n}-nodes",
             Expected.ALLOWED),
        spec("iam pass other role", "iam:PassRole", f"arn:aws:iam::{a}:role/admin",
             Expected.IMPLICIT_DENY),
        spec("s3 delete data", "s3:DeleteObject", f"arn:aws:s3:::qwak-data-{n}/x",
             Expected.EXPLICIT_DENY),
        spec("s3 delete sandbox", "s3:DeleteObject", f"arn:aws:s3:::qwak-sandbox-{n}/tmp/x",
             Expected.ALLOWED),
    ]  # fmt: skip


MOTO_SUBSET = Template(
    statements=subset_statements,
    calls=subset_calls,
    caller=IDENTITY_CALLER,
    account=ACCOUNT,
    base_context={"aws:RequestedRegion": "us-east-1"},
    # ReadData, WriteStaging, ListLogs, DenyReadonlyPut, ReadShared.
    prefix_5={
        "s3 read": Expected.ALLOWED,
        "s3 put": Expected.ALLOWED,
        "s3 put readonly": Expected.EXPLICIT_DENY,
        "s3 list logs": Expected.ALLOWED,
    },
)


def suites() -> tuple[Suite, ...]:
    trust = Suite(
        "a-trust",
        "(a) seed trust policy, cross-account AssumeRole",
        identity=(CALLER_ASSUME_POLICY,),
        trust=SEED_TRUST_POLICY,
        calls=TRUST_CALLS,
    )
    full = [
        Suite("full-5", "5 statements", FULL.policies([5]), FULL.requests(0, statements=5)),
        Suite("b-full-20", "(b) 20-statement identity policy", FULL.policies([20]),
              FULL.requests(0)),
        Suite("full-50", "50 statements (policies of 20+20+10)", FULL.policies([20, 20, 10]),
              FULL.requests(1)),
        Suite("c-full-200", "(c) 200 statements: 1 full policy + 9 of specific statements",
              distinct_policies(9, 10), FULL.requests(9)),
        Suite("full-200-guards-x10", "200 statements, every guard repeated in all 10 policies",
              FULL.policies([20] * 10), FULL.requests(9)),
    ]  # fmt: skip
    subset = [
        Suite(f"moto-{count}", f"{count} statements, moto-supported subset",
              MOTO_SUBSET.policies(counts), MOTO_SUBSET.requests(n, statements=per),
              moto_supported=True)
        for count, counts, n, per in (
            (5, [5], 0, 5),
            (20, [20], 0, 20),
            (50, [20, 20, 10], 1, 20),
            (200, [20] * 10, 9, 20),
        )
    ]  # fmt: skip
    return (trust, *full, *subset)


def check_corpus() -> None:
    """Fail fast if the corpus breaks its own promises: quota and statement counts."""
    for suite in suites():
        for document in suite.identity:
            size = compact_size(document)
            if size > IDENTITY_POLICY_QUOTA:
                raise AssertionError(f"{suite.key}: identity policy of {size} characters")
        count = re.search(r"-(\d+)", suite.key)
        wanted = int(count.group(1)) if count else 3
        if suite.statement_count != wanted:
            raise AssertionError(f"{suite.key}: {suite.statement_count} statements")
