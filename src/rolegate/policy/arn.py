"""Amazon Resource Names: parsing and the per-segment comparison of the Arn* condition operators.

UG/reference_identifiers.html: `arn:partition:service:region:account-id:resource`, where the
resource part may itself hold `/` and `:`. UG/reference_policies_elements_condition_operators.html
(ARN condition operators): both ARNs are split into their six colon-delimited components and each is
matched on its own, so a wildcard never crosses a colon there — unlike `StringLike`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rolegate.policy.wildcard import glob_regex


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
    """A compiled ArnLike/ArnEquals value: one anchored regex per component.

    The policy value may hold wildcards in any component; the resource component is matched as a
    whole (its own colons included) because the split stops after the fifth colon.
    """

    __slots__ = ("_components",)

    def __init__(self, pattern: str) -> None:
        components = split_arn(pattern)
        if components is None:
            raise ValueError(f"not an ARN pattern: {pattern!r}")
        self._components: tuple[re.Pattern[str], ...] = tuple(
            glob_regex(component) for component in components
        )

    def matches(self, arn: str) -> bool:
        components = split_arn(arn)
        if components is None:
            return False
        return all(
            regex.fullmatch(part) is not None
            for regex, part in zip(self._components, components, strict=True)
        )


def is_arn_shaped(text: str) -> bool:
    return split_arn(text) is not None and text.startswith("arn:")
