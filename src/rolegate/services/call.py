"""One authenticated API call as every operation handler receives it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from rolegate.model import AccessKey, Session, User
from rolegate.policy.decision import EvaluationResult
from rolegate.policy.principal import Principal


@dataclass(frozen=True, slots=True)
class Caller:
    """Who signed the request: an account root, an IAM user, or a role session."""

    principal: Principal
    account_id: str
    access_key_id: str
    access_key: AccessKey | None = None  # long-term key (root or user)
    user: User | None = None
    session: Session | None = None

    @property
    def is_root(self) -> bool:
        return self.access_key is not None and self.access_key.user_name is None

    @property
    def arn(self) -> str:
        return self.principal.arn


class Authorize(Protocol):
    """(action, resource ARN, the operation's own condition keys) -> None, or raises AwsError
    AccessDenied with the explained message. The keys join the request's global ones: what the
    request asks for and what it acts on (tags, a boundary, a policy ARN)."""

    def __call__(
        self, action: str, resource: str, keys: Mapping[str, object] | None = None
    ) -> None: ...


# (action, resource ARN, result): notes a decision made inside a handler for the audit log.
RecordDecision = Callable[[str, str, EvaluationResult], None]


def _ignore(action: str, resource: str, result: EvaluationResult) -> None:
    return None


def _deny_everything(  # pragma: no cover - a safe default
    action: str, resource: str, keys: Mapping[str, object] | None = None
) -> None:
    raise PermissionError(f"no authorizer wired for {action} on {resource}")


@dataclass(frozen=True, slots=True)
class Call:
    operation: str
    params: Mapping[str, object]
    caller: Caller
    now: datetime
    request_id: str
    region: str = "us-east-1"
    source_ip: str = "127.0.0.1"
    authorize: Authorize = field(default=_deny_everything, repr=False)
    # The global condition keys of this request (time, source IP, ids...), for handlers that
    # evaluate policies themselves, such as AssumeRole against a trust policy.
    context: Mapping[str, object] = field(default_factory=dict, repr=False)
    record: RecordDecision = field(default=_ignore, repr=False)


Operation = Callable[[Call], Mapping[str, object]]
