"""The servers s3_bench.py compares, and the pre-signed requests each of them answers.

Every server runs as its own process on 127.0.0.1 on a free port and is stopped by its PID:
- rolegate: GETs signed by an assumed-role session (the seed's flow: a platform role session
  assumes a customer's role whose policy may read the bucket), PUTs by the bucket owner's root key;
- moto: an IAM user allowed `s3:*`, with moto's auth turned on (`/moto-api/reset-auth`);
- nginx: the same files from disk, unsigned (one worker, sendfile, no access log) — the ceiling;
- the bare ASGI app (`upload_sink.py`): uvicorn on uvloop+httptools that discards uploads and
  streams the same files for GETs — what rolegate's stack costs with rolegate taken away.

Requests are signed once with botocore (captured in a `before-send` hook, never sent) and
replayed: a SigV4 header signature stays valid for 15 minutes. PUTs are signed with
`x-amz-content-sha256: UNSIGNED-PAYLOAD` so the client never hashes the body.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.rolegate_server import Credentials, RunningServer, free_port  # noqa: E402
from tests.server.seed_world import (  # noqa: E402
    Platform,
    assume,
    seed_permission_policy,
    seed_trust_policy,
)

REGION = "us-east-1"
BUCKET = "bench-data"  # moto's and nginx's; rolegate's carries the owner's account id
_DROPPED = {"host", "content-length", "expect", "transfer-encoding"}


class _Captured(Exception):
    pass


@dataclass(frozen=True, slots=True)
class WireRequest:
    """One request as it goes on the wire; `body` is what botocore would have sent with it."""

    method: str
    target: str  # path and query
    host: str
    headers: tuple[tuple[str, str], ...]  # without Host and Content-Length
    body: bytes = b""

    def head(self, content_length: int = 0) -> bytes:
        lines = [f"{self.method} {self.target} HTTP/1.1", f"Host: {self.host}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        lines.append(f"Content-Length: {content_length}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def raw(self) -> bytes:
        """Head and body, ready to replay."""
        return self.head(len(self.body)) + self.body


def _wire(request: Any) -> WireRequest:
    split = urllib.parse.urlsplit(request.url)
    target = (split.path or "/") + (f"?{split.query}" if split.query else "")
    headers = tuple(
        (name, value.decode() if isinstance(value, bytes) else value)
        for name, value in request.headers.items()
        if name.lower() not in _DROPPED
    )
    body = request.body or b""
    return WireRequest(
        request.method,
        target,
        split.netloc,
        headers,
        body.encode() if isinstance(body, str) else bytes(body),
    )


def captured(client: Any, call: Callable[[Any], object]) -> WireRequest:
    """What botocore would send for `call(client)`, signed, without sending it."""
    found: dict[str, Any] = {}

    def hook(request: Any, **_: object) -> None:
        found["request"] = request
        raise _Captured

    client.meta.events.register("before-send", hook)
    try:
        call(client)
    except _Captured:
        pass
    finally:
        client.meta.events.unregister("before-send", hook)
    return _wire(found["request"])


def s3_client(url: str, creds: Credentials, *, unsigned_payload: bool = False) -> Any:
    """Path-style S3; with `unsigned_payload`, PUTs carry UNSIGNED-PAYLOAD and no checksum."""
    s3: dict[str, Any] = {"addressing_style": "path"}
    extra: dict[str, Any] = {}
    if unsigned_payload:
        s3["payload_signing_enabled"] = False
        extra["request_checksum_calculation"] = "when_required"
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
        config=Config(retries={"max_attempts": 1}, s3=s3, **extra),
    )


@dataclass
class Peer:
    name: str
    port: int
    bucket: str
    reader: Credentials | None = None  # signs GETs (None: unsigned)
    writer: Credentials | None = None  # signs PUTs (None: PUTs unsigned, or not served)
    stop: Callable[[], None] = lambda: None
    serves_put: bool = True
    serves_get: bool = True
    pid: int | None = None  # the server process (nginx: its master; workers are its children)
    version: str = ""
    _clients: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _client(self, role: str, creds: Credentials) -> Any:
        if role not in self._clients:
            self._clients[role] = s3_client(self.url, creds, unsigned_payload=role == "put")
        return self._clients[role]

    def get(self, key: str, byte_range: str | None = None) -> WireRequest:
        if self.reader is None:
            headers = (("Range", byte_range),) if byte_range else ()
            return WireRequest("GET", f"/{self.bucket}/{key}", f"127.0.0.1:{self.port}", headers)
        extra = {"Range": byte_range} if byte_range else {}
        client = self._client("get", self.reader)
        return captured(client, lambda c: c.get_object(Bucket=self.bucket, Key=key, **extra))

    def put(self, key: str) -> WireRequest:
        """A PUT signed with UNSIGNED-PAYLOAD; `head(size)` gives it any body length, since
        botocore signs neither Content-Length nor (here) the body."""
        if self.writer is None:
            return WireRequest("PUT", f"/{self.bucket}/{key}", f"127.0.0.1:{self.port}", ())
        client = self._client("put", self.writer)
        return captured(client, lambda c: c.put_object(Bucket=self.bucket, Key=key, Body=b""))

    def boto3(self) -> Any:
        """A plain boto3 client with default settings (for the reference put_object)."""
        assert self.writer is not None
        return self._client("boto3", self.writer)


def wait_for_port(port: int, process: subprocess.Popen[bytes], name: str, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{name} did not listen on {port} within {limit:g} s")


def stop_process(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# rolegate ------------------------------------------------------------------------------------


def start_rolegate(tmp: Path, workers: int = 1) -> Peer:
    server = RunningServer(tmp / "rolegate-data", "--workers", str(workers)).start()
    try:
        owner = server.new_account()
        bucket = f"bench-{owner.account_id}"
        server.client("s3", owner).create_bucket(Bucket=bucket)
        platform = Platform.create(server)
        iam = server.client("iam", owner)
        role_arn = iam.create_role(
            RoleName="qwak-access-role",
            AssumeRolePolicyDocument=seed_trust_policy(platform.account),
        )["Role"]["Arn"]
        iam.put_role_policy(
            RoleName="qwak-access-role",
            PolicyName="read",
            PolicyDocument=seed_permission_policy(bucket),
        )
        session = platform.session_of(platform.add_role("qwak-eks-base-bench"))
        reader = Credentials.from_sts(assume(server, session, role_arn)["Credentials"])
    except BaseException:
        server.stop()
        raise
    assert server.process is not None
    return Peer(
        "rolegate",
        server.port,
        bucket,
        reader,
        owner,
        server.stop,
        pid=server.process.pid,
        version=f"rolegate {package_version('rolegate')}",
    )


# moto ----------------------------------------------------------------------------------------

S3_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'


def start_moto() -> Peer:
    port = free_port()
    moto = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process, "moto_server", 30)
        url = f"http://127.0.0.1:{port}"
        admin = Credentials("AKIAIOSFODNN7EXAMPLE", "a" * 40)
        iam = boto3.client(
            "iam",
            endpoint_url=url,
            region_name=REGION,
            aws_access_key_id=admin.access_key_id,
            aws_secret_access_key=admin.secret_access_key,
        )
        iam.create_user(UserName="bench")
        iam.put_user_policy(UserName="bench", PolicyName="s3", PolicyDocument=S3_ALL)
        key = iam.create_access_key(UserName="bench")["AccessKey"]
        # Authentication and authorization on from here (field notes).
        urllib.request.urlopen(
            urllib.request.Request(
                f"{url}/moto-api/reset-auth", data=b"0", headers={"Content-Type": "text/plain"}
            )
        ).read()
        user = Credentials(key["AccessKeyId"], key["SecretAccessKey"])
        s3_client(url, user).create_bucket(Bucket=BUCKET)
    except BaseException:
        stop_process(process)
        raise
    return Peer(
        "moto",
        port,
        BUCKET,
        user,
        user,
        lambda: stop_process(process),
        pid=process.pid,
        version=f"moto {package_version('moto')}",
    )


# nginx ---------------------------------------------------------------------------------------


def find_nginx() -> str | None:
    path = os.environ.get("PATH", "") + ":/usr/sbin:/usr/local/sbin:/sbin"
    return shutil.which("nginx", path=path)


NGINX_CONF = """\
daemon off;
master_process on;
worker_processes {workers};
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    default_type application/octet-stream;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
        location / {{ }}
    }}
}}
"""


def _www(home: Path, files: dict[str, Path]) -> Path:
    """A document root holding `files` (key -> file on disk, hard-linked) at bench-data/key."""
    root = home / "www"
    for key, source in files.items():
        target = root / BUCKET / key
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, target)
    return root


def start_nginx(nginx: str, tmp: Path, files: dict[str, Path], workers: int = 1) -> Peer:
    """nginx serving `files` at /bench-data/key, with `workers` worker processes."""
    home = tmp / "nginx"
    _www(home, files)
    port = free_port()
    # Workers run as `nobody` when the master is root; our temp dirs are private to us.
    user = "user root;" if os.geteuid() == 0 else ""
    conf = home / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=home, port=port, user=user, workers=workers))
    process = subprocess.Popen(
        [nginx, "-p", str(home), "-c", str(conf), "-e", str(home / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process, "nginx", 10)
    except BaseException:
        stop_process(process)
        raise
    named = subprocess.run([nginx, "-v"], capture_output=True, text=True, check=False)
    # SIGQUIT: graceful shutdown, the master waits for its worker.
    return Peer(
        "nginx",
        port,
        BUCKET,
        stop=lambda: stop_process(process, signal.SIGQUIT),
        serves_put=False,
        pid=process.pid,
        version=named.stderr.strip().removeprefix("nginx version: "),
    )


# the bare upload sink --------------------------------------------------------------------------


def start_sink(tmp: Path, files: dict[str, Path], workers: int = 1) -> Peer:
    """The bare ASGI app; it discards PUT bodies and serves `files` like nginx."""
    root = _www(tmp / "sink", files)
    port = free_port()
    sink = Path(__file__).resolve().parent / "upload_sink.py"
    command = [sys.executable, str(sink), "--port", str(port), "--root", str(root)]
    process = subprocess.Popen(
        [*command, "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process, "upload sink", 30)
    except BaseException:
        stop_process(process)
        raise
    return Peer(
        "sink",
        port,
        BUCKET,
        # Dummy keys: the sink checks nothing, but gets the same signed heads as the others.
        writer=Credentials("AKIDBENCHSINK0000000", "s" * 40),
        stop=lambda: stop_process(process),
        pid=process.pid,
        version=f"uvicorn {package_version('uvicorn')}",
    )


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process and its live children (nginx's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return None
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total
