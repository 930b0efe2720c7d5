"""CreatePolicy, GetPolicy, DeletePolicy, ListPolicies, and the built-in AWS managed policies."""

from __future__ import annotations

import json

from iam_harness import ACCOUNT, ALLOW_S3_READ, NOW, Iam

from rolegate.model import ManagedPolicyVersion

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
WITH_PRINCIPAL = ALLOW_S3_READ.replace('"Action"', '"Principal":"*","Action"')


def test_create_policy(iam: Iam) -> None:
    created = iam.call(
        "CreatePolicy",
        PolicyName="s3-read",
        Path="/team/",
        PolicyDocument=ALLOW_S3_READ,
        Description="read the bucket",
        Tags=[{"Key": "k", "Value": "v"}],
    )["Policy"]
    arn = f"arn:aws:iam::{ACCOUNT}:policy/team/s3-read"
    assert iam.last_asked == ("iam:CreatePolicy", arn)
    assert created["Arn"] == arn
    assert str(created["PolicyId"]).startswith("ANPA")
    assert created["DefaultVersionId"] == "v1"
    assert created["AttachmentCount"] == 0 and created["PermissionsBoundaryUsageCount"] == 0
    assert created["IsAttachable"] is True
    assert created["CreateDate"] == created["UpdateDate"] == NOW
    assert created["Tags"] == [{"Key": "k", "Value": "v"}]
    # Version v1 holds the document, in the same transaction as the policy.
    versions = list(iam.store.iter_all(ManagedPolicyVersion))
    assert [(v.version_id, v.document) for v in versions] == [("v1", ALLOW_S3_READ)]


def test_policy_names_are_unique_regardless_of_case_and_path(iam: Iam) -> None:
    iam.policy("S3-Read")
    error = iam.error(
        "CreatePolicy", PolicyName="s3-READ", Path="/x/", PolicyDocument=ALLOW_S3_READ
    )
    # "A policy called X already exists. Duplicate names are not allowed." (EntityAlreadyExists
    # 409; 99designs/iamy#22-era CLI output and Terraform logs quote it).
    assert (error.code, error.status) == ("EntityAlreadyExists", 409)
    assert (
        error.message == "A policy called s3-READ already exists. Duplicate names are not allowed."
    )


def test_create_policy_validates_the_document(iam: Iam) -> None:
    error = iam.error("CreatePolicy", PolicyName="p", PolicyDocument=WITH_PRINCIPAL)
    assert (error.code, error.message) == (
        "MalformedPolicyDocument",
        "Policy document should not specify a principal.",
    )
    big = json.dumps(
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + "b" * 6200}]}
    )  # fmt: skip
    error = iam.error("CreatePolicy", PolicyName="p", PolicyDocument=big)
    # UG/reference_iam-quotas.html: managed policy size 6,144 (LimitExceeded 409).
    assert (error.code, error.status, error.message) == (
        "LimitExceeded",
        409,
        "Cannot exceed quota for PolicySize: 6144",
    )
    assert iam.call("ListPolicies", Scope="Local")["Policies"] == []


def test_get_policy_counts_its_users(iam: Iam) -> None:
    arn = iam.policy(Description="d")
    iam.role()
    iam.user()
    iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=arn)
    iam.call("PutUserPermissionsBoundary", UserName="alice", PermissionsBoundary=arn)
    got = iam.call("GetPolicy", PolicyArn=arn)["Policy"]
    assert iam.last_asked == ("iam:GetPolicy", arn)
    assert got["AttachmentCount"] == 1 and got["PermissionsBoundaryUsageCount"] == 1
    assert got["Description"] == "d"


def test_get_missing_policy(iam: Iam) -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:policy/nope"
    error = iam.error("GetPolicy", PolicyArn=arn)
    # "Policy ARN was not found." (NoSuchEntity 404; GetPolicy output in awslabs' EKS/AMP scripts).
    assert (error.code, error.status, error.message) == (
        "NoSuchEntity",
        404,
        f"Policy {arn} was not found.",
    )


def test_another_accounts_policy_is_not_visible(iam: Iam) -> None:
    arn = iam.policy()
    other = arn.replace(ACCOUNT, "444455556666")
    assert iam.error("GetPolicy", PolicyArn=other).code == "NoSuchEntity"


def test_aws_managed_policy_is_visible_everywhere(iam: Iam) -> None:
    got = iam.call("GetPolicy", PolicyArn=ADMIN)["Policy"]
    assert got["PolicyName"] == "AdministratorAccess"
    assert got["PolicyId"] == "ANPAIWMBCKSKIEE64ZLYK"
    version = iam.call("GetPolicyVersion", PolicyArn=S3_READ, VersionId="v3")["PolicyVersion"]
    # The document AWS publishes (aws-managed-policy reference: AmazonS3ReadOnlyAccess, v3).
    assert json.loads(str(version["Document"])) == {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*",
                       "s3-object-lambda:List*"],
            "Resource": "*",
        }],
    }  # fmt: skip


