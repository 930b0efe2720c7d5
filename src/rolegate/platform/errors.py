"""Platform errors say which step failed and what to change."""

from __future__ import annotations

from rolegate.platform.printable import printable


class PlatformError(Exception):
    """A step of the platform failed; `step` names it ("assume role", "list s3://b/p", ...)."""

    def __init__(self, step: str, message: str, hint: str = "") -> None:
        self.step = step
        self.message = message
        self.hint = hint
        super().__init__(self.describe())

    def describe(self) -> str:
        # Steps and messages quote keys and server answers, which anyone who can write to a
        # bucket or send a request chooses: printed with their control characters escaped.
        text = f"{printable(self.step)} failed: {printable(self.message)}"
        return f"{text}\n  what to do: {printable(self.hint)}" if self.hint else text
