"""Authorization: the caller's policies and the request's context, handed to `policy.evaluate`.

Which policies apply (UG/reference_policies_evaluation-logic.html): an IAM user's inline and
attached policies and boundary; for a role session the role's, plus the session policies it was
created with; nothing to gather for the account root, which the engine allows in its own account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rolegate.aws.errors import access_denied
from rolegate.model import PolicyOwner, PolicyOwnerKind, SessionKind
from rolegate.policy.compiled import CompiledPolicy
from rolegate.policy.decision import EvaluationResult
from rolegate.policy.evaluate import evaluate
from rolegate.policy.explain import access_denied_message
from rolegate.policy.kinds import PolicyKind, PolicyType, PolicyVersion
from rolegate.policy.request import PolicySet, Request
from rolegate.services.call import Caller
from rolegate.services.derived_cache import DerivedCache
from rolegate.services.iam.documents import managed_policy_document, policy_documents_for
from rolegate.services.policy_cache import PolicyCache
from rolegate.services.principal_bindings import PrincipalResolver
from rolegate.store import MetadataStore

_NO_POLICIES = PolicySet()


@dataclass(frozen=True, slots=True)
class Judgement:
    """One authorization: what was asked and what the engine answered."""

    action: str
    resource: str
    result: EvaluationResult

    @property
    def allowed(self) -> bool:
        return self.result.allowed


class Authorizer:
    def __init__(self, store: MetadataStore, cache: PolicyCache | None = None) -> None:
        self._store = store
        self.cache = cache or PolicyCache()
        # Resource and trust policies as they apply now: principals gone since they were named
        # are shown by their unique ids, which match no caller.
        self.principals = PrincipalResolver(store)
        self._policy_sets: DerivedCache[tuple[object, ...], PolicySet] = DerivedCache(store)

    def owner_of(self, caller: Caller) -> PolicyOwner | None:
        """The user or role whose policies are the caller's; None for the account root."""
        session = caller.session
        if session is not None and session.kind is SessionKind.ROLE:
            return PolicyOwner(PolicyOwnerKind.ROLE, session.role_name)
        user_name = caller.user.name if caller.user is not None else None
        if user_name is None and session is not None:
            user_name = session.user_name
        return None if user_name is None else PolicyOwner(PolicyOwnerKind.USER, user_name)

    def identity_policies(self, caller: Caller) -> PolicySet:
        """The caller's policy set, reused across requests until the store changes."""
        owner = self.owner_of(caller)
        if owner is None:
            return _NO_POLICIES
        session = caller.session
        unique_id = _unique_id_of(caller)
        key = (
            caller.account_id,
            owner,
            unique_id,
            session.policy if session is not None else None,
            session.policy_arns if session is not None else (),
            # Sessions naming the same ARNs may hold different policies (one re-created).
            session.policy_ids if session is not None else (),
        )
        return self._policy_sets.get(key, lambda: self._load_policies(caller, owner, unique_id))

    def _load_policies(self, caller: Caller, owner: PolicyOwner, unique_id: str) -> PolicySet:
        # By unique id, not only by name: authentication checked the id, but the role or user
        # can be deleted and re-created between that check and this read.
        documents, boundary_text = policy_documents_for(
            self._store, caller.account_id, owner, unique_id
        )
        identity = tuple(
            self.cache.compile(text, PolicyKind.IDENTITY, policy_id, PolicyType.IDENTITY)
            for policy_id, text in documents
        )
        boundary = (
            None
            if boundary_text is None
            else self.cache.compile(
                boundary_text,
                PolicyKind.IDENTITY,
                "PermissionsBoundaryPolicy",
                PolicyType.PERMISSIONS_BOUNDARY,
            )
        )
        return PolicySet(
            identity=identity, boundary=boundary, session=self._session_policies(caller)
        )

    def _session_policies(self, caller: Caller) -> tuple[CompiledPolicy, ...]:
        session = caller.session
        if session is None or (session.policy is None and not session.policy_arns):
            return ()
        compiled: list[CompiledPolicy] = []
        if session.policy is not None:
            compiled.append(
                self.cache.compile(
                    session.policy, PolicyKind.SESSION, "SessionPolicy", PolicyType.SESSION
                )
            )
        ids: tuple[str | None, ...] = session.policy_ids or (None,) * len(session.policy_arns)
        for arn, policy_id in zip(session.policy_arns, ids, strict=True):
            text = managed_policy_document(self._store, arn, policy_id)
            if text is None:
                # A managed session policy deleted since, or re-created under its ARN (another
                # policy): it allows nothing (the session keeps the intersection with what
                # remains, which can only shrink). Built, not parsed: a document with no
                # statements is no valid policy, and parsing one made every request a 500.
                compiled.append(_allows_nothing(arn))
                continue
            compiled.append(self.cache.compile(text, PolicyKind.SESSION, arn, PolicyType.SESSION))
        return tuple(compiled)

    def judge(
        self,
        caller: Caller,
        action: str,
        resource: str,
        context: Mapping[str, object],
        *,
        policies: PolicySet | None = None,
        resource_policy: CompiledPolicy | None = None,
        resource_account: str | None = None,
    ) -> Judgement:
        base = policies if policies is not None else self.identity_policies(caller)
        if resource_policy is not None:
            base = base.with_resource_policy(resource_policy)
        request = Request.build(caller.principal, action, resource, context, resource_account)
        return Judgement(action, resource, evaluate(request, base))


def _allows_nothing(policy_id: str) -> CompiledPolicy:
    return CompiledPolicy(
        policy_id, PolicyKind.SESSION, PolicyVersion.V2012_10_17, (), PolicyType.SESSION
    )


def _unique_id_of(caller: Caller) -> str:
    """The unique id of the role or user whose policies are the caller's."""
    session = caller.session
    if session is not None and session.kind is SessionKind.ROLE:
        return session.role_id
    if caller.user is not None:
        return caller.user.user_id
    # A GetSessionToken session of a user carries the user's id (authentication sets caller.user
    # too; this is for a caller built without it).
    return session.user_unique_id if session is not None else ""


def deny_message(caller: Caller, judgement: Judgement) -> str:
    return access_denied_message(caller.arn, judgement.action, judgement.resource, judgement.result)


def raise_unless_allowed(caller: Caller, judgement: Judgement) -> None:
    if not judgement.allowed:
        raise access_denied(deny_message(caller, judgement))
