"""CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion,
SetDefaultPolicyVersion."""

from __future__ import annotations

from iam_harness import ALLOW_ALL, ALLOW_S3_READ, NOW, Iam

from rolegate.services.iam.documents import managed_policy_document


def test_create_version_without_default_keeps_v1(iam: Iam) -> None:
    arn = iam.policy()
    made = iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=ALLOW_ALL)
    assert iam.last_asked == ("iam:CreatePolicyVersion", arn)
    # CreatePolicyVersion answers without the document.
    assert made == {
        "PolicyVersion": {"VersionId": "v2", "IsDefaultVersion": False, "CreateDate": NOW}
    }
    assert managed_policy_document(iam.store, arn) == ALLOW_S3_READ
    assert iam.call("GetPolicy", PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v1"


def test_create_version_as_default(iam: Iam) -> None:
    arn = iam.policy()
    made = iam.call(
        "CreatePolicyVersion", PolicyArn=arn, PolicyDocument=ALLOW_ALL, SetAsDefault=True
    )
    assert made["PolicyVersion"]["IsDefaultVersion"] is True
    assert managed_policy_document(iam.store, arn) == ALLOW_ALL
    assert iam.call("GetPolicy", PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"


def test_get_policy_version(iam: Iam) -> None:
    arn = iam.policy()
    got = iam.call("GetPolicyVersion", PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert iam.last_asked == ("iam:GetPolicyVersion", arn)
    assert got == {
        "Document": ALLOW_S3_READ,
        "VersionId": "v1",
        "IsDefaultVersion": True,
        "CreateDate": NOW,
    }
    error = iam.error("GetPolicyVersion", PolicyArn=arn, VersionId="v9")
    assert (error.code, error.status) == ("NoSuchEntity", 404)


def test_five_versions_at_most(iam: Iam) -> None:
    arn = iam.policy()
    for _ in range(4):
        iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=ALLOW_ALL)
    before = iam.snapshot()
    error = iam.error("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=ALLOW_ALL)
    # The live text (99designs/iamy#21), LimitExceeded 409:
    assert (error.code, error.status) == ("LimitExceeded", 409)
    assert error.message == (
        "A managed policy can have up to 5 versions. Before you create a new version, you must "
        "delete an existing version."
    )
    assert iam.snapshot() == before


def test_version_ids_are_never_reused(iam: Iam) -> None:
    arn = iam.policy()
    iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=ALLOW_ALL)
    iam.call("DeletePolicyVersion", PolicyArn=arn, VersionId="v2")
    assert iam.last_asked == ("iam:DeletePolicyVersion", arn)
    made = iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=ALLOW_ALL)
    assert made["PolicyVersion"]["VersionId"] == "v3"


def test_list_policy_versions_newest_first_and_paged(iam: Iam) -> None:
    arn = iam.policy()
    for n in range(2, 11):
        iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=ALLOW_ALL)
        if n >= 5:  # keep v1 and the three newest, under the limit of five
            iam.call("DeletePolicyVersion", PolicyArn=arn, VersionId=f"v{n - 3}")
    listed = iam.call("ListPolicyVersions", PolicyArn=arn)["Versions"]
    assert iam.last_asked == ("iam:ListPolicyVersions", arn)
    # v10 sorts after v9 by number, not before v2 as text would put it.
    assert [v["VersionId"] for v in listed] == ["v10", "v9", "v8", "v1"]
    assert all("Document" not in v for v in listed)
    first = iam.call("ListPolicyVersions", PolicyArn=arn, MaxItems=3)
    assert first["IsTruncated"] is True
    rest = iam.call("ListPolicyVersions", PolicyArn=arn, Marker=first["Marker"])
    assert rest["IsTruncated"] is False
    paged = [v["VersionId"] for v in [*first["Versions"], *rest["Versions"]]]
    assert paged == ["v10", "v9", "v8", "v1"]


def test_default_version_cannot_be_deleted(iam: Iam) -> None:
    arn = iam.policy()
    error = iam.error("DeletePolicyVersion", PolicyArn=arn, VersionId="v1")
    # "Cannot delete the default version of a policy." (DeleteConflict 409; byu-oit/handel#140).
    assert (error.code, error.status) == ("DeleteConflict", 409)
    assert error.message == "Cannot delete the default version of a policy."


def test_set_default_policy_version(iam: Iam) -> None:
    arn = iam.policy()
    iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=ALLOW_ALL)
    assert iam.call("SetDefaultPolicyVersion", PolicyArn=arn, VersionId="v2") == {}
    assert iam.last_asked == ("iam:SetDefaultPolicyVersion", arn)
    assert managed_policy_document(iam.store, arn) == ALLOW_ALL
    # Now v1 is an ordinary version and can go; v2 cannot.
    iam.call("DeletePolicyVersion", PolicyArn=arn, VersionId="v1")
    assert iam.error("DeletePolicyVersion", PolicyArn=arn, VersionId="v2").code == "DeleteConflict"
    assert (
        iam.error("SetDefaultPolicyVersion", PolicyArn=arn, VersionId="v7").code == "NoSuchEntity"
    )


def test_aws_managed_policy_lists_its_default_version(iam: Iam) -> None:
    arn = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    listed = iam.call("ListPolicyVersions", PolicyArn=arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in listed] == [("v2", True)]
