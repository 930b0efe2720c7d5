"""CSV quote and escape options: RFC-4180 by default, a backslash escape when asked."""

from __future__ import annotations

import pytest
from tests.platform.sources.conftest import BUCKET, SourcesWorld

from rolegate.platform.errors import PlatformError
from rolegate.platform.sources import AssumeRoleConfiguration, CsvSource, SourceContext

RFC4180 = (
    "id,created_at,text\n"
    '1,2024-05-01T00:00:00,"say ""hi"""\n'
    '2,2024-05-01T00:01:00,"a, b"\n'
    '3,2024-05-01T00:02:00,"line one\nline two"\n'
    "4,2024-05-01T00:03:00,plain\n"
    '5,2024-05-01T00:04:00,""\n'
)
BACKSLASHED = (
    "id,created_at,text\n"
    '1,2024-05-01T00:00:00,"say \\"hi\\""\n'
    '2,2024-05-01T00:01:00,"back\\\\slash, comma"\n'
)
SINGLE_QUOTED = "id,created_at,text\n1,2024-05-01T00:00:00,'a, b'\n"


def source_of(world: SourcesWorld, key: str, body: str, **options: str | None) -> CsvSource:
    world.server.client("s3", world.customer).put_object(Bucket=BUCKET, Key=key, Body=body.encode())
    return CsvSource(
        key,
        "quoting",
        "created_at",
        world.path(key),
        filesystem_configuration=AssumeRoleConfiguration(world.customer_role),
        **options,  # type: ignore[arg-type]  # quote_character / escape_character
    )


def texts(source: CsvSource, context: SourceContext) -> list[str | None]:
    return source.read(context=context).column("text").to_pylist()


def test_rfc4180_quotes_commas_and_newlines(world: SourcesWorld, context: SourceContext) -> None:
    source = source_of(world, "quoting/rfc4180.csv", RFC4180)
    assert texts(source, context) == ['say "hi"', "a, b", "line one\nline two", "plain", ""]
    # Sampling goes through the streaming reader, which must agree.
    assert source.sample(rows=3, context=context)["text"].tolist() == [
        'say "hi"',
        "a, b",
        "line one\nline two",
    ]


def test_a_backslash_escape(world: SourcesWorld, context: SourceContext) -> None:
    escaped = source_of(world, "quoting/backslash.csv", BACKSLASHED, escape_character="\\")
    assert texts(escaped, context) == ['say "hi"', "back\\slash, comma"]


def test_without_the_escape_option_backslashes_stay_literal(
    world: SourcesWorld, context: SourceContext
) -> None:
    header, _, second = BACKSLASHED.splitlines()
    literal = source_of(world, "quoting/backslash-rfc.csv", f"{header}\n{second}\n")
    assert texts(literal, context) == ["back\\\\slash, comma"]


def test_another_quote_character(world: SourcesWorld, context: SourceContext) -> None:
    source = source_of(world, "quoting/single.csv", SINGLE_QUOTED, quote_character="'")
    assert texts(source, context) == ["a, b"]


def test_quote_options_are_single_characters() -> None:
    with pytest.raises(PlatformError, match="quote_character"):
        CsvSource("x", "", "created_at", "s3://bucket-a/x.csv", quote_character='""')
