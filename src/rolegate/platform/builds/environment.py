"""The build command's environment: the role's credentials where every AWS SDK looks first.

Anything that could make an SDK choose other credentials or another endpoint (a profile, a web
identity, a container credentials URL, per-service endpoints) is removed, so plain
`boto3.client("s3")` or `pandas.read_csv("s3://...")` inside the build reads as the role.
"""

from __future__ import annotations

from collections.abc import Mapping

from rolegate.platform.roles import PlatformIdentity, TemporaryCredentials

_SHADOWING = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ENDPOINT_URL",
)


def _shadows(name: str) -> bool:
    # AWS_ENDPOINT_URL_S3 and friends beat AWS_ENDPOINT_URL for their service.
    return name in _SHADOWING or name.startswith("AWS_ENDPOINT_URL_")


def build_environment(
    base: Mapping[str, str],
    credentials: TemporaryCredentials,
    identity: PlatformIdentity,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """`base` without shadowing variables, then the config's `env`, then the role's credentials."""
    env = {k: v for k, v in base.items() if not _shadows(k)}
    env |= dict(extra or {})
    env |= credentials.environment()
    env |= {"AWS_DEFAULT_REGION": identity.region, "AWS_REGION": identity.region}
    if identity.endpoint_url:
        env["AWS_ENDPOINT_URL"] = identity.endpoint_url
    return env
