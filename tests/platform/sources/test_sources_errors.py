"""Failures say which step failed and what to change; a malformed ARN never reaches the network."""

from __future__ import annotations

import pytest
from tests.platform.identity_env import use_platform_identity
from tests.platform.sources.conftest import BUCKET, EXTERNAL_ID, SourcesWorld

from rolegate.platform.errors import PlatformError
from rolegate.platform.roles import PlatformIdentity
from rolegate.platform.sources import (
    AssumeRoleConfiguration,
    CsvSource,
    SecretsS3Configuration,
    SourceContext,
)


def events(
    world: SourcesWorld, configuration: AssumeRoleConfiguration, key: str = "csv/events.csv"
) -> CsvSource:
    return CsvSource(
        "events", "events", "created_at", world.path(key), filesystem_configuration=configuration
    )


def test_a_platform_role_outside_the_trust_patterns_is_denied_at_assume_role(
    world: SourcesWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_platform_identity(monkeypatch, world.platform.session_of(world.outsider_role))
    context = SourceContext(PlatformIdentity(endpoint_url=world.server.url))
    source = events(world, AssumeRoleConfiguration(world.customer_role))
    with pytest.raises(PlatformError) as raised:
        source.sample(context=context)
    assert raised.value.step == f"assume role {world.customer_role}"
    assert "AccessDenied" in raised.value.message
    assert "trust policy" in raised.value.hint
    assert context.cache.assume_calls == 0


def test_the_external_id_must_match(world: SourcesWorld, context: SourceContext) -> None:
    wrong = events(world, AssumeRoleConfiguration(world.external_id_role, external_id="not-it"))
    with pytest.raises(PlatformError) as raised:
        wrong.sample(context=context)
    assert raised.value.step.startswith("assume role")
    assert "AccessDenied" in raised.value.message
    right = events(world, AssumeRoleConfiguration(world.external_id_role, external_id=EXTERNAL_ID))
    assert len(right.sample(rows=3, context=context)) == 3


def test_a_bucket_outside_the_permission_policy_is_explained(
    world: SourcesWorld, context: SourceContext
) -> None:
    s3 = world.server.client("s3", world.customer)
    s3.create_bucket(Bucket="customer-secrets")
    s3.put_object(Bucket="customer-secrets", Key="a.csv", Body=b"id,created_at\n1,2024-01-01\n")
    source = CsvSource(
        "secrets",
        "not granted",
        "created_at",
        "s3://customer-secrets/a.csv",
        filesystem_configuration=AssumeRoleConfiguration(world.customer_role),
    )
    with pytest.raises(PlatformError) as raised:
        source.read(context=context)
    error = raised.value
    assert error.step == "list s3://customer-secrets/a.csv"
    assert "ACCESS_DENIED" in error.message
    assert "s3:GetObject on arn:aws:s3:::customer-secrets/*" in error.hint


def test_a_missing_path_is_explained(world: SourcesWorld, context: SourceContext) -> None:
    source = events(world, AssumeRoleConfiguration(world.customer_role), "nothing/here/")
    with pytest.raises(PlatformError) as raised:
        source.read(context=context)
    assert raised.value.step == f"list s3://{BUCKET}/nothing/here/"
    assert "no files" in raised.value.message


@pytest.mark.parametrize(
    "role_arn",
    [
        "garbage",
        "arn:aws:iam::12345:role/qwak-access-role",
        "arn:aws:iam::123456789012:user/qwak-access-role",
        "arn:aws:s3:::customer-data",
    ],
)
def test_a_malformed_role_arn_is_refused_when_configured(role_arn: str) -> None:
    with pytest.raises(PlatformError) as raised:
        AssumeRoleConfiguration(role_arn)
    assert raised.value.step == "check role_arn"
    assert "arn:aws:iam::123456789012:role/" in raised.value.hint


@pytest.mark.parametrize("path", ["/local/file.csv", "s3://", "s3://Bad_Bucket/x", "gs://b/k"])
def test_a_malformed_path_is_refused_when_configured(path: str) -> None:
    with pytest.raises(PlatformError) as raised:
        CsvSource("x", "", "created_at", path)
    assert raised.value.step == "check path"


def test_duration_and_external_id_are_checked_when_configured(world: SourcesWorld) -> None:
    with pytest.raises(PlatformError, match="check duration"):
        AssumeRoleConfiguration(world.customer_role, duration_seconds=60)
    with pytest.raises(PlatformError, match="check external_id"):
        AssumeRoleConfiguration(world.customer_role, external_id="x")


def test_secrets_configuration_names_the_missing_secret(
    world: SourcesWorld, context: SourceContext
) -> None:
    configuration = SecretsS3Configuration("CUSTOMER_KEY_ID", "CUSTOMER_SECRET")
    source = CsvSource(
        "by-keys",
        "",
        "created_at",
        world.path("csv/events.csv"),
        filesystem_configuration=configuration,
    )
    with pytest.raises(PlatformError) as raised:
        source.sample(context=SourceContext(context.identity, secrets={}))
    assert raised.value.step == "resolve secret CUSTOMER_KEY_ID"
    secrets = {
        "CUSTOMER_KEY_ID": world.customer.access_key_id,
        "CUSTOMER_SECRET": world.customer.secret_access_key,
    }
    assert len(source.sample(rows=2, context=SourceContext(context.identity, secrets=secrets))) == 2
