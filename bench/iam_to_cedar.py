"""The IAM subset the benchmark uses, written as an equivalent Cedar policy set and Cedar requests.

One IAM statement becomes one Cedar policy: Allow -> `permit`, Deny -> `forbid` (Cedar's
forbid-overrides-permit and default deny are IAM's rules within one account). Exact single actions
and resources go in the scope; wildcards, lists, NotAction and NotResource become `like` tests on
the action and resource names, which the request carries in its context. Conditions become typed
comparisons; a key missing from the request makes a positive operator false and a negated one
true, as in IAM. A trust policy's `{"AWS": "arn:aws:iam::A:root"}` becomes `principal in
Account::"A"`, and the caller's principal entity has its account as parent. Anything outside this
subset raises `Untranslatable` rather than being approximated.

Not covered, on purpose: `?` wildcards (Cedar has none), ArnLike wildcards that would have to stop
at a colon (the benchmark's patterns have them only in the last segment), case-insensitive action
names (requests use the canonical case), and the cross-account AND of the caller's identity policy
with the trust policy (Cedar policies only OR; the caller's side is `Allow sts:AssumeRole` on every
role, always true for these requests, so it is left out).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from policy_cases import Call, Suite

ACTION_KEY = "request:action"
RESOURCE_KEY = "request:resource"

# Cedar needs a type for each context value; IAM keeps every value as text.
KEY_TYPES: dict[str, str] = {
    "aws:sourceip": "ip",
    "aws:currenttime": "datetime",
    "aws:securetransport": "bool",
    "aws:multifactorauthpresent": "bool",
    "s3:max-keys": "long",
}


class Untranslatable(ValueError):
    pass


def _string(text: str) -> str:
    return json.dumps(text)


def _pattern(glob: str) -> str:
    if "?" in glob or "\\" in glob:
        raise Untranslatable(f"`?` or a backslash in {glob!r}: Cedar `like` knows only `*`")
    return _string(glob)


def _as_list(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in items):
        raise Untranslatable(f"expected strings: {value!r}")
    return [str(item) for item in items]


def _any_like(subject: str, globs: list[str]) -> str:
    tests = [
        f"{subject} like {_pattern(g)}" if "*" in g else f"{subject} == {_string(g)}" for g in globs
    ]
    return tests[0] if len(tests) == 1 else "(" + " || ".join(tests) + ")"


def _literal(key: str, text: str) -> str:
    kind = KEY_TYPES.get(key.lower(), "string")
    if kind == "ip":
        return f"ip({_string(text)})"
    if kind == "datetime":
        return f"datetime({_string(text)})"
    if kind == "long":
        return str(int(text))
    if kind == "bool":
        return {"true": "true", "false": "false"}[text.lower()]
    return _string(text)


def _ref(key: str) -> str:
    return f"context[{_string(key)}]"


Test = Callable[[str, str], str]  # (context reference, one policy value) -> Cedar boolean

_POSITIVE: dict[str, Test] = {
    "StringEquals": lambda ref, v: f"{ref} == {_string(v)}",
    "StringLike": lambda ref, v: _any_like(ref, [v]),
    "ArnLike": lambda ref, v: _any_like(ref, [v]),
    "ArnEquals": lambda ref, v: f"{ref} == {_string(v)}",
    "IpAddress": lambda ref, v: f"{ref}.isInRange(ip({_string(v)}))",
}
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotLike": "StringLike",
    "NotIpAddress": "IpAddress",
}
_COMPARISONS = {
    "NumericLessThan": "<",
    "NumericLessThanEquals": "<=",
    "NumericGreaterThan": ">",
    "NumericGreaterThanEquals": ">=",
    "DateLessThan": "<",
    "DateLessThanEquals": "<=",
    "DateGreaterThan": ">",
    "DateGreaterThanEquals": ">=",
}


def _condition(operator: str, key: str, values: list[str]) -> str:
    ref, present = _ref(key), f"context has {_string(key)}"
    if operator in _NEGATED:
        # IAM: a negated operator holds when the key is missing or matches none of the values.
        test = _POSITIVE[_NEGATED[operator]]
        return f"(!({present}) || !({' || '.join(test(ref, v) for v in values)}))"
    if operator in _POSITIVE:
        test = _POSITIVE[operator]
        tests: Iterable[str] = (test(ref, v) for v in values)
    elif operator in _COMPARISONS:
        tests = (f"{ref} {_COMPARISONS[operator]} {_literal(key, v)}" for v in values)
    elif operator == "Bool":
        tests = (f"{ref} == {_literal(key, v)}" for v in values)
    else:
        raise Untranslatable(f"operator {operator!r}")
    return f"({present} && ({' || '.join(tests)}))"


def _conditions(block: object) -> list[str]:
    if block is None:
        return []
    if not isinstance(block, dict):
        raise Untranslatable(f"Condition {block!r}")
    return [
        _condition(operator, key, _as_list(values))
        for operator, pairs in block.items()
        for key, values in pairs.items()
    ]


def _principal_scope(principal: object) -> str:
    if principal is None or principal in ("*", {"AWS": "*"}):
        return "principal"
    if isinstance(principal, dict) and set(principal) == {"AWS"}:
        roots = _as_list(principal["AWS"])
        accounts = [r.split(":")[4] for r in roots if r.endswith(":root")]
        if len(accounts) == 1 and len(roots) == 1:
            return f"principal in Account::{_string(accounts[0])}"
    raise Untranslatable(f"Principal {principal!r}")


def _element(
    statement: dict[str, object], name: str, subject: str, entity_type: str
) -> tuple[str, list[str]]:
    """(scope part, when-clauses) for Action/NotAction or Resource/NotResource."""
    scope = name.lower()
    if name in statement:
        globs = _as_list(statement[name])
        if globs == ["*"]:
            return scope, []
        if not any("*" in glob for glob in globs):
            uids = [f"{entity_type}::{_string(glob)}" for glob in globs]
            if len(uids) == 1:
                return f"{scope} == {uids[0]}", []
            return f"{scope} in [{', '.join(uids)}]", []
        return scope, [_any_like(subject, globs)]
    if f"Not{name}" in statement:
        return scope, [f"!({_any_like(subject, _as_list(statement[f'Not{name}']))})"]
    if name == "Resource":  # a trust policy names no resource: it is the role it is attached to
        return scope, []
    raise Untranslatable(f"statement without {name}")


def statement_to_cedar(statement: dict[str, object], policy_id: str) -> str:
    effect = {"Allow": "permit", "Deny": "forbid"}[str(statement["Effect"])]
    action_scope, action_tests = _element(statement, "Action", _ref(ACTION_KEY), "Action")
    resource_scope, resource_tests = _element(statement, "Resource", _ref(RESOURCE_KEY), "Resource")
    principal_scope = _principal_scope(statement.get("Principal"))
    tests = [*action_tests, *resource_tests, *_conditions(statement.get("Condition"))]
    when = f"\nwhen {{ {' && '.join(tests)} }}" if tests else ""
    return (
        f"@id({_string(policy_id)})\n"
        f"{effect}({principal_scope}, {action_scope}, {resource_scope}){when};"
    )


def suite_to_cedar(suite: Suite) -> str:
    """The Cedar text of a suite: its identity policies, or for a trust suite the trust policy."""
    documents = [suite.trust] if suite.trust is not None else list(suite.identity)
    policies = []
    for p, document in enumerate(documents):
        statements = document["Statement"]
        if not isinstance(statements, list):
            statements = [statements]
        for s, statement in enumerate(statements):
            if not isinstance(statement, dict):
                raise Untranslatable(f"statement {statement!r}")
            policies.append(statement_to_cedar(statement, f"p{p}/{statement.get('Sid', s)}"))
    return "\n\n".join(policies)


def _typed(key: str, text: str) -> object:
    kind = KEY_TYPES.get(key.lower(), "string")
    if kind in ("ip", "datetime"):
        return {"__extn": {"fn": kind, "arg": text}}
    if kind == "long":
        return int(text)
    if kind == "bool":
        return text.lower() == "true"
    return text


def call_to_cedar(call: Call) -> dict[str, object]:
    context: dict[str, object] = {ACTION_KEY: call.action, RESOURCE_KEY: call.resource}
    for key, text in {**call.caller.context_entries(), **call.context}.items():
        context[key] = _typed(key, text)
    return {
        "principal": {"type": "Principal", "id": call.caller.session_arn},
        "action": {"type": "Action", "id": call.action},
        "resource": {"type": "Resource", "id": call.resource},
        "context": context,
    }


def _entity(type_: str, id_: str, parents: list[dict[str, str]]) -> dict[str, object]:
    return {"uid": {"type": type_, "id": id_}, "attrs": {}, "parents": parents}


def suite_entities(suite: Suite) -> list[dict[str, object]]:
    """Each caller as a Principal whose parent is its Account; nothing else needs an entity."""
    callers = {call.caller.session_arn: call.caller.account for call in suite.calls}
    accounts = [_entity("Account", account, []) for account in sorted(set(callers.values()))]
    principals = [
        _entity("Principal", arn, [{"type": "Account", "id": account}])
        for arn, account in sorted(callers.items())
    ]
    return accounts + principals
