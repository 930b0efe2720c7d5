"""Hypothesis strategies for glob patterns and the texts they are matched against, shared by the
wildcard properties (test_properties.py) and the matcher's agreement with the old regexes
(test_wildcard.py)."""

from __future__ import annotations

from hypothesis import strategies as st

# The five components of an ARN before the resource: never a colon inside.
COMPONENT_CHARS = "ab*?-."


@st.composite
def instantiated(draw: st.DrawFn, pattern: str, filler: str, run: int = 3) -> str:
    """A text that the glob `pattern` matches: each wildcard replaced by drawn characters."""
    out: list[str] = []
    for char in pattern:
        if char == "*":
            out.append(draw(st.text(alphabet=filler, max_size=run)))
        elif char == "?":
            out.append(draw(st.sampled_from(filler)))
        else:
            out.append(char)
    return "".join(out)


@st.composite
def near_texts(draw: st.DrawFn, pattern: str, chars: str, run: int = 3) -> str:
    """A text the pattern matches (wildcards filled in), often altered by one character, so
    often just not matching."""
    filler = chars.replace("*", "").replace("?", "") or "a"
    text = draw(instantiated(pattern, filler, run))
    if text and draw(st.booleans()):
        index = draw(st.integers(0, len(text) - 1))
        text = text[:index] + draw(st.sampled_from(chars)) + text[index + 1 :]
    return text


@st.composite
def glob_cases(
    draw: st.DrawFn, pattern_chars: str, text_chars: str, size: int = 10, run: int = 3
) -> tuple[str, str]:
    """A pattern, and a text near a match of it or any text."""
    pattern = draw(st.text(alphabet=pattern_chars, max_size=size))
    text = draw(
        st.one_of(near_texts(pattern, text_chars, run), st.text(alphabet=text_chars, max_size=size))
    )
    return pattern, text


@st.composite
def arn_patterns(draw: st.DrawFn, resource_chars: str) -> list[str]:
    """The six components of an ArnLike pattern."""
    components = [draw(st.text(alphabet=COMPONENT_CHARS, max_size=4)) for _ in range(5)]
    components.append(draw(st.text(alphabet=resource_chars, max_size=8)))
    return components


def randomise_case(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.swapcase() if flip else c for c, flip in zip(text, flips, strict=True))
