"""IAM names, paths and ARNs (UG/reference_identifiers.html).

The wire layer checks each name and path against the model's patterns (a path begins and ends with
`/`); what is left is forming ARNs as IAM does, `arn:aws:iam::ACCOUNT:KIND{path}{name}`, and
reading them back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rolegate.model import PolicyOwnerKind

DEFAULT_PATH = "/"
AWS_ACCOUNT = "aws"  # the "account" of AWS managed policies: arn:aws:iam::aws:policy/NAME

_PATH = r"/(?:[\x21-\x7e]*/)?"
_NAME = r"[\w+=,.@-]+"
_POLICY_ARN = re.compile(rf"arn:aws:iam::(\d{{12}}|aws):policy({_PATH})({_NAME})")
_ENTITY_ARN = re.compile(rf"arn:aws:iam::(\d{{12}}):(user|role|group)({_PATH})({_NAME})")


@dataclass(frozen=True, slots=True)
class ParsedArn:
    account: str
    kind: str  # "policy", "user", "role" or "group"
    path: str
    name: str


def entity_arn(account_id: str, kind: PolicyOwnerKind, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:{kind.value}{path}{name}"


def policy_arn(account_id: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:policy{path}{name}"


def parse_policy_arn(arn: str) -> ParsedArn | None:
    found = _POLICY_ARN.fullmatch(arn)
    if found is None:
        return None
    return ParsedArn(found.group(1), "policy", found.group(2), found.group(3))


def parse_entity_arn(arn: str) -> ParsedArn | None:
    """A user, role or group ARN of an account."""
    found = _ENTITY_ARN.fullmatch(arn)
    if found is None:
        return None
    return ParsedArn(found.group(1), found.group(2), found.group(3), found.group(4))


def under_path(path: str, prefix: str | None) -> bool:
    """PathPrefix filtering: `/a/` lists `/a/` and `/a/b/`; no prefix means `/`, everything."""
    return path.startswith(prefix or DEFAULT_PATH)
