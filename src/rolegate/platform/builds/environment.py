"""The build command's environment: the role's credentials, and no other way to AWS.

The build runs the customer's code. Of the platform's own `AWS_*` settings it gets none but a
few harmless transport ones: not its keys under any name (`AWS_ACCESS_KEY_ID` is replaced, but
older tools read `AWS_ACCESS_KEY`/`AWS_SECRET_KEY`), not a profile, web identity, container
credentials URL or per-service endpoint that would make an SDK choose other credentials or
another endpoint, and not the platform's config and credentials files: they are pointed at
/dev/null, so `boto3.Session(profile_name=...)` inside the build finds no profile of the
platform's, and the SDK never falls back to the machine's instance role. Plain
`boto3.client("s3")` or `pandas.read_csv("s3://...")` inside the build reads as the role.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from rolegate.platform.roles import PlatformIdentity, TemporaryCredentials

# AWS_* settings that change how requests travel, never who makes them or where they go.
_KEPT = frozenset(
    {
        "AWS_CA_BUNDLE",
        "AWS_MAX_ATTEMPTS",
        "AWS_RETRY_MODE",
        "AWS_DEFAULT_OUTPUT",
        "AWS_PAGER",
        "AWS_REQUEST_CHECKSUM_CALCULATION",
        "AWS_RESPONSE_CHECKSUM_VALIDATION",
    }
)


def _platform_setting(name: str) -> bool:
    return name.upper().startswith("AWS_") and name.upper() not in _KEPT


def build_environment(
    base: Mapping[str, str],
    credentials: TemporaryCredentials,
    identity: PlatformIdentity,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """`base` and the config's `env` without AWS settings, then the role's credentials."""
    env = {k: v for k, v in base.items() if not _platform_setting(k)}
    env |= {k: v for k, v in (extra or {}).items() if not _platform_setting(k)}
    env |= credentials.environment()
    env |= {"AWS_DEFAULT_REGION": identity.region, "AWS_REGION": identity.region}
    env |= {
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    if identity.endpoint_url:
        env["AWS_ENDPOINT_URL"] = identity.endpoint_url
    return env
