"""The policy simulator as IAM serves it: SimulateCustomPolicy and SimulatePrincipalPolicy.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html: the
principal's own policies (inline, attached managed, and its permissions boundary) plus any given in
PolicyInputList; a boundary given in PermissionsBoundaryPolicyInputList takes the place of the
principal's. CallerArn defaults to PolicySourceArn when that is a user. The engine work is
`policy.simulator`; this module turns requests into its input and its results into IAM's
`EvaluationResult` shape (also what `rolegate policy simulate` prints).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rolegate.aws.errors import validation_error
from rolegate.model import PolicyOwnerKind
from rolegate.policy.json_source import TextPosition
from rolegate.policy.simulator import (
    ContextEntry,
    SimulationInput,
    SimulationInputError,
    SimulationResult,
    pair_count,
    simulate,
)
from rolegate.services.call import Call
from rolegate.services.iam import params
from rolegate.services.iam.documents import ALLOWS_NOTHING, policy_documents_for
from rolegate.services.iam.errors import invalid_input, no_such_entity, no_such_owner
from rolegate.services.iam.names import parse_entity_arn
from rolegate.services.iam.owners import get_identity, owner_of
from rolegate.services.iam.paging import (
    DEFAULT_MAX_ITEMS,
    Page,
    decode_marker,
    encode_marker,
)
from rolegate.services.iam.request_keys import resource_tag_keys
from rolegate.store import MetadataStore

_INPUT = "PolicyInputList"
_BOUNDARY_INPUT = "PermissionsBoundaryPolicyInputList"


def _position(position: TextPosition | None) -> dict[str, int] | None:
    return None if position is None else {"Line": position.line, "Column": position.column}


def result_json(
    item: SimulationResult, policy_names: Mapping[str, str] | None = None
) -> dict[str, object]:
    """One `EvaluationResult`; `policy_names` renames the simulator's SourcePolicyIds."""
    names = policy_names or {}
    return {
        "EvalActionName": item.action,
        "EvalResourceName": item.resource,
        "EvalDecision": item.result.decision.value,
        "MatchedStatements": [
            {
                "SourcePolicyId": names.get(m.source_policy_id, m.source_policy_id),
                "SourcePolicyType": m.source_policy_type,
                **({"StartPosition": _position(m.start)} if m.start else {}),
                **({"EndPosition": _position(m.end)} if m.end else {}),
            }
            for m in item.matched
        ],
        "MissingContextValues": list(item.result.missing_context_keys),
    }


# A real request's multivalued keys hold at most 50 values (aws:TagKeys: 50 tags per resource,
# UG/reference_iam-quotas.html). A simulation's are unbounded in the API, and every value is
# matched against every value of every condition naming the key: 10,000 values against five
# policies of 420 patterns each held a worker (the event loop) for seconds per evaluation, and a
# 1 MiB request holds more. Four times the real bound leaves room for any realistic simulation.
MAX_CONTEXT_VALUES = 200


def _context_entries(call: Call) -> tuple[ContextEntry, ...]:
    entries = tuple(
        ContextEntry(
            params.required_str(entry, "ContextKeyName"),
            tuple(params.str_list(entry, "ContextKeyValues")),
            params.optional_str(entry, "ContextKeyType") or "string",
        )
        for entry in params.dict_list(call.params, "ContextEntries")
    )
    if sum(len(entry.values) for entry in entries) > MAX_CONTEXT_VALUES:
        # Not a documented IAM limit, so not IAM's text: rolegate's bound, named as such.
        raise invalid_input(
            f"ContextEntries may hold at most {MAX_CONTEXT_VALUES} values in all (rolegate)."
        )
    return entries


def _simulation_input(
    call: Call, policies: Sequence[str], boundaries: Sequence[str], caller_arn: str | None
) -> SimulationInput:
    return SimulationInput(
        policy_input_list=tuple(policies),
        action_names=tuple(params.str_list(call.params, "ActionNames")),
        resource_arns=tuple(params.str_list(call.params, "ResourceArns")) or ("*",),
        permissions_boundary_policy_input_list=tuple(boundaries),
        resource_policy=params.optional_str(call.params, "ResourcePolicy"),
        resource_owner=params.optional_str(call.params, "ResourceOwner"),
        caller_arn=caller_arn,
        context_entries=_context_entries(call),
    )


