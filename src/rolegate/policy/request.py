"""What is being asked: a caller, an action, a resource, the resource's owner and the context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rolegate.policy.compiled import ACTION_INDEX_LIMIT, CompiledPolicy
from rolegate.policy.context import RequestContext
from rolegate.policy.principal import Principal
from rolegate.policy.statement_index import ActionSlice


# The keys a caller carries whatever it asks (aws:PrincipalArn, tags...), converted once per
# caller rather than on every request.
@lru_cache(maxsize=4096)
def _principal_context(principal: Principal) -> RequestContext:
    return RequestContext(principal.context_entries())


@dataclass(frozen=True, slots=True)
class Request:
    principal: Principal
    action: str
    resource: str
    context: RequestContext
    # The account that owns the resource; None means the caller's own account. S3 ARNs carry no
    # account, so the caller of `evaluate` says whose bucket it is.
    resource_account: str | None = None

    @classmethod
    def build(
        cls,
        principal: Principal,
        action: str,
        resource: str,
        context: Mapping[str, object] | None = None,
        resource_account: str | None = None,
    ) -> Request:
        """A request whose context holds the caller's own keys plus `context` (which wins)."""
        own = _principal_context(principal)
        merged = own.layered(context) if context else own
        return cls(principal, action, resource, merged, resource_account)

    @property
    def is_cross_account(self) -> bool:
        return self.resource_account is not None and self.resource_account != self.principal.account


@dataclass(frozen=True, slots=True)
class PolicySet:
    """Every policy that applies to one request, by the role each plays.

    `session` is non-empty when the caller is a session created with session policies; a
    `resource` of kind TRUST is a role's trust policy, which must itself allow the caller.
    """

    identity: tuple[CompiledPolicy, ...] = ()
    resource: CompiledPolicy | None = None
    boundary: CompiledPolicy | None = None
    session: tuple[CompiledPolicy, ...] = ()
    # The identity policies' statements for an action, merged into one index: a caller with ten
    # policies pays for one lookup, not ten. Built on first use per action, like each policy's own.
    _identity_slices: dict[str, ActionSlice] = field(
        default_factory=dict, repr=False, compare=False
    )

    def with_resource_policy(self, resource: CompiledPolicy | None) -> PolicySet:
        """The same caller's policies against another resource policy, sharing the merged index."""
        return PolicySet(
            self.identity, resource, self.boundary, self.session, self._identity_slices
        )

    def identity_slice(self, action: str) -> ActionSlice:
        found = self._identity_slices.get(action)
        if found is None:
            if len(self.identity) == 1:
                found = self.identity[0].slice_for(action)
            else:
                # Filter the statements directly: building each policy's own index only to read
                # its statement list would double the cost of an action's first request.
                lowered = action.lower()
                merged = [
                    s for p in self.identity for s in p.statements if s.covers_action(lowered)
                ]
                found = ActionSlice.build(tuple(merged))
            if len(self._identity_slices) >= ACTION_INDEX_LIMIT:
                self._identity_slices.clear()
            self._identity_slices[action] = found
        return found
