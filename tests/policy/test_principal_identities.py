"""The users and roles a policy's Principal names, and the copy that shows a deleted one's id."""

from __future__ import annotations

from rolegate.policy.kinds import PolicyKind
from rolegate.policy.parser import parse_policy
from rolegate.policy.principal import Principal
from rolegate.policy.principal_element import (
    MatchStrength,
    NamedIdentity,
    named_identities,
    replace_principals,
    unique_ids_named,
)

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/team/reader"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/s"
ROLE_ID = "AROAABCDEFGHIJKLMNOPQ"


def _document(principal: object, condition: object = None) -> dict[str, object]:
    statement: dict[str, object] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*",
    }
    if condition is not None:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def test_only_user_and_role_arns_are_named_identities() -> None:
    document = _document({"AWS": [ROLE, USER, SESSION, ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root"]})
    assert named_identities(document) == (
        NamedIdentity(ROLE, ACCOUNT, "role", "reader"),
        NamedIdentity(USER, ACCOUNT, "user", "alice"),
    )
    assert named_identities(_document("*")) == ()
    assert named_identities(_document({"Service": "ec2.amazonaws.com"})) == ()


def test_replacing_changes_principals_and_never_conditions() -> None:
    condition = {"ArnLike": {"aws:PrincipalArn": ROLE}}
    document = _document({"AWS": [ROLE, USER]}, condition)
    replaced = replace_principals(document, {ROLE: ROLE_ID})
    assert replaced == _document({"AWS": [ROLE_ID, USER]}, condition)
    assert document == _document({"AWS": [ROLE, USER]}, condition)  # the original is untouched
    assert unique_ids_named(replaced) == (ROLE_ID,)


def test_a_unique_id_principal_parses_and_matches_no_caller() -> None:
    policy = parse_policy(_document({"AWS": ROLE_ID}), PolicyKind.RESOURCE)
    caller = Principal.from_arn(SESSION, role_arn=ROLE)
    principals = policy.statements[0].principals
    assert principals is not None
    assert principals.strength_for(caller) is MatchStrength.NONE
