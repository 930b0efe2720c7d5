"""Role ARNs and how the platform assumes them: checked before any call, refreshed before expiry.

UG/reference_identifiers.html#identifiers-arns: a role ARN is
`arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`; STS/API_AssumeRole.html gives the session name
(2-64 of `[\\w+=,.@-]`), external id (2-1224 of `[\\w+=,.@:/-]`) and duration (900-43200) rules.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

# boto3 and botocore ship no type information (no py.typed), hence the ignores.
import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
)

from rolegate.platform.errors import PlatformError

_ROLE_ARN = re.compile(
    r"arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role/((?:[\x21-\x7e]+/)*)([\w+=,.@-]{1,64})"
)
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}")
# Refresh this long before the credentials expire, so a request never carries expiring ones.
DEFAULT_REFRESH_MARGIN = timedelta(minutes=5)


def check_role_arn(role_arn: str) -> str:
    if not isinstance(role_arn, str) or not _ROLE_ARN.fullmatch(role_arn):
        raise PlatformError(
            "check role_arn",
            f"{role_arn!r} is not an IAM role ARN",
            "give the ARN the customer copied from the role's page, shaped like "
            "arn:aws:iam::123456789012:role/qwak-access-role",
        )
    return role_arn


def session_name_for(purpose: str) -> str:
    """A valid RoleSessionName that says which source or job is reading."""
    cleaned = re.sub(r"[^\w+=,.@-]", "-", purpose)[:64]
    return cleaned if len(cleaned) >= 2 else f"rolegate-{cleaned}"


@dataclass(frozen=True, slots=True)
class RoleConfig:
    role_arn: str
    external_id: str | None = None
    session_name: str | None = None
    duration_seconds: int = 3600

    def __post_init__(self) -> None:
        check_role_arn(self.role_arn)
        if self.external_id is not None and not _EXTERNAL_ID.fullmatch(self.external_id):
            raise PlatformError(
                "check external_id",
                f"{self.external_id!r} is not a valid external id",
                "use 2-1224 characters of letters, digits and +=,.@:/-",
            )
        if self.session_name is not None and not _SESSION_NAME.fullmatch(self.session_name):
            raise PlatformError(
                "check session_name",
                f"{self.session_name!r} is not a valid session name",
                "use 2-64 characters of letters, digits and +=,.@-",
            )
        if not 900 <= self.duration_seconds <= 43200:
            raise PlatformError(
                "check duration",
                f"{self.duration_seconds} seconds is outside 900..43200",
                "ask for between 15 minutes and 12 hours (and no more than the role allows)",
            )


@dataclass(frozen=True, slots=True)
class TemporaryCredentials:
    access_key_id: str
    # Out of repr: a task carrying these (FileTask) or a credentials value in an error, a log
    # line or a traceback with locals must not print the secret half.
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime

    def environment(self) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_SESSION_TOKEN": self.session_token,
        }


@dataclass(frozen=True, slots=True)
class PlatformIdentity:
    """Where the platform's own credentials come from (the standard chain) and where AWS is."""

    endpoint_url: str | None = None
    region: str = "us-east-1"
    profile: str | None = None

    def session(self) -> boto3.Session:
        return boto3.Session(profile_name=self.profile, region_name=self.region)

    def client(self, service: str, credentials: TemporaryCredentials | None = None) -> Any:
        kwargs: dict[str, Any] = {
            "endpoint_url": self.endpoint_url,
            "region_name": self.region,
            "config": Config(retries={"max_attempts": 3, "mode": "standard"}),
        }
        if credentials is not None:
            kwargs |= {
                "aws_access_key_id": credentials.access_key_id,
                "aws_secret_access_key": credentials.secret_access_key,
                "aws_session_token": credentials.session_token,
            }
            return boto3.Session(region_name=self.region).client(service, **kwargs)
        return self.session().client(service, **kwargs)


Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class RoleCredentialCache:
    """One `AssumeRole` per role until its credentials come near expiry; thread-safe."""

    def __init__(
        self,
        identity: PlatformIdentity,
        refresh_margin: timedelta = DEFAULT_REFRESH_MARGIN,
        clock: Clock = _utc_now,
    ) -> None:
        self.identity = identity
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: dict[tuple[str, str | None], TemporaryCredentials] = {}
        self.assume_calls = 0

    def credentials(self, role: RoleConfig, purpose: str = "rolegate") -> TemporaryCredentials:
        key = (role.role_arn, role.external_id)
        with self._lock:
            found = self._cached.get(key)
            if found is not None and found.expiration - self.refresh_margin > self._clock():
                return found
            fresh = self._assume(role, purpose)
            self._cached[key] = fresh
            return fresh

    def _assume(self, role: RoleConfig, purpose: str) -> TemporaryCredentials:
        request: dict[str, Any] = {
            "RoleArn": role.role_arn,
            "RoleSessionName": role.session_name or session_name_for(purpose),
            "DurationSeconds": role.duration_seconds,
        }
        if role.external_id is not None:
            request["ExternalId"] = role.external_id
        try:
            found = self.identity.client("sts").assume_role(**request)["Credentials"]
        except ClientError as error:
            detail = error.response.get("Error", {})
            raise PlatformError(
                f"assume role {role.role_arn}",
                f"{detail.get('Code', 'Error')}: {detail.get('Message', error)}",
                "check that the role's trust policy allows the platform's role (and the external "
                "id, if it asks for one), and that the platform's identity may call "
                "sts:AssumeRole on it",
            ) from None
        except BotoCoreError as error:
            raise PlatformError(
                f"assume role {role.role_arn}",
                str(error),
                "check the platform's own AWS credentials (environment, profile or default "
                "chain) and the endpoint URL",
            ) from None
        self.assume_calls += 1
        return TemporaryCredentials(
            found["AccessKeyId"],
            found["SecretAccessKey"],
            found["SessionToken"],
            found["Expiration"],
        )
