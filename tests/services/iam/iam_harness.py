"""The IAM test harness: a real SQLite store, IAM's operation table, a recording authorizer.

Every result is checked against botocore's output shape for its operation, so a member IAM does
not have (or a value of the wrong type) fails the test that produced it. The authorize hook records
each (action, resource) asked for and denies the actions a test names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import botocore.session
import pytest
from botocore.model import Shape, StructureShape

from rolegate.aws.errors import AwsError
from rolegate.model import (
    AccessKey,
    AccessKeyStatus,
    Account,
    InlinePolicy,
    ManagedPolicy,
    ManagedPolicyVersion,
    PolicyAttachment,
    Role,
    Session,
    SessionKind,
    User,
)
from rolegate.policy.principal import Principal
from rolegate.services.call import Call, Caller, Operation
from rolegate.services.iam import operations
from rolegate.store.sqlite_metadata import SqliteMetadataStore

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}'
)
ALLOW_S3_READ = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
    '"Resource":"arn:aws:s3:::bucket/*"}]}'
)
ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'

_IAM_MODEL = botocore.session.get_session().get_service_model("iam")
# The model's enum for PermissionsBoundaryType says "PermissionsBoundaryPolicy"; IAM answers
# "Policy" (awsdocs/iam-user-guide#82: GetRole returns "PermissionsBoundaryType": "Policy", and the
# API reference: the type "can only have a value of Policy"). The simulator's SourcePolicyType enum
# lists "user", "role", ...; the live simulator answers "IAM Policy" (simulate-principal-policy
# outputs quoted in many repositories, e.g. with "SourcePolicyId": "AdministratorAccess").
_MODEL_ENUM_ERRATA = frozenset({"PermissionsBoundaryAttachmentType", "PolicySourceType"})
_STORED_KINDS = (
    Account,
    AccessKey,
    User,
    Role,
    InlinePolicy,
    ManagedPolicy,
    ManagedPolicyVersion,
    PolicyAttachment,
)


def check_shape(shape: Shape, value: object, where: str, optional: frozenset[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, Mapping), f"{where}: expected a structure, got {value!r}"
        assert isinstance(shape, StructureShape)
        extra = set(value) - set(shape.members)
        assert not extra, f"{where}: members not in botocore's {shape.name}: {sorted(extra)}"
        missing = set(shape.required_members) - set(value) - optional
        assert not missing, f"{where}: required members missing: {sorted(missing)}"
        for name, member in value.items():
            check_shape(shape.members[name], member, f"{where}.{name}", optional)
    elif kind == "list":
        assert isinstance(value, list), f"{where}: expected a list, got {value!r}"
        for i, item in enumerate(value):
            check_shape(shape.member, item, f"{where}[{i}]", optional)
    elif kind == "map":
        assert isinstance(value, Mapping), f"{where}: expected a map"
    elif kind == "string":
        assert isinstance(value, str), f"{where}: expected a string, got {value!r}"
        if shape.enum and shape.name not in _MODEL_ENUM_ERRATA:
            assert value in shape.enum, f"{where}: {value!r} not in {shape.enum}"
    elif kind in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: not an int"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{where}: not a bool"
    elif kind == "timestamp":
        assert isinstance(value, datetime) and value.tzinfo is not None, f"{where}: not aware"
    else:  # pragma: no cover - IAM outputs use no other types
        raise AssertionError(f"{where}: unexpected shape type {kind}")


def check_output(operation: str, result: Mapping[str, object], optional: frozenset[str]) -> None:
    shape = _IAM_MODEL.operation_model(operation).output_shape
    if shape is None:
        assert result == {}, f"{operation} has no output, got {result!r}"
        return
    check_shape(shape, result, operation, optional)


def root_caller(account_id: str = ACCOUNT) -> Caller:
    key = AccessKey("AKIAROOTROOTROOTROOT", "secret", account_id, None, AccessKeyStatus.ACTIVE, NOW)
    return Caller(
        Principal.from_arn(f"arn:aws:iam::{account_id}:root"), account_id, key.access_key_id, key
    )


def user_caller(user: User) -> Caller:
    key = AccessKey("AKIAUSERUSERUSERUSER", "secret", user.account_id, user.name,
                    AccessKeyStatus.ACTIVE, NOW)  # fmt: skip
    return Caller(Principal.from_arn(user.arn), user.account_id, key.access_key_id, key, user)


def role_session_caller(role_name: str = "worker") -> Caller:
    session = Session(
        "ASIASESSIONSESSION00", ACCOUNT, NOW, NOW, SessionKind.ROLE, role_name, "/",
        "AROAEXAMPLEEXAMPLE00", "s1",
    )  # fmt: skip
    return Caller(Principal.from_arn(session.arn), ACCOUNT, session.access_key_id, session=session)


@dataclass
class Iam:
    """IAM with a recording authorizer; `call` checks every answer's shape."""

    store: SqliteMetadataStore
    ops: dict[str, Operation]
    asked: list[tuple[str, str]] = field(default_factory=list)
    # The operation's own condition keys of each authorization, in the order of `asked`.
    keys: list[Mapping[str, object]] = field(default_factory=list)
    denied: set[str] = field(default_factory=set)

    def authorize(
        self, action: str, resource: str, keys: Mapping[str, object] | None = None
    ) -> None:
        self.asked.append((action, resource))
        self.keys.append(dict(keys or {}))
        if action in self.denied:
            raise AwsError(
                "AccessDenied",
                f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: {action} on "
                f"resource: {resource}",
                403,
            )

    def call(
        self,
        operation: str,
        caller: Caller | None = None,
        optional: frozenset[str] = frozenset(),
        **params: object,
    ) -> Mapping[str, object]:
        request = Call(
            operation, params, caller or root_caller(), NOW, "req-1", authorize=self.authorize
        )
        result = self.ops[operation](request)
        check_output(operation, result, optional)
        return result

    def error(self, operation: str, caller: Caller | None = None, **params: object) -> AwsError:
        with pytest.raises(AwsError) as raised:
            self.call(operation, caller, **params)
        return raised.value

    @property
    def last_asked(self) -> tuple[str, str]:
        return self.asked[-1]

    def snapshot(self) -> list[object]:
        """Every stored record: a denied or failed call must leave this unchanged."""
        return [record for kind in _STORED_KINDS for record in self.store.iter_all(kind)]

    # Small builders for arranging tests.
    def role(self, name: str = "worker", **params: object) -> Mapping[str, object]:
        params.setdefault("AssumeRolePolicyDocument", TRUST)
        return self.call("CreateRole", RoleName=name, **params)["Role"]

    def user(self, name: str = "alice", **params: object) -> Mapping[str, object]:
        return self.call("CreateUser", UserName=name, **params)["User"]

    def policy(self, name: str = "s3-read", document: str = ALLOW_S3_READ, **params: object) -> str:
        created = self.call("CreatePolicy", PolicyName=name, PolicyDocument=document, **params)
        return created["Policy"]["Arn"]

    def stored_user(self, name: str) -> User:
        found = self.store.get(User, ACCOUNT, name.lower())
        assert found is not None
        return found


def open_iam(path: Path) -> Iam:
    store = SqliteMetadataStore(path)
    store.insert(Account(ACCOUNT, NOW))
    root_key = root_caller().access_key
    assert root_key is not None
    store.insert(root_key)
    store.insert(Account(OTHER_ACCOUNT, NOW))
    return Iam(store, operations(store))
