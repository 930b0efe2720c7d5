"""Action, resource, variable and principal matching, observed through `evaluate`.

UG/ = https://docs.aws.amazon.com/IAM/latest/UserGuide/. Every expected decision is read from the
page cited at the test, never from what the engine returns.
"""

from __future__ import annotations

import pytest

from rolegate.policy import (
    Basis,
    CompiledPolicy,
    Decision,
    EvaluationResult,
    PolicyKind,
    PolicySet,
    PolicyType,
    Principal,
    Request,
    evaluate,
    parse_policy,
)
from rolegate.policy.principal_element import MatchStrength

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
ALICE_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"
BOB_ARN = f"arn:aws:iam::{ACCOUNT}:user/bob"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/app/reader"
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/job-42"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"
ALICE = Principal.from_arn(ALICE_ARN)
BOB = Principal.from_arn(BOB_ARN)
SESSION = Principal.from_arn(SESSION_ARN, role_arn=ROLE_ARN)
ROOT = Principal.from_arn(ROOT_ARN)
FEDERATED = Principal.from_arn(f"arn:aws:sts::{ACCOUNT}:federated-user/carol")
CLOUDTRAIL = Principal.for_service("cloudtrail.amazonaws.com")
ANONYMOUS = Principal.anonymous()
BUCKET = "arn:aws:s3:::example-bucket"
OBJECT = f"{BUCKET}/reports/2024.csv"

_counter = iter(range(1_000_000))


def compile_policy(
    *statements: dict[str, object],
    kind: PolicyKind = PolicyKind.IDENTITY,
    version: str | None = "2012-10-17",
    policy_type: PolicyType | None = None,
) -> CompiledPolicy:
    doc: dict[str, object] = {"Statement": list(statements)}
    if version is not None:
        doc["Version"] = version
    return parse_policy(doc, kind, policy_id=f"p{next(_counter)}", policy_type=policy_type)


def allow(action: object = "*", resource: object = "*", **extra: object) -> dict[str, object]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: object = "*", resource: object = "*", **extra: object) -> dict[str, object]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def identity(*statements: dict[str, object], version: str | None = "2012-10-17") -> CompiledPolicy:
    return compile_policy(*statements, version=version)


def bucket_policy(*statements: dict[str, object]) -> CompiledPolicy:
    return compile_policy(*statements, kind=PolicyKind.RESOURCE)


def run(
    principal: Principal,
    action: str,
    resource: str,
    *,
    identity_policies: tuple[CompiledPolicy, ...] = (),
    resource_policy: CompiledPolicy | None = None,
    boundary: CompiledPolicy | None = None,
    session: tuple[CompiledPolicy, ...] = (),
    context: dict[str, object] | None = None,
    resource_account: str | None = None,
) -> EvaluationResult:
    request = Request.build(
        principal=principal,
        action=action,
        resource=resource,
        context=context,
        resource_account=resource_account,
    )
    policies = PolicySet(
        identity=identity_policies, resource=resource_policy, boundary=boundary, session=session
    )
    return evaluate(request, policies)


def decide_identity(
    statement: dict[str, object],
    action: str,
    resource: str,
    *,
    principal: Principal = ALICE,
    context: dict[str, object] | None = None,
    version: str | None = "2012-10-17",
) -> Decision:
    policy = identity(statement, version=version)
    return run(principal, action, resource, identity_policies=(policy,), context=context).decision


ALLOWED = Decision.ALLOWED
IMPLICIT = Decision.IMPLICIT_DENY
EXPLICIT = Decision.EXPLICIT_DENY


# --- Actions: UG/reference_policies_elements_action.html -------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("s3:GetObject", "s3:GetObject", ALLOWED),
        ("s3:GetObject", "S3:getobject", ALLOWED),
        ("s3:GetObject", "s3:GETOBJECT", ALLOWED),
        ("IAM:listaccesskeys", "iam:ListAccessKeys", ALLOWED),
        ("s3:get*", "s3:GetBucketPolicy", ALLOWED),
        ("s3:Get*", "s3:Get", ALLOWED),
        ("s3:Get*", "s3:PutObject", IMPLICIT),
        ("iam:*AccessKey*", "iam:ListAccessKeys", ALLOWED),
        ("iam:*AccessKey*", "iam:CreateAccessKey", ALLOWED),
        ("iam:*AccessKey*", "iam:ListUsers", IMPLICIT),
        ("s3:Get?bject", "s3:GetObject", ALLOWED),
        ("s3:Get?bject", "s3:Getobject", ALLOWED),
        ("s3:Get?bject", "s3:GetObjects", IMPLICIT),
        ("s3:Get?bject", "s3:Getbject", IMPLICIT),
        ("s3:*", "s3:ListBucket", ALLOWED),
        ("s3:*", "iam:GetUser", IMPLICIT),
        ("s3:*", "s3-object-lambda:GetObject", IMPLICIT),
        ("*", "ec2:RunInstances", ALLOWED),
        ("*", "sts:AssumeRole", ALLOWED),
    ],
)
def test_action_patterns_ignore_case_and_honour_wildcards(
    pattern: str, action: str, expected: Decision
) -> None:
    assert decide_identity(allow(pattern), action, OBJECT) is expected


