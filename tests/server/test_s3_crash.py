"""A `kill -9` of the server in the middle of uploads loses no acknowledged object and leaves
no partial one: after a restart every key holds its last acknowledged body or a later one."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from tests.rolegate_server import RunningServer

KEYS = ("a.bin", "dir/b.bin", "../c.bin")


def _body(counter: int) -> bytes:
    # Sizes from 1 byte to ~3 MiB so some uploads are still streaming when the kill lands.
    size = 1 + (counter * 7919) % (3 * 1024 * 1024)
    return hashlib.sha256(str(counter).encode()).digest() * (size // 32 + 1)


def test_kill_9_during_uploads_keeps_every_acknowledged_put(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = RunningServer(data_dir).start()
    root = server.new_account()
    s3 = server.client("s3", root)
    s3.create_bucket(Bucket="crash")
    acknowledged: dict[str, int] = {}
    stop = threading.Event()

    def upload(worker: int) -> None:
        counter = worker
        client = server.client("s3", root)
        while not stop.is_set():
            key = KEYS[counter % len(KEYS)]
            try:
                client.put_object(Bucket="crash", Key=key, Body=_body(counter))
            except (BotoCoreError, ClientError):
                return
            acknowledged[key] = max(acknowledged.get(key, -1), counter)
            counter += 3

    threads = [threading.Thread(target=upload, args=(w,)) for w in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    assert server.process is not None
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait()
    stop.set()
    for thread in threads:
        thread.join()
    server.stop()
    assert acknowledged, "some uploads were acknowledged before the kill"

    restarted = RunningServer(data_dir).start()
    try:
        client = restarted.client("s3", root)
        for key, last in acknowledged.items():
            body = client.get_object(Bucket="crash", Key=key)["Body"].read()
            candidates = {hashlib.md5(_body(c)).hexdigest(): c for c in range(last, last + 60, 3)}
            digest = hashlib.md5(body).hexdigest()
            assert digest in candidates, f"{key}: not the acknowledged body nor a later one"
    finally:
        restarted.stop()
