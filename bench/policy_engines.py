"""Each engine behind one shape: prepare a suite once, then answer it or time it.

`Prepared.answers()` gives one (allowed, note) per call, used to check the engine before timing;
`Prepared.batch(reps)` returns a closure that makes `reps * len(calls)` decisions and is the only
thing timed. Everything a server would build once (compiled policies, parsed Cedar policy set and
entities, moto's IAMPolicy objects, the requests) is built in `prepare`.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import cedarpy
from moto.iam.access_control import IAMPolicy, PermissionResult

from iam_to_cedar import call_to_cedar, suite_entities, suite_to_cedar
from policy_cases import Call, Suite
from rolegate.policy import PolicyKind, PolicySet, Principal, Request, evaluate, parse_policy

Batch = Callable[[], object]


@dataclass(frozen=True, slots=True)
class Answer:
    allowed: bool
    detail: str  # the engine's own word for it (explicitDeny, DENIED, Deny, ...)
    errors: tuple[str, ...] = ()


class Prepared(Protocol):
    def answers(self) -> list[Answer]: ...

    def batch(self, reps: int) -> Batch: ...

    def self_reported(self) -> dict[str, float]:
        """Timings the engine reports about itself (untimed pass); empty when it has none."""
        ...


class _NothingReported:
    def self_reported(self) -> dict[str, float]:
        return {}


@dataclass(frozen=True, slots=True)
class Engine:
    key: str
    label: str
    api: str
    prepare: Callable[[Suite], Prepared]
    note: Callable[[Suite], str | None] = lambda suite: None


# --- rolegate ---------------------------------------------------------------------------------


class _Rolegate(_NothingReported):
    def __init__(self, suite: Suite) -> None:
        identity = tuple(
            parse_policy(doc, kind=PolicyKind.IDENTITY, policy_id=f"p{i}")
            for i, doc in enumerate(suite.identity)
        )
        trust = (
            parse_policy(suite.trust, kind=PolicyKind.TRUST, policy_id="trust")
            if suite.trust is not None
            else None
        )
        self._policies = PolicySet(identity=identity, resource=trust, boundary=None, session=())
        self._requests = [
            Request.build(
                principal=Principal.from_arn(
                    call.caller.session_arn, role_arn=_role_arn(call.caller.principal_arn)
                ),
                action=call.action,
                resource=call.resource,
                context=call.context,
                resource_account=call.resource_account,
            )
            for call in suite.calls
        ]

    def answers(self) -> list[Answer]:
        results = [evaluate(r, self._policies) for r in self._requests]
        return [Answer(r.allowed, str(r.decision)) for r in results]

    def batch(self, reps: int) -> Batch:
        policies, requests = self._policies, self._requests * reps

        def run() -> None:
            for request in requests:
                evaluate(request, policies)

        return run


class _RolegateColdIndex(_Rolegate):
    """rolegate with each policy's action index emptied before every decision (informational).

    `CompiledPolicy` remembers, per action name, which statements cover it; in a server that index
    is warm after the first request for an action. This row shows the first-request cost. It
    reaches into a private field, so it fails (as a row) rather than mislead if that field goes.
    """

    def __init__(self, suite: Suite) -> None:
        super().__init__(suite)
        policies = [*self._policies.identity, self._policies.resource]
        self._indexes: list[dict[str, object]] = [p._by_action for p in policies if p is not None]
        self._indexes.append(self._policies._identity_slices)  # the policy set's merged index

    def batch(self, reps: int) -> Batch:
        policies, requests, indexes = self._policies, self._requests * reps, self._indexes

        def run() -> None:
            for request in requests:
                for index in indexes:
                    index.clear()
                evaluate(request, policies)

        return run


def _role_arn(principal_arn: str) -> str | None:
    return principal_arn if ":role/" in principal_arn else None


# --- moto -------------------------------------------------------------------------------------


class _Moto(_NothingReported):
    """moto.iam.access_control.IAMPolicy, built once per policy document ("prebuilt").

    Decides the way moto's `IAMRequestBase.check_action_permitted` does: any DENIED denies, else
    any PERMITTED allows; for AssumeRole the role's trust policy must also give PERMITTED. The trust
    policy is checked identity-style (principal=None): given the caller's ARN, moto compares it to
    the Principal element as a plain string and so never matches an account-root principal.
    """

    def __init__(self, suite: Suite) -> None:
        self._identity = [IAMPolicy(json.dumps(doc)) for doc in suite.identity]
        self._trust = IAMPolicy(json.dumps(suite.trust)) if suite.trust is not None else None
        self._requests = [(call.action, call.resource, _moto_context(call)) for call in suite.calls]

    def _decide(self, action: str, resource: str, context: dict[str, str]) -> tuple[bool, str]:
        permitted = False
        for policy in self._identity:
            result = policy.is_action_permitted(action, resource, None, context)
            if result is PermissionResult.DENIED:
                return False, "DENIED"
            if result is PermissionResult.PERMITTED:
                permitted = True
        if permitted and self._trust is not None:
            trusted = self._trust.is_action_permitted(action, resource, None, context)
            return trusted is PermissionResult.PERMITTED, f"trust {trusted.name}"
        return permitted, "PERMITTED" if permitted else "NEUTRAL"

    def answers(self) -> list[Answer]:
        return [Answer(*self._decide(*request)) for request in self._requests]

    def batch(self, reps: int) -> Batch:
        decide, requests = self._decide, self._requests * reps

        def run() -> None:
            for action, resource, context in requests:
                decide(action, resource, context)

        return run


def _moto_context(call: Call) -> dict[str, str]:
    return {**call.caller.context_entries(), **call.context}


def _moto_note(suite: Suite) -> str | None:
    if suite.trust is not None:
        return "trust policy checked identity-style (principal=None); moto ignores ArnLike"
    if suite.moto_supported:
        return None
    return (
        "moto evaluates only StringEquals (other operators pass, so conditional Denies always "
        "deny), has no NotResource, and returns at the first DENIED"
    )


# --- cedarpy ----------------------------------------------------------------------------------


class _Cedar:
    """cedarpy with the policy set and entities parsed once into handles."""

    def __init__(self, suite: Suite) -> None:
        self._policies = cedarpy.PolicySet.from_str(suite_to_cedar(suite))
        self._entities = cedarpy.Entities.from_json_str(json.dumps(suite_entities(suite)))
        self._requests = [call_to_cedar(call) for call in suite.calls]

    def answers(self) -> list[Answer]:
        results = cedarpy.is_authorized_batch(self._requests, self._policies, self._entities)
        return [Answer(r.allowed, r.decision.value, tuple(r.diagnostics.errors)) for r in results]

    def self_reported(self) -> dict[str, float]:
        """Cedar's own metrics per call: building the request (context included) and authorizing."""
        metrics = [
            cedarpy.is_authorized(request, self._policies, self._entities).metrics
            for _ in range(15)
            for request in self._requests
        ]
        return {
            f"{name}_us_median": statistics.median(m[f"{name}_duration_micros"] for m in metrics)
            for name in ("build_request", "authz")
        }

    def batch(self, reps: int) -> Batch:
        is_authorized, policies, entities = (
            cedarpy.is_authorized,
            self._policies,
            self._entities,
        )
        requests = self._requests * reps

        def run() -> None:
            for request in requests:
                is_authorized(request, policies, entities)

        return run


