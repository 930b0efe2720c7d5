"""rolegate.policy — the IAM policy language, pure: parse, validate, compile, evaluate, explain.

No I/O, no clock, no wire format: the current time arrives in the request context.
"""

from rolegate.policy.compiled import CompiledPolicy, Statement
from rolegate.policy.context import RequestContext
from rolegate.policy.decision import Basis, Decision, EvaluationResult, StatementRef
from rolegate.policy.errors import ErrorCode, PolicyError, PolicyValidationError, Problem
from rolegate.policy.evaluate import evaluate
from rolegate.policy.kinds import Effect, PolicyKind, PolicyType, PolicyVersion
from rolegate.policy.parser import parse_policy, validate_policy
from rolegate.policy.principal import Principal, PrincipalType
from rolegate.policy.request import PolicySet, Request

__all__ = [
    "Basis",
    "CompiledPolicy",
    "Decision",
    "Effect",
    "ErrorCode",
    "EvaluationResult",
    "PolicyError",
    "PolicyKind",
    "PolicySet",
    "PolicyType",
    "PolicyValidationError",
    "PolicyVersion",
    "Principal",
    "PrincipalType",
    "Problem",
    "Request",
    "RequestContext",
    "Statement",
    "StatementRef",
    "evaluate",
    "parse_policy",
    "validate_policy",
]
