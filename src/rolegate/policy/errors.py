"""Typed validation failures of the IAM policy language.

Every way a policy document can be wrong ends in a `Problem`; the parser collects all of them and
raises one `PolicyValidationError`, so `rolegate policy validate` can print every problem AWS would
report and the server can answer with the first one, as IAM does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """The AWS error code a problem maps to on the wire."""

    MALFORMED_POLICY_DOCUMENT = "MalformedPolicyDocument"
    MALFORMED_POLICY = "MalformedPolicy"  # S3's code for a bad bucket policy
    LIMIT_EXCEEDED = "LimitExceeded"
    VALIDATION_ERROR = "ValidationError"


# IAM's answer for an action or condition key without a service prefix; both elements share it.
NO_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a policy document.

    `pointer` is an RFC 6901 JSON pointer to the offending element ("" is the whole document).
    `line` and `column` are set for JSON syntax errors, where no pointer exists yet.
    """

    message: str
    pointer: str = ""
    code: ErrorCode = ErrorCode.MALFORMED_POLICY_DOCUMENT
    line: int | None = None
    column: int | None = None
    detail: str = ""  # what exactly is wrong, in plain words, when AWS's own text is terse

    def explain(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message

    def location(self) -> str:
        if self.line is not None:
            return f"line {self.line}, column {self.column}"
        return self.pointer or "/"


class PolicyError(Exception):
    """Base of every error the policy layer raises."""


class PolicyValidationError(PolicyError):
    """A document failed validation; `problems` lists every problem found, most important first."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("a validation error needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(problems[0].message)

    @property
    def code(self) -> ErrorCode:
        return self.problems[0].code

    @property
    def message(self) -> str:
        return self.problems[0].message
