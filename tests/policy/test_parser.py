"""What IAM accepts and rejects in a policy document, per kind of policy, with IAM's own messages.

Sources, cited per test:
- UG/ = https://docs.aws.amazon.com/IAM/latest/UserGuide/ (grammar, elements, quotas).
- IAM API reference (CreatePolicy, PutRolePolicy, CreateRole) for parameter constraints.
- Observed answers of the IAM API where the guide gives no wording: MalformedPolicyDocument texts
  recorded against AWS in getmoto/moto tests/test_iam/test_iam_policies.py, and error output quoted
  in public issue threads (named at the test). A message asserted here is AWS's, never the parser's.
"""

from __future__ import annotations

import copy
import json

import pytest

from rolegate.policy import (
    ErrorCode,
    PolicyKind,
    PolicyType,
    PolicyValidationError,
    PolicyVersion,
    Problem,
    parse_policy,
    validate_policy,
)

SYNTAX = "Syntax errors in policy."
LEGACY = "The policy failed legacy parsing"
NO_ACTIONS = "Policy statement must contain actions."
NO_RESOURCES = "Policy statement must contain resources."
NO_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
ONE_COLON = "Actions/Condition can contain only one colon."
SID_CHARS = (
    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular "
    "expression [0-9A-Za-z]*"
)
SID_UNIQUE = "Statement IDs (SID) in a single policy must be unique."
TRUST_ACTIONS = "AssumeRole policy may only specify STS AssumeRole actions."
ACCOUNT = "111122223333"
ALL_KINDS = tuple(PolicyKind)
IAM_KINDS = (PolicyKind.IDENTITY, PolicyKind.TRUST, PolicyKind.SESSION)
IDENTITY_KINDS = (PolicyKind.IDENTITY, PolicyKind.SESSION)
PRINCIPAL_KINDS = (PolicyKind.RESOURCE, PolicyKind.TRUST)


def statement_for(kind: PolicyKind, **changes: object) -> dict[str, object]:
    """A valid statement for `kind`; a change whose value is None removes that element."""
    statement: dict[str, object] = {"Effect": "Allow"}
    if kind is PolicyKind.TRUST:
        statement["Principal"] = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
        statement["Action"] = "sts:AssumeRole"
    else:
        statement["Action"] = "s3:GetObject"
        statement["Resource"] = "arn:aws:s3:::example-bucket/*"
    if kind is PolicyKind.RESOURCE:
        statement["Principal"] = {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"}
    for key, value in changes.items():
        if value is None:
            statement.pop(key, None)
        else:
            statement[key] = value
    return statement


def document(*statements: object, version: str | None = "2012-10-17") -> dict[str, object]:
    doc: dict[str, object] = {}
    if version is not None:
        doc["Version"] = version
    doc["Statement"] = statements[0] if len(statements) == 1 else list(statements)
    return doc


def problems(doc: object, kind: PolicyKind = PolicyKind.IDENTITY) -> tuple[Problem, ...]:
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy(doc, kind)  # type: ignore[arg-type]  # deliberately any shape
    return caught.value.problems


def messages(doc: object, kind: PolicyKind = PolicyKind.IDENTITY) -> list[str]:
    return [p.message for p in problems(doc, kind)]


def first_message(doc: object, kind: PolicyKind = PolicyKind.IDENTITY) -> str:
    """What the API answers: the first problem's message."""
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy(doc, kind)  # type: ignore[arg-type]  # deliberately any shape
    return caught.value.message


# --- Every kind accepts its minimal valid shape ----------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_minimal_policy_of_each_kind_is_accepted(kind: PolicyKind) -> None:
    compiled = parse_policy(document(statement_for(kind)), kind)
    assert compiled.kind is kind
    assert len(compiled.statements) == 1
    assert validate_policy(document(statement_for(kind)), kind) == []


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_policy_text_and_mapping_compile_alike(kind: PolicyKind) -> None:
    doc = document(statement_for(kind, Sid="First"), statement_for(kind, Sid="Second"))
    from_text = parse_policy(json.dumps(doc, indent=2), kind)
    from_mapping = parse_policy(doc, kind)
    assert [s.sid for s in from_text.statements] == ["First", "Second"]
    assert [s.sid for s in from_mapping.statements] == ["First", "Second"]


def test_policy_id_and_type_reach_every_statement_reference() -> None:
    doc = document(statement_for(PolicyKind.IDENTITY), statement_for(PolicyKind.IDENTITY))
    compiled = parse_policy(doc, policy_id="ReadOnly", policy_type=PolicyType.PERMISSIONS_BOUNDARY)
    assert [(s.ref.policy_id, s.ref.policy_type, s.ref.index) for s in compiled.statements] == [
        ("ReadOnly", PolicyType.PERMISSIONS_BOUNDARY, 0),
        ("ReadOnly", PolicyType.PERMISSIONS_BOUNDARY, 1),
    ]


# --- Version: UG/reference_policies_elements_version.html -----------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize(
    ("text", "expected"),
    [("2012-10-17", PolicyVersion.V2012_10_17), ("2008-10-17", PolicyVersion.V2008_10_17)],
)
def test_both_policy_language_versions_are_accepted(
    kind: PolicyKind, text: str, expected: PolicyVersion
) -> None:
    assert parse_policy(document(statement_for(kind), version=text), kind).version is expected


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_missing_version_means_2008_10_17(kind: PolicyKind) -> None:
    # UG/troubleshoot_policies.html#missing-version: without Version, IAM applies 2008-10-17
    # (and so does not substitute policy variables; see test_matching.py).
    compiled = parse_policy(document(statement_for(kind), version=None), kind)
    assert compiled.version is PolicyVersion.V2008_10_17
    assert not compiled.version.substitutes_variables


