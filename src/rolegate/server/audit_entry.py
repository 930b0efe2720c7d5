"""What the audit log says about one request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rolegate.policy.decision import EvaluationResult
from rolegate.policy.explain import deciding_statements, reason
from rolegate.server.exchange import Exchange
from rolegate.services.call import Caller
from rolegate.services.request_context import iso_time


@dataclass(slots=True)
class AuditTrail:
    """Collects the decisions made while serving one request, and who made it: the caller is
    recorded as soon as the request is authenticated, so a refusal names them too."""

    decisions: list[dict[str, object]] = field(default_factory=list)
    caller_arn: str | None = None
    principal_arn: str | None = None

    def identify(self, caller: Caller) -> None:
        self.caller_arn = caller.arn
        self.principal_arn = caller.principal.principal_arn

    def record(self, action: str, resource: str, result: EvaluationResult) -> None:
        self.decisions.append(
            {
                "action": action,
                "resource": resource,
                "decision": result.decision.value,
                "reason": reason(result, action),
                "statements": deciding_statements(result),
            }
        )

    def entry(
        self,
        exchange: Exchange,
        service: str,
        operation: str,
        status: int,
        error_code: str | None,
    ) -> dict[str, object]:
        return self.entry_for(
            exchange.now,
            exchange.request_id,
            exchange.client_ip,
            service,
            operation,
            status,
            error_code,
        )

    def entry_for(
        self,
        now: datetime,
        request_id: str,
        client_ip: str,
        service: str,
        operation: str,
        status: int,
        error_code: str | None,
    ) -> dict[str, object]:
        last = self.decisions[-1] if self.decisions else None
        return {
            "time": iso_time(now),
            "request_id": request_id,
            "service": service,
            "operation": operation,
            "caller": self.caller_arn,
            "principal_arn": self.principal_arn,
            "action": last["action"] if last else None,
            "resource": last["resource"] if last else None,
            "decision": last["decision"] if last else None,
            "decisions": self.decisions,
            "source_ip": client_ip,
            "status": status,
            "error": error_code,
        }
