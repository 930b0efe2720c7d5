"""The policy simulator: `SimulateCustomPolicy` semantics over the engine, pure.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html: identity
policies (`PolicyInputList`), an optional permissions boundary, actions x resources, an optional
resource policy applied to every resource, the caller, and context entries. Results follow
`EvaluationResult` (API_EvaluationResult.html).

Where AWS's simulator stops short, this one goes on as the live service does:
- a role trust policy given as the resource policy is evaluated as IAM evaluates it for
  `sts:AssumeRole` (AWS's simulator does not support trust policies);
- the caller's own keys (`aws:PrincipalArn`, `aws:PrincipalAccount`, ...) are filled from the
  caller ARN, as the live service would; explicit context entries win.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rolegate.policy.arn import Arn
from rolegate.policy.compiled import CompiledPolicy
from rolegate.policy.context import RequestContext
from rolegate.policy.decision import EvaluationResult
from rolegate.policy.errors import PolicyValidationError, Problem
from rolegate.policy.evaluate import evaluate
from rolegate.policy.explain import reason
from rolegate.policy.json_source import TextPosition, statement_spans
from rolegate.policy.kinds import PolicyKind, PolicyType
from rolegate.policy.parser import parse_policy
from rolegate.policy.principal import Principal
from rolegate.policy.request import PolicySet, Request

_ROOT_ARN = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):root")

# How the simulator names each policy's source (SourcePolicyType) in its results.
SOURCE_POLICY_TYPES = {
    PolicyType.IDENTITY: "IAM Policy",
    PolicyType.RESOURCE: "Resource Policy",
    PolicyType.PERMISSIONS_BOUNDARY: "Permissions Boundary Policy",
    PolicyType.SESSION: "Session Policy",
}


class SimulationInputError(Exception):
    """The simulation's input is invalid (IAM answers `InvalidInput`)."""


@dataclass(frozen=True, slots=True)
class ContextEntry:
    name: str
    values: tuple[str, ...]
    type: str = "string"