@pytest.mark.parametrize("version", ["2013-10-17", "2012-10-18", "", "2012/10/17", 20121017, None])
def test_a_version_other_than_the_two_is_a_syntax_error(version: object) -> None:
    # moto's recorded IAM answer for "Version": "2013-10-17" is "Syntax errors in policy.".
    doc = {"Version": version, "Statement": statement_for(PolicyKind.IDENTITY)}
    found = problems(doc)
    assert [p.message for p in found] == [SYNTAX]
    assert found[0].pointer == "/Version"


# --- Document and Statement shape: UG/reference_policies_grammar.html ---------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_statement_may_be_one_object_or_a_list_of_them(kind: PolicyKind) -> None:
    single = parse_policy({"Version": "2012-10-17", "Statement": statement_for(kind)}, kind)
    listed = parse_policy({"Version": "2012-10-17", "Statement": [statement_for(kind)]}, kind)
    assert len(single.statements) == len(listed.statements) == 1


@pytest.mark.parametrize(
    "doc",
    [
        {"Version": "2012-10-17"},
        {"Version": "2012-10-17", "Statement": []},
        {"Version": "2012-10-17", "Statement": ["afd"]},
        {"Version": "2012-10-17", "Statement": "s3:GetObject"},
        {"Version": "2012-10-17", "Statement": None},
        {"Version": "2012-10-17", "Statement": 1},
    ],
    ids=["missing", "empty-list", "list-of-string", "string", "null", "number"],
)
def test_statement_must_be_an_object_or_non_empty_list_of_objects(doc: object) -> None:
    assert messages(doc) == [SYNTAX]


@pytest.mark.parametrize("text", ["[]", '"policy"', "1", "null", "true"])
def test_a_policy_is_one_json_object(text: str) -> None:
    assert messages(text) == [SYNTAX]


def test_unknown_top_level_element_is_a_syntax_error() -> None:
    doc = document(statement_for(PolicyKind.IDENTITY)) | {"Extra field": "value"}
    found = problems(doc)
    assert [(p.message, p.pointer) for p in found] == [(SYNTAX, "/Extra field")]


def test_unknown_statement_element_is_a_syntax_error() -> None:
    doc = document(statement_for(PolicyKind.IDENTITY, Actions="s3:GetObject"))
    found = problems(doc)
    assert [(p.message, p.pointer) for p in found] == [(SYNTAX, "/Statement/Actions")]


def test_element_names_are_case_sensitive() -> None:
    statement = statement_for(PolicyKind.IDENTITY, Effect=None)
    statement["effect"] = "Allow"
    assert SYNTAX in messages(document(statement))


def test_id_may_be_a_string() -> None:
    doc = document(statement_for(PolicyKind.IDENTITY)) | {"Id": "cd3a324d-2343-d942"}
    assert len(parse_policy(doc).statements) == 1


@pytest.mark.parametrize("value", [["an-id"], {}, 1])
def test_id_that_is_not_a_string_is_a_syntax_error(value: object) -> None:
    # moto's recorded IAM answers for a list and an object Id.
    doc = document(statement_for(PolicyKind.IDENTITY)) | {"Id": value}
    assert messages(doc) == [SYNTAX]


# --- Effect: UG/reference_policies_elements_effect.html --------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("effect", ["Allow", "Deny"])
def test_effect_allow_and_deny(kind: PolicyKind, effect: str) -> None:
    compiled = parse_policy(document(statement_for(kind, Effect=effect)), kind)
    assert compiled.statements[0].effect.value == effect


@pytest.mark.parametrize("effect", ["invalid", "", 1, ["Allow"], None])
def test_effect_missing_or_unknown_is_a_syntax_error(effect: object) -> None:
    # moto's recorded IAM answers: "Effect": "invalid" and a missing Effect are syntax errors.
    statement = statement_for(PolicyKind.IDENTITY, Effect=effect)
    found = problems(document(statement))
    assert [p.message for p in found] == [SYNTAX]
    assert found[0].pointer == "/Statement/Effect"


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("effect", ["allow", "ALLOW", "denY", "aLLow"])
def test_effect_is_case_sensitive(kind: PolicyKind, effect: str) -> None:
    assert validate_policy(document(statement_for(kind, Effect=effect)), kind)


@pytest.mark.parametrize("effect", ["allow", "denY", "aLLow"])
def test_effect_in_the_wrong_case_fails_legacy_parsing(effect: str) -> None:
    # IAM recognises the word but not its case, and answers with its legacy-parser message
    # (moto's recorded answers for "denY" and "aLLow"), not with "Syntax errors in policy.".
    assert first_message(document(statement_for(PolicyKind.IDENTITY, Effect=effect))) == LEGACY


# --- Action / NotAction: UG/reference_policies_elements_action.html ----------------------------


@pytest.mark.parametrize("kind", IDENTITY_KINDS)
@pytest.mark.parametrize(
    "action",
    [
        "*",
        "s3:*",
        "s3:GetObject",
        "IAM:listaccesskeys",
        "iam:*AccessKey*",
        "s3:Get?bject",
        "s3-object-lambda:GetObject",
        "service-prefix:action-name",
        "aaaaaadsfdsafsadfsadfaaaaa:ListBucket",
        ["s3:GetObject", "s3:PutObject"],
    ],
)
def test_well_formed_actions_are_accepted(kind: PolicyKind, action: object) -> None:
    parse_policy(document(statement_for(kind, Action=action)), kind)
    parse_policy(document(statement_for(kind, Action=None, NotAction=action)), kind)


