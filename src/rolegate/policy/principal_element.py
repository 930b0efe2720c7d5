"""The `Principal` and `NotPrincipal` elements: validated once, matched against a caller.

UG/reference_policies_elements_principal.html:
- `"*"` and `{"AWS": "*"}` mean everyone, anonymous callers included.
- `{"AWS": "123456789012"}` is the same as `{"AWS": "arn:aws:iam::123456789012:root"}`: it names
  the *account*, so the account's own identity policies must also allow the request.
- A user or role ARN names that identity; `arn:aws:sts::A:assumed-role/ROLE/SESSION` names one
  session. A role ARN matches every session of that role (`aws:PrincipalArn` is the role's ARN).
- No partial wildcards: `arn:aws:iam::123456789012:role/*` is an invalid principal.
UG/reference_policies_evaluation-logic.html decides what naming each of these grants: a grant to
the user ARN or the session ARN is not limited by permissions boundaries or session policies; a grant
to the role ARN is; a grant to the account needs the identity side too. `MatchStrength` carries that.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

from rolegate.policy.dialects import Dialect
from rolegate.policy.errors import Problem
from rolegate.policy.json_source import pointer_child
from rolegate.policy.principal import Principal, PrincipalType

_ACCOUNT_ID = re.compile(r"\d{12}")
_ROOT_ARN = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):root")
_IDENTITY_ARN = re.compile(
    r"arn:aws[a-z-]*:(?:iam::\d{12}:(?:user|role)/[\w+=,.@/-]+"
    r"|sts::\d{12}:(?:assumed-role/[\w+=,.@-]+/[\w+=,.@-]+|federated-user/[\w+=,.@-]+))"
)
_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
# A user or role named by ARN: what IAM binds to the identity's unique id when a policy is saved.
_BINDABLE_ARN = re.compile(
    r"arn:aws[a-z-]*:iam::(\d{12}):(user|role)/(?:[\w+=,.@/-]*/)?([\w+=,.@-]+)"
)
# A unique id (UG/reference_identifiers.html#identifiers-unique-ids): what a stored policy shows in
# place of a user or role that was deleted after the policy named it. It names no live identity,
# so it matches no caller; it parses so that such a stored policy still compiles.
_UNIQUE_ID = re.compile(r"(?:AROA|AIDA)[A-Z0-9]{16,}")


class MatchStrength(IntEnum):
    """How directly a resource policy names the caller; higher grants more on its own."""

    NONE = 0
    ACCOUNT = 1  # the caller's account: identity policies must allow too
    ROLE = 2  # the caller's role: still limited by permissions boundary and session policy
    DIRECT = 3  # the caller itself (user, session, service) or everyone


_NONE = MatchStrength.NONE
_ACCOUNT = MatchStrength.ACCOUNT
_ROLE = MatchStrength.ROLE
_DIRECT = MatchStrength.DIRECT
_TYPE_SERVICE = PrincipalType.SERVICE
_TYPE_ANONYMOUS = PrincipalType.ANONYMOUS
_TYPE_ACCOUNT = PrincipalType.ACCOUNT


@dataclass(frozen=True, slots=True)
class PrincipalSet:
    everyone: bool = False
    accounts: frozenset[str] = frozenset()
    arns: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    federated: frozenset[str] = frozenset()
    canonical_users: frozenset[str] = frozenset()

    def strength_for(self, principal: Principal) -> MatchStrength:
        # Enum members are read from module globals: attribute access on an enum class costs
        # ~0.2 µs here, and this runs for every statement of every resource policy.
        if self.everyone:
            return _DIRECT
        kind = principal.type
        if kind is _TYPE_SERVICE:
            return _DIRECT if principal.service in self.services else _NONE
        if kind is _TYPE_ANONYMOUS:
            return _NONE
        if principal.arn in self.arns:
            return _DIRECT
        if principal.principal_arn in self.arns:
            return _ROLE
        if principal.account in self.accounts:
            # Naming the account's root ARN grants the root user itself directly.
            if kind is _TYPE_ACCOUNT:
                return _DIRECT
            return _ACCOUNT
        return _NONE

    def lists_entirely(self, principal: Principal) -> bool:
        """For NotPrincipal: is every identity AWS checks for this caller listed?

        UG/reference_policies_elements_notprincipal.html: AWS checks the account, then the user or
        role, then the session, so an exemption needs each of them listed.
        """
        if self.everyone:
            return True
        if principal.type is PrincipalType.SERVICE:
            return principal.service in self.services
        if principal.type is PrincipalType.ANONYMOUS:
            return False
        needed = {principal.arn, principal.principal_arn}
        return principal.account in self.accounts and needed <= (
            self.arns | {principal.account_root_arn}
        )


def _invalid(dialect: Dialect, type_name: str, value: object, pointer: str) -> Problem:
    shown = value if isinstance(value, str) else json.dumps(value)
    return Problem(dialect.principal_message(type_name, shown), pointer, dialect.code)


def _as_string_list(value: object) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def compile_principal_element(
    raw: object, pointer: str, dialect: Dialect, problems: list[Problem]
) -> PrincipalSet | None:
    if raw == "*":
        return PrincipalSet(everyone=True)
    if not isinstance(raw, dict) or not raw:
        problems.append(_invalid(dialect, "AWS", raw, pointer))
        return None
    everyone = False
    accounts: set[str] = set()
    arns: set[str] = set()
    services: set[str] = set()
    federated: set[str] = set()
    canonical: set[str] = set()
    before = len(problems)
    for type_name, values in raw.items():
        child = pointer_child(pointer, type_name)
        if type_name not in _PRINCIPAL_TYPES:
            problems.append(_invalid(dialect, type_name, values, child))
            continue
        listed = _as_string_list(values)
        if listed is None:
            problems.append(_invalid(dialect, type_name, values, child))
            continue
        for value in listed:
            if type_name == "AWS":
                if value == "*":
                    everyone = True
                elif _ACCOUNT_ID.fullmatch(value):
                    accounts.add(value)
                elif (root := _ROOT_ARN.fullmatch(value)) is not None:
                    accounts.add(root.group(1))
                elif _IDENTITY_ARN.fullmatch(value) and "*" not in value and "?" not in value:
                    arns.add(value)
                elif _UNIQUE_ID.fullmatch(value):
                    arns.add(value)  # callers are known by ARN, never by id: matches no one
                else:
                    problems.append(_invalid(dialect, type_name, value, child))
            elif "*" in value or "?" in value:
                problems.append(_invalid(dialect, type_name, value, child))
            elif type_name == "Service":
                services.add(value)
            elif type_name == "Federated":
                federated.add(value)
            else:
                canonical.add(value)
    if len(problems) > before:
        return None
    return PrincipalSet(
        everyone=everyone,
        accounts=frozenset(accounts),
        arns=frozenset(arns),
        services=frozenset(services),
        federated=frozenset(federated),
        canonical_users=frozenset(canonical),
    )


@dataclass(frozen=True, slots=True)
class NamedIdentity:
    """A user or role a policy's Principal or NotPrincipal names by ARN."""

    arn: str
    account: str
    kind: str  # "user" or "role"
    name: str


