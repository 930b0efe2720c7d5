"""The backtracking-free glob matcher (policy/wildcard.py) against the regexes it replaced.

Issue 10, finding 8: globs used to become regexes (`*` -> `.*`), which backtrack. The new matcher
must give the very same answers on every input, so the reference here is the old translation,
kept verbatim: `*` -> `.*`, `?` -> `.`, everything else escaped, DOTALL, fullmatch, IGNORECASE for
actions, `[^:]` for wildcards in the first five components of an ARN pattern.
"""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.policy.glob_strategies import arn_patterns, glob_cases, near_texts, randomise_case

from rolegate.policy import variables
from rolegate.policy.arn import ArnPattern
from rolegate.policy.wildcard import Glob, Token, any_glob, compile_tokens, fold_case, glob_matches

FAST = settings(max_examples=400, deadline=None)


# --- the old regexes, as the reference -------------------------------------------------------------


def old_source(pattern: str, any_char: str = ".") -> str:
    out: list[str] = []
    for char in pattern:
        if char == "*":
            out.append(f"{any_char}*")
        elif char == "?":
            out.append(any_char)
        else:
            out.append(re.escape(char))
    return "".join(out)


def old_matches(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch(old_source(pattern), text, flags) is not None


def old_tokens_match(tokens: tuple[Token, ...], text: str) -> bool:
    """variables.render_regex_source as it was: literal tokens escaped, pattern tokens globbed."""
    source = "".join(old_source(t) if is_pattern else re.escape(t) for t, is_pattern in tokens)
    return re.fullmatch(source, text, re.DOTALL) is not None


def old_arn_matches(pattern: str, arn: str) -> bool:
    parts = pattern.split(":", 5)
    if len(parts) != 6:
        raise ValueError(pattern)
    head = [old_source(p, "[^:]") for p in parts[:5]]
    return re.fullmatch(":".join([*head, old_source(parts[5])]), arn, re.DOTALL) is not None


# --- strategies ---------------------------------------------------------------------------------------

# Letters a pattern is made of, with regex metacharacters so that escaping is exercised too.
PATTERN_CHARS = "ab*?/:.+()[]\\$^|-\n"
TEXT_CHARS = "ab/:.+()[]\\$^|-\n*?"
# Characters re.IGNORECASE pairs beyond plain lower-casing (Turkish i, long s, Kelvin sign,
# final sigma...), and one whose full lower-case form is two characters (İ).
CASE_CHARS = "aAiIsSkK\u0130\u0131\u017f\u212a\u03a3\u03c3\u03c2\u00df\u1e9e\u00b5\u039c*?"


def cases(
    chars: str = PATTERN_CHARS, text_chars: str = TEXT_CHARS
) -> st.SearchStrategy[tuple[str, str]]:
    return glob_cases(chars, text_chars, size=12, run=4)


# --- agreement with the old regexes --------------------------------------------------------------------


@FAST
@given(cases())
def test_glob_agrees_with_the_old_regex(case: tuple[str, str]) -> None:
    pattern, text = case
    assert Glob.of(pattern).matches(text) == old_matches(pattern, text)
    assert glob_matches(pattern, text) == old_matches(pattern, text)


@FAST
@given(cases(CASE_CHARS, CASE_CHARS), st.data())
def test_case_folding_agrees_with_re_ignorecase(case: tuple[str, str], data: st.DataObject) -> None:
    pattern, text = case
    text = randomise_case(data.draw, text)
    expected = old_matches(pattern, text, ignore_case=True)
    assert glob_matches(pattern, text, ignore_case=True) == expected
    assert any_glob([fold_case(pattern)])(fold_case(text)) == expected


def test_fold_case_keeps_the_length() -> None:
    every = "".join(chr(c) for c in range(0x3000) if not 0xD800 <= c < 0xE000)
    assert len(fold_case(every)) == len(every)


@FAST
@given(st.lists(st.text(alphabet=PATTERN_CHARS, max_size=8), max_size=5), st.data())
def test_a_list_of_patterns_matches_when_any_does(patterns: list[str], data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(patterns)) if patterns else ""
    text = data.draw(st.one_of(near_texts(source, TEXT_CHARS), st.text(TEXT_CHARS, max_size=10)))
    assert any_glob(patterns)(text) == any(old_matches(p, text) for p in patterns)


@st.composite
def token_cases(draw: st.DrawFn) -> tuple[tuple[Token, ...], str]:
    tokens = tuple(
        draw(
            st.lists(
                st.tuples(st.text(alphabet=PATTERN_CHARS, max_size=5), st.booleans()), max_size=4
            )
        )
    )
    text = draw(
        st.one_of(
            st.just("".join(t for t, _ in tokens)),  # the literal reading of every token
            near_texts(
                "".join(t if p else t.replace("*", "").replace("?", "") for t, p in tokens),
                TEXT_CHARS,
            ),
            st.text(alphabet=TEXT_CHARS, max_size=12),
        )
    )
    return tokens, text


@FAST
@given(token_cases())
def test_literal_tokens_keep_their_wildcard_characters_literal(
    case: tuple[tuple[Token, ...], str],
) -> None:
    tokens, text = case
    assert compile_tokens(tokens).matches(text) == old_tokens_match(tokens, text)
    assert any_glob([tokens])(text) == old_tokens_match(tokens, text)


RESOURCE_CHARS = "ab*?-./:\n"


@st.composite
def arn_cases(draw: st.DrawFn) -> tuple[str, str]:
    pattern = ":".join(draw(arn_patterns(RESOURCE_CHARS)))
    arn = draw(st.one_of(near_texts(pattern, "ab-./:"), st.text(alphabet="ab-./:", max_size=20)))
    return pattern, arn


@FAST
@given(arn_cases())
def test_arn_patterns_agree_with_the_old_regex(case: tuple[str, str]) -> None:
    pattern, arn = case
    assert ArnPattern(pattern).matches(arn) == old_arn_matches(pattern, arn)


# --- the point of it: no input makes a match slow -------------------------------------------------------


def test_a_ten_wildcard_pattern_against_a_long_text_takes_linear_time() -> None:
    # The old regex needs hours for this (issue 10, finding 8); it must not even take a second.
    pattern = "B/" + "*a" * 10 + "*b"
    for size in (1_000, 100_000):
        text = "B/" + "a" * size
        started = time.perf_counter()
        assert not Glob.of(pattern).matches(text)
        assert not any_glob([pattern, "B/x*"])(text)
        assert not ArnPattern("arn:aws:s3:::" + pattern).matches("arn:aws:s3:::" + text)
        assert time.perf_counter() - started < 2.0


# --- policy variables are found without regexes too ----------------------------------------------------

OLD_VARIABLE = re.compile(r"\$\{([^}]*)\}")
OLD_DEFAULT = re.compile(r"^\s*([^,\s][^,]*?)\s*,\s*'([^']*)'\s*$")
VARIABLE_CHARS = "${}ab ,'\t\n:*?"


@FAST
@given(st.text(alphabet=VARIABLE_CHARS, max_size=30))
def test_variables_are_found_as_the_old_regex_found_them(text: str) -> None:
    expected = [(m.start(), m.end(), m.group(1)) for m in OLD_VARIABLE.finditer(text)]
    assert list(variables._variables(text)) == expected


@FAST
@given(st.text(alphabet=VARIABLE_CHARS, max_size=20))
def test_defaults_are_read_as_the_old_regex_read_them(body: str) -> None:
    found = OLD_DEFAULT.match(body)
    assert variables._with_default(body) == (found.groups() if found else None)


def test_unclosed_variables_and_long_spaces_take_linear_time() -> None:
    started = time.perf_counter()
    assert variables.Template.parse("${" * 50_000).parts == (variables.Literal("${" * 50_000),)
    assert variables._with_default("a" + " " * 100_000 + "x") is None
    assert time.perf_counter() - started < 2.0
