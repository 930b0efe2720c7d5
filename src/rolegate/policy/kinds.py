"""Closed sets of the policy language: effects, versions, and the kinds of policy AWS validates apart."""

from __future__ import annotations

from enum import StrEnum


class Effect(StrEnum):
    ALLOW = "Allow"
    DENY = "Deny"


class PolicyVersion(StrEnum):
    """UG/reference_policies_elements_version.html: policy variables exist only in 2012-10-17."""

    V2012_10_17 = "2012-10-17"
    V2008_10_17 = "2008-10-17"

    @property
    def substitutes_variables(self) -> bool:
        return self is PolicyVersion.V2012_10_17


class PolicyKind(StrEnum):
    """How a document is used decides which elements it must and must not have.

    A permissions boundary is validated as an identity policy.
    """

    IDENTITY = "identity"
    RESOURCE = "resource"
    TRUST = "trust"
    SESSION = "session"


class PolicyType(StrEnum):
    """Where a policy sits in an evaluation; names the side that allowed or denied."""

    IDENTITY = "identity"
    RESOURCE = "resource"
    PERMISSIONS_BOUNDARY = "permissions-boundary"
    SESSION = "session"
