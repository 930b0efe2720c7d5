"""STS beyond the seed: same-account trust, session tags, source identity, boundaries, GetSessionToken.

Expected outcomes from:
- UG/reference_policies_evaluation-logic.html ("Role trust policies ... must always allow the
  principal"; within an account, a trust policy naming the caller's ARN grants on its own).
- UG/id_session-tags.html: session tags need sts:TagSession; they become aws:PrincipalTag/* for the
  session and override the role's tags of the same key.
- UG/id_credentials_temp_control-access_monitor.html: sts:SetSourceIdentity; the source identity
  persists through role chaining.
- UG/access_policies_boundaries.html: effective permissions = identity ∩ boundary.
- STS/API_GetSessionToken.html: temporary credentials with the user's own permissions.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer


def _doc(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def account(server: RunningServer) -> tuple[Credentials, Credentials]:
    """An account root and a user in it with no policies at all."""
    root = server.new_account()
    iam = server.client("iam", root)
    iam.create_user(UserName="dev")
    key = iam.create_access_key(UserName="dev")["AccessKey"]
    return root, Credentials(key["AccessKeyId"], key["SecretAccessKey"], None, root.account_id)


def test_a_trust_policy_naming_the_user_grants_without_an_identity_policy(
    server: RunningServer, account: tuple[Credentials, Credentials]
) -> None:
    root, dev = account
    user_arn = f"arn:aws:iam::{root.account_id}:user/dev"
    iam = server.client("iam", root)
    iam.create_role(
        RoleName="direct",
        AssumeRolePolicyDocument=_doc(
            {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}
        ),
    )
    iam.create_role(
        RoleName="via-account",
        AssumeRolePolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{root.account_id}:root"},
                "Action": "sts:AssumeRole",
            }
        ),
    )
    sts = server.client("sts", dev)
    base = f"arn:aws:iam::{root.account_id}:role/"
    assert sts.assume_role(RoleArn=base + "direct", RoleSessionName="s1")["Credentials"]
    # Trusting the account delegates to the account's own policies, and dev has none.
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=base + "via-account", RoleSessionName="s1")
    assert excinfo.value.response["Error"]["Message"].endswith(
        "because no identity-based policy allows the sts:AssumeRole action"
    )


def test_session_tags_need_tag_session_and_become_principal_tags(
    server: RunningServer, account: tuple[Credentials, Credentials]
) -> None:
    root, dev = account
    user_arn = f"arn:aws:iam::{root.account_id}:user/dev"
    iam = server.client("iam", root)
    role_arn = iam.create_role(
        RoleName="tagged",
        AssumeRolePolicyDocument=_doc(
            {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}
        ),
        Tags=[{"Key": "project", "Value": "role-default"}],
    )["Role"]["Arn"]
    # Reading its own role is allowed only while the session's project tag says "alpha".
    iam.put_role_policy(
        RoleName="tagged",
        PolicyName="by-tag",
        PolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Action": "iam:GetRole",
                "Resource": role_arn,
                "Condition": {"StringEquals": {"aws:PrincipalTag/project": "alpha"}},
            }
        ),
    )
    sts = server.client("sts", dev)
    tags = [{"Key": "project", "Value": "alpha"}]
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="tag-on", Tags=tags)
    assert "sts:TagSession" in excinfo.value.response["Error"]["Message"]
    iam.update_assume_role_policy(
        RoleName="tagged",
        PolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": user_arn},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ),
    )
    tagged = Credentials.from_sts(
        sts.assume_role(RoleArn=role_arn, RoleSessionName="tag-on", Tags=tags)["Credentials"]
    )
    untagged = Credentials.from_sts(
        sts.assume_role(RoleArn=role_arn, RoleSessionName="tag-off")["Credentials"]
    )
    assert server.client("iam", tagged).get_role(RoleName="tagged")["Role"]["Arn"] == role_arn
    with pytest.raises(ClientError):
        server.client("iam", untagged).get_role(RoleName="tagged")


def test_source_identity_needs_permission_and_is_returned(
    server: RunningServer, account: tuple[Credentials, Credentials]
) -> None:
    root, dev = account
    user_arn = f"arn:aws:iam::{root.account_id}:user/dev"
    iam = server.client("iam", root)
    role_arn = iam.create_role(
        RoleName="audited",
        AssumeRolePolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": user_arn},
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            }
        ),
    )["Role"]["Arn"]
    found = server.client("sts", dev).assume_role(
        RoleArn=role_arn, RoleSessionName="s1", SourceIdentity="alice"
    )
    assert found["SourceIdentity"] == "alice"


def test_a_permissions_boundary_caps_what_the_user_may_do(
    server: RunningServer, account: tuple[Credentials, Credentials]
) -> None:
    root, dev = account
    iam = server.client("iam", root)
    iam.put_user_policy(
        UserName="dev",
        PolicyName="iam-read",
        PolicyDocument=_doc(
            {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}
        ),
    )
    dev_iam = server.client("iam", dev)
    assert dev_iam.list_roles()["Roles"] == []
    boundary = iam.create_policy(
        PolicyName="only-get-user",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}),
    )["Policy"]["Arn"]
    iam.put_user_permissions_boundary(UserName="dev", PermissionsBoundary=boundary)
    assert dev_iam.get_user()["User"]["UserName"] == "dev"
    with pytest.raises(ClientError) as excinfo:
        dev_iam.list_roles()
    assert excinfo.value.response["Error"]["Message"].endswith(
        "because no permissions boundary allows the iam:ListRoles action"
    )


def _session_token_credentials(server: RunningServer, user: Credentials) -> Credentials:
    found = server.client("sts", user).get_session_token(DurationSeconds=900)["Credentials"]
    return Credentials.from_sts(found)


def test_get_session_token_keeps_the_users_permissions(
    server: RunningServer, account: tuple[Credentials, Credentials]
) -> None:
    root, dev = account
    temporary = _session_token_credentials(server, dev)
    assert temporary.access_key_id.startswith("ASIA")
    who = server.client("sts", temporary).get_caller_identity()
    assert who["Arn"] == f"arn:aws:iam::{root.account_id}:user/dev"
    with pytest.raises(ClientError) as excinfo:
        server.client("sts", temporary).get_session_token()
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"


def test_get_session_token_credentials_cannot_call_iam_without_mfa(
    server: RunningServer, account: tuple[Credentials, Credentials]
) -> None:
    # STS/API_GetSessionToken.html: "You cannot call any IAM API operations unless MFA
    # authentication information is included in the request" (rolegate takes no MFA). AWS answers
    # InvalidClientTokenId, as for an unknown token. The same user's long-term key may.
    root, dev = account
    server.client("iam", root).put_user_policy(
        UserName="dev",
        PolicyName="read-self",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}),
    )
    assert server.client("iam", dev).get_user()["User"]["UserName"] == "dev"
    temporary = _session_token_credentials(server, dev)
    with pytest.raises(ClientError) as excinfo:
        server.client("iam", temporary).get_user()
    error = excinfo.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )
    # AssumeRole and GetCallerIdentity stay open to them.
    assert server.client("sts", temporary).get_caller_identity()["Arn"].endswith(":user/dev")


def test_get_caller_identity_is_never_denied(
    server: RunningServer, account: tuple[Credentials, Credentials]
) -> None:
    root, dev = account
    server.client("iam", root).put_user_policy(
        UserName="dev",
        PolicyName="deny-all",
        PolicyDocument=_doc({"Effect": "Deny", "Action": "*", "Resource": "*"}),
    )
    who = server.client("sts", dev).get_caller_identity()
    assert who["UserId"].startswith("AIDA") and who["Account"] == root.account_id
