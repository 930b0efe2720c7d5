"""Glob patterns of the policy language turned into anchored regular expressions, compiled once.

`*` matches any run of characters (including none) and `?` exactly one character
(UG/reference_policies_elements_action.html, UG/reference_policies_elements_resource.html,
StringLike in UG/reference_policies_elements_condition_operators.html).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


def glob_to_regex_source(pattern: str, *, any_char: str = ".") -> str:
    """Regex source (unanchored) for a glob: `*` -> `.*`, `?` -> `.`, everything else literal.

    `any_char` is what a wildcard may stand for: `[^:]` keeps it inside one ARN component.
    """
    out: list[str] = []
    literal: list[str] = []
    for char in pattern:
        if char in "*?":
            if literal:
                out.append(re.escape("".join(literal)))
                literal.clear()
            out.append(f"{any_char}*" if char == "*" else any_char)
        else:
            literal.append(char)
    if literal:
        out.append(re.escape("".join(literal)))
    return "".join(out)


@lru_cache(maxsize=4096)
def glob_regex(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """An anchored, compiled regex for one glob; use `.fullmatch`."""
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(glob_to_regex_source(pattern), flags)


def any_glob_regex(patterns: Iterable[str], *, ignore_case: bool = False) -> re.Pattern[str]:
    """One regex matching when any of the globs matches: a list of patterns costs one match call."""
    sources = sorted({glob_to_regex_source(p) for p in patterns})
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile("|".join(f"(?:{s})" for s in sources) or "(?!)", flags)


def glob_matches(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    return glob_regex(pattern, ignore_case=ignore_case).fullmatch(text) is not None


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern
