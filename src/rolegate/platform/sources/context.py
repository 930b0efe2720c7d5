"""What every read shares: the platform's identity, one credential cache, and the secrets.

A fresh `pyarrow.fs.S3FileSystem` is built for each read from the cache's current credentials,
so a long-lived context keeps reading after the first credentials expire.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from pyarrow import fs as pafs  # type: ignore[import-untyped]  # pyarrow ships no type information

from rolegate.platform.errors import PlatformError
from rolegate.platform.roles import PlatformIdentity, RoleCredentialCache
from rolegate.platform.sources.filesystems import (
    AnonymousS3Configuration,
    AssumeRoleConfiguration,
    FileSystemConfiguration,
    SecretsS3Configuration,
)


class SourceContext:
    def __init__(
        self,
        identity: PlatformIdentity | None = None,
        cache: RoleCredentialCache | None = None,
        secrets: Mapping[str, str] | None = None,
    ) -> None:
        if identity is None:
            identity = cache.identity if cache is not None else PlatformIdentity()
        self.identity = identity
        self.cache = cache if cache is not None else RoleCredentialCache(identity)
        self.secrets: Mapping[str, str] = secrets if secrets is not None else os.environ

    def filesystem(self, configuration: FileSystemConfiguration, purpose: str) -> pafs.S3FileSystem:
        """An S3 filesystem signed for `configuration`; assumes the role if it must."""
        options = self._endpoint_options()
        match configuration:
            case AssumeRoleConfiguration():
                found = self.cache.credentials(configuration.role(), purpose)
                return _s3(
                    options,
                    access_key=found.access_key_id,
                    secret_key=found.secret_access_key,
                    session_token=found.session_token,
                )
            case SecretsS3Configuration():
                access_key, secret_key, token = configuration.resolve(self.secrets)
                return _s3(
                    options, access_key=access_key, secret_key=secret_key, session_token=token
                )
            case AnonymousS3Configuration():
                return _s3(options, anonymous=True)

    def _endpoint_options(self) -> dict[str, object]:
        options: dict[str, object] = {"region": self.identity.region}
        url = self.identity.endpoint_url
        if url is None:
            return options
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise PlatformError(
                "check endpoint URL",
                f"{url!r} is not an http(s) URL",
                "give the endpoint as http://host:port or https://host",
            )
        return options | {"endpoint_override": parts.netloc, "scheme": parts.scheme}


def _s3(options: dict[str, object], **credentials: object) -> pafs.S3FileSystem:
    return pafs.S3FileSystem(
        **options,
        **credentials,
        retry_strategy=pafs.AwsStandardS3RetryStrategy(max_attempts=3),
        connect_timeout=10,
        request_timeout=60,
    )
