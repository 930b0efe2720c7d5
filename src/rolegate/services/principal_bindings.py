"""Policies that name users and roles hold their unique ids, as IAM stores them.

UG/reference_policies_elements_principal.html (IAM role and IAM user principals): "When you save
the policy, AWS transforms the ARN to a unique principal ID ... if you delete the role or user,
then the relationship is broken. The policy no longer applies, even if you recreate the user or
role ... the principal ID shows up in the console because AWS can no longer map it back to an
ARN." So, when a trust policy or bucket policy is saved, every user and role it names by ARN in
Principal/NotPrincipal is looked up and its unique id kept with the policy (a name that resolves to
no identity is refused, as IAM and S3 refuse it); when the policy is read (for evaluation, GetRole,
GetBucketPolicy), an ARN whose identity is gone or re-created is replaced by the id it was bound to,
which matches no caller. Conditions (`aws:PrincipalArn`) are strings and are never resolved.

Principals in an account this server does not hold are refused like a missing one: IAM looks a
cross-account user or role up in its own account too and refuses one that does not exist (the
"Invalid principal" answers quoted below come from exactly that). An account unknown here has no
users or roles, and accepting the name would let whoever later creates that account and role
match a policy written before it existed: the name-based trust this module exists to prevent.
"""

from __future__ import annotations

import json

from rolegate.aws.errors import AwsError
from rolegate.model import PrincipalBinding, Role, User
from rolegate.policy.dialects import Dialect
from rolegate.policy.json_source import decode_policy_text
from rolegate.policy.principal_element import (
    NamedIdentity,
    named_identities,
    named_identity,
    replace_principals,
    unique_ids_named,
)
from rolegate.services.derived_cache import DerivedCache
from rolegate.store import MetadataStore

Bindings = tuple[PrincipalBinding, ...]


def bind_principals(store: MetadataStore, text: str, dialect: Dialect) -> Bindings:
    """The unique ids of the users and roles `text` (a valid policy) names; AwsError if one does
    not exist.

    The answer is the dialect's invalid-principal text: IAM's `MalformedPolicyDocument` 'Invalid
    principal in policy: "AWS":"arn:aws:iam::...:role/NAME"' (aws-actions/configure-aws-credentials
    #332, hashicorp/terraform-provider-aws#8905: "you get this error if the role you are
    referencing doesn't actually exist"), S3's `MalformedPolicy` "Invalid principal in policy".
    """
    document, problems = decode_policy_text(text)
    if problems:  # pragma: no cover - callers validate the policy first
        return ()
    # A unique id names no principal a client may write: IAM shows ids, it does not take them back.
    for value in unique_ids_named(document):
        raise _invalid_principal(dialect, value)
    bindings: list[PrincipalBinding] = []
    for named in named_identities(document):
        unique_id = _live_id(store, named)
        if unique_id is None:
            raise _invalid_principal(dialect, named.arn)
        bindings.append(PrincipalBinding(named.arn, unique_id))
    return tuple(bindings)


def resolve_principals(store: MetadataStore, text: str, bindings: Bindings | None) -> str:
    """`text` with each bound ARN whose identity is gone (or re-created) replaced by its old id.

    Unchanged (the very text saved) while every bound identity lives. `None` bindings: a policy
    stored before bindings were kept; its ARNs stay as written.
    """
    if not bindings:
        return text
    replacements = {
        binding.arn: binding.unique_id
        for binding in bindings
        if _live_id(store, named_identity(binding.arn)) != binding.unique_id
    }
    if not replacements:
        return text
    document, problems = decode_policy_text(text)
    if problems:  # pragma: no cover - stored policies were validated when saved
        return text
    return json.dumps(replace_principals(document, replacements), separators=(",", ":"))


class PrincipalResolver:
    """`resolve_principals` for the request path, kept until the store changes (any commit,
    including another worker's deleting or re-creating a role, clears it)."""

    def __init__(self, store: MetadataStore) -> None:
        self._store = store
        self._texts: DerivedCache[tuple[str, Bindings], str] = DerivedCache(store)

    def bind(self, text: str, dialect: Dialect) -> Bindings:
        return bind_principals(self._store, text, dialect)

    def resolve(self, text: str, bindings: Bindings | None) -> str:
        if not bindings:
            return text
        return self._texts.get(
            (text, bindings), lambda: resolve_principals(self._store, text, bindings)
        )


def _live_id(store: MetadataStore, named: NamedIdentity | None) -> str | None:
    if named is None:
        return None
    if named.kind == "role":
        role = store.get(Role, named.account, named.name.lower())
        # The ARN must name the identity exactly, path and case included.
        return role.role_id if role is not None and role.arn == named.arn else None
    user = store.get(User, named.account, named.name.lower())
    return user.user_id if user is not None and user.arn == named.arn else None


def _invalid_principal(dialect: Dialect, value: str) -> AwsError:
    # 400 for both: MalformedPolicyDocument (IAM CommonErrors) and S3's MalformedPolicy.
    return AwsError(dialect.code.value, dialect.principal_message("AWS", value), 400)
