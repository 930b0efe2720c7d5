"""Amazon Resource Names: parsing and the per-segment comparison of the Arn* condition operators.

UG/reference_identifiers.html: `arn:partition:service:region:account-id:resource`, where the
resource part may itself hold `/` and `:`. UG/reference_policies_elements_condition_operators.html
(ARN condition operators): both ARNs are split into their six colon-delimited components and each is
matched on its own, so a wildcard never crosses a colon there — unlike `StringLike`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rolegate.policy.wildcard import glob_to_regex_source


@dataclass(frozen=True, slots=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def parse(cls, text: str) -> Arn | None:
        """Split an ARN into its parts; None when `text` does not have the six components."""
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            return None
        return cls(parts[1], parts[2], parts[3], parts[4], parts[5])

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def split_arn(text: str) -> tuple[str, ...] | None:
    """The six components of an ARN, or None when it has fewer."""
    parts = tuple(text.split(":", 5))
    return parts if len(parts) == 6 else None


def _component_source(component: str) -> str:
    """Regex source for one of the first five components: its wildcards stop at a colon."""
    return glob_to_regex_source(component, any_char="[^:]")


def arn_pattern_source(pattern: str) -> str | None:
    """One regex source for a whole ArnLike value, or None when it has fewer than six components.

    The first five components cannot hold a colon, so they line up with the request ARN's first
    five; the resource component takes the rest, its own colons included.
    """
    components = split_arn(pattern)
    if components is None:
        return None
    head = [_component_source(component) for component in components[:5]]
    return ":".join([*head, glob_to_regex_source(components[5])])


class ArnPattern:
    """A compiled ArnLike/ArnEquals value (or several, any of which may match): one regex.

    Matching each component on its own would cost six regex calls; one anchored regex whose
    wildcards cannot cross a colon outside the resource component gives the same answer.
    """

    __slots__ = ("regex",)

    def __init__(self, *patterns: str) -> None:
        sources = []
        for pattern in patterns:
            source = arn_pattern_source(pattern)
            if source is None:
                raise ValueError(f"not an ARN pattern: {pattern!r}")
            sources.append(f"(?:{source})")
        self.regex = re.compile("|".join(sources) or "(?!)", re.DOTALL)

    def matches(self, arn: str) -> bool:
        return self.regex.fullmatch(arn) is not None


def is_arn_shaped(text: str) -> bool:
    return split_arn(text) is not None and text.startswith("arn:")
