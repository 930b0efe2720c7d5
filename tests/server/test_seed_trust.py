"""The seed's trust relationship over the wire: who may assume the customer's role, and why not.

Expected outcomes come from the AWS documentation:
- UG/reference_policies_evaluation-logic-cross-account.html: across accounts the trust policy must
  allow the caller and the caller's identity policies must allow sts:AssumeRole.
- UG/reference_policies_condition-keys.html#condition-keys-principalarn: for a role session,
  aws:PrincipalArn is the role's ARN (with its path), so `role/qwak-eks-base*` matches
  `role/qwak-eks-base-1` but not `role/qwak/qwak-eks-base-2`.
- UG/troubleshoot_access-denied.html: "User: ARN is not authorized to perform: ACTION on resource:
  ARN because no identity-based policy allows the ACTION action".
"""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer
from tests.server.seed_world import (
    Platform,
    assume,
    seed_permission_policy,
    seed_trust_policy,
)


@pytest.fixture(scope="module")
def world(server: RunningServer) -> dict[str, object]:
    platform = Platform.create(server)
    customer = server.new_account()
    iam = server.client("iam", customer)
    role = iam.create_role(
        RoleName="qwak-access-role",
        AssumeRolePolicyDocument=seed_trust_policy(platform.account),
        Description="Read access for the platform",
    )["Role"]
    iam.put_role_policy(
        RoleName="qwak-access-role",
        PolicyName="read-bucket",
        PolicyDocument=seed_permission_policy("customer-data"),
    )
    return {"platform": platform, "customer": customer, "role_arn": role["Arn"]}


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    error = excinfo.value.response["Error"]
    status = excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]
    return error["Code"], error["Message"], status


