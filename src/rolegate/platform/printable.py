"""Text from outside (object keys, server messages, session names) made safe to print.

A terminal obeys the control characters in what it prints: ESC starts sequences that retitle the
window, hide or rewrite earlier lines, or (OSC 8, OSC 52) plant links and fill the clipboard; CR
and BS overwrite what was printed; bidirectional overrides show text in another order than it
is. Each is shown as its `\\xNN`/`\\uNNNN` escape instead, so a hostile key reads as what it is.
"""

from __future__ import annotations

import re

# C0 (but tab and newline are not kept either: a key must not start a fake line), DEL, C1,
# and the Unicode bidirectional controls (Trojan Source, CVE-2021-42574).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control character replaced by its escape; plain text is returned as is."""
    return _UNSAFE.sub(_escaped, text)
