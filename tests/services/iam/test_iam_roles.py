"""CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy,
DeleteRole."""

from __future__ import annotations

import pytest
from iam_harness import ACCOUNT, ALLOW_S3_READ, TRUST, Iam

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/worker"
TRUST_WITH_RESOURCE = TRUST.replace('"Action"', '"Resource":"*","Action"')


def test_create_role_returns_the_role_as_iam_shapes_it(iam: Iam) -> None:
    role = iam.call(
        "CreateRole",
        RoleName="worker",
        AssumeRolePolicyDocument=TRUST,
        Description="runs jobs",
        MaxSessionDuration=7200,
        Tags=[{"Key": "team", "Value": "data"}],
    )["Role"]
    assert iam.last_asked == ("iam:CreateRole", ROLE_ARN)
    assert role["RoleName"] == "worker"
    assert role["Path"] == "/"
    assert role["Arn"] == ROLE_ARN
    assert str(role["RoleId"]).startswith("AROA") and len(str(role["RoleId"])) == 21
    # The document comes back as the raw text stored; the wire layer URL-encodes it.
    assert role["AssumeRolePolicyDocument"] == TRUST
    assert role["Description"] == "runs jobs"
    assert role["MaxSessionDuration"] == 7200
    assert role["Tags"] == [{"Key": "team", "Value": "data"}]
    assert role["RoleLastUsed"] == {}


def test_role_arn_carries_its_path(iam: Iam) -> None:
    role = iam.role("deployer", Path="/ci/jobs/")
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/ci/jobs/deployer"
    assert iam.last_asked == ("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/ci/jobs/deployer")
    got = iam.call("GetRole", RoleName="deployer")["Role"]
    assert got["Path"] == "/ci/jobs/"
    assert iam.last_asked == ("iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/ci/jobs/deployer")


def test_get_role_defaults(iam: Iam) -> None:
    iam.role()
    role = iam.call("GetRole", RoleName="worker")["Role"]
    assert role["MaxSessionDuration"] == 3600
    assert "Description" not in role and "Tags" not in role and "PermissionsBoundary" not in role


def test_role_names_are_unique_regardless_of_case(iam: Iam) -> None:
    iam.role("Worker")
    before = iam.snapshot()
    error = iam.error("CreateRole", RoleName="WORKER", AssumeRolePolicyDocument=TRUST)
    # "Role with name X already exists." (EntityAlreadyExists, 409): Terraform's logs of CreateRole
    # in terraform-aws-modules/terraform-aws-ecs#363 and aws-ia/...control_tower_account_factory#529.
    assert (error.code, error.status) == ("EntityAlreadyExists", 409)
    assert error.message == "Role with name WORKER already exists."
    assert iam.snapshot() == before
    # Lookups ignore case too, and answer with the name as created.
    assert iam.call("GetRole", RoleName="wOrKeR")["Role"]["RoleName"] == "Worker"


def test_get_missing_role_asks_permission_first_then_is_no_such_entity(iam: Iam) -> None:
    error = iam.error("GetRole", RoleName="ghost")
    assert iam.last_asked == ("iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/ghost")
    # "The role with name X cannot be found." (NoSuchEntity 404; aws/aws-cli#6139 and the GetRole
    # error quoted in jarpy/lambkin#3).
    assert (error.code, error.status) == ("NoSuchEntity", 404)
    assert error.message == "The role with name ghost cannot be found."


def test_denied_get_role_says_access_denied_not_whether_it_exists(iam: Iam) -> None:
    iam.denied.add("iam:GetRole")
    assert iam.error("GetRole", RoleName="ghost").code == "AccessDenied"


@pytest.mark.parametrize(
    ("document", "code", "status", "message"),
    [
        # Trust policies are validated as trust policies (engine texts; see tests/policy).
        (TRUST_WITH_RESOURCE, "MalformedPolicyDocument", 400, "Has prohibited field Resource"),
        (
            ALLOW_S3_READ,
            "MalformedPolicyDocument",
            400,
            "AssumeRole policy may only specify STS AssumeRole actions.",
        ),
        ("{not json", "MalformedPolicyDocument", 400, "Syntax errors in policy."),
        # UG/reference_iam-quotas.html: role trust policy length 2,048 by default; LimitExceeded.
        (
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"'
            + "x" * 2100
            + '"},"Action":"sts:AssumeRole"}]}',
            "LimitExceeded",
            409,
            "Cannot exceed quota for ACLSizePerRole: 2048",
        ),
    ],
)
def test_create_role_rejects_bad_trust_policies(
    iam: Iam, document: str, code: str, status: int, message: str
) -> None:
    error = iam.error("CreateRole", RoleName="worker", AssumeRolePolicyDocument=document)
    assert (error.code, error.status, error.message) == (code, status, message)
    assert iam.error("GetRole", RoleName="worker").code == "NoSuchEntity"


def test_create_role_with_missing_boundary_is_no_such_entity(iam: Iam) -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:policy/nope"
    error = iam.error(
        "CreateRole", RoleName="worker", AssumeRolePolicyDocument=TRUST, PermissionsBoundary=arn
    )
    # "Scope ARN: ARN does not exist or is not attachable." (NoSuchEntity 404; rosa CLI logs
    # creating roles with a missing boundary).
    assert (error.code, error.status) == ("NoSuchEntity", 404)
    assert error.message == f"Scope ARN: {arn} does not exist or is not attachable."


def test_create_role_with_boundary(iam: Iam) -> None:
    arn = iam.policy("bound")
    role = iam.role(PermissionsBoundary=arn)
    assert role["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": arn,
    }


