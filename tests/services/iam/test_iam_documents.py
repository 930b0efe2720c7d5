"""The authorizer's contract: `policy_documents_for` and `managed_policy_document`."""

from __future__ import annotations

from dataclasses import replace

from iam_harness import ACCOUNT, ALLOW_ALL, ALLOW_S3_READ, Iam

from rolegate.model import ManagedPolicy, PolicyOwner, PolicyOwnerKind
from rolegate.policy.kinds import PolicyKind
from rolegate.policy.parser import parse_policy
from rolegate.services.iam.aws_managed import AWS_MANAGED_POLICIES
from rolegate.services.iam.documents import (
    ALLOWS_NOTHING,
    managed_policy_document,
    policy_documents_for,
)

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
ROLE = PolicyOwner(PolicyOwnerKind.ROLE, "Worker")


def test_documents_of_a_role(iam: Iam) -> None:
    iam.role("worker")
    mine = iam.policy("mine")
    boundary = iam.policy("bound", ALLOW_ALL)
    iam.call("PutRolePolicy", RoleName="worker", PolicyName="inline", PolicyDocument=ALLOW_S3_READ)
    iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=mine)
    iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=ADMIN)
    iam.call("PutRolePermissionsBoundary", RoleName="worker", PermissionsBoundary=boundary)
    documents, boundary_text = policy_documents_for(iam.store, ACCOUNT, ROLE)
    admin_text = managed_policy_document(iam.store, ADMIN)
    assert sorted(documents) == sorted(
        [("inline", ALLOW_S3_READ), (mine, ALLOW_S3_READ), (ADMIN, admin_text)]
    )
    assert boundary_text == ALLOW_ALL


def test_documents_follow_the_default_version(iam: Iam) -> None:
    iam.user("alice")
    arn = iam.policy()
    iam.call("AttachUserPolicy", UserName="alice", PolicyArn=arn)
    iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=ALLOW_ALL, SetAsDefault=True)
    owner = PolicyOwner(PolicyOwnerKind.USER, "alice")
    assert policy_documents_for(iam.store, ACCOUNT, owner) == ([(arn, ALLOW_ALL)], None)


def test_an_owner_that_does_not_exist_has_no_policies(iam: Iam) -> None:
    assert policy_documents_for(iam.store, ACCOUNT, ROLE) == ([], None)


def test_a_vanished_boundary_allows_nothing(iam: Iam) -> None:
    arn = iam.policy("bound")
    iam.role("worker", PermissionsBoundary=arn)
    # Deleting a boundary in use is refused; a store edited behind IAM's back must still fail closed.
    stored = iam.store.get(ManagedPolicy, ACCOUNT, "bound")
    assert stored is not None
    iam.store.put(replace(stored, default_version_id="v99"))
    _, boundary_text = policy_documents_for(iam.store, ACCOUNT, ROLE)
    assert boundary_text == ALLOWS_NOTHING


def test_managed_policy_document(iam: Iam) -> None:
    arn = iam.policy("mine", Path="/x/")
    assert managed_policy_document(iam.store, arn) == ALLOW_S3_READ
    # The ARN must match exactly, path included.
    assert managed_policy_document(iam.store, f"arn:aws:iam::{ACCOUNT}:policy/mine") is None
    assert managed_policy_document(iam.store, "arn:aws:iam::aws:policy/Nope") is None
    assert managed_policy_document(iam.store, "not an arn") is None


def test_builtin_aws_policies_are_valid_identity_policies(iam: Iam) -> None:
    for policy in AWS_MANAGED_POLICIES:
        text = managed_policy_document(iam.store, policy.arn)
        assert text == policy.document
        parse_policy(text, PolicyKind.IDENTITY)
