"""CopyObject's `x-amz-copy-source` (API_CopyObject.html): `[/]bucket/key[?versionId=id]`, the
key URL-encoded."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, unquote_to_bytes

from rolegate.aws.errors import AwsError
from rolegate.services.s3.errors import checked_key
from rolegate.services.s3.versions import check_version_id


@dataclass(frozen=True, slots=True)
class CopySource:
    bucket: str
    key: str
    version_id: str | None

    @property
    def condition_value(self) -> str:
        """The value of the `s3:x-amz-copy-source` condition key: `bucket/key`
        (userguide/amazon-s3-policy-keys.html, "Restrict object copy to a specific source")."""
        return f"{self.bucket}/{self.key}"


def parse_copy_source(header: str | None) -> CopySource:
    """The source a copy names. The query is split off the raw value before decoding: a key
    holding `%3F` is a key with a `?` in it, not a version."""
    raw, _, query = (header or "").partition("?")
    try:
        decoded = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid_copy_source() from None
    bucket, _, key = decoded.removeprefix("/").partition("/")
    if not bucket or not key:
        raise _invalid_copy_source()
    checked_key(key)
    version_id = None
    for item in query.split("&") if query else ():
        name, _, value = item.partition("=")
        if name == "versionId":
            version_id = unquote(value)
            check_version_id(version_id)
    return CopySource(bucket, key, version_id)


def _invalid_copy_source() -> AwsError:
    return AwsError("InvalidArgument", "Invalid copy source object key", 400)