def test_create_role_with_duplicate_tag_keys_is_invalid_input(iam: Iam) -> None:
    error = iam.error(
        "CreateRole",
        RoleName="worker",
        AssumeRolePolicyDocument=TRUST,
        Tags=[{"Key": "Team", "Value": "a"}, {"Key": "team", "Value": "b"}],
    )
    # Observed text (recorded by several IAM emulators' tests against AWS, e.g. versitygw's):
    # "Duplicate tag keys found. Please note that Tag keys are case insensitive."
    assert (error.code, error.status) == ("InvalidInput", 400)
    assert (
        error.message == "Duplicate tag keys found. Please note that Tag keys are case insensitive."
    )


def test_list_roles_leaves_out_what_iam_does_not_list(iam: Iam) -> None:
    iam.role("a", Tags=[{"Key": "k", "Value": "v"}])
    iam.role("b", Path="/svc/")
    listed = iam.call("ListRoles")
    assert iam.last_asked == ("iam:ListRoles", f"arn:aws:iam::{ACCOUNT}:role/")
    assert listed["IsTruncated"] is False and "Marker" not in listed
    roles = listed["Roles"]
    assert [r["RoleName"] for r in roles] == ["a", "b"]
    # API_ListRoles.html: PermissionsBoundary, RoleLastUsed and Tags are not returned.
    for role in roles:
        assert not {"Tags", "RoleLastUsed", "PermissionsBoundary"} & set(role)


def test_list_roles_by_path_prefix(iam: Iam) -> None:
    iam.role("a")
    iam.role("b", Path="/svc/")
    iam.role("c", Path="/svc/deep/")
    listed = iam.call("ListRoles", PathPrefix="/svc/")
    # IAM authorizes the listing on the role ARN of the prefix (its AccessDenied messages name
    # "arn:aws:iam::ACCOUNT:role/aws-service-role/..." for such prefixes).
    assert iam.last_asked == ("iam:ListRoles", f"arn:aws:iam::{ACCOUNT}:role/svc/")
    assert [r["RoleName"] for r in listed["Roles"]] == ["b", "c"]


def test_update_role(iam: Iam) -> None:
    iam.role(Description="old")
    assert iam.call("UpdateRole", RoleName="worker", MaxSessionDuration=43200) == {}
    assert iam.last_asked == ("iam:UpdateRole", ROLE_ARN)
    role = iam.call("GetRole", RoleName="worker")["Role"]
    assert role["MaxSessionDuration"] == 43200 and role["Description"] == "old"
    iam.call("UpdateRole", RoleName="worker", Description="new")
    role = iam.call("GetRole", RoleName="worker")["Role"]
    assert role["MaxSessionDuration"] == 43200 and role["Description"] == "new"


def test_update_role_description_returns_the_role(iam: Iam) -> None:
    iam.role()
    role = iam.call("UpdateRoleDescription", RoleName="worker", Description="d")["Role"]
    assert iam.last_asked == ("iam:UpdateRoleDescription", ROLE_ARN)
    assert role["Description"] == "d"


def test_update_assume_role_policy_validates_and_replaces(iam: Iam) -> None:
    iam.role()
    other = TRUST.replace("111122223333:root", "444455556666:root")
    assert iam.call("UpdateAssumeRolePolicy", RoleName="worker", PolicyDocument=other) == {}
    assert iam.last_asked == ("iam:UpdateAssumeRolePolicy", ROLE_ARN)
    assert iam.call("GetRole", RoleName="worker")["Role"]["AssumeRolePolicyDocument"] == other
    error = iam.error(
        "UpdateAssumeRolePolicy", RoleName="worker", PolicyDocument=TRUST_WITH_RESOURCE
    )
    assert (error.code, error.message) == (
        "MalformedPolicyDocument",
        "Has prohibited field Resource",
    )
    assert iam.call("GetRole", RoleName="worker")["Role"]["AssumeRolePolicyDocument"] == other


def test_delete_role(iam: Iam) -> None:
    iam.role()
    assert iam.call("DeleteRole", RoleName="worker") == {}
    assert iam.last_asked == ("iam:DeleteRole", ROLE_ARN)
    assert iam.error("GetRole", RoleName="worker").code == "NoSuchEntity"
    assert iam.error("DeleteRole", RoleName="worker").code == "NoSuchEntity"


def test_delete_role_with_inline_policy_is_a_conflict(iam: Iam) -> None:
    iam.role()
    iam.call("PutRolePolicy", RoleName="worker", PolicyName="p", PolicyDocument=ALLOW_S3_READ)
    error = iam.error("DeleteRole", RoleName="worker")
    # "Cannot delete entity, must delete policies first." (DeleteConflict 409; aws-nuke#294,
    # cloud-custodian#6109 quote the live answer).
    assert (error.code, error.status) == ("DeleteConflict", 409)
    assert error.message == "Cannot delete entity, must delete policies first."
    assert iam.call("GetRole", RoleName="worker")


def test_delete_role_with_attached_policy_is_a_conflict(iam: Iam) -> None:
    iam.role()
    iam.call("AttachRolePolicy", RoleName="worker", PolicyArn=iam.policy())
    error = iam.error("DeleteRole", RoleName="worker")
    # "Cannot delete entity, must detach all policies first." (DeleteConflict 409; the raw IAM
    # response is quoted in ansible/ansible#22832, and in hashicorp/boundary#5646).
    assert (error.code, error.status) == ("DeleteConflict", 409)
    assert error.message == "Cannot delete entity, must detach all policies first."


def test_a_recreated_role_is_a_new_role(iam: Iam) -> None:
    first = iam.role()
    iam.call("DeleteRole", RoleName="worker")
    second = iam.role()
    assert first["RoleId"] != second["RoleId"]
