"""STS: AssumeRole, GetCallerIdentity, GetSessionToken as an explicit table of operations."""

from __future__ import annotations

from rolegate.services.authz import Authorizer
from rolegate.services.call import Operation
from rolegate.services.sts.assume_role import AssumeRole
from rolegate.services.sts.identity import get_caller_identity, get_session_token
from rolegate.services.sts.tokens import SessionTokens
from rolegate.store import MetadataStore

# Operations that need no permission: "No permissions are required" (STS/API_GetCallerIdentity.html,
# API_GetSessionToken.html).
UNAUTHORIZED_OPERATIONS = frozenset({"GetCallerIdentity", "GetSessionToken"})


def operations(
    store: MetadataStore, authorizer: Authorizer, tokens: SessionTokens
) -> dict[str, Operation]:
    return {
        "AssumeRole": AssumeRole(store, authorizer, tokens),
        "GetCallerIdentity": get_caller_identity,
        "GetSessionToken": get_session_token(tokens),
    }
