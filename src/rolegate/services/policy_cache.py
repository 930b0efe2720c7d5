"""Compiled policies by document text: a policy is parsed once and evaluated many times."""

from __future__ import annotations

from rolegate.policy.compiled import CompiledPolicy
from rolegate.policy.kinds import PolicyKind, PolicyType
from rolegate.policy.parser import parse_policy

_LIMIT = 4096


class PolicyCache:
    def __init__(self) -> None:
        self._compiled: dict[tuple[PolicyKind, PolicyType | None, str, str], CompiledPolicy] = {}

    def compile(
        self, text: str, kind: PolicyKind, policy_id: str, policy_type: PolicyType | None = None
    ) -> CompiledPolicy:
        """Stored documents were validated when written, so size limits are not checked again."""
        key = (kind, policy_type, policy_id, text)
        found = self._compiled.get(key)
        if found is None:
            found = parse_policy(
                text, kind, policy_id=policy_id, policy_type=policy_type, check_size=False
            )
            if len(self._compiled) >= _LIMIT:
                self._compiled.clear()
            self._compiled[key] = found
        return found