@pytest.mark.parametrize("action", ["s3.s:ListBucket", "iam: asdf safdsf af "])
def test_vendor_may_hold_dots_and_the_name_anything(action: str) -> None:
    # moto's list of documents IAM accepted: "s3.s:ListBucket", "iam: asdf safdsf af ".
    parse_policy(document(statement_for(PolicyKind.IDENTITY, Action=action)))


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_action_and_not_action_together_is_a_syntax_error(kind: PolicyKind) -> None:
    statement = statement_for(kind, NotAction="sts:TagSession")
    assert SYNTAX in messages(document(statement), kind)


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize(
    "change", [{"Action": None}, {"Action": []}, {"Action": None, "NotAction": []}]
)
def test_a_statement_without_actions_is_rejected(
    kind: PolicyKind, change: dict[str, object]
) -> None:
    assert NO_ACTIONS in messages(document(statement_for(kind, **change)), kind)


@pytest.mark.parametrize("action", ["invalid", "", "s3GetObject"])
def test_action_without_a_vendor_prefix(action: str) -> None:
    found = problems(document(statement_for(PolicyKind.IDENTITY, Action=action)))
    assert [(p.message, p.pointer) for p in found] == [(NO_VENDOR, "/Statement/Action")]


def test_not_action_without_a_vendor_prefix() -> None:
    # moto's recorded IAM answer for "NotAction": "".
    statement = statement_for(PolicyKind.IDENTITY, Action=None, NotAction="")
    assert messages(document(statement)) == [NO_VENDOR]


@pytest.mark.parametrize("action", ["s3:List:Bucket", "s:3s:ListBucket", "a:b:c:d"])
def test_action_with_two_colons(action: str) -> None:
    found = problems(document(statement_for(PolicyKind.IDENTITY, Action=["s3:GetObject", action])))
    assert [(p.message, p.pointer) for p in found] == [(ONE_COLON, "/Statement/Action/1")]


def test_vendor_with_characters_outside_letters_digits_dash_and_dot() -> None:
    # moto's recorded IAM answer for "Action": "a a:ListBucket".
    statement = statement_for(PolicyKind.IDENTITY, Action="a a:ListBucket")
    assert messages(document(statement)) == ["Vendor a a is not valid"]


@pytest.mark.parametrize("action", [{}, [[]], [1], 5, {"a": "s3:GetObject"}])
def test_action_that_is_not_a_string_or_list_of_strings_is_a_syntax_error(action: object) -> None:
    # moto's recorded IAM answers: "Action": {} and "Action": [[]] are syntax errors, not
    # "Policy statement must contain actions.".
    assert messages(document(statement_for(PolicyKind.IDENTITY, Action=action))) == [SYNTAX]


# --- Resource / NotResource: UG/reference_policies_elements_resource.html ----------------------


@pytest.mark.parametrize("kind", IDENTITY_KINDS)
@pytest.mark.parametrize(
    "resource",
    [
        "*",
        "arn:aws:s3:::example_bucket",
        "arn:aws:s3:::example-bucket/*",
        "arn:aws:s3:::example-bucket/*/test/*",
        "arn:aws:iam:::user/example_bucket",
        "arn:aws:iam::111122223333:user/division_abc/subdivision_xyz/Bob",
        "arn:aws:s33:::example_bucket",
        "arn:aws:invalid-service:::example_bucket",
        "arn:aws:ec2:us-east-1::example_bucket",
        "arn:aws:dynamodb:*:*:table/MyTable",
        "arn:aws:logs:us-east-1:111122223333:log-group:my-group*",
        "arn:aws:s3:::example-bucket/${aws:username}/*",
        ["arn:aws:s3:::example_bucket", "*"],
    ],
)
def test_well_formed_resources_are_accepted(kind: PolicyKind, resource: object) -> None:
    parse_policy(document(statement_for(kind, Resource=resource)), kind)
    parse_policy(document(statement_for(kind, Resource=None, NotResource=resource)), kind)


def test_resource_with_fewer_components_is_completed_with_wildcards() -> None:
    # moto's list of documents IAM accepted includes "Resource": "arn:aws:fdsasf"; IAM completes a
    # short ARN with "*" components (its own messages print them: "arn:b:cadfsdf:*:*:*").
    parse_policy(document(statement_for(PolicyKind.IDENTITY, Resource="arn:aws:fdsasf")))


@pytest.mark.parametrize("kind", (*IDENTITY_KINDS, PolicyKind.RESOURCE))
@pytest.mark.parametrize(
    "change", [{"Resource": None}, {"Resource": []}, {"Resource": None, "NotResource": []}]
)
def test_a_statement_without_resources_is_rejected(
    kind: PolicyKind, change: dict[str, object]
) -> None:
    assert NO_RESOURCES in messages(document(statement_for(kind, **change)), kind)


@pytest.mark.parametrize("kind", (*IDENTITY_KINDS, PolicyKind.RESOURCE))
def test_resource_and_not_resource_together_is_a_syntax_error(kind: PolicyKind) -> None:
    statement = statement_for(kind, NotResource="*")
    assert SYNTAX in messages(document(statement), kind)


