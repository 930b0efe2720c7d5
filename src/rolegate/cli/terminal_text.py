"""Strings from outside, ready for a rich table cell or a rich `print`.

rich reads `[...]` in a string as markup: a key `[/]` made `rolegate audit tail` raise
MarkupError (so one anonymous request hid the whole log), and `[link=...]` planted a link.
Terminals obey control characters. Every value a user, a bucket or a server chose goes through
`cell` before rich sees it; the JSON outputs need nothing (json.dumps escapes controls).
"""

from __future__ import annotations

from rich.markup import escape

from rolegate.platform.printable import printable


def cell(value: object) -> str:
    """`value` as text rich prints literally, with control characters shown as escapes.

    Newlines are kept: inside a table cell a line break cannot leave the cell's column, and
    explanations and policy problems are several lines."""
    return "\n".join(escape(printable(line)) for line in str(value).split("\n"))
