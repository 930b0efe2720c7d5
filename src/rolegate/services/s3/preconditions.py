"""Conditional writes and deletes: what the object at a key must be for a write to go ahead.

S3 UG conditional-writes.html and conditional-deletes.html, API_PutObject.html,
API_CompleteMultipartUpload.html, API_CopyObject.html, API_DeleteObject.html,
API_DeleteObjects.html:
- `If-None-Match: *` — only if no object has the key; otherwise 412 PreconditionFailed. It takes
  no other value.
- `If-Match: ETAG` (or `*`) — only if the object exists with that ETag; 412 when the ETag differs,
  404 NoSuchKey when there is no object. Comparing ETags reads the object's state, so it needs
  s3:GetObject as well as the write's own permission.
- CopyObject's `x-amz-copy-source-if-*` headers test the source; failing any is 412.

The destination's condition is a store `ObjectCheck`: the store runs it inside the transaction
that commits the write, so the check and the write are one step and of two create-only writers
exactly one wins (the other gets 412, and its bytes are freed by the handler).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rolegate.aws.s3.errors import S3Error, not_implemented
from rolegate.model import StoredObject
from rolegate.services.s3.absence import missing_key
from rolegate.services.s3.authorize import s3_access_denied
from rolegate.services.s3.call import S3Call
from rolegate.services.s3.ranges import Precondition, check_conditions, etag_items, etag_matches

_PRECONDITION_MESSAGE = "At least one of the pre-conditions you specified did not hold"


def precondition_failed(condition: str) -> S3Error:
    """S3's 412, naming the header whose condition failed in `<Condition>` (as S3 does for
    GetObject's If-Match; the copy-source names are [unconfirmed])."""
    return S3Error("PreconditionFailed", _PRECONDITION_MESSAGE, 412, extra={"Condition": condition})


class KeyAbsent(Exception):
    """`If-Match` found no object at the key. Raised inside the write's transaction and answered
    after it (`absence_answered`): that answer judges s3:ListBucket, and no policy is evaluated
    while the store's write lock, which every bucket of every account shares, is held."""


@contextmanager
def absence_answered(call: S3Call, key: str) -> Iterator[None]:
    """KeyAbsent as S3 answers it: NoSuchKey to a caller that may list the bucket, AccessDenied
    to anyone else (services/s3/absence.py)."""
    try:
        yield
    except KeyAbsent:
        raise missing_key(call, key) from None


@dataclass(frozen=True, slots=True)
class WriteCondition:
    """The destination's `If-Match` / `If-None-Match` of one write."""

    if_match: str | None
    if_none_match: bool

    def check(self, current: StoredObject | None) -> None:
        """Raise S3's answer when the object now at the key does not meet the condition
        (KeyAbsent when If-Match finds no object)."""
        if self.if_none_match and current is not None:
            raise precondition_failed("If-None-Match")
        if self.if_match is not None:
            if current is None:
                raise KeyAbsent()
            if not etag_matches(self.if_match, current.etag):
                raise precondition_failed("If-Match")


def write_condition(call: S3Call, key: str) -> WriteCondition | None:
    """The request's condition on its destination, or None for an unconditional write.

    Checked before any byte of the body is read: a malformed condition is refused outright, and
    a caller that may not read the object cannot use If-Match to learn its ETag.
    """
    if_match = call.header("if-match")
    if_none_match = call.header("if-none-match")
    if if_match is None and if_none_match is None:
        return None
    if if_none_match is not None and if_none_match.strip() != "*":
        # Only `*` is defined for writes (conditional-writes.html); S3 answers a PUT header it
        # does not implement with NotImplemented naming the header.
        raise not_implemented(header="If-None-Match")
    if if_match is not None:
        if not etag_items(if_match):
            raise precondition_failed("If-Match")
        require_read(call, key)
    return WriteCondition(if_match, if_none_match is not None)


def require_read(call: S3Call, key: str) -> None:
    """s3:GetObject on the object, which an ETag comparison needs (conditional-writes.html,
    conditional-deletes.html); AccessDenied otherwise."""
    assert call.bucket_name is not None
    judgement = call.judge("s3:GetObject", f"arn:aws:s3:::{call.bucket_name}/{key}", call.bucket)
    if not judgement.allowed:
        raise s3_access_denied(call.caller, judgement)


def check_copy_source(call: S3Call, source: StoredObject) -> None:
    """CopyObject's conditions on its source (API_CopyObject.html), read as GetObject reads its
    own (If-Match decides over If-Unmodified-Since, If-None-Match over If-Modified-Since, an
    unreadable date is ignored); any failure is 412, naming the copy-source header."""
    try:
        check_conditions(
            source.etag,
            source.last_modified,
            call.header("x-amz-copy-source-if-match"),
            call.header("x-amz-copy-source-if-none-match"),
            call.header("x-amz-copy-source-if-modified-since"),
            call.header("x-amz-copy-source-if-unmodified-since"),
        )
    except Precondition as failed:
        raise precondition_failed(f"x-amz-copy-source-{failed.header}") from None
