"""How a source reaches its bucket: through a customer's role, anonymously, or with named secrets.

The shape follows the feature-store SDK users know (`AwsS3AssumeRoleFileSystemConfiguration`,
`AnonymousS3Configuration`, secret-name access keys), with one name for the role (`role_arn`),
the ARN checked when the configuration is built, and the optional AssumeRole settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rolegate.platform.errors import PlatformError
from rolegate.platform.roles import RoleConfig, check_role_arn


@dataclass(frozen=True, slots=True)
class AssumeRoleConfiguration:
    """Read as the customer's role: the platform's identity calls AssumeRole on `role_arn`."""

    role_arn: str
    external_id: str | None = None
    session_name: str | None = None
    duration_seconds: int = 3600

    def __post_init__(self) -> None:
        # Builds a RoleConfig only to run its checks now, before anything touches the network.
        self.role()

    def role(self) -> RoleConfig:
        return RoleConfig(
            check_role_arn(self.role_arn),
            self.external_id,
            self.session_name,
            self.duration_seconds,
        )


# The name the feature-store SDK uses for the same thing.
AwsS3AssumeRoleFileSystemConfiguration = AssumeRoleConfiguration


@dataclass(frozen=True, slots=True)
class AnonymousS3Configuration:
    """Unsigned requests, for public buckets."""


@dataclass(frozen=True, slots=True)
class SecretsS3Configuration:
    """Long-lived keys held as secrets; each field is the *name* of a secret, never the key.

    Secrets are looked up in the source context's secrets mapping, which is the process
    environment unless the caller gives another one: `access_key_secret_name="CUSTOMER_KEY"`
    reads the environment variable `CUSTOMER_KEY`.
    """

    access_key_secret_name: str
    secret_key_secret_name: str
    session_token_secret_name: str | None = None

    def __post_init__(self) -> None:
        for field_name in ("access_key_secret_name", "secret_key_secret_name"):
            if not getattr(self, field_name):
                raise PlatformError(
                    "check filesystem configuration",
                    f"{field_name} is empty",
                    "name the secret (environment variable) that holds the key",
                )

    def resolve(self, secrets: Mapping[str, str]) -> tuple[str, str, str | None]:
        token_name = self.session_token_secret_name
        return (
            _secret(secrets, self.access_key_secret_name),
            _secret(secrets, self.secret_key_secret_name),
            _secret(secrets, token_name) if token_name else None,
        )


FileSystemConfiguration = (
    AssumeRoleConfiguration | AnonymousS3Configuration | SecretsS3Configuration
)


def _secret(secrets: Mapping[str, str], name: str) -> str:
    value = secrets.get(name)
    if not value:
        raise PlatformError(
            f"resolve secret {name}",
            f"no secret named {name!r} is set",
            f"set the environment variable {name} (or pass it in the source context's secrets)",
        )
    return value


def configuration_to_dict(configuration: FileSystemConfiguration) -> dict[str, object]:
    match configuration:
        case AssumeRoleConfiguration():
            return {
                "type": "assume_role",
                "role_arn": configuration.role_arn,
                "external_id": configuration.external_id,
                "session_name": configuration.session_name,
                "duration_seconds": configuration.duration_seconds,
            }
        case AnonymousS3Configuration():
            return {"type": "anonymous"}
        case SecretsS3Configuration():
            return {
                "type": "secrets",
                "access_key_secret_name": configuration.access_key_secret_name,
                "secret_key_secret_name": configuration.secret_key_secret_name,
                "session_token_secret_name": configuration.session_token_secret_name,
            }


def configuration_from_dict(data: Mapping[str, object]) -> FileSystemConfiguration:
    kind = data.get("type")
    if kind == "assume_role":
        duration = data.get("duration_seconds", 3600)
        return AssumeRoleConfiguration(
            str(data["role_arn"]),
            _optional_text(data.get("external_id")),
            _optional_text(data.get("session_name")),
            duration if isinstance(duration, int) else 3600,
        )
    if kind == "anonymous":
        return AnonymousS3Configuration()
    if kind == "secrets":
        return SecretsS3Configuration(
            str(data["access_key_secret_name"]),
            str(data["secret_key_secret_name"]),
            _optional_text(data.get("session_token_secret_name")),
        )
    raise PlatformError(
        "load filesystem configuration",
        f"unsupported filesystem configuration type {kind!r}",
        "use one of assume_role, anonymous, secrets",
    )


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)
