"""Glob patterns of the policy language, matched without backtracking.

`*` matches any run of characters (including none) and `?` exactly one character
(UG/reference_policies_elements_action.html, UG/reference_policies_elements_resource.html,
StringLike in UG/reference_policies_elements_condition_operators.html).

Why not a regular expression: `b/*a*a*a*b` as the regex `b/.*a.*a.*a.*b` backtracks, and on a
text that almost matches it tries every way of placing the `a`s: O(n^k) for k stars. Policies
(a bucket policy, a session policy) are written by whoever calls us and the text (an object key)
is chosen by whoever calls us, and matching runs on the event loop: one request could stall
every tenant (issue 10, finding 8).

Here a pattern is split at its stars into segments of fixed length (literal characters and `?`).
The first segment must match at the start of the text, the last one at its end, and each one in
between is taken at its left-most place after the one before. That choice is never wrong: if the
segments fit in some places, moving one to an earlier fit leaves more room for those after it,
and the star that follows absorbs the slack. Nothing is retried, so a match costs at most
O(len(text) x len(pattern)) and, with `str.find` locating the literal runs, about O(len(text))
in practice. Patterns are parsed once (cached); a list of patterns is sorted into exact texts
(a set lookup), prefixes (`bucket/*`: one `str.startswith` call for all of them) and the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

# A piece of policy text and whether its `*` and `?` are wildcards: `${*}`, `${?}` (policy
# variables' escapes) and substituted values are literal text (UG/reference_policies_variables.html).
Token = tuple[str, bool]
Matcher = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class Segment:
    """The part of a pattern between two stars: literal runs at fixed offsets, `?` in the gaps."""

    length: int
    pieces: tuple[tuple[int, str], ...]  # (offset, literal text), none of it empty
    # For a segment of several runs (`a?c`): the segment alone as a regex without stars. It
    # cannot backtrack beyond the segment's own length, and it scans for places in C.
    regex: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regex = None
        if len(self.pieces) > 1:
            source: list[str] = []
            reached = 0
            for offset, piece in self.pieces:
                source.append(f".{{{offset - reached}}}{re.escape(piece)}")
                reached = offset + len(piece)
            source.append(f".{{{self.length - reached}}}")
            regex = re.compile("".join(source), re.DOTALL)
        object.__setattr__(self, "regex", regex)

    @property
    def literal(self) -> str | None:
        """The segment's text when it has no `?`, else None."""
        if not self.pieces:
            return "" if self.length == 0 else None
        if len(self.pieces) == 1 and len(self.pieces[0][1]) == self.length:
            return self.pieces[0][1]
        return None

    def at(self, text: str, start: int) -> bool:
        """Whether the segment matches `text` at `start` (the caller checked the length)."""
        for offset, piece in self.pieces:  # noqa: SIM110 - a loop is faster than all(<generator>)
            if not text.startswith(piece, start + offset):
                return False
        return True

    def find(self, text: str, start: int, stop: int) -> int:
        """The left-most index in [start, stop - length] where the segment matches, else -1."""
        if stop - self.length < start:
            return -1
        regex = self.regex
        if regex is not None:
            found = regex.search(text, start, stop)
            return -1 if found is None else found.start()
        if not self.pieces:  # only `?`: any place fits
            return start
        offset, piece = self.pieces[0]  # one literal run, maybe with `?` around it
        found_at = text.find(piece, start + offset, stop - self.length + offset + len(piece))
        return found_at if found_at < 0 else found_at - offset


_EMPTY = Segment(0, ())


@dataclass(frozen=True, slots=True)
class Glob:
    """A compiled glob: `head`, then for each star the next segment; `tail` None without stars.

    `matches(text)` is a function built for the pattern's shape: the usual shapes (`a*b`,
    `a*b*`, stars between literal text) reduce to `startswith`/`endswith`/`find` calls.
    """

    head: Segment
    middle: tuple[Segment, ...]
    tail: Segment | None
    min_length: int
    matches: Matcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "matches", _matcher(self))

    @classmethod
    def of(cls, pattern: str) -> Glob:
        return compile_tokens(((pattern, True),))

    @property
    def exact(self) -> str | None:
        """The one text the pattern matches when it has no wildcard."""
        return self.head.literal if self.tail is None else None

    @property
    def prefix(self) -> str | None:
        """`text*`: the prefix every match starts with and that is enough to match."""
        if self.tail is None or self.middle or self.tail.length:
            return None
        return self.head.literal


def _matcher(glob: Glob) -> Matcher:
    head, middle, tail, min_length = glob.head, glob.middle, glob.tail, glob.min_length
    if tail is None:
        exact = head.literal
        if exact is not None:
            return exact.__eq__
        return lambda text: len(text) == min_length and head.at(text, 0)
    first, last = head.literal, tail.literal
    literals = [s.literal for s in middle]
    if first is not None and last is not None and None not in literals:
        return _literal_matcher(first, tuple(m for m in literals if m is not None), last)

    def matches(text: str) -> bool:
        size = len(text)
        if size < min_length:
            return False
        end = size - tail.length
        if not (head.at(text, 0) and tail.at(text, end)):
            return False
        position = head.length
        for segment in middle:
            found = segment.find(text, position, end)
            if found < 0:
                return False
            position = found + segment.length
        return True

    return matches


