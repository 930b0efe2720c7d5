"""The rules of an AssumeRole request beyond its shape (STS/API_AssumeRole.html, UG/id_session-tags.html)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rolegate.aws.errors import AwsError, validation_error
from rolegate.model import Session, SessionKind, Tag
from rolegate.policy.arn import Arn
from rolegate.policy.errors import PolicyValidationError
from rolegate.policy.kinds import PolicyKind, PolicyType
from rolegate.services.iam.documents import managed_policy_id
from rolegate.services.iam.names import AWS_ACCOUNT
from rolegate.services.policy_cache import PolicyCache
from rolegate.store import MetadataStore

ROLE_CHAINING_LIMIT_SECONDS = 3600
DEFAULT_DURATION_SECONDS = 3600
# API_AssumeRole.html: the plaintext of inline and managed session policies together can't
# exceed 2,048 characters; the packed size is reported as a percentage of the limit.
SESSION_POLICY_CHARACTERS = 2048
MAX_SESSION_TAGS = 50


@dataclass(frozen=True, slots=True)
class RequestedSession:
    role_arn: str
    session_name: str
    duration: int
    external_id: str | None
    policy: str | None
    policy_arns: tuple[str, ...]
    tags: tuple[Tag, ...]
    transitive_tag_keys: tuple[str, ...]
    source_identity: str | None

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> RequestedSession:
        def text(name: str) -> str | None:
            value = params.get(name)
            return value if isinstance(value, str) else None

        def items(name: str) -> Sequence[Mapping[str, object]]:
            value = params.get(name)
            return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []

        duration = params.get("DurationSeconds")
        keys = params.get("TransitiveTagKeys")
        return cls(
            role_arn=text("RoleArn") or "",
            session_name=text("RoleSessionName") or "",
            duration=duration if isinstance(duration, int) else DEFAULT_DURATION_SECONDS,
            external_id=text("ExternalId"),
            policy=text("Policy"),
            policy_arns=tuple(str(item.get("arn", "")) for item in items("PolicyArns")),
            tags=tuple(
                Tag(str(item.get("Key", "")), str(item.get("Value", ""))) for item in items("Tags")
            ),
            transitive_tag_keys=tuple(str(k) for k in keys) if isinstance(keys, list) else (),
            source_identity=text("SourceIdentity"),
        )

    def trust_context(self) -> dict[str, object]:
        """The keys a trust policy sees from this request (UG/reference_policies_iam-condition-keys.html)."""
        context: dict[str, object] = {"sts:RoleSessionName": self.session_name}
        if self.external_id is not None:
            context["sts:ExternalId"] = self.external_id
        if self.source_identity is not None:
            context["sts:SourceIdentity"] = self.source_identity
        if self.tags:
            for tag in self.tags:
                context[f"aws:RequestTag/{tag.key}"] = tag.value
            context["aws:TagKeys"] = [tag.key for tag in self.tags]
        if self.transitive_tag_keys:
            context["sts:TransitiveTagKeys"] = list(self.transitive_tag_keys)
        return context


def check_duration(duration: int, role_max: int, chained: bool) -> None:
    # Texts from STS/API_AssumeRole.html (DurationSeconds) as the service returns them.
    if duration > role_max:
        raise validation_error(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        )
    if chained and duration > ROLE_CHAINING_LIMIT_SECONDS:
        raise validation_error(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed "
            "by role chaining."
        )


def check_tags(asked: RequestedSession) -> None:
    seen: set[str] = set()
    for tag in asked.tags:
        lowered = tag.key.lower()
        if lowered.startswith("aws:"):
            # UG/id_session-tags.html: session tags follow the tag naming rules, and "the aws:
            # prefix is reserved for AWS use" (UG/id_tags.html); a session tag under it would pass
            # for an AWS-set aws:PrincipalTag. (Exact text not confirmed against the service.)
            raise AwsError(
                "InvalidParameterValue",
                f"Tag key {tag.key} is not valid: keys beginning with aws: are reserved for AWS "
                "use.",
            )
        if lowered in seen:
            # UG/id_session-tags.html: tag keys are case-insensitive; IAM's text for duplicates.
            raise AwsError(
                "InvalidParameterValue",
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            )
        seen.add(lowered)
    unknown = [k for k in asked.transitive_tag_keys if k.lower() not in seen]
    if unknown:
        raise AwsError(
            "InvalidParameterValue",
            f"The specified transitive tag key must be included in the requested tags: {unknown[0]}",
        )


def inherited_tags(session: Session | None, asked: RequestedSession) -> tuple[Tag, ...]:
    """Transitive tags of the calling session carry into the chained one (UG/id_session-tags.html#id_session-tags_role-chaining)."""
    if session is None or session.kind is not SessionKind.ROLE or not session.transitive_tag_keys:
        return ()
    transitive = {k.lower() for k in session.transitive_tag_keys}
    inherited = tuple(t for t in session.tags if t.key.lower() in transitive)
    overridden = {t.key.lower() for t in asked.tags} & {t.key.lower() for t in inherited}
    if overridden:
        # "you can't override the value of a transitive session tag" in a chained session.
        raise AwsError(
            "InvalidParameterValue",
            "One or more session tags conflict with transitive tags of the calling session: "
            + ", ".join(sorted(overridden)),
        )
    return inherited


def merge_tags(inherited: tuple[Tag, ...], asked: tuple[Tag, ...]) -> tuple[Tag, ...]:
    return (*inherited, *asked)


def transitive_keys(session: Session | None, asked: RequestedSession) -> tuple[str, ...]:
    earlier = session.transitive_tag_keys if session is not None else ()
    return tuple(dict.fromkeys((*earlier, *asked.transitive_tag_keys)))


def check_session_policies(
    asked: RequestedSession, cache: PolicyCache, store: MetadataStore, role_account: str
) -> tuple[str, ...]:
    """Refuse session policies that do not parse or do not exist; the managed ones' unique ids,
    in order, for the session to keep (the policies it was issued with, not their names)."""
    if asked.policy is not None:
        try:
            cache.compile(asked.policy, PolicyKind.SESSION, "SessionPolicy", PolicyType.SESSION)
        except PolicyValidationError as error:
            raise AwsError(error.code.value, error.message) from None
    ids: list[str] = []
    for arn in asked.policy_arns:
        # API_AssumeRole.html (PolicyArns): "The policies must exist in the same account as the
        # role." Another account's policy gets the answer a missing one gets, before anything
        # looks it up, so the call cannot tell whether another account has a policy of that name.
        policy_id = (
            managed_policy_id(store, arn)
            if _session_policy_account_allowed(arn, role_account)
            else None
        )
        if policy_id is None:
            raise validation_error(f"Policy {arn} does not exist or is not attachable.")
        ids.append(policy_id)
    return tuple(ids)


def _session_policy_account_allowed(arn: str, role_account: str) -> bool:
    """The role's own account, or AWS's managed policies (`arn:aws:iam::aws:policy/...`)."""
    parsed = Arn.parse(arn)
    return parsed is not None and parsed.account in (role_account, AWS_ACCOUNT)


def packed_policy_size(asked: RequestedSession) -> int:
    """Percent of the session-policy limit used: an approximation of AWS's packing.

    AWS compresses policies and tags into a binary format whose exact size is undocumented; this
    counts the minified policy text, the ARNs and the tags against 2,048 characters, capped at
    100 because the compressed form AWS measures is smaller (so PackedPolicyTooLarge is not raised).
    """
    size = 0
    if asked.policy is not None:
        try:
            size += len(json.dumps(json.loads(asked.policy), separators=(",", ":")))
        except ValueError:
            size += len(asked.policy)
    size += sum(len(arn) for arn in asked.policy_arns)
    size += sum(len(t.key) + len(t.value) for t in asked.tags)
    return min(100, max(1, -(-size * 100 // SESSION_POLICY_CHARACTERS))) if size else 0
