"""AssumeRole attacks: probing another account's roles, and a source identity changed by chaining.

STS/API_AssumeRole.html; UG/id_roles_common-scenarios_aws-accounts.html: another account's role is
reachable only through its trust policy, and AssumeRole is not a way to learn which roles that
account has. UG/id_credentials_temp_control-access_monitor.html: "The source identity value can't
be changed after it is set, and it persists for any additional actions that are taken with the
role session", role chaining included.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer

VERSION = "2012-10-17"


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": VERSION, "Statement": list(statements)})


def _denial(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return str(error["Code"]), str(error["Message"])


def _user(server: RunningServer, root: Credentials, name: str, policy: str) -> Credentials:
    iam = server.client("iam", root)
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return Credentials(key["AccessKeyId"], key["SecretAccessKey"], None, root.account_id)


def test_assume_role_does_not_tell_which_roles_another_account_has(
    server: RunningServer,
) -> None:
    victim = server.new_account()
    trust_own = _policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{victim.account_id}:root"},
            "Action": "sts:AssumeRole",
        }
    )
    victim_iam = server.client("iam", victim)
    victim_iam.create_role(
        RoleName="payments-admin", Path="/ops/", AssumeRolePolicyDocument=trust_own
    )
    # A common guard: deny everyone outside the account, explicitly.
    guarded = _policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{victim.account_id}:root"},
            "Action": "sts:AssumeRole",
        },
        {
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringNotEquals": {"aws:PrincipalAccount": victim.account_id}},
        },
    )
    victim_iam.create_role(RoleName="guarded", AssumeRolePolicyDocument=guarded)
    attacker_root = server.new_account()
    attacker = _user(
        server,
        attacker_root,
        "mallory",
        _policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}),
    )
    sts = server.client("sts", attacker)
    answers: dict[str, tuple[str, str]] = {}
    for probe in ("ops/payments-admin", "ops/no-such-role", "payments-admin", "guarded"):
        arn = f"arn:aws:iam::{victim.account_id}:role/{probe}"
        with pytest.raises(ClientError) as denied:
            sts.assume_role(RoleArn=arn, RoleSessionName="probe")
        code, message = _denial(denied)
        answers[probe] = (code, message.replace(arn, "ARN"))
    # The role that exists, one that does not, and the right name under the wrong path: one answer.
    assert len(set(answers.values())) == 1, answers
    assert answers["ops/payments-admin"][0] == "AccessDenied"


def test_a_chained_session_cannot_change_or_hide_its_source_identity(
    server: RunningServer,
) -> None:
    root = server.new_account()
    account = root.account_id
    iam = server.client("iam", root)
    trust = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
    }
    everything = _policy({"Effect": "Allow", "Action": "sts:*", "Resource": "*"})
    iam.create_role(RoleName="hop", AssumeRolePolicyDocument=_policy(trust))
    iam.put_role_policy(RoleName="hop", PolicyName="p", PolicyDocument=everything)
    # The sensitive role keeps one source identity out (its trust policy's own Deny).
    iam.create_role(
        RoleName="vault",
        AssumeRolePolicyDocument=_policy(
            trust,
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
                "Condition": {"StringEquals": {"sts:SourceIdentity": "mallory"}},
            },
        ),
    )
    mallory = _user(server, root, "mallory", everything)
    first = server.client("sts", mallory).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/hop", RoleSessionName="one", SourceIdentity="mallory"
    )
    assert first["SourceIdentity"] == "mallory"
    hop = server.client("sts", Credentials.from_sts(first["Credentials"], account))
    vault = f"arn:aws:iam::{account}:role/vault"
    # Asking for another source identity does not wash the first one out...
    with pytest.raises(ClientError) as denied:
        hop.assume_role(RoleArn=vault, RoleSessionName="two", SourceIdentity="alice")
    assert _denial(denied)[0] == "AccessDenied"
    # ...nor does asking for none: the vault's trust policy sees the one the session carries.
    with pytest.raises(ClientError) as denied:
        hop.assume_role(RoleArn=vault, RoleSessionName="two")
    assert _denial(denied)[0] == "AccessDenied"
    # A hop to a role that does not deny it keeps it, and asking for the same value is fine.
    again = hop.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/hop", RoleSessionName="two", SourceIdentity="mallory"
    )
    assert again["SourceIdentity"] == "mallory"
