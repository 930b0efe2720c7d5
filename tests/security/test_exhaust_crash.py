"""Inputs that crashed the server before anything was checked (issue 10: never a 500).

The HTTP parser accepts a Content-Length of any number of digits, leading zeros included, and
the IAM/STS path read it with int(), which refuses more than 4,300 digits: `000...0001` made an
unsigned request a plain-text `500 Internal Server Error` with a traceback and no audit line.
Its length is its value: a body of one byte is an ordinary form (here without an Action:
MissingAction, 400, IAM/latest/APIReference/CommonErrors.html), and a length past 1 MiB is too
large for any Query request (RequestEntityTooLarge, 413, as the transport answers it).
"""

from __future__ import annotations

from tests.rolegate_server import RunningServer
from tests.security.wire import RawResponse, exchange

ZEROS = "0" * 5000


def _form_post(server: RunningServer, length: str, body: bytes) -> RawResponse:
    head = (
        f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )
    return exchange(server.port, head.encode() + body)


def test_a_content_length_of_5001_digits_is_its_value(server: RunningServer) -> None:
    answer = _form_post(server, ZEROS + "1", b"h")

    assert (answer.status, answer.code) == (400, "MissingAction")
    assert answer.headers["content-type"].startswith("text/xml")


def test_a_long_content_length_past_1_mib_is_too_large(server: RunningServer) -> None:
    answer = _form_post(server, ZEROS + str(2 * 1024 * 1024), b"")

    assert (answer.status, answer.code) == (413, "RequestEntityTooLarge")
    assert any(entry["status"] == 413 for entry in server.audit_entries())