@pytest.mark.parametrize(
    ("pattern", "action"),
    [
        ("s3:Get", "s3:GetObject"),
        ("s3:GetObject", "s3:GetObjectAcl"),
        ("s3:GetObject", "s3:GetObjectVersion"),
        ("iam:Get", "iam:GetUser"),
        ("s3:GetObject", "s3:Get"),
    ],
)
def test_an_action_is_never_matched_as_a_prefix(pattern: str, action: str) -> None:
    assert decide_identity(allow(pattern), action, OBJECT) is IMPLICIT


def test_an_action_list_matches_any_of_its_members() -> None:
    statement = allow(["s3:GetObject", "s3:List*"])
    assert decide_identity(statement, "s3:ListBucket", BUCKET) is ALLOWED
    assert decide_identity(statement, "s3:GetObject", OBJECT) is ALLOWED
    assert decide_identity(statement, "s3:PutObject", OBJECT) is IMPLICIT


# --- NotAction: UG/reference_policies_elements_notaction.html --------------------------------------


def test_allow_with_not_action_allows_every_other_action() -> None:
    statement = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    assert decide_identity(statement, "s3:GetObject", OBJECT) is ALLOWED
    assert decide_identity(statement, "ec2:RunInstances", "*") is ALLOWED
    assert decide_identity(statement, "iam:GetUser", ALICE_ARN) is IMPLICIT
    assert decide_identity(statement, "IAM:getuser", ALICE_ARN) is IMPLICIT


def test_not_action_is_still_scoped_by_resource() -> None:
    statement = {"Effect": "Allow", "NotAction": "iam:*", "Resource": f"{BUCKET}/*"}
    assert decide_identity(statement, "s3:GetObject", OBJECT) is ALLOWED
    assert decide_identity(statement, "s3:GetObject", "arn:aws:s3:::other/x") is IMPLICIT


def test_deny_with_not_action_denies_every_other_action() -> None:
    # The doc's example: deny everything except IAM actions when MFA is absent; here unconditional.
    policy = identity(allow(), {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"})
    assert run(ALICE, "s3:GetObject", OBJECT, identity_policies=(policy,)).decision is EXPLICIT
    assert run(ALICE, "iam:ListUsers", "*", identity_policies=(policy,)).decision is ALLOWED


# --- Resources: UG/reference_policies_elements_resource.html ----------------------------------------


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        (f"{BUCKET}/reports/2024.csv", OBJECT, ALLOWED),
        (f"{BUCKET}/Reports/2024.csv", OBJECT, IMPLICIT),
        ("arn:aws:s3:::Example-Bucket/*", OBJECT, IMPLICIT),
        (f"arn:aws:iam::{ACCOUNT}:user/Alice", ALICE_ARN, IMPLICIT),
        (f"arn:aws:iam::{ACCOUNT}:user/alice", ALICE_ARN, ALLOWED),
        (f"{BUCKET}/*", OBJECT, ALLOWED),
        (f"{BUCKET}/*", BUCKET, IMPLICIT),
        (f"{BUCKET}*", BUCKET, ALLOWED),
        ("*", OBJECT, ALLOWED),
        ("*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", ALLOWED),
        (BUCKET, OBJECT, IMPLICIT),
    ],
)
def test_resources_are_case_sensitive(pattern: str, resource: str, expected: Decision) -> None:
    assert decide_identity(allow("*", pattern), "s3:GetObject", resource) is expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("1/2/test/3/x.jpg", ALLOWED),
        ("/test/x.jpg", ALLOWED),
        ("1/test/", ALLOWED),
        ("test/x.jpg", IMPLICIT),
        ("1-test/x", IMPLICIT),
        ("1/2/tests/x", IMPLICIT),
    ],
)
def test_star_matches_across_slashes(key: str, expected: Decision) -> None:
    # The page's example: bucket/*/test/* matches bucket/1/2/test/3/x.jpg and bucket//test/x.jpg,
    # not bucket/test/x.jpg.
    statement = allow("s3:GetObject", f"{BUCKET}/*/test/*")
    assert decide_identity(statement, "s3:GetObject", f"{BUCKET}/{key}") is expected