def _literal_matcher(head: str, middle: tuple[str, ...], tail: str) -> Matcher:
    """A glob whose segments are plain text (no `?`): string methods only."""
    start = len(head)
    min_length = start + len(tail) + sum(map(len, middle))
    if not middle:
        if not tail:
            return lambda text: text.startswith(head)
        return lambda text: (
            len(text) >= min_length and text.startswith(head) and text.endswith(tail)
        )
    if len(middle) == 1 and not tail:
        only = middle[0]
        return lambda text: text.startswith(head) and text.find(only, start) >= 0

    def matches(text: str) -> bool:
        size = len(text)
        if size < min_length or not (text.startswith(head) and text.endswith(tail)):
            return False
        end = size - len(tail)
        position = start
        for segment in middle:
            found = text.find(segment, position, end)
            if found < 0:
                return False
            position = found + len(segment)
        return True

    return matches


def _segments(tokens: Iterable[Token]) -> list[Segment]:
    """The pattern's segments, split at its wildcard stars: one more than there are stars."""
    segments: list[Segment] = []
    pieces: list[tuple[int, str]] = []
    run: list[str] = []
    length = 0
    run_start = 0

    def close_run() -> None:
        if run:
            pieces.append((run_start, "".join(run)))
            run.clear()

    for text, is_pattern in tokens:
        if not is_pattern or ("*" not in text and "?" not in text):
            if not run:
                run_start = length
            run.append(text)
            length += len(text)
            continue
        for char in text:
            if char == "*":
                close_run()
                segments.append(Segment(length, tuple(pieces)))
                pieces.clear()
                length = 0
            elif char == "?":
                close_run()
                length += 1
            else:
                if not run:
                    run_start = length
                run.append(char)
                length += 1
    close_run()
    segments.append(Segment(length, tuple(pieces)))
    return segments


@lru_cache(maxsize=4096)
def compile_tokens(tokens: tuple[Token, ...]) -> Glob:
    """The glob of policy text given as tokens (see `Token`); cached, patterns recur."""
    segments = [s if s.length else _EMPTY for s in _segments(tokens)]
    if len(segments) == 1:
        return Glob(segments[0], (), None, segments[0].length)
    middle = tuple(s for s in segments[1:-1] if s.length)  # `**` is `*`
    total = sum(s.length for s in segments)
    return Glob(segments[0], middle, segments[-1], total)


def glob_matches(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    if ignore_case:
        pattern, text = fold_case(pattern), fold_case(text)
    return Glob.of(pattern).matches(text)


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def _never(text: str) -> bool:
    return False


def _always(text: str) -> bool:
    return True


def any_glob(patterns: Iterable[str | tuple[Token, ...]]) -> Matcher:
    """One test for a list of patterns: true when any matches.

    Most policies list exact texts and `prefix*` patterns: those cost one set lookup and one
    `str.startswith` for the whole list; only the others are matched one by one.
    """
    globs = [
        Glob.of(p) if isinstance(p, str) else compile_tokens(p)
        for p in dict.fromkeys(patterns)  # in order, each once
    ]
    exact = frozenset(g.exact for g in globs if g.exact is not None)
    prefixes = tuple(sorted({p for g in globs if (p := g.prefix) is not None}))
    others = tuple(g.matches for g in globs if g.exact is None and g.prefix is None)
    if "" in prefixes:  # a lone `*`
        return _always
    if not others:
        if not prefixes:
            return exact.__contains__ if exact else _never
        if not exact:
            return lambda text: text.startswith(prefixes)
        return lambda text: text in exact or text.startswith(prefixes)

    def test(text: str) -> bool:
        if text in exact or text.startswith(prefixes):
            return True
        for matches in others:  # noqa: SIM110 - a loop is faster than any(<generator>)
            if matches(text):
                return True
        return False

    return test


# --- case-insensitive matching ---------------------------------------------------------------------

# Action names match case-insensitively; the regexes this module replaced used re.IGNORECASE, and
# folding keeps their answers: two characters are equal under it when their simple lower-case forms
# are, or when CPython's table of extra equivalences (re._casefix._EXTRA_CASES, 3.11) pairs them.
# Each such class is folded to one member here. Folding never changes a text's length, so `?`
# still stands for one character.
_EXTRA_CASES = (
    "i\u0131",
    "s\u017f",
    "\u00b5\u03bc",
    "\u0345\u03b9\u1fbe",
    "\u0390\u1fd3",
    "\u03b0\u1fe3",
    "\u03b2\u03d0",
    "\u03b5\u03f5",
    "\u03b8\u03d1",
    "\u03ba\u03f0",
    "\u03c0\u03d6",
    "\u03c1\u03f1",
    "\u03c2\u03c3",
    "\u03c6\u03d5",
    "\u0432\u1c80",
    "\u0434\u1c81",
    "\u043e\u1c82",
    "\u0441\u1c83",
    "\u0442\u1c84\u1c85",
    "\u044a\u1c86",
    "\u0463\u1c87",
    "\u1c88\ua64b",
    "\u1e61\u1e9b",
    "\ufb05\ufb06",
)
_FOLD = {ord(char): group[0] for group in _EXTRA_CASES for char in group[1:]}


def fold_case(text: str) -> str:
    """`text` with case folded as re.IGNORECASE compares characters (see _EXTRA_CASES)."""
    if text.isascii():
        return text.lower()
    # İ's full lower-case form is two characters; its simple one, which re uses, is "i".
    return text.replace("\u0130", "i").lower().translate(_FOLD)
