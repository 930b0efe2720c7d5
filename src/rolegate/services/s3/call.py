"""One S3 request as the operation handlers see it, and the reply they give.

S3's REST protocol binds parameters to the path, the query string and headers, so a handler reads
those directly; the body is a `VerifiedBody`, read once, whole under a limit or as a stream, and
always checked against what the request signed before a handler may act on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from rolegate.aws.s3.verified_body import VerifiedBody
from rolegate.model import Bucket, StoredObject
from rolegate.services.authz import Judgement
from rolegate.services.call import Caller

# (action, resource ARN, bucket whose policy applies) -> Judgement, recorded for the audit log.
Judge = Callable[[str, str, Bucket | None], Judgement]


@dataclass(slots=True)
class S3Call:
    operation: str
    bucket_name: str | None
    key: str | None
    bucket: Bucket | None
    caller: Caller
    headers: Mapping[str, str]  # lowercase names; repeated headers joined with ","
    query: Mapping[str, list[str]]
    body: VerifiedBody
    now: datetime
    request_id: str
    region: str
    judge: Judge
    # GetObject/HeadObject: the object as read together with its bucket, when it existed then.
    # Handlers use it only after authorization, and read again when it is None.
    prefetched: StoredObject | None = None

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


Body = bytes | Iterator[bytes]


@dataclass(slots=True)
class S3Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: Body = b""
    content_type: str | None = None
