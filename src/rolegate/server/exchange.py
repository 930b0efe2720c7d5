"""One HTTP exchange as the endpoints see it: the request, its body, and the answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rolegate.aws.sigv4 import HttpRequest


@dataclass(frozen=True, slots=True)
class Exchange:
    request: HttpRequest
    body: bytes
    client_ip: str
    now: datetime
    request_id: str
    secure: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes
    content_type: bytes = b"text/xml"
    headers: tuple[tuple[bytes, bytes], ...] = field(default=())