def test_aws_managed_policies_cannot_be_changed(iam: Iam) -> None:
    error = iam.error("DeletePolicy", PolicyArn=ADMIN)
    assert (error.code, error.status) == ("AccessDenied", 403)
    assert (
        iam.error("CreatePolicyVersion", PolicyArn=ADMIN, PolicyDocument=ALLOW_S3_READ).code
        == "AccessDenied"
    )


def test_delete_policy(iam: Iam) -> None:
    arn = iam.policy()
    iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=ALLOW_S3_READ, SetAsDefault=True)
    iam.call("DeletePolicyVersion", PolicyArn=arn, VersionId="v1")
    assert iam.call("DeletePolicy", PolicyArn=arn) == {}
    assert iam.last_asked == ("iam:DeletePolicy", arn)
    assert iam.error("GetPolicy", PolicyArn=arn).code == "NoSuchEntity"
    # The default version goes with the policy.
    assert list(iam.store.iter_all(ManagedPolicyVersion)) == []


def test_delete_attached_policy_is_a_conflict(iam: Iam) -> None:
    arn = iam.policy()
    iam.role()
    iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=arn)
    error = iam.error("DeletePolicy", PolicyArn=arn)
    # "Cannot delete a policy attached to entities." (DeleteConflict 409; rebuy-de/aws-nuke#294).
    assert (error.code, error.status) == ("DeleteConflict", 409)
    assert error.message == "Cannot delete a policy attached to entities."


def test_delete_policy_used_as_boundary_is_a_conflict(iam: Iam) -> None:
    arn = iam.policy()
    iam.role(PermissionsBoundary=arn)
    # A boundary counts as use too (gruntwork-io/cloud-nuke#972 reports the same DeleteConflict).
    assert (
        iam.error("DeletePolicy", PolicyArn=arn).message
        == "Cannot delete a policy attached to entities."
    )


def test_delete_policy_with_versions_is_a_conflict(iam: Iam) -> None:
    arn = iam.policy()
    iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=ALLOW_S3_READ)
    error = iam.error("DeletePolicy", PolicyArn=arn)
    # The live text (rebuy-de/aws-nuke#1, redradrat/aws-iam-operator#13, ubicloud/ubicloud#6244):
    assert (error.code, error.status) == ("DeleteConflict", 409)
    assert error.message == (
        "This policy has more than one version. Before you delete a policy, you must delete the "
        "policy's versions. The default version is deleted with the policy."
    )


def test_list_policies_scopes(iam: Iam) -> None:
    local = iam.policy("mine")
    every = iam.call("ListPolicies")
    assert iam.last_asked == ("iam:ListPolicies", "policy path /")
    arns = [p["Arn"] for p in every["Policies"]]
    assert local in arns and ADMIN in arns and S3_READ in arns
    only_local = iam.call("ListPolicies", Scope="Local")["Policies"]
    assert [p["Arn"] for p in only_local] == [local]
    only_aws = iam.call("ListPolicies", Scope="AWS")["Policies"]
    assert local not in [p["Arn"] for p in only_aws] and ADMIN in [p["Arn"] for p in only_aws]
    # API_Policy.html: Description is not included in ListPolicies.
    assert all("Description" not in p and "Tags" not in p for p in every["Policies"])


def test_list_policies_only_attached_and_path(iam: Iam) -> None:
    iam.policy("unused")
    used = iam.policy("used", Path="/team/")
    iam.role()
    iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=used)
    iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=ADMIN)
    attached = iam.call("ListPolicies", OnlyAttached=True)["Policies"]
    assert sorted(p["Arn"] for p in attached) == sorted([used, ADMIN])
    by_path = iam.call("ListPolicies", PathPrefix="/team/")["Policies"]
    assert iam.last_asked == ("iam:ListPolicies", "policy path /team/")
    assert [p["Arn"] for p in by_path] == [used]
    counted = {p["Arn"]: p["AttachmentCount"] for p in attached}
    assert counted[ADMIN] == 1


def test_list_policies_boundary_filter(iam: Iam) -> None:
    bound = iam.policy("bound")
    iam.user(PermissionsBoundary=bound)
    found = iam.call("ListPolicies", OnlyAttached=True, PolicyUsageFilter="PermissionsBoundary")
    assert [p["Arn"] for p in found["Policies"]] == [bound]
    none = iam.call("ListPolicies", OnlyAttached=True, PolicyUsageFilter="PermissionsPolicy")
    assert none["Policies"] == []