@pytest.mark.parametrize("resource", ["invalid resource", "adf", "", "sdfsadf"])
def test_resource_that_is_not_an_arn(resource: str) -> None:
    # moto's recorded IAM answers (and CloudTrail: 'Resource 174313347505.dkr.ecr... must be in ARN
    # format or "*"').
    found = problems(document(statement_for(PolicyKind.IDENTITY, Resource=[resource])))
    assert [(p.message, p.pointer) for p in found] == [
        (f'Resource {resource} must be in ARN format or "*".', "/Statement/Resource/0")
    ]


@pytest.mark.parametrize(
    "resource", ["arn:aws:s3*:::bucket", "arn:aws:s?:::bucket", "arn:aws:*:::x"]
)
def test_wildcard_in_the_service_of_a_resource(resource: str) -> None:
    statement = statement_for(PolicyKind.IDENTITY, Resource=resource)
    assert messages(document(statement)) == [
        "Resource vendor must be fully qualified and cannot contain regexes."
    ]


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        ("arn:aws", "Resource vendor must be fully qualified and cannot contain regexes."),
        ("arn:aws:s3::example_bucket", LEGACY),
        ("arn:aws::fdsasf", LEGACY),
        (
            "arn:error:s3:::example_bucket",
            'Partition "error" is not valid for resource "arn:error:s3:::example_bucket".',
        ),
        (
            "aws:s3:::example_bucket",
            'Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".',
        ),
        (
            "arn:aws:iam:::example_bucket",
            'IAM resource path must either be "*" or start with user/, federated-user/, role/, '
            "group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, "
            "saml-provider/, oidc-provider/, report/, access-report/.",
        ),
        (
            "arn:aws:iam:us-east-1::example_bucket",
            "IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information.",
        ),
        (
            "arn:aws:s3:us-east-1::example_bucket",
            "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information.",
        ),
    ],
)
def test_malformed_resource_arns_get_iams_message(resource: str, message: str) -> None:
    # Each pair is a recorded IAM answer (moto tests/test_iam/test_iam_policies.py).
    statement = statement_for(PolicyKind.IDENTITY, Resource=resource)
    assert first_message(document(statement)) == message


@pytest.mark.parametrize("resource", [{"a": "arn:aws:s3:::example_bucket"}, ["adfdf", {}], 7])
def test_resource_that_is_not_a_string_or_list_of_strings_is_a_syntax_error(
    resource: object,
) -> None:
    # moto's recorded IAM answers for an object Resource and for ["adfdf", {}].
    assert messages(document(statement_for(PolicyKind.IDENTITY, Resource=resource))) == [SYNTAX]


# --- Principal: UG/reference_policies_elements_principal.html, UG/access_policies.html ---------


