"""Platform errors say which step failed and what to change."""

from __future__ import annotations


class PlatformError(Exception):
    """A step of the platform failed; `step` names it ("assume role", "list s3://b/p", ...)."""

    def __init__(self, step: str, message: str, hint: str = "") -> None:
        self.step = step
        self.message = message
        self.hint = hint
        super().__init__(self.describe())

    def describe(self) -> str:
        text = f"{self.step} failed: {self.message}"
        return f"{text}\n  what to do: {self.hint}" if self.hint else text
