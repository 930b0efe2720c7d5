"""Attacks at the byte level: requests signed with botocore, then sent (or altered) on a raw
socket, where a client library would fix up or hide what an attacker controls."""

from __future__ import annotations

import hashlib
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from tests.rolegate_server import REGION, Credentials

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def code(self) -> str:
        """The error document's <Code> ("" when there is none)."""
        return self.text.partition("<Code>")[2].partition("</Code>")[0]


def signed_headers(
    credentials: Credentials,
    method: str,
    url: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    service: str = "s3",
    region: str = REGION,
) -> dict[str, str]:
    """The headers botocore would send for this request, signed (SigV4; S3 adds its
    `x-amz-content-sha256`). Alter the body or a header afterwards to attack the signature."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    signer = S3SigV4Auth if service == "s3" else SigV4Auth
    if service == "s3" and "X-Amz-Content-SHA256" not in request.headers:
        request.headers["X-Amz-Content-SHA256"] = hashlib.sha256(body).hexdigest()
    signer(_boto(credentials), service, region).add_auth(request)
    request.headers["Host"] = urlsplit(url).netloc
    return dict(request.headers.items())


def presigned_target(
    credentials: Credentials,
    url: str,
    *,
    service: str = "s3",
    region: str = REGION,
    expires: int = 300,
) -> str:
    """The path and query of a GET on `url` presigned as botocore presigns it (SigV4 query
    auth); send it with a `Host` of the server's. Alter the query to attack the signature."""
    request = AWSRequest(method="GET", url=url)
    signer = S3SigV4QueryAuth if service == "s3" else SigV4QueryAuth
    signer(_boto(credentials), service, region, expires=expires).add_auth(request)
    return request.url.split(urlsplit(url).netloc, 1)[1]


def _boto(credentials: Credentials) -> BotoCredentials:
    return BotoCredentials(
        credentials.access_key_id, credentials.secret_access_key, credentials.session_token
    )


def request_bytes(method: str, target: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """An HTTP/1.1 request as bytes; Content-Length is added when the caller gave none."""
    lines = [f"{method} {target} HTTP/1.1"]
    if not any(name.lower() == "content-length" for name in headers) and (
        body or method in {"PUT", "POST"}
    ):
        headers = {**headers, "Content-Length": str(len(body))}
    lines.extend(f"{name}: {value}" for name, value in headers.items())
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def read_response(sock: socket.socket, *, head: bool = False) -> RawResponse:
    """One response from the socket: status line, headers, and a Content-Length body."""
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed before a response: {buffer!r}")
        buffer += chunk
    head_bytes, _, rest = buffer.partition(b"\r\n\r\n")
    status_line, *header_lines = head_bytes.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = 0 if head else int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return RawResponse(int(status_line.split()[1]), headers, rest[:length])


def exchange(port: int, data: bytes, *, timeout: float = 10.0) -> RawResponse:
    """Send raw bytes on a new connection and read one response."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        return read_response(sock)


def connection_closed(sock: socket.socket, within: float = 5.0) -> bool:
    """True when the server closes the connection (EOF or reset) within `within` seconds."""
    sock.settimeout(0.2)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if sock.recv(65536) == b"":
                return True
        except TimeoutError:
            continue
        except ConnectionResetError:
            return True
    return False
