"""The request context: condition keys and their values, looked up case-insensitively.

UG/reference_policies_elements_condition.html: condition key names are case-insensitive, so keys are
stored lower-cased once and every lookup uses a lower-cased name. Every value is a tuple of strings:
single-valued keys hold one element, multivalued keys (aws:TagKeys, ...) any number. Typed values
(numbers, dates, booleans, IPs) keep their text; each condition operator parses what it needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

ContextValue = tuple[str, ...]


def _as_values(value: object) -> ContextValue:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, bool):
        return ("true" if value else "false",)
    if isinstance(value, int | float):
        return (str(value),)
    if isinstance(value, Iterable):
        return tuple(_scalar_text(item) for item in value)
    raise TypeError(f"unsupported context value {value!r}")


def _scalar_text(item: object) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, str | int | float):
        return str(item)
    raise TypeError(f"unsupported context value {item!r}")


class RequestContext(Mapping[str, ContextValue]):
    """An immutable mapping from lower-cased condition key to its values; keeps the names as given."""

    __slots__ = ("_names", "_values")

    def __init__(self, entries: Mapping[str, object] | None = None) -> None:
        values: dict[str, ContextValue] = {}
        names: dict[str, str] = {}
        for name, value in (entries or {}).items():
            lowered = name.lower()
            values[lowered] = _as_values(value)
            names[lowered] = name
        self._values = values
        self._names = names

    def __getitem__(self, key: str) -> ContextValue:
        return self._values[key.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names.values())

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._values

    def lookup(self, lowered_key: str) -> ContextValue | None:
        """The hot-path lookup: the caller has lower-cased the key once, at compile time."""
        return self._values.get(lowered_key)

    def layered(self, extra: Mapping[str, object]) -> RequestContext:
        """This context with `extra` on top (its keys win, compared case-insensitively); only
        `extra` is converted, so a context kept per caller is reused at the cost of a copy."""
        layer = RequestContext.__new__(RequestContext)
        values = dict(self._values)
        names = dict(self._names)
        for name, value in extra.items():
            lowered = name.lower()
            values[lowered] = _as_values(value)
            names[lowered] = name
        layer._values = values
        layer._names = names
        return layer

    def merged(self, extra: Mapping[str, object]) -> RequestContext:
        """A new context with `extra` added; its entries win over existing ones."""
        combined: dict[str, object] = {self._names[k]: v for k, v in self._values.items()}
        for name in list(combined):
            if name.lower() in {e.lower() for e in extra}:
                del combined[name]
        combined.update(extra)
        return RequestContext(combined)

    def __repr__(self) -> str:
        shown = {self._names[k]: list(v) for k, v in self._values.items()}
        return f"RequestContext({shown!r})"


EMPTY_CONTEXT = RequestContext()