@pytest.mark.parametrize(
    "role_name",
    ["qwak-eks-base", "qwak-eks-base-prod-7", "eksctl-Qwak-EKS-Cluster-nodegroup-ng-1-NodeRole"],
)
def test_platform_roles_matching_the_seed_patterns_assume_the_customer_role(
    server: RunningServer, world: dict[str, object], role_name: str
) -> None:
    platform: Platform = world["platform"]  # type: ignore[assignment]
    session = platform.session_of(platform.add_role(role_name))
    found = assume(server, session, str(world["role_arn"]), RoleSessionName="datasource-1")
    creds = Credentials.from_sts(found["Credentials"])
    assert creds.access_key_id.startswith("ASIA") and len(creds.access_key_id) == 20
    customer_account = world["customer"].account_id  # type: ignore[attr-defined]
    assert found["AssumedRoleUser"]["Arn"] == (
        f"arn:aws:sts::{customer_account}:assumed-role/qwak-access-role/datasource-1"
    )
    assert found["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    assert found["AssumedRoleUser"]["AssumedRoleId"].endswith(":datasource-1")
    who = server.client("sts", creds).get_caller_identity()
    assert who["Arn"] == found["AssumedRoleUser"]["Arn"]
    assert who["Account"] == customer_account


def test_another_platform_role_is_refused_because_the_trust_policy_does_not_allow_it(
    server: RunningServer, world: dict[str, object]
) -> None:
    platform: Platform = world["platform"]  # type: ignore[assignment]
    session = platform.session_of(platform.add_role("billing-worker"), "job")
    with pytest.raises(ClientError) as excinfo:
        assume(server, session, str(world["role_arn"]))
    code, message, status = _error(excinfo)
    assert (code, status) == ("AccessDenied", 403)
    assert message == (
        f"User: arn:aws:sts::{platform.account}:assumed-role/billing-worker/job is not authorized "
        f"to perform: sts:AssumeRole on resource: {world['role_arn']} because no resource-based "
        "policy allows the sts:AssumeRole action"
    )


def test_a_matching_name_under_a_path_is_refused(
    server: RunningServer, world: dict[str, object]
) -> None:
    platform: Platform = world["platform"]  # type: ignore[assignment]
    session = platform.session_of(platform.add_role("qwak-eks-base-2", path="/qwak/"))
    with pytest.raises(ClientError) as excinfo:
        assume(server, session, str(world["role_arn"]))
    assert _error(excinfo)[0] == "AccessDenied"


def test_a_matching_role_whose_identity_policy_lacks_assume_role_is_refused(
    server: RunningServer, world: dict[str, object]
) -> None:
    platform: Platform = world["platform"]  # type: ignore[assignment]
    arn = platform.add_role("qwak-eks-base-no-permission", may_assume=False)
    session = platform.session_of(arn, "job")
    with pytest.raises(ClientError) as excinfo:
        assume(server, session, str(world["role_arn"]))
    code, message, _ = _error(excinfo)
    assert code == "AccessDenied"
    assert message.endswith("because no identity-based policy allows the sts:AssumeRole action")


def test_the_same_role_name_in_another_account_is_refused(
    server: RunningServer, world: dict[str, object]
) -> None:
    stranger = Platform.create(server)
    session = stranger.session_of(stranger.add_role("qwak-eks-base-1"))
    with pytest.raises(ClientError) as excinfo:
        assume(server, session, str(world["role_arn"]))
    code, message, _ = _error(excinfo)
    assert code == "AccessDenied"
    assert f"arn:aws:sts::{stranger.account}:assumed-role/qwak-eks-base-1/" in message


def test_the_root_user_cannot_assume_a_role(
    server: RunningServer, world: dict[str, object]
) -> None:
    # UG/id_roles_use.html: "You cannot use the AWS account root user credentials to assume a role."
    platform: Platform = world["platform"]  # type: ignore[assignment]
    with pytest.raises(ClientError) as excinfo:
        assume(server, platform.root, str(world["role_arn"]))
    assert _error(excinfo)[:2] == ("AccessDenied", "Roles may not be assumed by root accounts.")


def test_a_role_that_does_not_exist_is_denied_not_revealed(
    server: RunningServer, world: dict[str, object]
) -> None:
    platform: Platform = world["platform"]  # type: ignore[assignment]
    session = platform.session_of(platform.add_role("qwak-eks-base-probe"))
    missing = str(world["role_arn"]).replace("qwak-access-role", "no-such-role")
    with pytest.raises(ClientError) as excinfo:
        assume(server, session, missing)
    assert _error(excinfo)[0] == "AccessDenied"


def test_external_id_is_required_when_the_trust_policy_says_so(
    server: RunningServer, world: dict[str, object]
) -> None:
    # UG/id_roles_create_for-user_externalid.html: StringEquals on sts:ExternalId.
    platform: Platform = world["platform"]  # type: ignore[assignment]
    customer: Credentials = world["customer"]  # type: ignore[assignment]
    trust = json.loads(seed_trust_policy(platform.account))
    for statement in trust["Statement"]:
        statement["Condition"]["StringEquals"] = {"sts:ExternalId": "platform-7f3a"}
    role_arn = server.client("iam", customer).create_role(
        RoleName="with-external-id", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    session = platform.session_of(platform.add_role("qwak-eks-base-ext"))
    for external_id in (None, "someone-else"):
        extra = {"ExternalId": external_id} if external_id else {}
        with pytest.raises(ClientError) as excinfo:
            assume(server, session, role_arn, **extra)
        assert _error(excinfo)[0] == "AccessDenied"
    found = assume(server, session, role_arn, ExternalId="platform-7f3a")
    assert found["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_duration_is_bounded_by_the_role_and_by_role_chaining(
    server: RunningServer, world: dict[str, object]
) -> None:
    # STS/API_AssumeRole.html, DurationSeconds: at most the role's MaxSessionDuration; role
    # chaining limits a session to one hour.
    platform: Platform = world["platform"]  # type: ignore[assignment]
    customer: Credentials = world["customer"]  # type: ignore[assignment]
    iam = server.client("iam", customer)
    role_arn = iam.create_role(
        RoleName="long-sessions",
        AssumeRolePolicyDocument=seed_trust_policy(platform.account),
        MaxSessionDuration=43200,
    )["Role"]["Arn"]
    session = platform.session_of(platform.add_role("qwak-eks-base-long"))
    with pytest.raises(ClientError) as excinfo:
        assume(server, session, str(world["role_arn"]), DurationSeconds=7200)
    assert _error(excinfo)[:2] == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )
    with pytest.raises(ClientError) as excinfo:
        assume(server, session, role_arn, DurationSeconds=7200)
    assert _error(excinfo)[:2] == (
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining.",
    )
    assert assume(server, session, role_arn, DurationSeconds=3600)["Credentials"]
    # A user (not a role session) may ask for more than an hour when the role allows it.
    iam.update_assume_role_policy(
        RoleName="long-sessions",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{platform.account}:user/operator"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    before = time.time()  # the server runs on this machine's clock
    found = assume(server, platform.operator, role_arn, DurationSeconds=7200)
    lifetime = found["Credentials"]["Expiration"].timestamp() - before
    assert 7190 < lifetime <= 7201  # Expiration is written in whole seconds


def test_session_name_rules_answer_with_a_validation_error(
    server: RunningServer, world: dict[str, object]
) -> None:
    platform: Platform = world["platform"]  # type: ignore[assignment]
    session = platform.session_of(platform.add_role("qwak-eks-base-names"))
    with pytest.raises(ClientError) as excinfo:
        assume(server, session, str(world["role_arn"]), RoleSessionName="has space")
    code, message, status = _error(excinfo)
    assert (code, status) == ("ValidationError", 400)
    assert message == (
        "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
    )


def test_session_permissions_are_the_role_policy_intersected_with_the_session_policy(
    server: RunningServer, world: dict[str, object]
) -> None:
    # UG/access_policies.html#policies_session: "The resulting session's permissions are the
    # intersection of the role's identity-based policy and the session policies."
    platform: Platform = world["platform"]  # type: ignore[assignment]
    customer: Credentials = world["customer"]  # type: ignore[assignment]
    iam = server.client("iam", customer)
    role_arn = iam.create_role(
        RoleName="reads-its-own-role", AssumeRolePolicyDocument=seed_trust_policy(platform.account)
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="reads-its-own-role",
        PolicyName="get-role",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": role_arn}],
            }
        ),
    )
    session = platform.session_of(platform.add_role("qwak-eks-base-scoped"))
    unrestricted = Credentials.from_sts(assume(server, session, role_arn)["Credentials"])
    assert server.client("iam", unrestricted).get_role(RoleName="reads-its-own-role")["Role"]
    only_list = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::*"}
            ],
        }
    )
    found = assume(server, session, role_arn, Policy=only_list)
    assert 0 < found["PackedPolicySize"] <= 100
    restricted = Credentials.from_sts(found["Credentials"])
    with pytest.raises(ClientError) as excinfo:
        server.client("iam", restricted).get_role(RoleName="reads-its-own-role")
    code, message, _ = _error(excinfo)
    assert code == "AccessDenied"
    assert message.endswith("because no session policy allows the iam:GetRole action")