def test_star_at_the_end_of_a_segment_spans_colons() -> None:
    # The page: a trailing * in "log-group:my-group*" also covers the log streams of the group.
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:my-group"
    statement = allow("logs:*", f"{group}*")
    assert decide_identity(statement, "logs:PutLogEvents", f"{group}:log-stream:s1") is ALLOWED
    assert decide_identity(statement, "logs:PutLogEvents", f"{group}-2") is ALLOWED
    other = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:other:log-stream:my-group"
    assert decide_identity(statement, "logs:PutLogEvents", other) is IMPLICIT


def test_wildcards_in_region_and_account_segments() -> None:
    statement = allow("dynamodb:*", "arn:aws:dynamodb:*:*:table/MyTable")
    table = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/MyTable"
    assert decide_identity(statement, "dynamodb:GetItem", table) is ALLOWED
    assert decide_identity(statement, "dynamodb:GetItem", f"{table}2") is IMPLICIT


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("file1.txt", ALLOWED),
        ("fileA.txt", ALLOWED),
        ("file/.txt", ALLOWED),
        ("file.txt", IMPLICIT),
        ("file10.txt", IMPLICIT),
    ],
)
def test_question_mark_matches_exactly_one_character(key: str, expected: Decision) -> None:
    statement = allow("s3:GetObject", f"{BUCKET}/file?.txt")
    assert decide_identity(statement, "s3:GetObject", f"{BUCKET}/{key}") is expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [("a+b(c).txt", ALLOWED), ("aab(c).txt", IMPLICIT), ("a+b(c)xtxt", IMPLICIT)],
)
def test_other_characters_in_a_resource_are_literal(key: str, expected: Decision) -> None:
    statement = allow("s3:GetObject", f"{BUCKET}/a+b(c).txt")
    assert decide_identity(statement, "s3:GetObject", f"{BUCKET}/{key}") is expected


# --- NotResource: UG/reference_policies_elements_notresource.html --------------------------------


def test_allow_with_not_resource_allows_everything_else() -> None:
    statement = {"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET}/private/*"}
    assert decide_identity(statement, "s3:GetObject", OBJECT) is ALLOWED
    assert decide_identity(statement, "s3:GetObject", f"{BUCKET}/private/key") is IMPLICIT
    assert decide_identity(statement, "iam:GetUser", ALICE_ARN) is IMPLICIT


def test_deny_with_not_resource_denies_everything_else() -> None:
    # The page's example: deny all but the listed bucket paths.
    policy = identity(
        allow("s3:*"),
        {"Effect": "Deny", "Action": "s3:*", "NotResource": [BUCKET, f"{BUCKET}/*"]},
    )
    assert run(ALICE, "s3:GetObject", OBJECT, identity_policies=(policy,)).decision is ALLOWED
    other = "arn:aws:s3:::other/key"
    assert run(ALICE, "s3:GetObject", other, identity_policies=(policy,)).decision is EXPLICIT


# --- Policy variables: UG/reference_policies_variables.html ----------------------------------------

HOME = "arn:aws:s3:::home-bucket/home"


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (f"{HOME}/alice/notes.txt", ALLOWED),
        (f"{HOME}/alice/", ALLOWED),
        (f"{HOME}/bob/notes.txt", IMPLICIT),
        (f"{HOME}/Alice/notes.txt", IMPLICIT),
        (f"{HOME}/${{aws:username}}/notes.txt", IMPLICIT),
    ],
)
def test_username_variable_is_substituted(resource: str, expected: Decision) -> None:
    statement = allow("s3:GetObject", f"{HOME}/${{aws:username}}/*")
    assert decide_identity(statement, "s3:GetObject", resource) is expected


