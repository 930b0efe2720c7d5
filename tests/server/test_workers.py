"""`rolegate server --workers N`: worker processes on one port and one data dir.

What must hold whichever worker takes a connection: a write made through one worker is what the
next request sees, on any worker. S3 is strongly consistent for reads after writes
(AmazonS3/latest/userguide/Welcome.html, "Amazon S3 data consistency model"); rolegate also makes
IAM changes hold from the next request on (AWS documents IAM as eventually consistent,
UG/troubleshoot_general.html#troubleshoot_general_eventual-consistency — immediate is one of
the outcomes AWS allows, and the only one a test can rely on).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer

ROUNDS = 12


@pytest.fixture(scope="module")
def workers_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = RunningServer(tmp_path_factory.mktemp("workers") / "data", "--workers", "2").start()
    try:
        yield running
    finally:
        running.stop()


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in cmdline:
            found.append(int(entry))
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for whoever adopted it to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in {"Z", "X"}


def _read_policy(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


def test_two_worker_processes_serve_the_port(workers_server: RunningServer) -> None:
    assert workers_server.process is not None
    owner = workers_server.new_account()
    # Requests on fresh connections, which the kernel hands to either worker.
    for _ in range(4):
        workers_server.client("sts", owner).get_caller_identity()
    assert len(_children(workers_server.process.pid)) == 2


def test_an_iam_change_holds_from_the_next_request_on_any_worker(
    workers_server: RunningServer,
) -> None:
    owner = workers_server.new_account()
    bucket = f"workers-{owner.account_id}"
    workers_server.client("s3", owner).create_bucket(Bucket=bucket)
    workers_server.client("s3", owner).put_object(Bucket=bucket, Key="k", Body=b"v")
    iam = workers_server.client("iam", owner)
    iam.create_user(UserName="reader")
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    reader = Credentials(key["AccessKeyId"], key["SecretAccessKey"], None, owner.account_id)
    for _ in range(ROUNDS):
        workers_server.client("iam", owner).put_user_policy(
            UserName="reader", PolicyName="read", PolicyDocument=_read_policy(bucket)
        )
        body = workers_server.client("s3", reader).get_object(Bucket=bucket, Key="k")["Body"]
        assert body.read() == b"v"
        workers_server.client("iam", owner).delete_user_policy(UserName="reader", PolicyName="read")
        with pytest.raises(ClientError) as denied:
            workers_server.client("s3", reader).get_object(Bucket=bucket, Key="k")
        assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_an_object_written_through_one_worker_is_read_whole_through_any(
    workers_server: RunningServer,
) -> None:
    owner = workers_server.new_account()
    bucket = f"workers-objects-{owner.account_id}"
    workers_server.client("s3", owner).create_bucket(Bucket=bucket)
    for round_number in range(ROUNDS):
        body = os.urandom(1000 + round_number)
        workers_server.client("s3", owner).put_object(Bucket=bucket, Key="same", Body=body)
        got = workers_server.client("s3", owner).get_object(Bucket=bucket, Key="same")
        assert got["Body"].read() == body


def test_the_parent_sweeps_orphans_before_the_workers_start(tmp_path: Path) -> None:
    # A blob no record refers to (a crash between its rename and its record's commit), old
    # enough not to belong to a write in flight, is removed once at startup.
    data = tmp_path / "data"
    first = RunningServer(data).start()
    first.stop()
    orphan = data / "blobs" / "ab" / "cd" / ("ab" + "cd" + "0" * 28)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"left by a crash")
    long_ago = orphan.stat().st_mtime - 3600
    os.utime(orphan, (long_ago, long_ago))
    running = RunningServer(data, "--workers", "2").start()
    try:
        owner = running.new_account()
        running.client("sts", owner).get_caller_identity()
        assert not orphan.exists()
    finally:
        running.stop()


def test_workers_stop_when_their_parent_is_killed(tmp_path: Path) -> None:
    # A kill -9 of `rolegate server` must not leave its workers serving the port on their own.
    running = RunningServer(tmp_path / "data", "--workers", "2").start()
    assert running.process is not None
    owner = running.new_account()
    running.client("sts", owner).get_caller_identity()
    workers = _children(running.process.pid)
    assert len(workers) == 2
    running.process.send_signal(signal.SIGKILL)
    running.process.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_running(pid) for pid in workers):
        time.sleep(0.1)
    running.stop()
    assert not any(_running(pid) for pid in workers)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", running.port), timeout=1).close()
