"""AssumeRole (STS/API_AssumeRole.html): the role's trust policy decides, the caller's policies too.

The trust policy is the role's resource policy and must allow the caller itself; across accounts
the caller's identity policies must also allow `sts:AssumeRole` on the role
(UG/id_roles_common-scenarios_aws-accounts.html). Session tags need `sts:TagSession` and a source
identity `sts:SetSourceIdentity`, judged the same way (UG/id_session-tags.html,
UG/id_credentials_temp_control-access_monitor.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

from rolegate.aws.errors import access_denied
from rolegate.model import Role, Session, SessionKind, Tag
from rolegate.policy.arn import Arn
from rolegate.policy.kinds import PolicyKind, PolicyType
from rolegate.policy.principal import PrincipalType
from rolegate.services.authz import Authorizer, raise_unless_allowed
from rolegate.services.call import Call, Caller
from rolegate.services.iam.request_keys import resource_tag_keys
from rolegate.services.sts.assume_role_checks import (
    RequestedSession,
    check_duration,
    check_session_policies,
    check_tags,
    inherited_tags,
    merge_tags,
    packed_policy_size,
    transitive_keys,
)
from rolegate.services.sts.sessions import issue_credentials, new_session_key_id
from rolegate.services.sts.tokens import SessionTokens
from rolegate.store import MetadataStore

# A valid trust policy that no signed caller matches: only a service principal could, and services
# do not sign requests here.
_TRUSTS_NO_ONE = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Principal":{"Service":"nobody.rolegate.invalid"},"Action":"sts:AssumeRole"}]}'
)


def _account_of(role_arn: str) -> str | None:
    arn = Arn.parse(role_arn)
    return arn.account if arn is not None and arn.account else None


def _with_source_identity(caller: Caller, asked: RequestedSession) -> RequestedSession:
    """The request with the source identity the new session will carry.

    UG/id_credentials_temp_control-access_monitor.html: "The source identity value can't be
    changed after it is set, and it persists for any additional actions that are taken with the
    role session", role chaining included. So a chained request carries the calling session's
    source identity whether or not it names it: the next role's trust policy sees it as
    sts:SourceIdentity (a Deny on one value cannot be walked around by leaving it out) and must
    allow sts:SetSourceIdentity for it; naming another value is refused.
    """
    earlier = caller.session.source_identity if caller.session is not None else None
    if earlier is None:
        return asked
    if asked.source_identity not in (None, earlier):
        raise access_denied(
            f"User: {caller.arn} is not authorized to perform: sts:SetSourceIdentity on "
            f"resource: {asked.role_arn} because the source identity of a session cannot be "
            f"changed once set"
        )
    return replace(asked, source_identity=earlier)


class AssumeRole:
    def __init__(self, store: MetadataStore, authorizer: Authorizer, tokens: SessionTokens) -> None:
        self._store = store
        self._authorizer = authorizer
        self._tokens = tokens

    def __call__(self, call: Call) -> Mapping[str, object]:
        caller = call.caller
        asked = RequestedSession.from_params(call.params)
        if caller.principal.type is PrincipalType.ACCOUNT:
            # UG/id_roles_use.html: the root user cannot assume roles; STS answers with this text.
            raise access_denied("Roles may not be assumed by root accounts.")
        check_tags(asked)
        asked = _with_source_identity(caller, asked)
        inherited = inherited_tags(caller.session, asked)
        role = self._find_role(asked.role_arn)
        self._authorize(call, asked, role, with_tags=bool(asked.tags or inherited))
        assert role is not None  # _authorize denies a missing role
        chained = caller.session is not None and caller.session.kind is SessionKind.ROLE
        check_duration(asked.duration, role.max_session_duration, chained)
        policy_ids = check_session_policies(
            asked, self._authorizer.cache, self._store, role.account_id
        )
        source_identity = asked.source_identity
        session = Session(
            access_key_id=new_session_key_id(),
            account_id=role.account_id,
            issued=call.now,
            expiration=call.now + timedelta(seconds=asked.duration),
            kind=SessionKind.ROLE,
            role_name=role.name,
            role_path=role.path,
            role_id=role.role_id,
            session_name=asked.session_name,
            policy=asked.policy,
            policy_arns=asked.policy_arns,
            policy_ids=policy_ids,
            tags=merge_tags(inherited, asked.tags),
            transitive_tag_keys=transitive_keys(caller.session, asked),
            source_identity=source_identity,
            chained=chained,
        )
        credentials = issue_credentials(self._tokens, session)
        result: dict[str, object] = {
            "Credentials": credentials,
            "AssumedRoleUser": {"AssumedRoleId": session.user_id, "Arn": session.arn},
        }
        if asked.policy is not None or asked.policy_arns or asked.tags:
            result["PackedPolicySize"] = packed_policy_size(asked)
        if source_identity is not None:
            result["SourceIdentity"] = source_identity
        return result

    def _find_role(self, role_arn: str) -> Role | None:
        arn = Arn.parse(role_arn)
        if arn is None or arn.service != "iam" or not arn.resource.startswith("role/"):
            return None
        name = arn.resource.rsplit("/", 1)[-1]
        role = self._store.get(Role, arn.account, name.lower())
        # The ARN must name the role exactly, path included.
        return role if role is not None and role.arn == role_arn else None

    def _authorize(
        self, call: Call, asked: RequestedSession, role: Role | None, *, with_tags: bool
    ) -> None:
        caller = call.caller
        actions = ["sts:AssumeRole"]
        if with_tags:
            actions.append("sts:TagSession")
        if asked.source_identity is not None:
            actions.append("sts:SetSourceIdentity")
        no_tags: tuple[Tag, ...] = ()
        if role is None:
            # A missing role is judged as a role whose trust policy trusts no one, so that its
            # denial reads exactly as that of a role that exists and does not trust the caller:
            # AssumeRole must not tell whether another account has a role of a name.
            trust_text, tags = _TRUSTS_NO_ONE, no_tags
            resource, account = asked.role_arn, _account_of(asked.role_arn)
        else:
            # The trust policy's users and roles are the identities it named when saved: one
            # deleted (and perhaps re-created) since is its unique id now, which trusts no one.
            trust_text = self._authorizer.principals.resolve(
                role.assume_role_policy, role.trust_principals
            )
            tags, resource, account = role.tags, role.arn, role.account_id
        trust = self._authorizer.cache.compile(
            trust_text, PolicyKind.TRUST, "TrustPolicy", PolicyType.RESOURCE
        )
        policies = self._authorizer.identity_policies(caller)
        # The role's tags are the request's resource tags: "Assume roles that have a specific tag"
        # (UG/reference_policies_examples_iam-assume-tagged-role.html) conditions on them.
        context = {**resource_tag_keys(tags), **asked.trust_context(), **call.context}
        for action in actions:
            judgement = self._authorizer.judge(
                caller,
                action,
                resource,
                context,
                policies=policies,
                resource_policy=trust,
                resource_account=account,
            )
            call.record(action, resource, judgement.result)
            if (
                not judgement.allowed
                and account not in (None, caller.account_id)
                and judgement.result.denying_policy_type is PolicyType.RESOURCE
            ):
                # Another account's trust policy that denies the caller explicitly (a guard such
                # as "Deny everyone outside our organization") is answered as one that does not
                # allow it, which is also what a missing role gets: the caller learns nothing of
                # that account's roles or their trust policies. The audit line keeps the truth.
                raise access_denied(
                    f"User: {caller.arn} is not authorized to perform: {action} on resource: "
                    f"{resource} because no resource-based policy allows the {action} action"
                )
            raise_unless_allowed(caller, judgement)
        if role is None:  # pragma: no cover - a trust policy that trusts no one allowed
            raise access_denied(f"User: {caller.arn} is not authorized to perform: sts:AssumeRole")