def test_variable_key_names_are_case_insensitive() -> None:
    statement = allow("s3:GetObject", f"{HOME}/${{AWS:UserName}}/*")
    assert decide_identity(statement, "s3:GetObject", f"{HOME}/alice/x") is ALLOWED
    assert decide_identity(statement, "s3:GetObject", f"{HOME}/bob/x") is IMPLICIT


def test_variable_resolves_from_the_request_context() -> None:
    statement = allow("s3:GetObject", f"{HOME}/${{aws:PrincipalTag/team}}/*")
    context = {"aws:PrincipalTag/team": "blue"}
    assert decide_identity(statement, "s3:GetObject", f"{HOME}/blue/x", context=context) is ALLOWED
    assert decide_identity(statement, "s3:GetObject", f"{HOME}/red/x", context=context) is IMPLICIT


def test_default_value_is_used_when_the_key_is_absent() -> None:
    statement = allow("s3:GetObject", f"{HOME}/${{aws:PrincipalTag/team, 'company-wide'}}/*")
    assert decide_identity(statement, "s3:GetObject", f"{HOME}/company-wide/x") is ALLOWED
    tagged = {"aws:PrincipalTag/team": "blue"}
    assert decide_identity(statement, "s3:GetObject", f"{HOME}/blue/x", context=tagged) is ALLOWED
    wide = f"{HOME}/company-wide/x"
    assert decide_identity(statement, "s3:GetObject", wide, context=tagged) is IMPLICIT


@pytest.mark.parametrize(
    ("escape", "literal", "not_matched"),
    [("${*}", "*", "x"), ("${?}", "?", "x"), ("${$}", "$", "x")],
)
def test_escape_variables_are_literal_characters(
    escape: str, literal: str, not_matched: str
) -> None:
    statement = allow("s3:GetObject", f"{BUCKET}/star{escape}end")
    assert decide_identity(statement, "s3:GetObject", f"{BUCKET}/star{literal}end") is ALLOWED
    assert decide_identity(statement, "s3:GetObject", f"{BUCKET}/star{not_matched}end") is IMPLICIT


def test_escape_does_not_disable_real_wildcards_beside_it() -> None:
    statement = allow("s3:GetObject", f"{BUCKET}/${{*}}/*")
    assert decide_identity(statement, "s3:GetObject", f"{BUCKET}/*/anything") is ALLOWED
    assert decide_identity(statement, "s3:GetObject", f"{BUCKET}/x/anything") is IMPLICIT


def test_substituted_value_is_literal_text() -> None:
    # A wildcard inside a context value does not act as one.
    statement = allow("s3:GetObject", f"{HOME}/${{aws:PrincipalTag/team}}/x")
    star = {"aws:PrincipalTag/team": "*"}
    assert decide_identity(statement, "s3:GetObject", f"{HOME}/*/x", context=star) is ALLOWED
    assert decide_identity(statement, "s3:GetObject", f"{HOME}/blue/x", context=star) is IMPLICIT


@pytest.mark.parametrize(
    "resource",
    [f"{HOME}/${{aws:username}}/x", f"{HOME}//x", f"{HOME}/reader/x", f"{HOME}/job-42/x"],
)
def test_resource_with_an_unresolvable_variable_matches_nothing(resource: str) -> None:
    # A role session has no aws:username, so the variable cannot be resolved.
    statement = allow("s3:GetObject", f"{HOME}/${{aws:username}}/*")
    assert decide_identity(statement, "s3:GetObject", resource, principal=SESSION) is IMPLICIT


def test_deny_with_an_unresolvable_variable_does_not_apply() -> None:
    policy = identity(allow(), deny("s3:GetObject", f"{HOME}/${{aws:PrincipalTag/team}}/*"))
    result = run(ALICE, "s3:GetObject", f"{HOME}/blue/x", identity_policies=(policy,))
    assert result.decision is ALLOWED


def test_multivalued_key_is_not_substituted() -> None:
    statement = allow("s3:GetObject", f"{HOME}/${{aws:TagKeys}}/*")
    context = {"aws:TagKeys": ["blue", "red"]}
    for value in ("blue", "red", "blue,red"):
        resource = f"{HOME}/{value}/x"
        assert decide_identity(statement, "s3:GetObject", resource, context=context) is IMPLICIT


