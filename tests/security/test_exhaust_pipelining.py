"""Pipelined requests are answered each in turn, whatever the reads they arrive in.

HTTP/1.1 lets a client send requests without waiting for answers (RFC 9112 §9.3.2), and the
server answers them in order. The bound on a request's head (16 KiB) counted every byte of a
read after which some headers were still incomplete: a read of 64 KiB holding a thousand small
GETs and the start of the next made that next one "too large". The client got
RequestHeaderSectionTooLarge *ahead of* the answers to its earlier requests, the connection
closed under them, and their answers crashed on the closed transport ("Cannot call write()
after write_eof()", a traceback each). Each request here is small and must get its own answer,
in order.
"""

from __future__ import annotations

import socket

from tests.rolegate_server import RunningServer

COUNT = 3000


def _code(body: bytes) -> str:
    return body.decode().partition("<Code>")[2].partition("</Code>")[0]


def _answers(sock: socket.socket, count: int) -> list[tuple[int, bytes]]:
    """(status, body) of up to `count` responses read back to back from one connection (the
    wire helper's reader keeps one response and drops what follows it in the same read)."""
    buffer = b""
    answers: list[tuple[int, bytes]] = []
    while len(answers) < count:
        head_end = buffer.find(b"\r\n\r\n")
        if head_end >= 0:
            head = buffer[:head_end].decode("latin-1").split("\r\n")
            length = next(
                int(line.partition(":")[2])
                for line in head[1:]
                if line.lower().startswith("content-length:")
            )
            end = head_end + 4 + length
            if len(buffer) >= end:
                answers.append((int(head[0].split()[1]), buffer[head_end + 4 : end]))
                buffer = buffer[end:]
                continue
        chunk = sock.recv(1 << 20)
        if not chunk:
            break  # closed early: the caller sees fewer answers than it asked
        buffer += chunk
    return answers


def test_three_thousand_pipelined_gets_are_each_answered(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"pipelined-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=bucket)
    # Anonymous reads of a key that does not exist in a private bucket: AccessDenied, 403
    # (AmazonS3/latest/API/ErrorResponses.html), small and the same for each.
    one = f"GET /{bucket}/k HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()

    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(one * COUNT)
        answers = _answers(sock, COUNT)

    assert len(answers) == COUNT
    assert {(status, _code(body)) for status, body in answers} == {(403, "AccessDenied")}
