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
