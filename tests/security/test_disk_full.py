"""A full disk: every failure still answers in the service's own error shape (IAM and STS
`InternalFailure`, IAM/latest/APIReference/CommonErrors.html; S3 `InternalError`,
AmazonS3/latest/API/ErrorResponses.html), stored data stays intact, and an audit line is whole
or absent. Without root: `audit.jsonl` as a link to /dev/full (every write fails with ENOSPC),
and a server under a small RLIMIT_FSIZE (writes past it fail with EFBIG; Python ignores
SIGXFSZ)."""

from __future__ import annotations

import json
import resource
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import RunningServer

FILE_SIZE_LIMIT = 8 * 1024 * 1024


class LimitedServer(RunningServer):
    """A server process whose files may not grow past FILE_SIZE_LIMIT."""

    @staticmethod
    def prepare_child() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def _code(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = error.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture(params=[1, 2], ids=["workers1", "workers2"])
def audit_on_dev_full(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningServer]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "audit.jsonl").symlink_to("/dev/full")
    running = RunningServer(data_dir, "--workers", str(request.param)).start()
    yield running
    running.stop()


def test_iam_and_sts_answer_in_their_shape_when_the_audit_cannot_be_written(
    audit_on_dev_full: RunningServer,
) -> None:
    owner = audit_on_dev_full.new_account()

    with pytest.raises(ClientError) as iam_error:
        audit_on_dev_full.client("iam", owner).list_users()
    with pytest.raises(ClientError) as sts_error:
        audit_on_dev_full.client("sts", owner).get_caller_identity()

    assert _code(iam_error) == ("InternalFailure", 500)
    assert _code(sts_error) == ("InternalFailure", 500)


@pytest.fixture
def nearly_full(tmp_path: Path) -> Iterator[LimitedServer]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    filler = json.dumps({"time": "2026-01-01T00:00:00Z", "request_id": "filler", "pad": "x" * 200})
    lines = (FILE_SIZE_LIMIT - 4000) // (len(filler) + 1)
    (data_dir / "audit.jsonl").write_text((filler + "\n") * lines)
    running = LimitedServer(data_dir).start()
    yield running
    running.stop()


def test_a_full_disk_leaves_no_torn_audit_line_and_loses_no_data(
    nearly_full: LimitedServer,
) -> None:
    owner = nearly_full.new_account()
    s3 = nearly_full.client("s3", owner)
    bucket = f"full-{owner.account_id}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="kept.txt", Body=b"still here")
    for _ in range(20):  # the log crosses the limit part-way through one of these lines
        assert s3.get_object(Bucket=bucket, Key="kept.txt")["Body"].read() == b"still here"

    with pytest.raises(ClientError) as iam_error:
        nearly_full.client("iam", owner).list_users()
    with pytest.raises(ClientError) as put_error:
        s3.put_object(Bucket=bucket, Key="too-big.bin", Body=b"b" * (FILE_SIZE_LIMIT + 1))

    assert _code(iam_error) == ("InternalFailure", 500)
    assert _code(put_error) == ("InternalError", 500)
    assert s3.get_object(Bucket=bucket, Key="kept.txt")["Body"].read() == b"still here"
    text = (nearly_full.data_dir / "audit.jsonl").read_bytes()
    assert text.endswith(b"\n")
    entries = [json.loads(line) for line in text.splitlines()]  # every line whole
    assert any(entry.get("operation") == "GetObject" for entry in entries)


def test_a_line_cut_short_by_a_crash_does_not_swallow_the_next(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    whole = json.dumps({"time": "2026-01-01T00:00:00Z", "request_id": "before-the-crash"})
    (data_dir / "audit.jsonl").write_text(whole + "\n" + whole[:25])  # the crash's fragment
    server = RunningServer(data_dir).start()
    try:
        owner = server.new_account()
        server.client("sts", owner).get_caller_identity()
    finally:
        server.stop()

    entries = [json.loads(line) for line in (data_dir / "audit.jsonl").read_text().splitlines()]
    assert entries[0]["request_id"] == "before-the-crash"
    assert entries[-1]["operation"] == "GetCallerIdentity"
