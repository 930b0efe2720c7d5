"""The shapes of the benchmark's corpus: callers, requests with their expected decision, suites.

A `Template` is 20 statements written over a number `n` (bucket names, tags) plus requests aimed
at copy `n`; copies 0..k of it make policy sets of any size in which only copy `n` answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

Document = dict[str, object]


class Expected(StrEnum):
    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicitDeny"
    IMPLICIT_DENY = "implicitDeny"

    @property
    def allowed(self) -> bool:
        return self is Expected.ALLOWED


@dataclass(frozen=True, slots=True)
class Caller:
    session_arn: str
    principal_arn: str  # aws:PrincipalArn: the role ARN, path included, or the user ARN

    @property
    def account(self) -> str:
        return self.session_arn.split(":")[4]

    @property
    def principal_type(self) -> str:
        return "AssumedRole" if ":assumed-role/" in self.session_arn else "User"

    def context_entries(self) -> dict[str, str]:
        """The keys AWS derives from the caller; peers that do not derive them are given them."""
        return {
            "aws:PrincipalArn": self.principal_arn,
            "aws:PrincipalAccount": self.account,
            "aws:PrincipalType": self.principal_type,
        }


def role_caller(account: str, role_path_and_name: str, session: str) -> Caller:
    name = role_path_and_name.rsplit("/", 1)[-1]
    return Caller(
        f"arn:aws:sts::{account}:assumed-role/{name}/{session}",
        f"arn:aws:iam::{account}:role/{role_path_and_name}",
    )


@dataclass(frozen=True, slots=True)
class Call:
    label: str
    caller: Caller
    action: str
    resource: str
    resource_account: str
    context: dict[str, str]
    expected: Expected


@dataclass(frozen=True, slots=True)
class CallSpec:
    """A request of a template before the caller and the shared context are filled in."""

    label: str
    action: str
    resource: str
    expected: Expected
    context: Mapping[str, str]


def spec(label: str, action: str, resource: str, expected: Expected, **context: str) -> CallSpec:
    return CallSpec(label, action, resource, expected, context)


@dataclass(frozen=True, slots=True)
class Template:
    statements: Callable[[int], list[Document]]
    calls: Callable[[int], list[CallSpec]]
    caller: Caller
    account: str
    base_context: Mapping[str, str]
    # Answers when only the first 5 statements are present; unlisted labels are implicit denies.
    prefix_5: Mapping[str, Expected]

    def policies(self, counts: list[int]) -> tuple[Document, ...]:
        """One policy per entry: copy i of the template cut to counts[i] statements."""
        return tuple(policy(self.statements(i)[:count]) for i, count in enumerate(counts))

    def requests(self, n: int, *, statements: int = 20) -> tuple[Call, ...]:
        if statements not in (5, 20):
            raise ValueError("answers are written down for 5 and 20 statements only")
        return tuple(
            Call(
                s.label,
                self.caller,
                s.action,
                s.resource,
                self.account,
                {**self.base_context, **s.context},
                s.expected
                if statements == 20
                else self.prefix_5.get(s.label, Expected.IMPLICIT_DENY),
            )
            for s in self.calls(n)
        )


@dataclass(frozen=True, slots=True)
class Suite:
    key: str
    title: str
    identity: tuple[Document, ...]
    calls: tuple[Call, ...]
    trust: Document | None = None
    moto_supported: bool = False  # True when every feature used is one moto evaluates correctly

    @property
    def statement_count(self) -> int:
        documents = [*self.identity, *([self.trust] if self.trust else [])]
        return sum(len(statements_of(d)) for d in documents)


def policy(statements: list[Document]) -> Document:
    return {"Version": "2012-10-17", "Statement": statements}


def statements_of(document: Document) -> list[Document]:
    statements = document["Statement"]
    items = statements if isinstance(statements, list) else [statements]
    return [item for item in items if isinstance(item, dict)]


def compact_size(document: Document) -> int:
    return len(json.dumps(document, separators=(",", ":")))
