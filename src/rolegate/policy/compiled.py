"""Compiled policies: what evaluation runs on. No JSON is touched after parsing.

Statements are indexed by action: the first request for an action finds the statements whose
Action/NotAction covers it and remembers them (indexed in turn by Resource prefix and condition
value, see statement_index.py), so later requests for that action look only at those statements.
The index is bounded and is a pure function of the policy, not a decision cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rolegate.policy.conditions import ConditionBlock
from rolegate.policy.context import RequestContext
from rolegate.policy.decision import StatementRef
from rolegate.policy.kinds import Effect, PolicyKind, PolicyType, PolicyVersion
from rolegate.policy.matchers import ActionMatcher, ResourceMatcher
from rolegate.policy.principal import Principal
from rolegate.policy.principal_element import MatchStrength, PrincipalSet
from rolegate.policy.statement_index import ActionSlice

ACTION_INDEX_LIMIT = 4096
# Enum members as globals for the per-request methods: enum attribute access is slow (~0.2 µs).
_DIRECT = MatchStrength.DIRECT
_NONE = MatchStrength.NONE
_DENY = Effect.DENY


@dataclass(frozen=True, slots=True)
class Statement:
    index: int
    sid: str | None
    effect: Effect
    actions: ActionMatcher
    actions_negated: bool
    resources: ResourceMatcher | None  # None: trust policies, which have no Resource element
    resources_negated: bool
    principals: PrincipalSet | None  # None: identity-kind policies, which name no principal
    principals_negated: bool
    condition: ConditionBlock | None
    ref: StatementRef  # built once: the explanation this statement contributes when it matches
    # Derived for the request path: None where every resource is covered (no test to run).
    resource_filter: ResourceMatcher | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        resources = self.resources
        covers_all = resources is None or (
            resources.matches_everything and not self.resources_negated
        )
        object.__setattr__(self, "resource_filter", None if covers_all else resources)

    def covers_action(self, action: str) -> bool:
        return self.actions.matches(action) != self.actions_negated

    def covers_resource(self, resource: str, context: RequestContext) -> bool:
        resources = self.resources
        if resources is None:
            return True
        return resources.matches(resource, context) is not self.resources_negated

    def principal_strength(self, principal: Principal, has_boundary: bool) -> MatchStrength:
        """How this statement names the caller (resource and trust policies only)."""
        if self.principals is None:
            return _DIRECT
        if not self.principals_negated:
            return self.principals.strength_for(principal)
        # UG/access_policies_boundaries.html: a Deny with NotPrincipal always applies to a
        # principal that has a permissions boundary, whatever NotPrincipal lists.
        if (has_boundary and self.effect is _DENY) or not self.principals.lists_entirely(principal):
            return _DIRECT
        return _NONE

    def referenced_keys(self) -> tuple[str, ...]:
        keys = self.condition.referenced_keys if self.condition is not None else ()
        if self.resources is not None:
            keys = keys + self.resources.variable_names
        return keys


@dataclass(frozen=True, slots=True, eq=False)
class CompiledPolicy:
    policy_id: str
    kind: PolicyKind
    version: PolicyVersion
    statements: tuple[Statement, ...]
    policy_type: PolicyType
    _by_action: dict[str, ActionSlice] = field(default_factory=dict, repr=False)

    def slice_for(self, action: str) -> ActionSlice:
        """The statements `action` can reach, indexed by resource (memoised per action).

        Keyed by the action exactly as asked, so the common case costs one dict lookup.
        """
        found = self._by_action.get(action)
        if found is None:
            lowered = action.lower()
            found = ActionSlice.build(tuple(s for s in self.statements if s.covers_action(lowered)))
            if len(self._by_action) >= ACTION_INDEX_LIMIT:
                self._by_action.clear()
            self._by_action[action] = found
        return found

    def statements_for(self, action: str) -> tuple[Statement, ...]:
        """Statements whose Action/NotAction covers `action` (case-insensitive)."""
        return self.slice_for(action).statements

    def as_type(self, policy_type: PolicyType) -> CompiledPolicy:
        """The same compiled statements used in another role (a managed policy as a boundary)."""
        if policy_type is self.policy_type:
            return self
        statements = tuple(
            replace(s, ref=replace(s.ref, policy_type=policy_type)) for s in self.statements
        )
        return CompiledPolicy(self.policy_id, self.kind, self.version, statements, policy_type)