def _answer(call: Call, given: SimulationInput, names: Mapping[str, str]) -> Mapping[str, object]:
    """One page of results, and only that page evaluated: ActionNames x ResourceArns grows as a
    product (a 1 MiB request holds thousands of each), so evaluating all of it for every page
    held a worker for minutes and every result in memory (MaxItems bounds a page to 1000)."""
    marker = params.optional_str(call.params, "Marker")
    first = 0 if marker is None else _index_of(decode_marker(marker)) + 1
    limit = params.optional_int(call.params, "MaxItems") or DEFAULT_MAX_ITEMS
    try:
        results = simulate(given, first, limit)
    except SimulationInputError as error:
        raise invalid_input(_renamed(str(error), names)) from None
    last = first + len(results) - 1
    more = last + 1 < pair_count(given)
    page = Page(results, encode_marker(_marker_key(last)) if more and results else None)
    return page.fields("EvaluationResults", [result_json(r, names) for r in page.items])


def _marker_key(index: int) -> str:
    return f"{index:08d}"


def _index_of(key: str) -> int:
    if not (key.isascii() and key.isdigit()):
        raise validation_error("Invalid value for parameter Marker.")
    return int(key)


def _renamed(message: str, names: Mapping[str, str]) -> str:
    for simulator_id, name in names.items():
        if message.startswith(f"{simulator_id}:"):
            return name + message[len(simulator_id) :]
    return message


def simulate_custom_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    # The service authorization reference lists no resource type for SimulateCustomPolicy.
    call.authorize("iam:SimulateCustomPolicy", "*")
    given = _simulation_input(
        call,
        params.str_list(call.params, _INPUT),
        params.str_list(call.params, _BOUNDARY_INPUT),
        params.optional_str(call.params, "CallerArn"),
    )
    return _answer(call, given, {})


def simulate_principal_policy(store: MetadataStore, call: Call) -> Mapping[str, object]:
    source = params.required_str(call.params, "PolicySourceArn")
    account_id = call.caller.account_id
    parsed = parse_entity_arn(source)
    # The simulated user's or role's tags are the request's resource tags, as for any operation
    # on it: a Deny on aws:ResourceTag that keeps a caller off a role keeps its policies hidden
    # here too. Looked up in the caller's own account only.
    subject = (
        get_identity(store, account_id, PolicyOwnerKind(parsed.kind), parsed.name)
        if parsed is not None and parsed.account == account_id and parsed.kind != "group"
        else None
    )
    tags = subject.tags if subject is not None and subject.arn == source else ()
    call.authorize("iam:SimulatePrincipalPolicy", source, resource_tag_keys(tags))
    if parsed is None:
        raise invalid_input(f"PolicySourceArn {source} is not the ARN of a user, group or role.")
    if parsed.kind == "group" or parsed.account != account_id:
        # rolegate has no groups, and another account's identities are not this caller's to see.
        raise no_such_entity(f"The {parsed.kind} with name {parsed.name} cannot be found.")
    kind = PolicyOwnerKind(parsed.kind)
    identity = get_identity(store, account_id, kind, parsed.name)
    if identity is None or identity.arn != source:
        raise no_such_owner(kind, parsed.name)
    documents, own_boundary = policy_documents_for(store, account_id, owner_of(identity))
    extras = params.str_list(call.params, _INPUT)
    names = {f"{_INPUT}.{i}": _display_name(pid) for i, (pid, _) in enumerate(documents, 1)}
    names.update(
        {f"{_INPUT}.{len(documents) + j}": f"{_INPUT}.{j}" for j in range(1, len(extras) + 1)}
    )
    # The simulator needs one identity policy; one that matches no action stands in for none.
    policies = [text for _, text in documents] + extras or [ALLOWS_NOTHING]
    boundaries = params.str_list(call.params, _BOUNDARY_INPUT)
    if not boundaries and own_boundary is not None and identity.permissions_boundary:
        boundaries = [own_boundary]
        names[f"{_BOUNDARY_INPUT}.1"] = _display_name(identity.permissions_boundary)
    caller = params.optional_str(call.params, "CallerArn")
    if caller is None and kind is PolicyOwnerKind.USER:
        caller = source
    return _answer(call, _simulation_input(call, policies, boundaries, caller), names)


def _display_name(policy_id: str) -> str:
    """IAM names a managed policy by its name in results; ours are ARNs until here."""
    return policy_id.rsplit("/", 1)[-1] if policy_id.startswith("arn:") else policy_id