def is_unique_id(value: str) -> bool:
    return _UNIQUE_ID.fullmatch(value) is not None


def _principal_values(document: object) -> list[list[str]]:
    """The "AWS" lists of every Principal/NotPrincipal, in document order (strings only)."""
    if not isinstance(document, dict):
        return []
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    found: list[list[str]] = []
    for statement in statements if isinstance(statements, list) else []:
        if not isinstance(statement, dict):
            continue
        for element in ("Principal", "NotPrincipal"):
            block = statement.get(element)
            if isinstance(block, dict):
                listed = _as_string_list(block.get("AWS"))
                if listed is not None:
                    found.append(listed)
    return found


def named_identities(document: object) -> tuple[NamedIdentity, ...]:
    """Users and roles named by ARN in the Principal and NotPrincipal elements of `document`.

    UG/reference_policies_elements_principal.html: these are the principals IAM resolves to a
    unique id when the policy is saved. Account principals, `*`, services, federated users and
    role sessions (`arn:aws:sts::...:assumed-role/...`) are kept as written. Conditions are never
    looked at: `aws:PrincipalArn` compares strings.
    """
    named: dict[str, NamedIdentity] = {}
    for listed in _principal_values(document):
        for value in listed:
            found = named_identity(value)
            if found is not None:
                named.setdefault(value, found)
    return tuple(named.values())


def named_identity(value: str) -> NamedIdentity | None:
    """The user or role `value` names by ARN (no wildcards), else None."""
    match = _BINDABLE_ARN.fullmatch(value)
    if match is None or "*" in value or "?" in value:
        return None
    account, kind, name = match.groups()
    return NamedIdentity(value, account, kind, name)


def unique_ids_named(document: object) -> tuple[str, ...]:
    """Unique ids written where an "AWS" principal is expected."""
    return tuple(
        value for listed in _principal_values(document) for value in listed if is_unique_id(value)
    )


def replace_principals(document: object, replacements: Mapping[str, str]) -> object:
    """A copy of `document` whose "AWS" principals are replaced per `replacements`.

    Only Principal and NotPrincipal values change; a Condition naming the same ARN keeps it.
    """
    if not isinstance(document, dict):
        return document
    copied = dict(document)
    statements = copied.get("Statement")
    single = isinstance(statements, dict)
    items = [statements] if single else statements
    if not isinstance(items, list):
        return copied
    rewritten = [
        _statement_replaced(statement, replacements) if isinstance(statement, dict) else statement
        for statement in items
    ]
    copied["Statement"] = rewritten[0] if single else rewritten
    return copied


def _statement_replaced(
    statement: dict[str, object], replacements: Mapping[str, str]
) -> dict[str, object]:
    copied = dict(statement)
    for element in ("Principal", "NotPrincipal"):
        block = copied.get(element)
        if isinstance(block, dict) and "AWS" in block:
            block = dict(block)
            value = block["AWS"]
            if isinstance(value, str):
                block["AWS"] = replacements.get(value, value)
            elif isinstance(value, list):
                block["AWS"] = [replacements.get(v, v) if isinstance(v, str) else v for v in value]
            copied[element] = block
    return copied
