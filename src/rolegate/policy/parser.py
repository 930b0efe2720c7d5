"""Parse and validate a policy document into a `CompiledPolicy`, reporting every problem found.

UG/reference_policies_grammar.html gives the grammar; UG/access_policies.html and
UG/id_roles_terms-and-concepts.html give what each kind of policy must and must not contain:
- identity, permissions boundary and session policies name no Principal and need a Resource;
- resource policies (S3 bucket policies, ...) need a Principal or NotPrincipal;
- role trust policies need a Principal, may not use NotPrincipal, have no Resource, and may only name
  the STS actions that assume a role or act on its session.
Message texts are IAM's own where they are known (see ../../shared/reference/iam-spec.md §1).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from rolegate.policy.compiled import CompiledPolicy, Statement
from rolegate.policy.conditions import compile_condition_block
from rolegate.policy.decision import StatementRef
from rolegate.policy.errors import PolicyValidationError, Problem
from rolegate.policy.json_source import (
    SYNTAX_ERROR,
    count_policy_characters,
    decode_policy_text,
    pointer_child,
)
from rolegate.policy.kinds import Effect, PolicyKind, PolicyType, PolicyVersion
from rolegate.policy.limits import SIZE_LIMITS
from rolegate.policy.matchers import ActionMatcher, ResourceMatcher
from rolegate.policy.principal_element import PrincipalSet, compile_principal_element
from rolegate.policy.wildcard import glob_matches

_TOP_LEVEL_KEYS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_KEYS = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
     "NotResource", "Condition"}
)  # fmt: skip
_IAM_SID = re.compile(r"[0-9A-Za-z]*")
_ACTION_VENDOR = re.compile(r"[A-Za-z0-9*?-]+")
# The STS actions a role trust policy may name (UG/id_roles_terms-and-concepts.html, trust policy;
# STS API reference for TagSession, SetSourceIdentity, SetContext).
TRUST_POLICY_ACTIONS = (
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
)
_DEFAULT_POLICY_TYPE = {
    PolicyKind.IDENTITY: PolicyType.IDENTITY,
    PolicyKind.RESOURCE: PolicyType.RESOURCE,
    PolicyKind.TRUST: PolicyType.RESOURCE,
    PolicyKind.SESSION: PolicyType.SESSION,
}
_IAM_KINDS = frozenset({PolicyKind.IDENTITY, PolicyKind.TRUST, PolicyKind.SESSION})


def parse_policy(
    document: str | Mapping[str, object],
    kind: PolicyKind = PolicyKind.IDENTITY,
    *,
    policy_id: str = "policy",
    policy_type: PolicyType | None = None,
    check_size: bool = True,
) -> CompiledPolicy:
    """Validate `document` as a policy of `kind` and compile it; raise PolicyValidationError."""
    problems: list[Problem] = []
    raw: object = document
    if isinstance(document, str):
        if check_size:
            limit = SIZE_LIMITS[kind]
            if count_policy_characters(document) > limit.characters:
                problems.append(Problem(limit.message, code=limit.code))
                raise PolicyValidationError(problems)
        raw, problems = decode_policy_text(document)
        if problems:
            raise PolicyValidationError(problems)
    compiled = _compile_document(raw, kind, policy_id, policy_type, problems)
    if problems or compiled is None:
        raise PolicyValidationError(problems or [Problem(SYNTAX_ERROR)])
    return compiled


def validate_policy(document: str | Mapping[str, object], kind: PolicyKind) -> list[Problem]:
    """Every problem AWS would report for `document` as a policy of `kind`; empty when valid."""
    try:
        parse_policy(document, kind)
    except PolicyValidationError as error:
        return list(error.problems)
    return []


def _compile_document(
    raw: object,
    kind: PolicyKind,
    policy_id: str,
    policy_type: PolicyType | None,
    problems: list[Problem],
) -> CompiledPolicy | None:
    if not isinstance(raw, dict):
        problems.append(Problem(SYNTAX_ERROR, detail="a policy must be one JSON object"))
        return None
    for key in raw:
        if key not in _TOP_LEVEL_KEYS:
            problems.append(
                Problem(SYNTAX_ERROR, pointer_child("", key), detail=f"unknown element {key!r}")
            )
    version = _parse_version(raw.get("Version"), problems)
    if "Id" in raw and not isinstance(raw["Id"], str):
        problems.append(Problem(SYNTAX_ERROR, "/Id", detail="Id must be a string"))
    statements_raw = raw.get("Statement")
    if statements_raw is None:
        problems.append(Problem(SYNTAX_ERROR, detail="the Statement element is required"))
        return None
    if isinstance(statements_raw, dict):
        items: list[tuple[str, object]] = [("/Statement", statements_raw)]
    elif isinstance(statements_raw, list) and statements_raw:
        items = [(f"/Statement/{i}", s) for i, s in enumerate(statements_raw)]
    else:
        detail = "Statement must be an object or a non-empty list of objects"
        problems.append(Problem(SYNTAX_ERROR, "/Statement", detail=detail))
        return None
    statements: list[Statement] = []
    seen_sids: set[str] = set()
    policy_type = policy_type or _DEFAULT_POLICY_TYPE[kind]
    for index, (pointer, item) in enumerate(items):
        statement = _compile_statement(item, index, pointer, kind, version, problems)
        if statement is None:
            continue
        if statement.sid:
            if statement.sid in seen_sids:
                problems.append(
                    Problem(
                        "Statement IDs (SID) in a single policy must be unique.",
                        pointer_child(pointer, "Sid"),
                    )
                )
            seen_sids.add(statement.sid)
        statements.append(
            replace(
                statement, ref=replace(statement.ref, policy_id=policy_id, policy_type=policy_type)
            )
        )
    if problems:
        return None
    return CompiledPolicy(policy_id, kind, version, tuple(statements), policy_type)


def _parse_version(raw: object, problems: list[Problem]) -> PolicyVersion:
    # UG/troubleshoot_policies.html#missing-version: without Version the 2008-10-17 rules apply.
    if raw is None:
        return PolicyVersion.V2008_10_17
    if isinstance(raw, str):
        for version in PolicyVersion:
            if raw == version.value:
                return version
    detail = 'Version must be "2012-10-17" or "2008-10-17"'
    problems.append(Problem(SYNTAX_ERROR, "/Version", detail=detail))
    return PolicyVersion.V2012_10_17


def _string_list(raw: object) -> list[str] | None:
    """A policy list element: one string or a list of strings."""
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return list(raw)
    return None


def _compile_statement(
    raw: object,
    index: int,
    pointer: str,
    kind: PolicyKind,
    version: PolicyVersion,
    problems: list[Problem],
) -> Statement | None:
    if not isinstance(raw, dict):
        problems.append(Problem(SYNTAX_ERROR, pointer, detail="a statement must be an object"))
        return None
    before = len(problems)
    for key in raw:
        if key not in _STATEMENT_KEYS:
            detail = f"unknown statement element {key!r}"
            problems.append(Problem(SYNTAX_ERROR, pointer_child(pointer, key), detail=detail))
    sid = _parse_sid(raw.get("Sid"), pointer, kind, problems)
    effect = _parse_effect(raw.get("Effect"), pointer, problems)
    actions, actions_negated = _parse_actions(raw, pointer, kind, problems)
    resources, resources_negated = _parse_resources(raw, pointer, kind, version, problems)
    principals, principals_negated = _parse_principals(raw, pointer, kind, problems)
    condition = None
    if "Condition" in raw:
        condition = compile_condition_block(
            raw["Condition"], pointer_child(pointer, "Condition"), version, problems
        )
    if len(problems) > before or effect is None or actions is None:
        return None
    return Statement(
        index=index,
        sid=sid,
        effect=effect,
        actions=actions,
        actions_negated=actions_negated,
        resources=resources,
        resources_negated=resources_negated,
        principals=principals,
        principals_negated=principals_negated,
        condition=condition,
        # The policy's id and type are filled in by the caller, which knows them.
        ref=StatementRef("", PolicyType.IDENTITY, index, sid, effect),
    )


def _parse_sid(raw: object, pointer: str, kind: PolicyKind, problems: list[Problem]) -> str | None:
    if raw is None:
        return None
    where = pointer_child(pointer, "Sid")
    if not isinstance(raw, str):
        problems.append(Problem(SYNTAX_ERROR, where, detail="Sid must be a string"))
        return None
    # IAM policies allow only ASCII letters and digits in a Sid; resource policies (S3, SQS, ...)
    # accept any string (UG/reference_policies_elements_sid.html).
    if kind in _IAM_KINDS and not _IAM_SID.fullmatch(raw):
        problems.append(
            Problem(
                "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
                "regular expression [0-9A-Za-z]*",
                where,
            )
        )
    return raw


def _parse_effect(raw: object, pointer: str, problems: list[Problem]) -> Effect | None:
    # Effect is case-sensitive: "allow" is not "Allow" (UG/reference_policies_elements_effect.html).
    for effect in Effect:
        if raw == effect.value:
            return effect
    detail = 'Effect must be "Allow" or "Deny"' if raw is not None else "Effect is required"
    problems.append(Problem(SYNTAX_ERROR, pointer_child(pointer, "Effect"), detail=detail))
    return None


def _one_of(
    raw: dict[str, object], names: tuple[str, str], pointer: str, problems: list[Problem]
) -> tuple[str, object] | None:
    present = [name for name in names if name in raw]
    if len(present) == 2:
        detail = f"a statement may have {names[0]} or {names[1]}, not both"
        problems.append(Problem(SYNTAX_ERROR, pointer, detail=detail))
        return None
    if not present:
        return None
    return present[0], raw[present[0]]


def _parse_actions(
    raw: dict[str, object], pointer: str, kind: PolicyKind, problems: list[Problem]
) -> tuple[ActionMatcher | None, bool]:
    found = _one_of(raw, ("Action", "NotAction"), pointer, problems)
    if found is None:
        if not any(name in raw for name in ("Action", "NotAction")):
            problems.append(Problem("Policy statement must contain actions.", pointer))
        return None, False
    name, value = found
    where = pointer_child(pointer, name)
    actions = _string_list(value)
    if not actions:
        problems.append(Problem("Policy statement must contain actions.", where))
        return None, False
    before = len(problems)
    for i, action in enumerate(actions):
        item = pointer_child(where, i) if isinstance(value, list) else where
        if action == "*":
            continue
        if action.count(":") > 1:
            problems.append(Problem("Actions/Condition can contain only one colon.", item))
        elif ":" not in action or not _ACTION_VENDOR.fullmatch(action.split(":", 1)[0]):
            problems.append(
                Problem("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", item)
            )  # fmt: skip
    trust_actions_ok = name == "Action" and all(_is_trust_action(a) for a in actions)
    if kind is PolicyKind.TRUST and len(problems) == before and not trust_actions_ok:
        problems.append(
            Problem("AssumeRole policy may only specify STS AssumeRole actions.", where)
        )
    if len(problems) > before:
        return None, False
    return ActionMatcher.compile(actions), name == "NotAction"


def _is_trust_action(pattern: str) -> bool:
    if not pattern.lower().startswith("sts:"):
        return False
    return any(glob_matches(pattern, a, ignore_case=True) for a in TRUST_POLICY_ACTIONS)


def _parse_resources(
    raw: dict[str, object],
    pointer: str,
    kind: PolicyKind,
    version: PolicyVersion,
    problems: list[Problem],
) -> tuple[ResourceMatcher | None, bool]:
    if kind is PolicyKind.TRUST:
        for name in ("Resource", "NotResource"):
            if name in raw:
                problems.append(
                    Problem(f"Has prohibited field {name}", pointer_child(pointer, name))
                )
        return None, False
    found = _one_of(raw, ("Resource", "NotResource"), pointer, problems)
    if found is None:
        if not any(name in raw for name in ("Resource", "NotResource")):
            problems.append(Problem("Policy statement must contain resources.", pointer))
        return None, False
    name, value = found
    where = pointer_child(pointer, name)
    resources = _string_list(value)
    if not resources:
        problems.append(Problem("Policy statement must contain resources.", where))
        return None, False
    before = len(problems)
    for i, resource in enumerate(resources):
        item = pointer_child(where, i) if isinstance(value, list) else where
        problem = _resource_problem(resource)
        if problem is not None:
            problems.append(Problem(problem, item))
    if len(problems) > before:
        return None, False
    matcher = ResourceMatcher.compile(resources, substitute=version.substitutes_variables)
    return matcher, name == "NotResource"


def _resource_problem(resource: str) -> str | None:
    """UG/reference_policies_elements_resource.html: `*` or an ARN; no wildcard in the service."""
    if resource == "*":
        return None
    parts = resource.split(":", 5)
    if parts[0] != "arn" or (len(parts) < 6 and not (len(parts) >= 3 and parts[-1].endswith("*"))):
        return f'Resource {resource} must be in ARN format or "*".'
    if len(parts) > 2 and ("*" in parts[2] or "?" in parts[2]):
        return "Resource vendor must be fully qualified and cannot contain regexes."
    return None


def _parse_principals(
    raw: dict[str, object],
    pointer: str,
    kind: PolicyKind,
    problems: list[Problem],
) -> tuple[PrincipalSet | None, bool]:
    present = [name for name in ("Principal", "NotPrincipal") if name in raw]
    if kind in (PolicyKind.IDENTITY, PolicyKind.SESSION):
        for name in present:
            problems.append(Problem(f"Has prohibited field {name}", pointer_child(pointer, name)))
        return None, False
    if kind is PolicyKind.TRUST and "NotPrincipal" in present:
        where = pointer_child(pointer, "NotPrincipal")
        problems.append(Problem("Has prohibited field NotPrincipal", where))
        return None, False
    if not present:
        problems.append(Problem("Missing required field Principal", pointer))
        return None, False
    if len(present) == 2:
        detail = "a statement may have Principal or NotPrincipal, not both"
        problems.append(Problem(SYNTAX_ERROR, pointer, detail=detail))
        return None, False
    name = present[0]
    compiled = compile_principal_element(raw[name], pointer_child(pointer, name), name, problems)
    return compiled, name == "NotPrincipal"