@pytest.mark.parametrize("version", ["2008-10-17", None])
def test_variables_are_plain_text_before_2012_10_17(version: str | None) -> None:
    # UG/reference_policies_elements_version.html; UG/troubleshoot_policies.html#missing-version.
    statement = allow("s3:GetObject", f"{HOME}/${{aws:username}}/*")
    literal = f"{HOME}/${{aws:username}}/x"
    assert decide_identity(statement, "s3:GetObject", literal, version=version) is ALLOWED
    substituted = f"{HOME}/alice/x"
    assert decide_identity(statement, "s3:GetObject", substituted, version=version) is IMPLICIT


# --- Principal strengths: UG/reference_policies_elements_principal.html,
# --- UG/reference_policies_evaluation-logic.html ----------------------------------------------------


@pytest.mark.parametrize(
    ("principal_element", "caller", "expected"),
    [
        ("*", ALICE, MatchStrength.DIRECT),
        ({"AWS": "*"}, ANONYMOUS, MatchStrength.DIRECT),
        ({"AWS": ALICE_ARN}, ALICE, MatchStrength.DIRECT),
        ({"AWS": ALICE_ARN}, BOB, MatchStrength.NONE),
        ({"AWS": ROOT_ARN}, ALICE, MatchStrength.ACCOUNT),
        ({"AWS": ACCOUNT}, ALICE, MatchStrength.ACCOUNT),
        ({"AWS": ACCOUNT}, SESSION, MatchStrength.ACCOUNT),
        ({"AWS": ACCOUNT}, ROOT, MatchStrength.DIRECT),
        ({"AWS": ACCOUNT}, ANONYMOUS, MatchStrength.NONE),
        ({"AWS": OTHER_ACCOUNT}, ALICE, MatchStrength.NONE),
        ({"AWS": ROLE_ARN}, SESSION, MatchStrength.ROLE),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:role/reader"}, SESSION, MatchStrength.NONE),
        ({"AWS": SESSION_ARN}, SESSION, MatchStrength.DIRECT),
        ({"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/other"}, SESSION, MatchStrength.NONE),
        ({"AWS": f"arn:aws:sts::{ACCOUNT}:federated-user/carol"}, FEDERATED, MatchStrength.DIRECT),
        ({"AWS": ACCOUNT}, FEDERATED, MatchStrength.ACCOUNT),
        ({"Service": "cloudtrail.amazonaws.com"}, CLOUDTRAIL, MatchStrength.DIRECT),
        ({"Service": "config.amazonaws.com"}, CLOUDTRAIL, MatchStrength.NONE),
        ({"Service": "cloudtrail.amazonaws.com"}, ALICE, MatchStrength.NONE),
        ({"AWS": [BOB_ARN, ROOT_ARN]}, ALICE, MatchStrength.ACCOUNT),
        ({"AWS": [ROOT_ARN, ALICE_ARN]}, ALICE, MatchStrength.DIRECT),
    ],
)
def test_how_directly_a_principal_element_names_the_caller(
    principal_element: object, caller: Principal, expected: MatchStrength
) -> None:
    policy = bucket_policy(allow("s3:GetObject", f"{BUCKET}/*", Principal=principal_element))
    assert policy.statements[0].principal_strength(caller, has_boundary=False) is expected


def test_bucket_policy_naming_the_user_allows_without_identity_policy() -> None:
    # Same account: an allow in either the identity or the resource policy suffices.
    policy = bucket_policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ALICE_ARN}))
    result = run(ALICE, "s3:GetObject", OBJECT, resource_policy=policy)
    assert result.decision is ALLOWED
    assert result.basis is Basis.ALLOWED_BY_RESOURCE
    assert run(BOB, "s3:GetObject", OBJECT, resource_policy=policy).decision is IMPLICIT


def test_grant_to_the_user_arn_is_not_limited_by_a_boundary() -> None:
    # UG/access_policies_boundaries.html: within an account, an implicit deny in a permissions
    # boundary does not limit a resource-based policy that names the IAM user ARN.
    policy = bucket_policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ALICE_ARN}))
    boundary = identity(allow("ec2:*"))
    result = run(ALICE, "s3:GetObject", OBJECT, resource_policy=policy, boundary=boundary)
    assert result.decision is ALLOWED


def test_grant_to_the_role_arn_allows_a_session_without_session_policies() -> None:
    policy = bucket_policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ROLE_ARN}))
    assert run(SESSION, "s3:GetObject", OBJECT, resource_policy=policy).decision is ALLOWED


