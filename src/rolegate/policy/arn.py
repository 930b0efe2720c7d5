"""Amazon Resource Names: parsing and the per-segment comparison of the Arn* condition operators.

UG/reference_identifiers.html: `arn:partition:service:region:account-id:resource`, where the
resource part may itself hold `/` and `:`. UG/reference_policies_elements_condition_operators.html
(ARN condition operators): both ARNs are split into their six colon-delimited components and each is
matched on its own, so a wildcard never crosses a colon there — unlike `StringLike`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolegate.policy.wildcard import Matcher, any_glob, has_wildcard


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


class ArnPattern:
    """A compiled ArnLike/ArnEquals value (or several, any of which may match).

    Each value is split into its six components and each component is a glob of its own, matched
    against the same component of the request's ARN: a wildcard cannot cross a colon except in the
    resource component, which takes the rest of the ARN. Most values have wildcards only in the
    resource (`arn:aws:iam::111122223333:role/app-*`): for those, matching the whole ARN against
    the whole value as one glob is the same test (the five colons of the literal head pin the
    components), so they share one `any_glob` (a prefix test for the example). The others are
    matched component by component.
    """

    __slots__ = ("matches",)

    def __init__(self, *patterns: str) -> None:
        whole: list[str] = []
        split: list[tuple[tuple[int, Matcher], ...]] = []
        for pattern in dict.fromkeys(patterns):
            components = split_arn(pattern)
            if components is None:
                raise ValueError(f"not an ARN pattern: {pattern!r}")
            if not any(has_wildcard(component) for component in components[:5]):
                whole.append(pattern)
                continue
            split.append(
                tuple(
                    (index, any_glob((component,)))
                    for index, component in enumerate(components)
                    if component != "*"
                )
            )
        by_text = any_glob(whole)
        if not split:
            self.matches: Matcher = by_text
            return
        by_component = tuple(split)

        def matches(arn: str) -> bool:
            if by_text(arn):
                return True
            parts = arn.split(":", 5)
            if len(parts) != 6:
                return False
            for checks in by_component:
                for index, test in checks:
                    if not test(parts[index]):
                        break
                else:
                    return True
            return False

        self.matches = matches


def is_arn_shaped(text: str) -> bool:
    return split_arn(text) is not None and text.startswith("arn:")
