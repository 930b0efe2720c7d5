"""Marker/MaxItems paging of IAM list operations.

IAM's markers are opaque; ours encode the sort key of the last item returned, so a marker stays
valid while items are added or removed around it (a deleted item does not shift the next page).
MaxItems defaults to 100 ("If you do not include this parameter, the number of items defaults to
100", e.g. API_ListRoles.html); the model bounds it to 1..1000.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from rolegate.aws.errors import validation_error
from rolegate.services.iam import params

T = TypeVar("T")
DEFAULT_MAX_ITEMS = 100


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_marker: str | None

    def fields(self, name: str, shaped: Sequence[object]) -> dict[str, object]:
        """The list under `name`, IsTruncated, and Marker when there is more."""
        out: dict[str, object] = {name: list(shaped), "IsTruncated": self.next_marker is not None}
        if self.next_marker is not None:
            out["Marker"] = self.next_marker
        return out


def encode_marker(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode("ascii")


def decode_marker(marker: str) -> str:
    try:
        return base64.urlsafe_b64decode(marker.encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError):
        # Not confirmed against the live service, which answers some error for a marker it did
        # not issue; ours names the parameter.
        raise validation_error("Invalid value for parameter Marker.") from None


def paginate(items: Sequence[T], key: Callable[[T], str], request: Mapping[str, object]) -> Page[T]:
    """`items` sorted by `key`; the page after the request's Marker, at most MaxItems long."""
    marker = params.optional_str(request, "Marker")
    limit = params.optional_int(request, "MaxItems") or DEFAULT_MAX_ITEMS
    after = decode_marker(marker) if marker is not None else None
    remaining = [item for item in items if after is None or key(item) > after]
    page = remaining[:limit]
    more = len(remaining) > limit
    return Page(page, encode_marker(key(page[-1])) if more and page else None)