class _CedarBatch(_Cedar):
    """The same handles, every request of a sample in one `is_authorized_batch` call."""

    def batch(self, reps: int) -> Batch:
        is_authorized_batch, policies, entities = (
            cedarpy.is_authorized_batch,
            self._policies,
            self._entities,
        )
        requests = self._requests * reps

        def run() -> None:
            is_authorized_batch(requests, policies, entities)

        return run


ROLEGATE = Engine(
    "rolegate",
    "rolegate",
    "rolegate.policy.evaluate(Request, PolicySet) on policies from parse_policy",
    _Rolegate,
)
ROLEGATE_COLD = Engine(
    "rolegate-cold",
    "rolegate, cold index",
    "as rolegate, with every CompiledPolicy's per-action statement index cleared before each "
    "decision (informational: the first request for an action)",
    _RolegateColdIndex,
)
MOTO = Engine(
    "moto",
    "moto (prebuilt)",
    "moto.iam.access_control.IAMPolicy(doc) built once; .is_action_permitted(action, resource, "
    "None, context) per policy, combined as IAMRequestBase.check_action_permitted does",
    _Moto,
    _moto_note,
)
CEDAR = Engine(
    "cedarpy",
    "cedarpy (pre-parsed)",
    "cedarpy.is_authorized(request, PolicySet.from_str(...), Entities.from_json_str(...)) "
    "per decision",
    _Cedar,
)
CEDAR_BATCH = Engine(
    "cedarpy-batch",
    "cedarpy batch",
    "cedarpy.is_authorized_batch(requests, PolicySet, Entities): one call per sample",
    _CedarBatch,
)
ENGINES: Sequence[Engine] = (ROLEGATE, ROLEGATE_COLD, MOTO, CEDAR, CEDAR_BATCH)