@pytest.mark.parametrize("kind", IDENTITY_KINDS)
def test_identity_and_session_policies_may_not_name_a_principal(kind: PolicyKind) -> None:
    # The IAM API's answer (PutRolePolicy: hashicorp/terraform#13449; PutGroupPolicy:
    # hashicorp/terraform-provider-aws#10419). "Has prohibited field Principal" is the console
    # editor's wording, not the API's.
    statement = statement_for(kind, Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    found = problems(document(statement), kind)
    assert [p.message for p in found] == ["Policy document should not specify a principal."]
    assert found[0].code is ErrorCode.MALFORMED_POLICY_DOCUMENT


@pytest.mark.parametrize("kind", IDENTITY_KINDS)
def test_identity_and_session_policies_may_not_name_a_not_principal(kind: PolicyKind) -> None:
    statement = statement_for(kind, NotPrincipal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    found = problems(document(statement), kind)
    assert [p.pointer for p in found] == ["/Statement/NotPrincipal"]


def test_resource_policy_statement_needs_a_principal() -> None:
    # S3 PutBucketPolicy answers "Missing required field Principal" (humanmade/S3-Uploads#191).
    statement = statement_for(PolicyKind.RESOURCE, Principal=None)
    found = problems(document(statement), PolicyKind.RESOURCE)
    assert [(p.message, p.pointer) for p in found] == [
        ("Missing required field Principal", "/Statement")
    ]


def test_resource_policy_may_use_not_principal_instead() -> None:
    statement = statement_for(
        PolicyKind.RESOURCE,
        Effect="Deny",
        Principal=None,
        NotPrincipal={"AWS": [f"arn:aws:iam::{ACCOUNT}:root"]},
    )
    compiled = parse_policy(document(statement), PolicyKind.RESOURCE)
    assert compiled.statements[0].principals_negated


def test_trust_policy_statement_needs_a_principal() -> None:
    # The wording CreateRole uses here is not settled (issue threads quote
    # "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in
    # policy has a statement with no principals!"), so only the rejection is asserted.
    statement = statement_for(PolicyKind.TRUST, Principal=None)
    found = problems(document(statement), PolicyKind.TRUST)
    assert len(found) == 1
    assert found[0].code is ErrorCode.MALFORMED_POLICY_DOCUMENT


def test_trust_policy_may_not_use_not_principal() -> None:
    # UG/reference_policies_elements_notprincipal.html: not supported in role trust policies.
    statement = statement_for(PolicyKind.TRUST, Principal=None, NotPrincipal={"AWS": ACCOUNT})
    found = problems(document(statement), PolicyKind.TRUST)
    assert [p.pointer for p in found] == ["/Statement/NotPrincipal"]


@pytest.mark.parametrize("kind", PRINCIPAL_KINDS)
@pytest.mark.parametrize(
    "principal",
    [
        "*",
        {"AWS": "*"},
        {"AWS": ACCOUNT},
        {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
        {"AWS": f"arn:aws:iam::{ACCOUNT}:user/division/alice"},
        {"AWS": f"arn:aws:iam::{ACCOUNT}:role/reader"},
        {"AWS": f"arn:aws:iam::{ACCOUNT}:role/service-role/reader"},
        {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/session-1"},
        {"AWS": f"arn:aws:sts::{ACCOUNT}:federated-user/carol"},
        {"AWS": [ACCOUNT, "444455556666", f"arn:aws:iam::{ACCOUNT}:user/alice"]},
        {"Service": "ec2.amazonaws.com"},
        {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]},
        {"AWS": f"arn:aws:iam::{ACCOUNT}:root", "Service": "ec2.amazonaws.com"},
    ],
)
def test_principal_forms_are_accepted(kind: PolicyKind, principal: object) -> None:
    compiled = parse_policy(document(statement_for(kind, Principal=principal)), kind)
    assert compiled.statements[0].principals is not None


@pytest.mark.parametrize(
    ("provider", "action"),
    [
        ("cognito-identity.amazonaws.com", "sts:AssumeRoleWithWebIdentity"),
        (f"arn:aws:iam::{ACCOUNT}:saml-provider/ExampleProvider", "sts:AssumeRoleWithSAML"),
        (
            f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com",
            "sts:AssumeRoleWithWebIdentity",
        ),
    ],
)
def test_federated_principal_in_a_trust_policy(provider: str, action: str) -> None:
    statement = statement_for(PolicyKind.TRUST, Principal={"Federated": provider}, Action=action)
    compiled = parse_policy(document(statement), PolicyKind.TRUST)
    principals = compiled.statements[0].principals
    assert principals is not None
    assert principals.federated == frozenset({provider})


def test_canonical_user_principal_in_a_bucket_policy() -> None:
    canonical = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
    statement = statement_for(PolicyKind.RESOURCE, Principal={"CanonicalUser": canonical})
    compiled = parse_policy(document(statement), PolicyKind.RESOURCE)
    principals = compiled.statements[0].principals
    assert principals is not None
    assert principals.canonical_users == frozenset({canonical})


def test_account_id_and_root_arn_name_the_same_account() -> None:
    statements = [
        statement_for(PolicyKind.TRUST, Principal={"AWS": value})
        for value in (ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root")
    ]
    compiled = parse_policy(document(*statements), PolicyKind.TRUST)
    principal_sets = [s.principals for s in compiled.statements]
    assert principal_sets[0] == principal_sets[1]
    assert principal_sets[0] is not None
    assert principal_sets[0].accounts == frozenset({ACCOUNT})


@pytest.mark.parametrize(
    "value",
    [
        f"arn:aws:iam::{ACCOUNT}:role/*",
        f"arn:aws:iam::{ACCOUNT}:user/ali*",
        "arn:aws:iam::*:root",
        "1111222233*",
        f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/*",
        f"arn:aws:iam::{ACCOUNT}:role/read?r",
        "11112222333",
        f"arn:aws:iam::{ACCOUNT}:group/admins",
        "alice",
    ],
)
def test_invalid_aws_principal_in_a_trust_policy(value: str) -> None:
    # UG/reference_policies_elements_principal.html: no partial wildcards. CreateRole's answer:
    # 'Invalid principal in policy: "AWS":"arn:aws:iam::...:role/..."' (aws-actions/
    # configure-aws-credentials#332, opstrace/opstrace#88).
    statement = statement_for(PolicyKind.TRUST, Principal={"AWS": value})
    found = problems(document(statement), PolicyKind.TRUST)
    assert [(p.message, p.pointer) for p in found] == [
        (f'Invalid principal in policy: "AWS":"{value}"', "/Statement/Principal/AWS")
    ]


@pytest.mark.parametrize("value", ["*.amazonaws.com", "*", "ec2.amazonaws.co?"])
def test_invalid_service_principal_names_the_type_in_capitals(value: str) -> None:
    # CreateRole's answer: 'Invalid principal in policy: "SERVICE":"amazonaws.com"'
    # (aws-samples/aws-cdk-examples#801).
    statement = statement_for(PolicyKind.TRUST, Principal={"Service": value})
    assert messages(document(statement), PolicyKind.TRUST) == [
        f'Invalid principal in policy: "SERVICE":"{value}"'
    ]


@pytest.mark.parametrize("kind", PRINCIPAL_KINDS)
@pytest.mark.parametrize(
    "principal",
    [
        f"arn:aws:iam::{ACCOUNT}:root",
        ["*"],
        {},
        {"AWS": []},
        {"AWS": [1]},
        {"AWS": {"arn": f"arn:aws:iam::{ACCOUNT}:root"}},
        {"aws": ACCOUNT},
        {"Foo": "bar"},
        7,
    ],
)
def test_malformed_principal_elements_are_rejected(kind: PolicyKind, principal: object) -> None:
    found = problems(document(statement_for(kind, Principal=principal)), kind)
    assert found
    assert all(p.pointer.startswith("/Statement/Principal") for p in found)


def test_invalid_principal_in_a_bucket_policy_has_s3s_short_message() -> None:
    # S3 PutBucketPolicy answers MalformedPolicy "Invalid principal in policy", with no detail
    # (ministryofjustice/analytical-platform#4932, cloud-custodian/cloud-custodian#4948).
    statement = statement_for(
        PolicyKind.RESOURCE, Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/*"}
    )
    assert messages(document(statement), PolicyKind.RESOURCE) == ["Invalid principal in policy"]


# --- Bucket policies answer with S3's own texts ------------------------------------------------
# A resource policy here is an S3 bucket policy, and PutBucketPolicy words its MalformedPolicy
# answers differently from IAM.


def test_bucket_policy_with_an_invalid_action() -> None:
    # versity/versitygw#650 (the AWS answer it reproduces).
    statement = statement_for(PolicyKind.RESOURCE, Action="invalid_action")
    assert messages(document(statement), PolicyKind.RESOURCE) == ["Policy has invalid action"]


def test_bucket_policy_with_an_invalid_resource() -> None:
    # aws-samples/aws-serverless-appsync-app#4: "An error occurred (MalformedPolicy) when calling
    # the PutBucketPolicy operation: Policy has invalid resource".
    statement = statement_for(PolicyKind.RESOURCE, Resource="not-an-arn")
    assert messages(document(statement), PolicyKind.RESOURCE) == ["Policy has invalid resource"]


def test_bucket_policy_with_an_invalid_effect() -> None:
    # versity/versitygw#647: "Invalid effect: hello".
    statement = statement_for(PolicyKind.RESOURCE, Effect="hello")
    assert messages(document(statement), PolicyKind.RESOURCE) == ["Invalid effect: hello"]


# --- Role trust policies: UG/id_roles_terms-and-concepts.html ---------------------------------


@pytest.mark.parametrize(
    "action",
    [
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
        "sts:TagSession",
        "sts:SetSourceIdentity",
        "STS:assumerole",
        ["sts:AssumeRole", "sts:TagSession"],
    ],
)
def test_trust_policy_accepts_the_sts_role_actions(action: object) -> None:
    parse_policy(document(statement_for(PolicyKind.TRUST, Action=action)), PolicyKind.TRUST)


@pytest.mark.parametrize(
    "action",
    ["s3:GetObject", "iam:PassRole", ["sts:AssumeRole", "s3:GetObject"], "sts:GetCallerIdentity"],
)
def test_trust_policy_rejects_other_actions(action: object) -> None:
    statement = statement_for(PolicyKind.TRUST, Action=action)
    assert messages(document(statement), PolicyKind.TRUST) == [TRUST_ACTIONS]


def test_trust_policy_has_no_resource() -> None:
    # CreateRole: "An error occurred (MalformedPolicyDocument) when calling the CreateRole
    # operation: Has prohibited field Resource" (quoted in several public repositories).
    statement = statement_for(PolicyKind.TRUST, Resource="*")
    found = problems(document(statement), PolicyKind.TRUST)
    assert [(p.message, p.pointer) for p in found] == [
        ("Has prohibited field Resource", "/Statement/Resource")
    ]


def test_trust_policy_has_no_not_resource() -> None:
    statement = statement_for(PolicyKind.TRUST, NotResource="*")
    found = problems(document(statement), PolicyKind.TRUST)
    assert [p.pointer for p in found] == ["/Statement/NotResource"]


def test_compiled_trust_statements_carry_no_resource_matcher() -> None:
    compiled = parse_policy(document(statement_for(PolicyKind.TRUST)), PolicyKind.TRUST)
    assert compiled.statements[0].resources is None


# --- Sid: UG/reference_policies_elements_sid.html -----------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("sid", ["Stmt1", "AllowReadOnly", "1", ""])
def test_alphanumeric_sid_is_accepted(kind: PolicyKind, sid: str) -> None:
    compiled = parse_policy(document(statement_for(kind, Sid=sid)), kind)
    assert compiled.statements[0].sid == sid


@pytest.mark.parametrize("kind", IAM_KINDS)
@pytest.mark.parametrize("sid", ["Allow-Read", "Allow Read", "allow_read", "caf\u00e9"])
def test_iam_sid_is_only_letters_and_digits(kind: PolicyKind, sid: str) -> None:
    # The IAM API's answer (CloudTrail errorMessage of a CreatePolicy call, quoted in a public repo).
    found = problems(document(statement_for(kind, Sid=sid)), kind)
    assert [(p.message, p.pointer) for p in found] == [(SID_CHARS, "/Statement/Sid")]


def test_bucket_policy_sid_may_hold_spaces() -> None:
    # The S3 User Guide's bucket-policy examples use Sids such as "AddPerm" and free text;
    # the IAM-only character rule does not apply to resource policies.
    statement = statement_for(PolicyKind.RESOURCE, Sid="Grant read-only access")
    compiled = parse_policy(document(statement), PolicyKind.RESOURCE)
    assert compiled.statements[0].sid == "Grant read-only access"


@pytest.mark.parametrize("sid", [{}, [], 1])
def test_sid_that_is_not_a_string_is_a_syntax_error(sid: object) -> None:
    assert messages(document(statement_for(PolicyKind.IDENTITY, Sid=sid))) == [SYNTAX]


@pytest.mark.parametrize("kind", IAM_KINDS)
def test_sids_are_unique_within_a_policy(kind: PolicyKind) -> None:
    doc = document(statement_for(kind, Sid="Same"), statement_for(kind, Sid="Same"))
    found = problems(doc, kind)
    assert [(p.message, p.pointer) for p in found] == [(SID_UNIQUE, "/Statement/1/Sid")]


def test_duplicate_sid_is_reported_even_when_that_statement_is_also_broken() -> None:
    # moto's recorded IAM answer for [{"Sid": "sdf", <valid>}, {"Sid": "sdf", "Effect": "Allow"}]
    # is the SID message: IAM checks uniqueness before actions and resources.
    doc = document(
        statement_for(PolicyKind.IDENTITY, Sid="sdf"),
        {"Sid": "sdf", "Effect": "Allow"},
    )
    found = problems(doc)
    assert SID_UNIQUE in [p.message for p in found]
    assert found[0].message == SID_UNIQUE


# --- JSON text: UG/reference_policies_grammar.html ----------------------------------------------


def test_text_that_is_not_json() -> None:
    found = problems("This is not a json document")
    assert [(p.message, p.line, p.column) for p in found] == [(SYNTAX, 1, 1)]


def test_json_syntax_error_reports_line_and_column() -> None:
    text = '{\n  "Version": "2012-10-17"\n  "Statement": []\n}'
    found = problems(text)
    assert [(p.message, p.line, p.column) for p in found] == [(SYNTAX, 3, 3)]
    assert found[0].location() == "line 3, column 3"


def test_truncated_json_reports_where_it_ended() -> None:
    text = '{"Version": "2012-10-17",\n "Statement": {"Effect": "Allow"'
    found = problems(text)
    assert found[0].message == SYNTAX
    assert found[0].line == 2


@pytest.mark.parametrize(
    "text",
    [
        '{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": '
        '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}',
        '{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Effect": "Allow", '
        '"Action": "s3:GetObject", "Resource": "*"}}',
        '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", '
        '"Resource": "*", "Condition": {"StringEquals": {"aws:username": "a", "aws:username": "b"}}}}',
    ],
    ids=["top-level", "statement", "condition-key"],
)
def test_duplicate_keys_are_rejected(text: str) -> None:
    # UG/reference_policies_grammar.html: IAM rejects new policies whose objects repeat a key.
    assert messages(text) == [SYNTAX]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_json_number_constants_are_rejected(constant: str) -> None:
    text = (
        '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", '
        f'"Resource": "*", "Sid": {constant}}}}}'
    )
    assert messages(text) == [SYNTAX]


def test_latin_1_characters_are_allowed() -> None:
    # IAM API reference, CreatePolicy PolicyDocument: tab, LF, CR and U+0020-U+00FF.
    doc = document(
        statement_for(PolicyKind.IDENTITY, Resource="arn:aws:s3:::bucket/caf\u00e9-\u00ff")
    )
    text = json.dumps(doc, ensure_ascii=False, indent="\t")
    assert "\u00e9" in text
    parse_policy(text)


@pytest.mark.parametrize("character", ["\u2019", "\u0100", "\u0000", "\U0001f600"])
def test_characters_outside_the_allowed_range_fail_parameter_validation(character: str) -> None:
    # IAM/STS API reference: the document parameter must match [\u0009\u000A\u000D\u0020-\u00FF]+,
    # so a document with any other character fails request validation (ValidationError), before
    # any policy grammar is looked at.
    doc = document(statement_for(PolicyKind.IDENTITY, Sid="Stmt1"))
    text = json.dumps(doc, indent=2).replace("Stmt1", f"Stmt{character}1")
    found = problems(text)
    assert found[0].code is ErrorCode.VALIDATION_ERROR
    assert (
        "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
        in found[0].message
    )


@pytest.mark.parametrize("kind", IAM_KINDS)
def test_disallowed_character_position_is_reported(kind: PolicyKind) -> None:
    text = json.dumps(document(statement_for(kind, Sid="Stmt1")), indent=2)
    line_of_sid = text.splitlines().index('    "Sid": "Stmt1"') + 1
    found = problems(text.replace("Stmt1", "St\u2019mt1"), kind)
    assert (found[0].line, found[0].column) == (line_of_sid, 15)


# --- Size quotas: UG/reference_iam-quotas.html ----------------------------------------------------


def text_of_size(kind: PolicyKind, characters: int) -> str:
    """A compact valid policy of `kind` with exactly `characters` non-whitespace characters."""
    doc = document(statement_for(kind, Sid="S"))
    base = len(json.dumps(doc, separators=(",", ":")))
    doc = document(statement_for(kind, Sid="S" + "x" * (characters - base)))
    text = json.dumps(doc, separators=(",", ":"))
    assert len(text) == characters
    return text


@pytest.mark.parametrize(
    ("kind", "limit", "message"),
    [
        (PolicyKind.IDENTITY, 6144, "Cannot exceed quota for PolicySize: 6144"),
        (PolicyKind.TRUST, 2048, "Cannot exceed quota for ACLSizePerRole: 2048"),
    ],
)
def test_iam_size_quota_is_limit_exceeded(kind: PolicyKind, limit: int, message: str) -> None:
    # "LimitExceeded: Cannot exceed quota for PolicySize: 6144" (ministryofjustice/
    # cloud-platform-environments#14473); "LimitExceeded: Cannot exceed quota for ACLSizePerRole:
    # 2048 ... status code: 409" (kubeflow/kubeflow#6687).
    parse_policy(text_of_size(kind, limit), kind)
    found = problems(text_of_size(kind, limit + 1), kind)
    assert [(p.message, p.code) for p in found] == [(message, ErrorCode.LIMIT_EXCEEDED)]


def test_whitespace_does_not_count_towards_the_managed_policy_quota() -> None:
    # UG/reference_iam-quotas.html: IAM does not count white space against these quotas.
    compact = text_of_size(PolicyKind.IDENTITY, 6144)
    spaced = json.dumps(json.loads(compact), indent=8)
    assert len(spaced) > 6144
    parse_policy(spaced)


def test_session_policy_over_2048_characters_fails_sts_validation() -> None:
    parse_policy(text_of_size(PolicyKind.SESSION, 2048), PolicyKind.SESSION)
    found = problems(text_of_size(PolicyKind.SESSION, 2049), PolicyKind.SESSION)
    assert [p.code for p in found] == [ErrorCode.VALIDATION_ERROR]


def test_session_policy_length_counts_whitespace() -> None:
    # STS API reference, AssumeRole `Policy`: "Length Constraints: Minimum length of 1. Maximum
    # length of 2048." is a constraint on the parameter string, whitespace included.
    spaced = json.dumps(json.loads(text_of_size(PolicyKind.SESSION, 2040)), indent=8)
    assert len(spaced) > 2048
    found = problems(spaced, PolicyKind.SESSION)
    assert [p.code for p in found] == [ErrorCode.VALIDATION_ERROR]


def test_bucket_policy_over_20_kilobytes_is_rejected() -> None:
    # Amazon S3 User Guide: bucket policies are limited to 20 KB.
    parse_policy(text_of_size(PolicyKind.RESOURCE, 20480), PolicyKind.RESOURCE)
    assert problems(text_of_size(PolicyKind.RESOURCE, 20481), PolicyKind.RESOURCE)


def test_size_is_checked_only_on_text_and_can_be_skipped() -> None:
    oversized = text_of_size(PolicyKind.TRUST, 4000)
    parse_policy(oversized, PolicyKind.TRUST, check_size=False)
    parse_policy(json.loads(oversized), PolicyKind.TRUST)


def test_size_quota_is_checked_before_the_grammar() -> None:
    text = text_of_size(PolicyKind.TRUST, 3000).replace('"Allow"', '"allow"')
    assert [p.code for p in problems(text, PolicyKind.TRUST)] == [ErrorCode.LIMIT_EXCEEDED]


# --- Every problem is reported --------------------------------------------------------------------


def test_every_problem_in_a_document_is_reported_with_its_pointer() -> None:
    doc = document(
        statement_for(PolicyKind.IDENTITY, Action=["s3:GetObject", "GetObject"], Resource="bucket"),
        statement_for(PolicyKind.IDENTITY, Sid="bad-sid", Effect="Permit"),
        statement_for(PolicyKind.IDENTITY, Action="s3:Get:Object", Resource=None),
    )
    found = {(p.message, p.pointer) for p in problems(doc)}
    assert found == {
        (NO_VENDOR, "/Statement/0/Action/1"),
        ('Resource bucket must be in ARN format or "*".', "/Statement/0/Resource"),
        (SID_CHARS, "/Statement/1/Sid"),
        (SYNTAX, "/Statement/1/Effect"),
        (ONE_COLON, "/Statement/2/Action"),
        (NO_RESOURCES, "/Statement/2"),
    }


def test_every_problem_of_a_trust_policy_is_reported() -> None:
    doc = document(
        statement_for(PolicyKind.TRUST, Action="s3:GetObject", Resource="*"),
        statement_for(PolicyKind.TRUST, Principal={"AWS": "arn:aws:iam::*:root"}),
    )
    found = {(p.message, p.pointer) for p in problems(doc, PolicyKind.TRUST)}
    assert found == {
        (TRUST_ACTIONS, "/Statement/0/Action"),
        ("Has prohibited field Resource", "/Statement/0/Resource"),
        ('Invalid principal in policy: "AWS":"arn:aws:iam::*:root"', "/Statement/1/Principal/AWS"),
    }


def test_validate_policy_lists_what_parse_policy_raises() -> None:
    doc = document(statement_for(PolicyKind.IDENTITY, Action="x", Resource="y"))
    assert validate_policy(doc, PolicyKind.IDENTITY) == list(problems(doc))
    assert len(validate_policy(doc, PolicyKind.IDENTITY)) == 2


# --- Which problem IAM answers with -----------------------------------------------------------------
# IAM answers with one message. moto's recorded answers show its order of checks: syntax, version,
# Sid uniqueness, actions present, resources present, resource format, action format.


def test_missing_resources_is_answered_before_a_malformed_action() -> None:
    # Recorded: {"Effect": "Allow", "Action": "invalid"} -> "Policy statement must contain resources."
    doc = document({"Effect": "Allow", "Action": "invalid"})
    assert first_message(doc) == NO_RESOURCES


def test_malformed_resource_is_answered_before_a_malformed_action() -> None:
    # Recorded: "Action": "s:3:ListBucket", "Resource": "sdfsadf" -> the resource message.
    doc = document({"Effect": "Allow", "Action": "s:3:ListBucket", "Resource": "sdfsadf"})
    assert first_message(doc) == 'Resource sdfsadf must be in ARN format or "*".'


def test_missing_actions_in_a_later_statement() -> None:
    # Recorded: [{"Effect": "Deny"}, <valid>] -> "Policy statement must contain actions."
    doc = document({"Effect": "Deny"}, statement_for(PolicyKind.IDENTITY))
    assert first_message(doc) == NO_ACTIONS


def test_syntax_error_is_answered_first() -> None:
    doc = document(statement_for(PolicyKind.IDENTITY, Action="invalid", Extra="x"))
    assert first_message(doc) == SYNTAX


def test_problems_do_not_leak_between_parses() -> None:
    bad = document(statement_for(PolicyKind.IDENTITY, Action="invalid"))
    good = copy.deepcopy(document(statement_for(PolicyKind.IDENTITY)))
    assert validate_policy(bad, PolicyKind.IDENTITY)
    assert validate_policy(good, PolicyKind.IDENTITY) == []
    assert len(validate_policy(bad, PolicyKind.IDENTITY)) == 1
