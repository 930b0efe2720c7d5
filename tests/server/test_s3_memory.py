"""A 2 GiB object goes up and comes back down with flat server memory: neither PUT nor GET holds
an object whole (the issue's storage requirement). Measured as the server process's peak RSS
(VmHWM in /proc), which must stay far below the object's size."""

from __future__ import annotations

import hashlib
import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from tests.rolegate_server import RunningServer

SIZE = 2 * 1024**3
PIECE = 4 * 1024 * 1024
ALLOWED_GROWTH = 256 * 1024 * 1024


def _peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc status")


def _pieces() -> Iterator[bytes]:
    block = hashlib.sha256(b"rolegate").digest() * (PIECE // 32)
    for _ in range(SIZE // PIECE):
        yield block


def test_two_gib_up_and_down_with_flat_memory(tmp_path: Path) -> None:
    server = RunningServer(tmp_path / "data").start()
    try:
        assert server.process is not None
        root = server.new_account()
        s3 = server.client("s3", root, signature_version="s3v4")
        s3.create_bucket(Bucket="large")
        s3.put_object(Bucket="large", Key="warm", Body=b"x")  # load everything a request needs
        baseline = _peak_rss(server.process.pid)
        url = urlsplit(
            s3.generate_presigned_url(
                "put_object", Params={"Bucket": "large", "Key": "big"}, ExpiresIn=600
            )
        )
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        connection.request(
            "PUT", f"{url.path}?{url.query}", body=_pieces(), headers={"Content-Length": str(SIZE)}
        )
        response = connection.getresponse()
        assert response.status == 200, response.read()
        response.read()
        get_url = urlsplit(
            s3.generate_presigned_url("get_object", Params={"Bucket": "large", "Key": "big"})
        )
        connection.request("GET", f"{get_url.path}?{get_url.query}")
        response = connection.getresponse()
        assert response.status == 200
        received = 0
        while chunk := response.read(PIECE):
            received += len(chunk)
        assert received == SIZE
        growth = _peak_rss(server.process.pid) - baseline
        assert growth < ALLOWED_GROWTH, f"server peak RSS grew by {growth / 2**20:.0f} MiB"
        connection.close()
        s3.delete_object(Bucket="large", Key="big")  # 2 GiB less left behind in the temp dir
    finally:
        server.stop()