@dataclass(frozen=True, slots=True)
class SimulationInput:
    policy_input_list: tuple[str, ...]
    action_names: tuple[str, ...]
    resource_arns: tuple[str, ...] = ("*",)
    permissions_boundary_policy_input_list: tuple[str, ...] = ()
    resource_policy: str | None = None
    resource_owner: str | None = None
    caller_arn: str | None = None
    context_entries: tuple[ContextEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchedStatement:
    source_policy_id: str
    source_policy_type: str
    sid: str | None
    start: TextPosition | None
    end: TextPosition | None


@dataclass(frozen=True, slots=True)
class SimulationResult:
    action: str
    resource: str
    result: EvaluationResult
    matched: tuple[MatchedStatement, ...]
    explanation: str
    cross_account: bool


@dataclass(frozen=True, slots=True)
class _SourcePolicy:
    compiled: CompiledPolicy
    text: str


def _parse(text: str, kind: PolicyKind, policy_id: str, policy_type: PolicyType) -> _SourcePolicy:
    try:
        compiled = parse_policy(text, kind, policy_id=policy_id, policy_type=policy_type)
    except PolicyValidationError as error:
        raise SimulationInputError(_describe(policy_id, error.problems)) from error
    return _SourcePolicy(compiled, text)


def _describe(policy_id: str, problems: Sequence[Problem]) -> str:
    first = problems[0]
    return f"{policy_id}: {first.explain()} at {first.location()}"


def _is_trust_policy(text: str) -> bool:
    """A resource policy without any Resource element is a role trust policy."""
    try:
        parse_policy(text, PolicyKind.TRUST)
    except PolicyValidationError:
        return False
    return True


def _caller(arn: str | None) -> Principal | None:
    if arn is None:
        return None
    try:
        return Principal.from_arn(arn)
    except ValueError as error:
        raise SimulationInputError(
            f"CallerArn {arn!r} must be the ARN of an IAM user or role (or an account root)"
        ) from error


def _resource_owner(owner: str | None, resource: str, caller: Principal) -> str:
    if owner is not None:
        found = _ROOT_ARN.fullmatch(owner)
        if found is None and not re.fullmatch(r"\d{12}", owner):
            raise SimulationInputError(
                f"ResourceOwner {owner!r} must be an account root ARN (arn:aws:iam::ACCOUNT:root)"
            )
        return found.group(1) if found else owner
    parsed = Arn.parse(resource)
    if parsed is not None and re.fullmatch(r"\d{12}", parsed.account):
        return parsed.account
    return caller.account


def _context_entries(entries: Sequence[ContextEntry]) -> dict[str, object]:
    return {entry.name: list(entry.values) for entry in entries}


def pair_count(given: SimulationInput) -> int:
    """How many results a simulation has: one per action and resource."""
    return len(given.action_names) * len(given.resource_arns or ("*",))


def simulate(
    given: SimulationInput, first: int = 0, count: int | None = None
) -> list[SimulationResult]:
    """Evaluate every action on every resource, or only the `count` results from the `first`
    (in action-major order); raise SimulationInputError for bad input.

    A window lets a server evaluate one page: the pairs grow as the product of two lists a
    request of a megabyte can make thousands long each, which is hours of evaluation and every
    result held in memory at once.
    """
    if not given.policy_input_list:
        raise SimulationInputError("PolicyInputList must name at least one policy")
    if not given.action_names:
        raise SimulationInputError("ActionNames must name at least one action")
    identity = [
        _parse(text, PolicyKind.IDENTITY, f"PolicyInputList.{i}", PolicyType.IDENTITY)
        for i, text in enumerate(given.policy_input_list, start=1)
    ]
    if len(given.permissions_boundary_policy_input_list) > 1:
        raise SimulationInputError("PermissionsBoundaryPolicyInputList takes at most one policy")
    boundary = [
        _parse(text, PolicyKind.IDENTITY, f"PermissionsBoundaryPolicyInputList.{i}",
               PolicyType.PERMISSIONS_BOUNDARY)
        for i, text in enumerate(given.permissions_boundary_policy_input_list, start=1)
    ]  # fmt: skip
    resource_policy = None
    if given.resource_policy is not None:
        if given.caller_arn is None:
            raise SimulationInputError("CallerArn is required when ResourcePolicy is given")
        kind = PolicyKind.TRUST if _is_trust_policy(given.resource_policy) else PolicyKind.RESOURCE
        resource_policy = _parse(given.resource_policy, kind, "ResourcePolicy", PolicyType.RESOURCE)
    caller = _caller(given.caller_arn) or Principal.from_arn(
        "arn:aws:iam::123456789012:user/simulated-caller"
    )
    sources = [*identity, *boundary, *([resource_policy] if resource_policy else [])]
    spans = {s.compiled.policy_id: statement_spans(s.text) for s in sources}
    policies = PolicySet(
        identity=tuple(s.compiled for s in identity),
        resource=resource_policy.compiled if resource_policy else None,
        boundary=boundary[0].compiled if boundary else None,
    )
    context = _context_entries(given.context_entries)
    results: list[SimulationResult] = []
    resources = given.resource_arns or ("*",)
    last = pair_count(given) if count is None else min(pair_count(given), first + count)
    for index in range(max(first, 0), last):
        action = given.action_names[index // len(resources)]
        resource = resources[index % len(resources)]
        owner = _resource_owner(given.resource_owner, resource, caller)
        if given.caller_arn is not None:
            request = Request.build(caller, action, resource, context, owner)
        else:
            # Without a caller AWS retrieves no context of its own: only what was given.
            request = Request(caller, action, resource, RequestContext(context), owner)
        result = evaluate(request, policies)
        matched = tuple(
            MatchedStatement(
                ref.policy_id,
                SOURCE_POLICY_TYPES[ref.policy_type],
                ref.sid,
                *_span(spans, ref.policy_id, ref.index),
            )
            for ref in result.matched_statements
        )
        results.append(
            SimulationResult(
                action,
                resource,
                result,
                matched,
                reason(result, action),
                request.is_cross_account,
            )
        )
    return results


def _span(
    spans: Mapping[str, list[tuple[TextPosition, TextPosition]]], policy_id: str, index: int
) -> tuple[TextPosition | None, TextPosition | None]:
    found = spans.get(policy_id, [])
    return found[index] if index < len(found) else (None, None)
