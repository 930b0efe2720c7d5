"""Policy evaluation: one request against the policies that apply to it, to an explained decision.

Implements UG/reference_policies_evaluation-logic.html,
UG/reference_policies_evaluation-logic_policy-eval-denyallow.html and
UG/reference_policies_evaluation-logic-cross-account.html:
1. An applicable Deny in any policy decides: explicitDeny.
2. Within one account, an allow from the identity side (identity policies, limited by the
   permissions boundary and the session policies) or from the resource policy suffices. How far a
   resource-policy grant reaches depends on how it names the caller (see MatchStrength): the user or
   session ARN itself is not limited by boundary or session policy; the role ARN is; the account
   needs the identity side as well.
3. Across accounts both sides must allow.
4. A role trust policy is the exception to (2): it must allow the caller itself.
The root user of an account is allowed in its own account unless something denies it explicitly.
"""

from __future__ import annotations

from rolegate.policy.compiled import CompiledPolicy
from rolegate.policy.decision import Basis, Decision, EvaluationResult, KeyReport, StatementRef
from rolegate.policy.kinds import Effect, PolicyKind
from rolegate.policy.principal import PrincipalType
from rolegate.policy.principal_element import MatchStrength
from rolegate.policy.request import PolicySet, Request
from rolegate.policy.statement_index import ActionSlice

# Enum members as module globals: on the request path, attribute access on an enum class costs
# ~0.2 µs each on this machine (measured), more than a regex match.
_ANONYMOUS = PrincipalType.ANONYMOUS
_SERVICE = PrincipalType.SERVICE
_ROOT = PrincipalType.ACCOUNT
_FEDERATED = PrincipalType.FEDERATED_USER
_DECISION_ALLOWED = Decision.ALLOWED
_DECISION_EXPLICIT_DENY = Decision.EXPLICIT_DENY
_DECISION_IMPLICIT_DENY = Decision.IMPLICIT_DENY
_BASIS_ALLOWED_BY_IDENTITY = Basis.ALLOWED_BY_IDENTITY
_BASIS_ALLOWED_BY_RESOURCE = Basis.ALLOWED_BY_RESOURCE
_BASIS_ALLOWED_AS_ROOT = Basis.ALLOWED_AS_ROOT
_BASIS_EXPLICIT_DENY = Basis.EXPLICIT_DENY
_BASIS_NO_IDENTITY_ALLOW = Basis.NO_IDENTITY_ALLOW
_BASIS_NO_RESOURCE_ALLOW = Basis.NO_RESOURCE_ALLOW
_BASIS_NO_BOUNDARY_ALLOW = Basis.NO_BOUNDARY_ALLOW
_BASIS_NO_SESSION_ALLOW = Basis.NO_SESSION_ALLOW
_MATCHSTRENGTH_NONE = MatchStrength.NONE
_MATCHSTRENGTH_ROLE = MatchStrength.ROLE
_MATCHSTRENGTH_DIRECT = MatchStrength.DIRECT
_EFFECT_DENY = Effect.DENY
_POLICYKIND_TRUST = PolicyKind.TRUST


def _scan(
    reachable: ActionSlice,
    request: Request,
    allows: list[StatementRef],
    denies: list[StatementRef],
    considered: list[KeyReport],
) -> None:
    """Sort the statements of `reachable` (identity-kind) that apply to `request` into allows/denies."""
    resource = request.resource
    context = request.context
    if reachable.variable_resources:  # their policy variables read context keys, match or not
        considered.extend(reachable.variable_resources)
    # Two loops with the same body, not one over a built list: most slices are small and have no
    # index, and for them the plain loop is the whole cost (a list and a call add ~10%, measured).
    for statement in reachable.checked:
        resources = statement.resource_filter
        if (
            resources is not None
            and resources.matches(resource, context) is statement.resources_negated
        ):
            continue
        condition = statement.condition
        if condition is not None:
            considered.append(condition)
            if not condition.check(context):
                continue
        (denies if statement.effect is _EFFECT_DENY else allows).append(statement.ref)
    if not reachable.indexed:
        return
    for statement in reachable.candidates(resource, context, considered):  # resource covered
        condition = statement.condition
        if condition is not None:
            considered.append(condition)
            if not condition.check(context):
                continue
        (denies if statement.effect is _EFFECT_DENY else allows).append(statement.ref)


def _scan_resource_policy(
    policy: CompiledPolicy,
    request: Request,
    has_boundary: bool,
    allows: list[StatementRef],
    denies: list[StatementRef],
    considered: list[KeyReport],
) -> MatchStrength:
    """Like `_scan` for a resource or trust policy, whose statements must also name the caller.

    Returns how directly the applicable Allow statements name the caller.
    """
    strongest = _MATCHSTRENGTH_NONE
    context = request.context
    principal = request.principal
    for statement in policy.statements_for(request.action):
        strength = statement.principal_strength(principal, has_boundary)
        if strength is _MATCHSTRENGTH_NONE:
            continue
        resources = statement.resource_filter
        if (
            resources is not None
            and resources.matches(request.resource, context) is statement.resources_negated
        ):
            continue
        condition = statement.condition
        if condition is not None:
            considered.append(condition)
            if not condition.check(context):
                continue
        if statement.effect is _EFFECT_DENY:
            denies.append(statement.ref)
        else:
            allows.append(statement.ref)
            strongest = max(strongest, strength)
    return strongest


def evaluate(request: Request, policies: PolicySet) -> EvaluationResult:
    """Decide `request` against `policies` the way AWS does, with the reasons."""
    denies: list[StatementRef] = []
    considered: list[KeyReport] = []
    principal_type = request.principal.type
    has_identity = principal_type is not _ANONYMOUS and principal_type is not _SERVICE

    identity_allows: list[StatementRef] = []
    action = request.action
    if has_identity and policies.identity:
        _scan(policies.identity_slice(action), request, identity_allows, denies, considered)
    boundary = policies.boundary
    boundary_allows: list[StatementRef] = []
    if boundary is not None:
        _scan(boundary.slice_for(action), request, boundary_allows, denies, considered)
    session_allows: list[StatementRef] = []
    for policy in policies.session:
        _scan(policy.slice_for(action), request, session_allows, denies, considered)
    resource_allows: list[StatementRef] = []
    strength = _MATCHSTRENGTH_NONE
    resource_policy = policies.resource
    if resource_policy is not None:
        strength = _scan_resource_policy(
            resource_policy, request, boundary is not None, resource_allows, denies, considered
        )

    context = request.context  # with `considered`, lets a result report missing keys when asked
    if denies:
        return EvaluationResult(
            _DECISION_EXPLICIT_DENY, _BASIS_EXPLICIT_DENY, tuple(denies), considered, context
        )

    is_root = principal_type is _ROOT
    identity_ok = has_identity and (is_root or bool(identity_allows))
    boundary_ok = boundary is None or bool(boundary_allows)
    # A federated-user session made without session policies has no permissions at all
    # (STS API_GetFederationToken.html: "if you do not pass any session policies, then the
    # resulting federated user session has no permissions").
    session_ok = bool(session_allows) if policies.session else principal_type is not _FEDERATED
    if identity_ok and boundary_ok and session_ok:
        identity_basis = (
            _BASIS_ALLOWED_AS_ROOT
            if is_root and not identity_allows
            else _BASIS_ALLOWED_BY_IDENTITY
        )
        identity_refs = (*identity_allows, *boundary_allows, *session_allows, *resource_allows)
    else:
        identity_basis = None
        identity_refs = ()

    account = request.resource_account
    is_trust = resource_policy is not None and resource_policy.kind is _POLICYKIND_TRUST
    if not has_identity or (account is not None and account != request.principal.account):
        # Across accounts (and for callers with no identity) the resource owner must allow...
        if strength is _MATCHSTRENGTH_NONE:
            basis = _BASIS_NO_RESOURCE_ALLOW
        elif not has_identity:
            return EvaluationResult(
                _DECISION_ALLOWED,
                _BASIS_ALLOWED_BY_RESOURCE,
                tuple(resource_allows),
                considered,
                context,
            )
        # ...and so must the caller's own account.
        elif identity_basis is not None:
            return EvaluationResult(
                _DECISION_ALLOWED, identity_basis, identity_refs, considered, context
            )
        else:
            basis = _identity_failure(identity_ok, boundary_ok)
        return EvaluationResult(_DECISION_IMPLICIT_DENY, basis, (), considered, context)

    # Within one account a resource policy may grant on its own, as far as it names the caller.
    resource_alone = strength is _MATCHSTRENGTH_DIRECT or (
        strength is _MATCHSTRENGTH_ROLE and boundary_ok and session_ok
    )
    if is_trust and strength is _MATCHSTRENGTH_NONE:
        # A trust policy must itself allow the caller: identity policies alone never suffice.
        return EvaluationResult(
            _DECISION_IMPLICIT_DENY, _BASIS_NO_RESOURCE_ALLOW, (), considered, context
        )
    if identity_basis is not None and not (is_trust and resource_alone):
        return EvaluationResult(
            _DECISION_ALLOWED, identity_basis, identity_refs, considered, context
        )
    if resource_alone:
        refs = (*resource_allows, *boundary_allows, *session_allows)
        return EvaluationResult(
            _DECISION_ALLOWED, _BASIS_ALLOWED_BY_RESOURCE, refs, considered, context
        )
    return EvaluationResult(
        _DECISION_IMPLICIT_DENY,
        _identity_failure(identity_ok, boundary_ok),
        (),
        considered,
        context,
    )


def _identity_failure(identity_ok: bool, boundary_ok: bool) -> Basis:
    if not identity_ok:
        return _BASIS_NO_IDENTITY_ALLOW
    if not boundary_ok:
        return _BASIS_NO_BOUNDARY_ALLOW
    return _BASIS_NO_SESSION_ALLOW
