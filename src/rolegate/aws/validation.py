"""Input validation against a botocore model's constraints, worded the way AWS words it.

AWS answers a request that breaks the model's constraints with `ValidationError` (HTTP 400) and
a message like (real responses, quoted in public issue threads):

    1 validation error detected: Value 'PowerUser/hjacobs' at 'roleSessionName' failed to satisfy
    constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*

    2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: Member must
    satisfy regular expression pattern: [...]; Value '' at 'roleArn' failed to satisfy
    constraint: Member must have length greater than or equal to 20

Where this module had to choose (documented in the report that came with it):
- members are checked in model order; for one string value the pattern failure comes before the
  length failure (as in the second example above); a list's own length before its elements;
- a list element is `<list>.<index>.member` ('tags.6.member.value', seen from IAM CreateUser);
- a map's keys and values are reported once per map with the full constraint list, as in
  `... at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must
  have length less than or equal to 256, ...]`;
- a member whose shape the model marks `sensitive` is reported as `Value at '...'`, without the
  value, so a password or token is never echoed back;
- lists print like Java lists `[a, b]`, structures and maps like Java maps `{Key=k, Value=v}`.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from rolegate.aws.shapes import Facts, Shape, compile_pattern, format_timestamp, lower_camel

_NUMBERS = frozenset({"integer", "long", "float", "double"})


# --- the fast check -------------------------------------------------------------------------------
#
# Almost every request is valid, and wording AWS's messages in model order is the slow part of
# validating. So a request is first checked by a `Validator` planned once per input shape: one
# closure per shape that tests only the constraints the shape has, and a structure's closure
# looks only at the members the request has. Only if that finds a failure does
# `validation_errors` walk the botocore shape to word every failure. A Validator must pass
# exactly what `validation_errors` finds nothing in (a test checks the two agree on random
# params), so each closure below mirrors its counterpart in the walk.

_Check = Callable[[object], bool]  # True when the value breaks none of its shape's constraints


class Validator:
    """Whether params of the input structure `facts` pass the model's constraints."""

    __slots__ = ("_check", "_memo")

    def __init__(self, facts: Facts) -> None:
        self._memo: dict[Facts, _Check] = {}
        self._check = self._value(facts)

    def __call__(self, params: Mapping[str, object]) -> bool:
        return self._check(params)

    def _value(self, facts: Facts) -> _Check:
        """Mirrors `_value`: nested shapes are looked into, scalars as `_scalar_failures`."""
        found = self._memo.get(facts)
        if found is not None:
            return found
        # Stored before it is built, so a recursive shape's check calls back into itself.
        cell: list[_Check] = []

        def forward(value: object) -> bool:
            return cell[0](value)

        self._memo[facts] = forward
        check: _Check
        if facts.kind == "structure":
            check = self._structure(facts)
        elif facts.kind == "list":
            check = self._list(facts)
        elif facts.kind == "map":
            check = self._map(facts)
        else:
            check = _scalar_check(facts) or _anything
        cell.append(check)
        self._memo[facts] = check
        return check

    def _structure(self, facts: Facts) -> _Check:
        required = facts.required
        checks = {member.name: self._value(member.facts) for member in facts.members}
        # A member with nothing to break is not looked at.
        checks = {name: check for name, check in checks.items() if check is not _anything}

        def check(value: object) -> bool:
            if type(value) is not dict and not isinstance(value, Mapping):
                return True  # not looked into, as `_scalar_failures` has nothing for it
            get = value.get
            for name in required:
                if get(name) is None:
                    return False
            for name, item in value.items():
                member = checks.get(name)
                if member is not None and item is not None and not member(item):
                    return False
            return True

        return check

    def _list(self, facts: Facts) -> _Check:
        assert facts.member is not None
        element = self._value(facts.member)
        low, high = _bounds(facts)

        def check(value: object) -> bool:
            if not isinstance(value, list):
                return True
            if len(value) < low or len(value) > high:
                return False
            for item in value:  # noqa: SIM110 - a loop, not all(generator): this runs per request
                if item is not None and not element(item):
                    return False
            return True

        return check

    def _map(self, facts: Facts) -> _Check:
        assert facts.key is not None and facts.value is not None
        key = _scalar_check(facts.key) or _anything
        element = _scalar_check(facts.value) or _anything
        low, high = _bounds(facts)

        def check(value: object) -> bool:
            if not isinstance(value, Mapping):
                return True
            if len(value) < low or len(value) > high:
                return False
            return all(key(item) for item in value) and all(
                item is None or element(item) for item in value.values()
            )

        return check


def _anything(value: object) -> bool:
    return True


def _bounds(facts: Facts) -> tuple[float, float]:
    """The model's min and max, absent ones as infinities (a NaN still compares False)."""
    low = -math.inf if facts.low is None else facts.low
    high = math.inf if facts.high is None else facts.high
    return low, high


def _scalar_check(facts: Facts) -> _Check | None:
    """Mirrors `_scalar_failures`: None when the shape has nothing a value could break."""
    low, high = _bounds(facts)
    bounded = facts.low is not None or facts.high is not None
    if facts.kind == "string" and (bounded or facts.enum is not None or facts.regex is not None):
        enum, regex = facts.enum, facts.regex

        def string(value: object) -> bool:
            if not isinstance(value, str):
                return True
            if len(value) < low or len(value) > high:
                return False
            if enum is not None and value not in enum:
                return False
            return regex is None or regex.fullmatch(value) is not None

        return string
    if facts.kind == "blob" and bounded:

        def blob(value: object) -> bool:
            return not isinstance(value, bytes | str) or not (len(value) < low or len(value) > high)

        return blob
    if facts.kind in _NUMBERS and bounded:

        def number(value: object) -> bool:
            return not isinstance(value, int | float) or not (value < low or value > high)

        return number
    return None


