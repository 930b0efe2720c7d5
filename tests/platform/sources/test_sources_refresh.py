"""Long-lived contexts keep reading: credentials are refreshed before they expire.

A second server on the same data dir runs 890 s behind and answers AssumeRole, so a 900 s
session it issues expires 10 s from now for the client and for the first server, which serves
the reads (the sessions are shared through the data dir).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from tests.platform.identity_env import use_platform_identity
from tests.platform.sources.conftest import BUCKET, SourcesWorld
from tests.rolegate_server import Credentials, RunningServer

from rolegate.platform.errors import PlatformError
from rolegate.platform.roles import PlatformIdentity, RoleCredentialCache
from rolegate.platform.sources import AssumeRoleConfiguration, CsvSource, SourceContext

LAG_SECONDS = 890
SESSION_SECONDS = 900


@pytest.fixture
def lagging(world: SourcesWorld) -> Iterator[RunningServer]:
    running = RunningServer(world.server.data_dir, "--clock-offset", f"-{LAG_SECONDS}").start()
    yield running
    running.stop()


def test_credentials_are_refreshed_across_expiry(
    world: SourcesWorld,
    node_session: Credentials,
    lagging: RunningServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_platform_identity(monkeypatch, node_session)
    identity = PlatformIdentity(endpoint_url=world.server.url)
    sts_behind = PlatformIdentity(endpoint_url=lagging.url)
    configuration = AssumeRoleConfiguration(world.customer_role, duration_seconds=SESSION_SECONDS)
    source = CsvSource(
        "events",
        "",
        "created_at",
        world.path("csv/events.csv"),
        filesystem_configuration=configuration,
    )
    refreshing = RoleCredentialCache(sts_behind, refresh_margin=timedelta(seconds=3))
    # Without refresh: no margin, and a clock stopped now, so the cache never sees expiry.
    stopped_at = datetime.now(UTC)
    stale = RoleCredentialCache(sts_behind, refresh_margin=timedelta(0), clock=lambda: stopped_at)

    assert source.read(context=SourceContext(identity, refreshing)).num_rows == 50
    assert source.read(context=SourceContext(identity, stale)).num_rows == 50
    old = stale.credentials(configuration.role(), "events")
    assert old.expiration - datetime.now(UTC) < timedelta(seconds=SESSION_SECONDS - LAG_SECONDS)

    # +1.5 s: the response rounds the expiry down to whole seconds.
    time.sleep(old.expiration.timestamp() - time.time() + 1.5)

    assert source.read(context=SourceContext(identity, refreshing)).num_rows == 50
    assert refreshing.assume_calls == 2

    expired = Credentials(old.access_key_id, old.secret_access_key, old.session_token)
    with pytest.raises(ClientError) as answered:
        world.server.client("s3", expired).list_objects_v2(Bucket=BUCKET)
    assert answered.value.response["Error"]["Code"] == "ExpiredToken"
    with pytest.raises(PlatformError) as raised:
        source.read(context=SourceContext(identity, stale))
    assert raised.value.step == f"list {source.path}"
    assert stale.assume_calls == 1
    assert "ExpiredToken" in raised.value.message
    assert "expired" in raised.value.hint
