"""Parse and validate a policy document into a `CompiledPolicy`, reporting every problem found.

UG/reference_policies_grammar.html gives the grammar; UG/access_policies.html and
UG/id_roles_terms-and-concepts.html give what each kind of policy must and must not contain:
- identity, permissions boundary and session policies name no Principal and need a Resource;
- resource policies (S3 bucket policies) need a Principal or NotPrincipal;
- role trust policies need a Principal, may not use NotPrincipal, have no Resource, and may only
  name the STS actions that assume a role or act on its session.
Every problem is collected, then ordered by the phase in which IAM checks it (syntax, legacy
parsing, Sid uniqueness, actions present, resources present, resource format, action format), so
the first problem is the one the IAM API answers with. Message texts are IAM's (or S3's, for
bucket policies) as recorded against the live APIs; see tests/policy/test_parser.py for sources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import IntEnum

from rolegate.policy.compiled import CompiledPolicy, Statement
from rolegate.policy.conditions import compile_condition_block
from rolegate.policy.decision import StatementRef
from rolegate.policy.dialects import Dialect, dialect_for
from rolegate.policy.errors import NO_VENDOR, ErrorCode, PolicyValidationError, Problem
from rolegate.policy.json_source import (
    SYNTAX_ERROR,
    decode_policy_text,
    pointer_child,
)
from rolegate.policy.kinds import Effect, PolicyKind, PolicyType, PolicyVersion
from rolegate.policy.limits import SIZE_LIMITS
from rolegate.policy.matchers import ActionMatcher, ResourceMatcher
from rolegate.policy.principal_element import PrincipalSet, compile_principal_element
from rolegate.policy.resource_format import (
    LEGACY_PARSING,
    ResourceCheck,
    complete_arn,
    resource_problem,
)
from rolegate.policy.wildcard import glob_matches

_TOP_LEVEL_KEYS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_KEYS = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
     "NotResource", "Condition"}
)  # fmt: skip
_IAM_SID = re.compile(r"[0-9A-Za-z]*")
_ACTION_VENDOR = re.compile(r"[A-Za-z0-9.-]+")
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
NO_ACTIONS = "Policy statement must contain actions."
NO_RESOURCES = "Policy statement must contain resources."
SID_NOT_UNIQUE = "Statement IDs (SID) in a single policy must be unique."


class Phase(IntEnum):
    """The order in which IAM checks a document: the first problem found is the one it reports."""

    SYNTAX = 0
    LEGACY = 1
    SID = 2
    ACTIONS_PRESENT = 3
    RESOURCES_PRESENT = 4
    RESOURCE_FORMAT = 5
    ACTION_FORMAT = 6
    ELEMENTS = 7  # what a kind of policy must or must not name: principals, trust actions


@dataclass(slots=True)
class _Findings:
    """Problems found so far, each with the phase IAM would find it in."""

    dialect: Dialect
    found: list[tuple[Phase, Problem]]

    def add(self, phase: Phase, message: str, pointer: str, detail: str = "") -> None:
        self.found.append((phase, Problem(message, pointer, self.dialect.code, detail=detail)))

    def syntax(self, pointer: str, detail: str) -> None:
        self.add(Phase.SYNTAX, SYNTAX_ERROR, pointer, detail)

    def extend(self, phase: Phase, problems: list[Problem]) -> None:
        self.found.extend((phase, problem) for problem in problems)

    def ordered(self) -> list[Problem]:
        return [problem for _, problem in sorted(self.found, key=lambda item: item[0])]

    def __len__(self) -> int:
        return len(self.found)


def parse_policy(
    document: str | Mapping[str, object],
    kind: PolicyKind = PolicyKind.IDENTITY,
    *,
    policy_id: str = "policy",
    policy_type: PolicyType | None = None,
    check_size: bool = True,
) -> CompiledPolicy:
    """Validate `document` as a policy of `kind` and compile it; raise PolicyValidationError."""
    raw: object = document
    if isinstance(document, str):
        if check_size:
            limit = SIZE_LIMITS[kind]
            if limit.size_of(document) > limit.characters:
                raise PolicyValidationError([Problem(limit.message, code=limit.code)])
        raw, problems = decode_policy_text(document)
        if problems:
            code = problems[0].code
            if code is ErrorCode.MALFORMED_POLICY_DOCUMENT:
                problems = [replace(p, code=dialect_for(kind).code) for p in problems]
            raise PolicyValidationError(problems)
    findings = _Findings(dialect_for(kind), [])
    compiled = _compile_document(raw, kind, policy_id, policy_type, findings)
    if findings or compiled is None:
        raise PolicyValidationError(findings.ordered() or [Problem(SYNTAX_ERROR)])
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
    findings: _Findings,
) -> CompiledPolicy | None:
    if not isinstance(raw, dict):
        findings.syntax("", "a policy must be one JSON object")
        return None
    for key in raw:
        if key not in _TOP_LEVEL_KEYS:
            findings.syntax(pointer_child("", key), f"unknown element {key!r}")
    version = _parse_version(raw, findings)
    if "Id" in raw and not isinstance(raw["Id"], str):
        findings.syntax("/Id", "Id must be a string")
    items = _statement_items(raw.get("Statement"), findings)
    _check_sids_unique(items, findings)
    policy_type = policy_type or _DEFAULT_POLICY_TYPE[kind]
    statements: list[Statement] = []
    for index, (pointer, item) in enumerate(items):
        statement = _compile_statement(item, index, pointer, kind, version, findings)
        if statement is not None:
            ref = replace(statement.ref, policy_id=policy_id, policy_type=policy_type)
            statements.append(replace(statement, ref=ref))
    if findings or not items:
        return None
    return CompiledPolicy(policy_id, kind, version, tuple(statements), policy_type)


def _parse_version(raw: dict[str, object], findings: _Findings) -> PolicyVersion:
    # UG/troubleshoot_policies.html#missing-version: without Version the 2008-10-17 rules apply.
    if "Version" not in raw:
        return PolicyVersion.V2008_10_17
    value = raw["Version"]
    for version in PolicyVersion:
        if value == version.value:
            return version
    findings.syntax("/Version", 'Version must be "2012-10-17" or "2008-10-17"')
    return PolicyVersion.V2012_10_17


def _statement_items(raw: object, findings: _Findings) -> list[tuple[str, object]]:
    if raw is None:
        findings.syntax("", "the Statement element is required")
        return []
    if isinstance(raw, dict):
        return [("/Statement", raw)]
    if isinstance(raw, list) and raw:
        return [(f"/Statement/{i}", s) for i, s in enumerate(raw)]
    findings.syntax("/Statement", "Statement must be an object or a non-empty list of objects")
    return []


def _check_sids_unique(items: list[tuple[str, object]], findings: _Findings) -> None:
    # Checked on the raw statements: IAM reports a repeated Sid even in a statement that is also
    # broken in other ways.
    seen: set[str] = set()
    for pointer, item in items:
        sid = item.get("Sid") if isinstance(item, dict) else None
        if isinstance(sid, str) and sid:
            if sid in seen:
                findings.add(Phase.SID, SID_NOT_UNIQUE, pointer_child(pointer, "Sid"))
            seen.add(sid)


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
    findings: _Findings,
) -> Statement | None:
    if not isinstance(raw, dict):
        findings.syntax(pointer, "a statement must be an object")
        return None
    before = len(findings)
    for key in raw:
        if key not in _STATEMENT_KEYS:
            findings.syntax(pointer_child(pointer, key), f"unknown statement element {key!r}")
    sid = _parse_sid(raw.get("Sid"), pointer, kind, findings)
    effect = _parse_effect(raw, pointer, findings)
    actions, actions_negated = _parse_actions(raw, pointer, kind, findings)
    resources, resources_negated = _parse_resources(raw, pointer, kind, version, findings)
    principals, principals_negated = _parse_principals(raw, pointer, kind, findings)
    condition = None
    if "Condition" in raw:
        condition_problems: list[Problem] = []
        condition = compile_condition_block(
            raw["Condition"], pointer_child(pointer, "Condition"), version, condition_problems
        )
        findings.extend(
            Phase.SYNTAX, [replace(p, code=findings.dialect.code) for p in condition_problems]
        )
    if len(findings) > before or effect is None or actions is None:
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


def _parse_sid(raw: object, pointer: str, kind: PolicyKind, findings: _Findings) -> str | None:
    if raw is None:
        return None
    where = pointer_child(pointer, "Sid")
    if not isinstance(raw, str):
        findings.syntax(where, "Sid must be a string")
        return None
    # IAM policies allow only ASCII letters and digits in a Sid; resource policies (S3, SQS, ...)
    # accept any string (UG/reference_policies_elements_sid.html).
    if kind in _IAM_KINDS and not _IAM_SID.fullmatch(raw):
        findings.add(
            Phase.SYNTAX,
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
            "regular expression [0-9A-Za-z]*",
            where,
        )
    return raw


def _parse_effect(raw: dict[str, object], pointer: str, findings: _Findings) -> Effect | None:
    value = raw.get("Effect")
    for effect in Effect:
        if value == effect.value:
            return effect
    where = pointer_child(pointer, "Effect")
    if findings.dialect.names_bad_effect and isinstance(value, str):
        findings.add(Phase.SYNTAX, f"Invalid effect: {value}", where)
    elif isinstance(value, str) and value.lower() in ("allow", "deny"):
        # Effect is case-sensitive; IAM rejects "allow" in its legacy parsing phase
        # (UG/reference_policies_elements_effect.html; recorded API answer).
        findings.add(
            Phase.LEGACY, LEGACY_PARSING, where, 'Effect is "Allow" or "Deny", capitalised'
        )
    else:
        detail = 'Effect must be "Allow" or "Deny"' if value is not None else "Effect is required"
        findings.syntax(where, detail)
    return None


def _one_of(
    raw: dict[str, object], names: tuple[str, str], pointer: str, findings: _Findings
) -> tuple[str, object] | None:
    present = [name for name in names if name in raw]
    if len(present) == 2:
        findings.syntax(pointer, f"a statement may have {names[0]} or {names[1]}, not both")
        return None
    if not present:
        return None
    return present[0], raw[present[0]]


def _list_element(
    raw: dict[str, object], names: tuple[str, str], pointer: str, missing: tuple[Phase, str],
    findings: _Findings,
) -> tuple[str, str, object, list[str]] | None:  # fmt: skip
    """One of the two list elements (Action/NotAction, ...): its name, pointer, value, strings."""
    found = _one_of(raw, names, pointer, findings)
    if found is None:
        if not any(name in raw for name in names):
            findings.add(*missing, pointer)
        return None
    name, value = found
    where = pointer_child(pointer, name)
    strings = _string_list(value)
    if strings is None:
        findings.syntax(where, f"{name} must be a string or a list of strings")
        return None
    if not strings:
        findings.add(*missing, where)
        return None
    return name, where, value, strings


def _parse_actions(
    raw: dict[str, object], pointer: str, kind: PolicyKind, findings: _Findings
) -> tuple[ActionMatcher | None, bool]:
    element = _list_element(
        raw, ("Action", "NotAction"), pointer, (Phase.ACTIONS_PRESENT, NO_ACTIONS), findings
    )
    if element is None:
        return None, False
    name, where, value, actions = element
    before = len(findings)
    for i, action in enumerate(actions):
        item = pointer_child(where, i) if isinstance(value, list) else where
        problem = _action_problem(action)
        if problem is not None:
            message = findings.dialect.invalid_action or problem
            findings.add(Phase.ACTION_FORMAT, message, item, "" if message == problem else problem)
    trust_actions_ok = name == "Action" and all(_is_trust_action(a) for a in actions)
    if kind is PolicyKind.TRUST and len(findings) == before and not trust_actions_ok:
        message = "AssumeRole policy may only specify STS AssumeRole actions."
        findings.add(Phase.ELEMENTS, message, where)
    if len(findings) > before:
        return None, False
    return ActionMatcher.compile(actions), name == "NotAction"


def _action_problem(action: str) -> str | None:
    """UG/reference_policies_elements_action.html: `*` or `vendor:action`, one colon."""
    if action == "*":
        return None
    vendor, colon, name = action.partition(":")
    if not colon:
        return NO_VENDOR
    if ":" in name:
        return "Actions/Condition can contain only one colon."
    if vendor != "*" and not _ACTION_VENDOR.fullmatch(vendor):
        return f"Vendor {vendor} is not valid"
    return None


def _is_trust_action(pattern: str) -> bool:
    if not pattern.lower().startswith("sts:"):
        return False
    return any(glob_matches(pattern, a, ignore_case=True) for a in TRUST_POLICY_ACTIONS)


def _parse_resources(
    raw: dict[str, object],
    pointer: str,
    kind: PolicyKind,
    version: PolicyVersion,
    findings: _Findings,
) -> tuple[ResourceMatcher | None, bool]:
    if kind is PolicyKind.TRUST:
        for name in ("Resource", "NotResource"):
            if name in raw:
                where = pointer_child(pointer, name)
                findings.add(Phase.ELEMENTS, f"Has prohibited field {name}", where)
        return None, False
    element = _list_element(
        raw, ("Resource", "NotResource"), pointer, (Phase.RESOURCES_PRESENT, NO_RESOURCES),
        findings,
    )  # fmt: skip
    if element is None:
        return None, False
    name, where, value, resources = element
    before = len(findings)
    for i, resource in enumerate(resources):
        problem = resource_problem(resource)
        if problem is None:
            continue
        item = pointer_child(where, i) if isinstance(value, list) else where
        phase = Phase.LEGACY if problem.check is ResourceCheck.LEGACY else Phase.RESOURCE_FORMAT
        message = findings.dialect.invalid_resource or problem.message
        detail = "" if message == problem.message else problem.message
        findings.add(phase, message, item, detail)
    if len(findings) > before:
        return None, False
    patterns = [complete_arn(resource) for resource in resources]
    matcher = ResourceMatcher.compile(patterns, substitute=version.substitutes_variables)
    return matcher, name == "NotResource"


def _parse_principals(
    raw: dict[str, object],
    pointer: str,
    kind: PolicyKind,
    findings: _Findings,
) -> tuple[PrincipalSet | None, bool]:
    present = [name for name in ("Principal", "NotPrincipal") if name in raw]
    if kind in (PolicyKind.IDENTITY, PolicyKind.SESSION):
        for name in present:
            # The IAM API's answer; "Has prohibited field Principal" is the console's wording.
            message = "Policy document should not specify a principal."
            findings.add(Phase.ELEMENTS, message, pointer_child(pointer, name))
        return None, False
    if kind is PolicyKind.TRUST and "NotPrincipal" in present:
        where = pointer_child(pointer, "NotPrincipal")
        findings.add(Phase.ELEMENTS, "Has prohibited field NotPrincipal", where)
        return None, False
    if not present:
        findings.add(Phase.ELEMENTS, "Missing required field Principal", pointer)
        return None, False
    if len(present) == 2:
        findings.syntax(pointer, "a statement may have Principal or NotPrincipal, not both")
        return None, False
    name = present[0]
    problems: list[Problem] = []
    compiled = compile_principal_element(
        raw[name], pointer_child(pointer, name), findings.dialect, problems
    )
    findings.extend(Phase.ELEMENTS, problems)
    return compiled, name == "NotPrincipal"