# --- the messages ---------------------------------------------------------------------------------


def validation_errors(shape: Shape, params: Mapping[str, object]) -> list[str]:
    """Every constraint `params` breaks, as AWS's `Value ... at ... failed to ...` clauses."""
    errors: list[str] = []
    _structure(shape, params, "", errors)
    return errors


def validation_message(errors: Sequence[str]) -> str:
    """`1 validation error detected: ...` / `2 validation errors detected: ...; ...`."""
    noun = "error" if len(errors) == 1 else "errors"
    return f"{len(errors)} validation {noun} detected: " + "; ".join(errors)


def _structure(shape: Shape, value: Mapping[str, object], path: str, errors: list[str]) -> None:
    required = set(shape.required_members)
    for name, member in shape.members.items():
        member_path = f"{path}.{lower_camel(name)}" if path else lower_camel(name)
        item = value.get(name)
        if item is None:
            if name in required:
                errors.append(_clause(member, None, member_path, "Member must not be null"))
            continue
        _value(member, item, member_path, errors)


def _value(shape: Shape, value: object, path: str, errors: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        _structure(shape, value, path, errors)
    elif kind == "list" and isinstance(value, list):
        for failure in _length_failures(shape, len(value)):
            errors.append(_clause(shape, value, path, failure))
        for index, item in enumerate(value, 1):
            if item is not None:
                _value(shape.member, item, f"{path}.{index}.member", errors)
    elif kind == "map" and isinstance(value, Mapping):
        _map(shape, value, path, errors)
    else:
        for failure in _scalar_failures(shape, value):
            errors.append(_clause(shape, value, path, failure))


def _map(shape: Shape, value: Mapping[object, object], path: str, errors: list[str]) -> None:
    for failure in _length_failures(shape, len(value)):
        errors.append(_clause(shape, value, path, failure))
    if any(_scalar_failures(shape.key, key) for key in value):
        constraints = ", ".join(_all_constraints(shape.key))
        text = f"Map keys must satisfy constraint: [{constraints}]"
        errors.append(_clause(shape, value, path, text))
    if any(item is not None and _scalar_failures(shape.value, item) for item in value.values()):
        constraints = ", ".join(_all_constraints(shape.value))
        text = f"Map value must satisfy constraint: [{constraints}]"
        errors.append(_clause(shape, value, path, text))


def _scalar_failures(shape: Shape, value: object) -> list[str]:
    """The constraints a scalar breaks (nested shapes inside a map are not looked into)."""
    metadata = shape.metadata
    failures: list[str] = []
    if shape.type_name == "string" and isinstance(value, str):
        enum = metadata.get("enum")
        if enum and value not in enum:
            failures.append(_enum_text(enum))
        pattern = metadata.get("pattern")
        if pattern is not None:
            compiled = compile_pattern(pattern)
            if compiled is not None and compiled.fullmatch(value) is None:
                failures.append(_pattern_text(pattern))
        failures.extend(_length_failures(shape, len(value)))
    elif shape.type_name == "blob" and isinstance(value, bytes | str):
        failures.extend(_length_failures(shape, len(value)))
    elif shape.type_name in _NUMBERS and isinstance(value, int | float):
        low, high = metadata.get("min"), metadata.get("max")
        if low is not None and value < low:
            failures.append(f"Member must have value greater than or equal to {_number(low)}")
        if high is not None and value > high:
            failures.append(f"Member must have value less than or equal to {_number(high)}")
    return failures


def _length_failures(shape: Shape, length: int) -> list[str]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if high is not None and length > high:
        return [f"Member must have length less than or equal to {_number(high)}"]
    if low is not None and length < low:
        return [f"Member must have length greater than or equal to {_number(low)}"]
    return []


def _all_constraints(shape: Shape) -> list[str]:
    """Every constraint of a map key/value shape, in the order AWS's map message lists them."""
    metadata = shape.metadata
    texts: list[str] = []
    if "max" in metadata:
        texts.append(f"Member must have length less than or equal to {_number(metadata['max'])}")
    if "min" in metadata:
        texts.append(f"Member must have length greater than or equal to {_number(metadata['min'])}")
    if "pattern" in metadata:
        texts.append(_pattern_text(metadata["pattern"]))
    if "enum" in metadata:
        texts.append(_enum_text(metadata["enum"]))
    return texts


def _enum_text(enum: Sequence[str]) -> str:
    return f"Member must satisfy enum value set: [{', '.join(enum)}]"


def _pattern_text(pattern: str) -> str:
    # The model's pattern verbatim: AWS prints `[\w+=,.@-]*`, the very string in the model.
    return f"Member must satisfy regular expression pattern: {pattern}"


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clause(shape: Shape, value: object, path: str, failure: str) -> str:
    if value is None:
        shown = "Value null"
    elif shape.metadata.get("sensitive"):
        shown = "Value"
    else:
        shown = f"Value '{render(value)}'"
    return f"{shown} at '{path}' failed to satisfy constraint: {failure}"


def render(value: object) -> str:
    """A parsed request value printed as AWS's (Java) validation messages print it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{render(k)}={render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render(item) for item in value) + "]"
    return str(value)
