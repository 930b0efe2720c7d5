"""A batch execution's inputs are a customer's keys: they name its output keys and its report.

S3 keeps a key such as `in/x/../../k` literally, but S3 clients normalize the URL path (pyarrow's
signs one path and sends another), so such a key is no file of the source folder: reading it
reaches another object (or fails as a signature mismatch blamed on the role), and the output key
built from it (`out/x/../../k`) names a place outside the results folder. Such files fail without
a request, saying why, and the other files are processed
(AmazonS3/latest/userguide/object-keys.html, "Object key naming guidelines": some characters and
relative-path segments need special handling by applications).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.platform.identity_env import use_platform_identity
from tests.rolegate_server import RunningServer
from tests.server.seed_world import Platform, trust_account

from rolegate.cli.main import main
from rolegate.platform.batch import BatchExecution, BatchRegistry, InlineExecutor, run_batch
from rolegate.platform.batch.tasks import FileState
from rolegate.platform.roles import PlatformIdentity

BUCKET = "hostile-batch"
BODY = b"part,amount\n1,2.5\n"
HOSTILE = [
    "in/x/../../escaped.csv",
    "in/../other/escaped.csv",
    "in//doubled.csv",
    "in/sub/./dot.csv",
    "in/tab\tname.csv",
]
MARKUP = "in/[/]name.csv"
FUNCTION = "tests.platform.batch.functions:double_amount"


def _policy() -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject"],
                    "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                }
            ],
        }
    )


def test_hostile_input_keys_fail_unread_and_name_no_output(
    server: RunningServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    platform = Platform.create(server)
    customer = server.new_account()
    s3 = server.client("s3", customer)
    s3.create_bucket(Bucket=BUCKET)
    for key in [*HOSTILE, MARKUP, "in/plain.csv"]:
        s3.put_object(Bucket=BUCKET, Key=key, Body=BODY)
    iam = server.client("iam", customer)
    role = iam.create_role(
        RoleName="batch", AssumeRolePolicyDocument=trust_account(platform.account)
    )["Role"]["Arn"]
    iam.put_role_policy(RoleName="batch", PolicyName="data", PolicyDocument=_policy())
    use_platform_identity(monkeypatch, platform.operator)
    monkeypatch.setenv("COLUMNS", "1000")

    execution = BatchExecution(BUCKET, BUCKET, "in", "out", role, FUNCTION)
    with BatchRegistry(tmp_path) as registry:
        run = run_batch(
            execution,
            PlatformIdentity(endpoint_url=server.url),
            registry,
            execution_id="hostile",
            executor=InlineExecutor(),
        )
    outcomes = {o.source_key: o for o in run.outcomes}
    for key in HOSTILE:
        assert outcomes[key].state is FileState.FAILED
        assert outcomes[key].attempts == 0 and outcomes[key].destination_key == ""
        assert "no plain path below the source folder" in outcomes[key].error
    assert outcomes["in/plain.csv"].state is FileState.SUCCEEDED
    assert outcomes[MARKUP].state is FileState.SUCCEEDED
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert {k for k in keys if not k.startswith("in/")} == {"out/plain.csv", "out/[/]name.csv"}
    # No request was made for a refused key (none was signed for one path and sent as another).
    audit = [e for e in server.audit_entries() if e.get("error") == "SignatureDoesNotMatch"]
    assert audit == []

    # The report prints every key as it is: the `[/]` key is not rich markup, the tab no control.
    assert main(["batch", "report", "hostile", "--platform-dir", str(tmp_path)]) == 0
    report = capsys.readouterr().out
    assert "out/[/]name.csv" in report and "in/tab\\x09name.csv" in report
    assert "\t" not in report


@pytest.mark.parametrize(
    ("source", "destination"), [("in", "in/results"), ("", "results"), ("in/", "/in//")]
)
def test_results_cannot_be_written_where_the_next_run_reads_inputs(
    source: str, destination: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A rerun would list the last run's results as inputs: outputs of outputs, without end.
    role = "arn:aws:iam::123456789012:role/batch"
    flags = ["--bucket", BUCKET, "--source-folder", source, "--role-arn", role]
    flags += ["--destination-folder", destination, "--function", FUNCTION, "--out-conf"]
    assert main(["batch", "run", *flags]) == 2
    assert "the destination folder is" in capsys.readouterr().err
