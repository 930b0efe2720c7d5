"""Policy documents checked as IAM checks them before storing, in IAM's order: size, then grammar.

Sizes count characters without whitespace (UG/reference_iam-quotas.html). Managed policies (6,144)
and trust policies (2,048) are limited one document at a time by the engine's size check; inline
policies are limited in aggregate per identity (role 10,240, user 2,048), which only this layer can
see. Exceeding a quota is LimitExceeded (409), not a malformed document.
"""

from __future__ import annotations

from collections.abc import Iterable

from rolegate.model import PolicyOwnerKind
from rolegate.policy.errors import PolicyValidationError
from rolegate.policy.json_source import count_policy_characters
from rolegate.policy.kinds import PolicyKind
from rolegate.policy.parser import parse_policy
from rolegate.services.iam.errors import from_policy_error, limit_exceeded

INLINE_AGGREGATE_LIMITS = {PolicyOwnerKind.ROLE: 10_240, PolicyOwnerKind.USER: 2_048}


def _parse(text: str, kind: PolicyKind, *, check_size: bool) -> None:
    try:
        parse_policy(text, kind, check_size=check_size)
    except PolicyValidationError as error:
        raise from_policy_error(error) from None


def check_trust_policy(text: str) -> None:
    _parse(text, PolicyKind.TRUST, check_size=True)


def check_managed_policy(text: str) -> None:
    _parse(text, PolicyKind.IDENTITY, check_size=True)


def check_inline_policy(
    text: str, others: Iterable[str], kind: PolicyOwnerKind, owner_name: str
) -> None:
    """`others`: the owner's other inline documents, which share the aggregate quota."""
    limit = INLINE_AGGREGATE_LIMITS[kind]
    size = count_policy_characters(text) + sum(count_policy_characters(o) for o in others)
    if size > limit:
        # "Maximum policy size of 10240 bytes exceeded for role NAME" / "... 2048 bytes exceeded
        # for user NAME" (LimitExceeded 409, as CloudFormation relays it from IAM).
        raise limit_exceeded(
            f"Maximum policy size of {limit} bytes exceeded for {kind.value} {owner_name}"
        )
    _parse(text, PolicyKind.IDENTITY, check_size=False)
