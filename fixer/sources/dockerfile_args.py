"""The arguments of one Dockerfile instruction, split the way BuildKit splits them.

The input is one logical line (continuations already joined). BuildKit reads the
instruction word, then `--flags`, then hands the rest to a splitter chosen by the
instruction: whole string, whitespace-separated words, quoted words, NAME=value
pairs or a JSON array (Go's JSON decoder: text after the array is ignored, numbers
that overflow a float64 make it no array).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import NamedTuple

from fixer.core.lazyre import lazy_compile
from fixer.sources.dockerfile_words import (
    BYTE_SPACE,
    GO_SPACE,
    BadInstruction,
    builder_flags,
    byte_view,
    from_bytes,
    go_quote,
    words,
)

# What BuildKit splits the instruction word and FROM, EXPOSE, COPY words on (not Unicode spaces).
_WHITESPACE = lazy_compile(r"[\t\v\f\r ]+")
_SURROGATE = lazy_compile("[\ud800-\udfff]")
_NOT_STRINGS = "when using JSON array syntax, arrays must be comprised of strings only"


class Parsed(NamedTuple):
    cmd: str                     # as written
    flags: tuple[str, ...]
    values: tuple[str, ...]
    json: bool
    sub: Parsed | None = None    # ONBUILD's instruction

    @property
    def effective(self) -> Parsed:
        """The instruction whose values are reported: ONBUILD reports its sub-instruction's."""
        return self.sub if self.sub is not None else self


# What a splitter gives: the values, whether they were a JSON array, ONBUILD's instruction.
Split = tuple[tuple[str, ...], bool, Parsed | None]
Splitter = Callable[[str, str], Split]


def parse_line(line: str, escape: str) -> Parsed:
    """Split `RUN --mount=x cmd` into the instruction word, its flags and its values."""
    parts = _WHITESPACE.split(line.strip(GO_SPACE), 1)
    args, flags = builder_flags(parts[1]) if len(parts) == 2 else ("", ())
    splitter = _SPLITTERS.get(_go_lower(parts[0]), _ignored)
    values, is_json, sub = splitter(args.strip(GO_SPACE), escape)
    return Parsed(parts[0], flags, values, is_json, sub)


def _go_lower(word: str) -> str:
    # Go lower-cases U+0130 to a plain "i"; Python gives "i" plus a combining dot.
    return word.lower() if word.isascii() else word.replace("\u0130", "i").lower()


def _ignored(rest: str, escape: str) -> Split:
    # An unknown instruction keeps its place with one empty value, as in BuildKit.
    return ("",), False, None


def _whole(rest: str, escape: str) -> Split:
    return ((rest,) if rest else ()), False, None


def _spaced(rest: str, escape: str) -> Split:
    return (tuple(_WHITESPACE.split(rest)) if rest else ()), False, None


def _maybe_json(rest: str, escape: str) -> Split:
    """RUN, CMD, ENTRYPOINT, SHELL: a JSON array of strings, else the whole string."""
    if not rest:
        return (), False, None
    argv = _json_argv(rest)
    return (argv, True, None) if argv is not None else ((rest,), False, None)


def _maybe_json_list(rest: str, escape: str) -> Split:
    """COPY, ADD, VOLUME: a JSON array of strings, else whitespace-separated words."""
    argv = _json_argv(rest)
    return (argv, True, None) if argv is not None else _spaced(rest, escape)


def _json_argv(rest: str) -> tuple[str, ...] | None:
    """The array's strings; None when `rest` is not a JSON array (then it is shell form).
    Like Go's decoder, text after the array is ignored."""
    rest = rest.lstrip(GO_SPACE)
    if not rest.startswith("["):
        return None
    try:
        value, _ = _DECODER.raw_decode(rest)
    except ValueError:
        return None
    except RecursionError:
        # Arrays nested deeper than Python recurses: BuildKit refuses nested arrays.
        raise BadInstruction(_NOT_STRINGS) from None
    if not all(isinstance(item, str) for item in value):
        raise BadInstruction(_NOT_STRINGS)
    if "\\u" in rest:
        # Go decodes an unpaired surrogate escape as U+FFFD.
        value = [_SURROGATE.sub("\ufffd", item) for item in value]
    return tuple(value)


def _go_number(text: str) -> float:
    # Go decodes numbers as float64 and fails on overflow (NaN and Infinity are no JSON).
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError(text)
    return number


def _no_constant(text: str) -> None:
    raise ValueError(text)


_DECODER = json.JSONDecoder(parse_float=_go_number, parse_int=_go_number,
                            parse_constant=_no_constant)


def _names(rest: str, escape: str) -> Split:
    """ARG: its quoted words."""
    return tuple(words(rest, escape)), False, None


def _env(rest: str, escape: str) -> Split:
    return _name_values(rest, escape, "ENV"), False, None


def _label(rest: str, escape: str) -> Split:
    return _name_values(rest, escape, "LABEL"), False, None


def _name_values(rest: str, escape: str, key: str) -> tuple[str, ...]:
    """`KEY name value` (old form) or `KEY a=1 b="2 3"`: flat name, value pairs."""
    found = words(rest, escape)
    if not found:
        return ()
    if "=" not in found[0]:
        parts = _WHITESPACE.split(rest, 1)
        if len(parts) < 2:
            raise BadInstruction(f"{key} must have two arguments")
        return parts[0], parts[1]
    pairs: list[str] = []
    for word in found:
        if "=" not in word:
            raise BadInstruction(f"Syntax error - can't find = in {go_quote(word)}. "
                                 "Must be of the form: name=value")
        pairs.extend(word.split("=", 1))
    return tuple(pairs)


def _healthcheck(rest: str, escape: str) -> Split:
    """`HEALTHCHECK CMD ...` or `HEALTHCHECK NONE`: the type word, then RUN-like values."""
    if not rest:
        return (), False, None
    data = byte_view(rest)    # BuildKit finds the type word's end byte by byte
    sep = next((i for i, ch in enumerate(data) if ch in BYTE_SPACE), len(data))
    start = next((i for i in range(sep, len(data)) if data[i] not in BYTE_SPACE), len(data))
    values, is_json, _ = _maybe_json(from_bytes(data[start:]), escape)
    return (from_bytes(data[:sep]), *values), is_json, None


def _onbuild(rest: str, escape: str) -> Split:
    if not rest:
        return (), False, None
    return ("",), False, parse_line(rest, escape)


_SPLITTERS: dict[str, Splitter] = {
    "add": _maybe_json_list, "arg": _names, "cmd": _maybe_json, "copy": _maybe_json_list,
    "entrypoint": _maybe_json, "env": _env, "expose": _spaced, "from": _spaced,
    "healthcheck": _healthcheck, "label": _label, "maintainer": _whole, "onbuild": _onbuild,
    "run": _maybe_json, "shell": _maybe_json, "stopsignal": _whole, "user": _whole,
    "volume": _maybe_json_list, "workdir": _whole,
}
HEREDOC_COMMANDS = frozenset({"add", "copy", "run"})


def may_hold_heredoc(parsed: Parsed) -> bool:
    """BuildKit looks for heredocs in shell-form ADD, COPY and RUN (also under ONBUILD)."""
    target = parsed.effective
    return not target.json and _go_lower(target.cmd) in HEREDOC_COMMANDS