def test_grant_to_the_role_arn_is_limited_by_session_policies() -> None:
    # UG/reference_policies_evaluation-logic.html: a resource policy naming the role ARN is still
    # limited by the session policy.
    policy = bucket_policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ROLE_ARN}))
    session = (compile_policy(allow("ec2:*"), kind=PolicyKind.SESSION),)
    result = run(SESSION, "s3:GetObject", OBJECT, resource_policy=policy, session=session)
    assert result.decision is IMPLICIT


def test_grant_to_the_role_arn_is_limited_by_the_boundary() -> None:
    policy = bucket_policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ROLE_ARN}))
    result = run(
        SESSION, "s3:GetObject", OBJECT, resource_policy=policy, boundary=identity(allow("ec2:*"))
    )
    assert result.decision is IMPLICIT


def test_grant_to_the_session_arn_is_not_limited_by_session_policies() -> None:
    policy = bucket_policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": SESSION_ARN}))
    session = (compile_policy(allow("ec2:*"), kind=PolicyKind.SESSION),)
    result = run(SESSION, "s3:GetObject", OBJECT, resource_policy=policy, session=session)
    assert result.decision is ALLOWED


@pytest.mark.parametrize("account_element", [ACCOUNT, ROOT_ARN])
def test_grant_to_the_account_needs_the_identity_side(account_element: str) -> None:
    # UG/reference_policies_elements_principal.html: naming the account delegates to the account's
    # own identity policies.
    policy = bucket_policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": account_element}))
    assert run(ALICE, "s3:GetObject", OBJECT, resource_policy=policy).decision is IMPLICIT
    granted = run(
        ALICE,
        "s3:GetObject",
        OBJECT,
        resource_policy=policy,
        identity_policies=(identity(allow("s3:GetObject")),),
    )
    assert granted.decision is ALLOWED


def test_cross_account_needs_both_sides() -> None:
    # UG/reference_policies_evaluation-logic-cross-account.html.
    policy = bucket_policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ALICE_ARN}))
    grant = (identity(allow("s3:GetObject")),)
    both = run(
        ALICE,
        "s3:GetObject",
        OBJECT,
        resource_policy=policy,
        identity_policies=grant,
        resource_account=OTHER_ACCOUNT,
    )
    assert both.decision is ALLOWED
    resource_only = run(
        ALICE, "s3:GetObject", OBJECT, resource_policy=policy, resource_account=OTHER_ACCOUNT
    )
    assert resource_only.decision is IMPLICIT
    identity_only = run(
        ALICE,
        "s3:GetObject",
        OBJECT,
        resource_policy=bucket_policy(
            allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": BOB_ARN})
        ),
        identity_policies=grant,
        resource_account=OTHER_ACCOUNT,
    )
    assert identity_only.decision is IMPLICIT


def test_anonymous_caller_needs_a_grant_to_everyone() -> None:
    public = bucket_policy(allow("s3:GetObject", f"{BUCKET}/*", Principal="*"))
    assert run(ANONYMOUS, "s3:GetObject", OBJECT, resource_policy=public).decision is ALLOWED
    to_account = bucket_policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ACCOUNT}))
    assert run(ANONYMOUS, "s3:GetObject", OBJECT, resource_policy=to_account).decision is IMPLICIT
    assert run(ANONYMOUS, "s3:GetObject", OBJECT).decision is IMPLICIT


def test_service_principal_is_allowed_by_a_grant_to_that_service() -> None:
    policy = bucket_policy(
        allow("s3:PutObject", f"{BUCKET}/*", Principal={"Service": "cloudtrail.amazonaws.com"})
    )
    assert run(CLOUDTRAIL, "s3:PutObject", OBJECT, resource_policy=policy).decision is ALLOWED
    other = Principal.for_service("config.amazonaws.com")
    assert run(other, "s3:PutObject", OBJECT, resource_policy=policy).decision is IMPLICIT


def test_deny_to_everyone_in_a_bucket_policy_beats_an_identity_allow() -> None:
    policy = bucket_policy(deny("s3:GetObject", f"{BUCKET}/*", Principal="*"))
    result = run(
        ALICE,
        "s3:GetObject",
        OBJECT,
        resource_policy=policy,
        identity_policies=(identity(allow()),),
    )
    assert result.decision is EXPLICIT
    assert result.denying_policy_type is PolicyType.RESOURCE


def test_resource_policy_statement_for_someone_else_does_not_apply() -> None:
    policy = bucket_policy(deny("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": BOB_ARN}))
    result = run(
        ALICE,
        "s3:GetObject",
        OBJECT,
        resource_policy=policy,
        identity_policies=(identity(allow()),),
    )
    assert result.decision is ALLOWED


