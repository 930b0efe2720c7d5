"""SimulateCustomPolicy / SimulatePrincipalPolicy: one request must not hold a worker for minutes.

IAM/APIReference/API_SimulateCustomPolicy.html: "Each operation is evaluated against each
resource", and the results come in pages of MaxItems (at most 1000). ActionNames and ResourceArns
have no count limit, so the work is their product: the 1 MiB a query body may hold makes it tens of
millions of evaluations. Before the fix every page evaluated all of them (and kept every result in
memory); now a request evaluates only the page it answers.
"""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import RunningServer

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
)


def test_a_huge_simulation_answers_one_page_promptly(server: RunningServer) -> None:
    root = server.new_account()
    # A read timeout well above a page's cost (milliseconds) and far below the whole product's
    # (1,000,000 evaluations: about 15 s on this machine, then the reply).
    iam = server.client("iam", root, read_timeout=5, connect_timeout=5)
    actions = [f"s3:GetObject{i}" if i else "s3:GetObject" for i in range(1000)]
    resources = [f"arn:aws:s3:::bucket/key{i}" for i in range(1000)]
    started = time.monotonic()
    first = iam.simulate_custom_policy(
        PolicyInputList=[POLICY], ActionNames=actions, ResourceArns=resources, MaxItems=3
    )
    assert time.monotonic() - started < 5
    assert [r["EvalDecision"] for r in first["EvaluationResults"]] == ["allowed"] * 3
    assert first["IsTruncated"] is True
    # Paging goes on where it stopped: results 4..5 are the first action on keys 3 and 4.
    second = iam.simulate_custom_policy(
        PolicyInputList=[POLICY],
        ActionNames=actions,
        ResourceArns=resources,
        MaxItems=2,
        Marker=first["Marker"],
    )
    assert [r["EvalResourceName"] for r in second["EvaluationResults"]] == [
        "arn:aws:s3:::bucket/key3",
        "arn:aws:s3:::bucket/key4",
    ]
    # The last page says so.
    tail = iam.simulate_custom_policy(
        PolicyInputList=[POLICY], ActionNames=actions[-1:], ResourceArns=resources[-2:]
    )
    assert len(tail["EvaluationResults"]) == 2 and tail["IsTruncated"] is False


def test_a_simulation_with_endless_context_values_is_refused_promptly(
    server: RunningServer,
) -> None:
    # Each context value is matched against each value of each condition naming its key: twenty
    # policies of 420 patterns against 10,000 values is ~84 million glob matches for ONE result
    # (MaxItems=1), held on the worker's event loop. A real request carries at most 50 values.
    root = server.new_account()
    iam = server.client("iam", root, read_timeout=5, connect_timeout=5)
    patterns = [f"v{i}*x*y*z" for i in range(420)]
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": patterns}},
                }
            ],
        }
    )
    values = [f"w{i}abcdefgh" for i in range(10_000)]
    started = time.monotonic()
    with pytest.raises(ClientError) as refused:
        iam.simulate_custom_policy(
            PolicyInputList=[policy] * 20,
            ActionNames=["s3:GetObject"],
            ContextEntries=[
                {
                    "ContextKeyName": "aws:TagKeys",
                    "ContextKeyValues": values,
                    "ContextKeyType": "stringList",
                }
            ],
            MaxItems=1,
        )
    assert time.monotonic() - started < 5
    assert refused.value.response["Error"]["Code"] == "InvalidInput"
    # A realistic simulation (a request's 50 tag keys) is answered as before.
    answered = iam.simulate_custom_policy(
        PolicyInputList=[policy],
        ActionNames=["s3:GetObject"],
        ContextEntries=[
            {
                "ContextKeyName": "aws:TagKeys",
                "ContextKeyValues": ["v7abxcyzz", *values[:49]],
                "ContextKeyType": "stringList",
            }
        ],
    )
    assert answered["EvaluationResults"][0]["EvalDecision"] == "allowed"
