"""Frozen dataclasses for the things rolegate stores: accounts, keys, users, roles, policies, sessions, buckets, objects."""

from rolegate.model.identity import (
    AccessKey,
    AccessKeyStatus,
    Account,
    PrincipalBinding,
    Role,
    Tag,
    User,
)
from rolegate.model.policies import (
    InlinePolicy,
    ManagedPolicy,
    ManagedPolicyVersion,
    PolicyAttachment,
    PolicyOwner,
    PolicyOwnerKind,
)
from rolegate.model.s3 import Bucket, MultipartUpload, Segment, StoredObject, UploadedPart
from rolegate.model.session import Session, SessionKind

__all__ = [
    "AccessKey",
    "AccessKeyStatus",
    "Account",
    "Bucket",
    "InlinePolicy",
    "ManagedPolicy",
    "ManagedPolicyVersion",
    "MultipartUpload",
    "PolicyAttachment",
    "PolicyOwner",
    "PolicyOwnerKind",
    "PrincipalBinding",
    "Role",
    "Segment",
    "Session",
    "SessionKind",
    "StoredObject",
    "Tag",
    "UploadedPart",
    "User",
]