# --- NotPrincipal: UG/reference_policies_elements_notprincipal.html ---------------------------------


def not_principal_deny(*listed: str) -> CompiledPolicy:
    return bucket_policy(
        allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": [ALICE_ARN, SESSION_ARN]}),
        deny("s3:GetObject", f"{BUCKET}/*", NotPrincipal={"AWS": list(listed)}),
    )


def test_deny_with_not_principal_spares_only_the_listed_user() -> None:
    policy = not_principal_deny(ROOT_ARN, ALICE_ARN)
    assert run(ALICE, "s3:GetObject", OBJECT, resource_policy=policy).decision is ALLOWED
    bob = run(
        BOB, "s3:GetObject", OBJECT, resource_policy=policy, identity_policies=(identity(allow()),)
    )
    assert bob.decision is EXPLICIT


def test_not_principal_must_list_account_role_and_session_to_spare_a_session() -> None:
    # The page: AWS checks the account, then the role, then the session; list all of them.
    spared = not_principal_deny(ROOT_ARN, ROLE_ARN, SESSION_ARN)
    assert run(SESSION, "s3:GetObject", OBJECT, resource_policy=spared).decision is ALLOWED
    for partial in (
        not_principal_deny(SESSION_ARN),
        not_principal_deny(ROOT_ARN, SESSION_ARN),
        not_principal_deny(ROLE_ARN, SESSION_ARN),
    ):
        assert run(SESSION, "s3:GetObject", OBJECT, resource_policy=partial).decision is EXPLICIT


def test_deny_with_not_principal_always_applies_to_a_principal_with_a_boundary() -> None:
    # UG/access_policies_boundaries.html: a Deny with NotPrincipal always denies a principal whose
    # permissions are limited by a boundary, even one listed in NotPrincipal.
    policy = not_principal_deny(ROOT_ARN, ALICE_ARN)
    result = run(
        ALICE,
        "s3:GetObject",
        OBJECT,
        resource_policy=policy,
        boundary=identity(allow()),
        identity_policies=(identity(allow()),),
    )
    assert result.decision is EXPLICIT


# --- Role trust policies: UG/reference_policies_evaluation-logic.html, STS AssumeRole ------------

TARGET_ROLE = f"arn:aws:iam::{ACCOUNT}:role/target"


def trust(principal: object) -> CompiledPolicy:
    return compile_policy(
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"},
        kind=PolicyKind.TRUST,
    )


def test_trust_policy_naming_the_account_needs_an_identity_allow() -> None:
    policy = trust({"AWS": ACCOUNT})
    assert run(ALICE, "sts:AssumeRole", TARGET_ROLE, resource_policy=policy).decision is IMPLICIT
    granted = run(
        ALICE,
        "sts:AssumeRole",
        TARGET_ROLE,
        resource_policy=policy,
        identity_policies=(identity(allow("sts:AssumeRole", TARGET_ROLE)),),
    )
    assert granted.decision is ALLOWED


def test_trust_policy_naming_the_user_allows_without_identity_policy() -> None:
    policy = trust({"AWS": ALICE_ARN})
    assert run(ALICE, "sts:AssumeRole", TARGET_ROLE, resource_policy=policy).decision is ALLOWED


def test_identity_allow_alone_never_assumes_a_role() -> None:
    result = run(
        ALICE,
        "sts:AssumeRole",
        TARGET_ROLE,
        resource_policy=trust({"AWS": BOB_ARN}),
        identity_policies=(identity(allow("sts:AssumeRole", TARGET_ROLE)),),
    )
    assert result.decision is IMPLICIT


def test_resource_variable_without_its_key_is_reported_missing() -> None:
    # https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html:
    # MissingContextValues lists "context keys that are required by the included input policies
    # but that were not provided"; a Resource with ${aws:username} requires aws:username, and
    # without it the Resource matches nothing (UG/reference_policies_variables.html).
    home = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::home/${aws:username}/*",
            },
        }
    )
    session = Principal.from_arn("arn:aws:sts::111122223333:assumed-role/r/s")
    result = evaluate(
        Request.build(session, "s3:GetObject", "arn:aws:s3:::home/x/y"), PolicySet(identity=(home,))
    )
    assert result.decision is Decision.IMPLICIT_DENY
    assert result.missing_context_keys == ("aws:username",)
