"""Violations as plain values and back: what a forked check process sends (engine/fanout.py).

A violation is text, numbers, flags, tuples, `Location`s and a `Fix` whose title and safety
travel and whose `build` does not: it is a closure over the sender's facts. The receiver gives
each violation the builder it asks for. Values go through `marshal`, so only exact built-in
types are encoded; anything else (a subclass, a list where a tuple belongs, a new kind of
field value) raises `Unencodable`, and that rule's violations are not sent at all.

Tagged values are lists, since a violation holds no list: `["L", path, line, end_line]` for
a Location and `["F", title, safety]` for a Fix.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from fixer.core.edits import Edit
from fixer.core.errors import InputError
from fixer.model.rule import Fix, Location, Safety, Violation

_PLAIN = (str, int, bool, type(None))
_FIELDS = tuple(f.name for f in dataclasses.fields(Violation))

Wire = object   # what marshal carries: built-in values only


class Unencodable(ValueError):
    """A value this codec does not carry exactly."""


def encode_violation(violation: Violation) -> tuple[Wire, ...]:
    if type(violation) is not Violation:
        raise Unencodable(type(violation).__name__)
    return tuple(_encode(getattr(violation, name)) for name in _FIELDS)


def decode_violation(fields: object, build: Callable[[], Sequence[Edit]]) -> Violation:
    """The violation `encode_violation` gave these fields for; its fix (if any) builds with
    `build`. ValueError when the fields are not such an encoding."""
    if type(fields) is not tuple or len(fields) != len(_FIELDS):
        raise ValueError("not an encoded violation")
    values: dict[str, Any] = {name: _decode(value, build) for name, value in zip(_FIELDS, fields)}
    return Violation(**values)


def encode_error(error: InputError) -> tuple[Wire, ...]:
    """An input error (exactly `InputError`: a subclass says more than its three fields)."""
    if type(error) is not InputError or not (type(error.path) is str and
                                             type(error.line) is int and
                                             type(error.message) is str):
        raise Unencodable(type(error).__name__)
    return (error.path, error.line, error.message)


def decode_error(fields: object) -> InputError:
    if type(fields) is not tuple or len(fields) != 3 or not (
            type(fields[0]) is str and type(fields[1]) is int and type(fields[2]) is str):
        raise ValueError("not an encoded input error")
    return InputError(fields[0], fields[1], fields[2])


def _encode(value: object) -> Wire:
    if type(value) in _PLAIN:
        return value
    if type(value) is tuple:
        return tuple(_encode(item) for item in value)
    if type(value) is Location:
        return ["L", _encode(value.path), _encode(value.line), _encode(value.end_line)]
    if type(value) is Fix and type(value.title) is str and type(value.safety) is Safety:
        return ["F", value.title, value.safety.value]
    raise Unencodable(type(value).__name__)


def _decode(value: object, build: Callable[[], Sequence[Edit]]) -> object:
    if type(value) in _PLAIN:
        return value
    if type(value) is tuple:
        return tuple(_decode(item, build) for item in value)
    if type(value) is list and len(value) == 4 and value[0] == "L" and \
            type(value[1]) is str and all(type(v) in (int, type(None)) for v in value[2:]):
        return Location(value[1], value[2], value[3])
    if type(value) is list and len(value) == 3 and value[0] == "F" and type(value[1]) is str:
        return Fix(value[1], Safety(value[2]), build)
    raise ValueError("not an encoded value")
