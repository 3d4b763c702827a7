"""`.env` / `env_file` files: KEY=VALUE lines, as Compose reads them. Compose's dotenv parser
also reads the YAML-like `KEY: value` (a key ends at the first `=` or `:`), which example
files copied from a YAML config use."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile, with_stray_bytes
from fixer.core.tree import NotText, Tree

_LINE = lazy_compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(.*?)\s*$")


def parse_env(text: str) -> dict[str, str]:
    """The variables the file sets. A value holding a byte that is not UTF-8 (a file read as
    bytes, `with_stray_bytes`) is set, as Compose sets it; a fix that would copy it into
    another file is display-only (`engine/writable.py`)."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if match:
            values[match.group(1)] = _unquote(match.group(2))
    return values


def read_env(tree: Tree, path: str) -> TextFile | None:
    """An `env_file`'s or `.env`'s text; None when it is absent or not text. A file that
    git-crypt encrypts is binary in a commit and in a locked clone: its values are unknown,
    as those of a file each deployment supplies, not bad input (a file that cannot be read
    at all still is)."""
    if not tree.exists(path):
        return None
    try:
        return tree.read(path)
    except NotText:
        pass
    try:   # Compose reads its bytes: a Latin-1 comment or value leaves the rest as it is
        data = tree.source.read_bytes(path)
    except OSError:
        return None
    return None if b"\x00" in data else with_stray_bytes(path, data)


def _unquote(written: str) -> str:
    """The value Compose reads from what follows `KEY=` on a line, as compose-go's dotenv
    parser reads it: a quoted value ends at its closing quote, and what follows that
    (`"dev"   # dev | prod`) is no part of it; an unquoted one ends at ` #`. Single quotes
    keep the text as written, double quotes expand escapes (`\\n`, `\\"`; `\\$` is the
    escaped dollar `$$`). A quote the line does not close (a value written over several
    lines) is kept as written."""
    if written[:1] not in ("'", '"'):
        return written.split(" #", 1)[0].rstrip()
    inner = _quoted(written)
    if inner is None:
        return written
    if written[0] == "'":
        return inner
    return _ESCAPE.sub(lambda match: _ESCAPED[match.group(1)], inner)


def _quoted(written: str) -> str | None:
    """The text between the opening quote and the one that closes it, an escaped quote
    (`\\"` in double quotes, `\\'` in single ones) unescaped and every other backslash kept;
    None when the line does not close the quote."""
    quote, escaped = written[0], False
    chars: list[str] = []
    for char in written[1:]:
        if escaped:
            escaped = False
            chars.append(char if char == quote else "\\" + char)
        elif char == "\\":
            escaped = True
        elif char == quote:
            return "".join(chars)
        else:
            chars.append(char)
    return None


# the escapes compose-go expands in a double-quoted value; others keep their backslash
_ESCAPE = lazy_compile(r'\\([abfnrtv$"\\])')
_ESCAPED = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
            "$": "$$", '"': '"', "\\": "\\"}


_NAME = lazy_compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = (":-", ":?", ":+", "-", "?", "+")


def interpolation_problem(value: str) -> str | None:
    """Why Compose refuses the value's interpolation, or None: a `${` with no variable name
    (`${}`, `${1A}`), a name followed by anything but `}` or an operator (`${A:x}`, `${A }`),
    or no closing brace. `$$` is a literal dollar, and so is a `$` before no `{`. A default
    may hold another interpolation (`${A:-${B}}`), whose braces it closes first."""
    at = value.find("${")
    while at >= 0:
        if _escaped(value, at):   # `$${`: a literal `${`
            at = value.find("${", at + 2)
            continue
        name = _NAME.match(value, at + 2)
        after = name.end() if name is not None else at + 2
        shown = value[at:at + 24]
        if name is None:
            return f"`{shown}` names no variable"
        if after == len(value):
            return f"`{shown}` has no closing `}}`"
        if not value.startswith(("}", *_OPERATORS), after):
            return (f"in `{shown}` the name is followed by neither `}}` nor one of `:-`, `-`, "
                    "`:?`, `?`, `:+`, `+`")
        end = _closing(value, after)
        if end is None:
            return f"`{shown}` has no closing `}}`"
        operator = next((op for op in _OPERATORS if value.startswith(op, after)), "")
        inner = interpolation_problem(value[after + len(operator):end]) if operator else None
        if inner is not None:   # a default or message holds one of its own: `${A:-${B:x}}`
            return inner
        at = value.find("${", end + 1)
    return None


def _escaped(value: str, at: int) -> bool:
    """The `$` at `at` ends an even run of dollars: `$${` is a literal `${`."""
    run = len(value[:at + 1]) - len(value[:at + 1].rstrip("$"))
    return run % 2 == 0


def _closing(value: str, start: int) -> int | None:
    """The index of the `}` that closes the interpolation whose body starts at `start`,
    past the ones an interpolation inside it opens."""
    depth = 0
    at = start
    while at < len(value):
        if value.startswith("$$", at):
            at += 2
            continue
        if value.startswith("${", at):
            depth += 1
            at += 2
            continue
        if value[at] == "}":
            if depth == 0:
                return at
            depth -= 1
        at += 1
    return None


class _Found(NamedTuple):
    """One interpolation of a value, outermost only: `${NAME<operator><body>}` or `$NAME`."""

    name: str
    start: int
    end: int                 # past its closing brace
    operator: str | None
    body: tuple[int, int]    # the default, message or alternative: (start, end) in the value


# where an interpolation starts: `${NAME` (its operator and body read on), or `$NAME`
_START = lazy_compile(r"\$\{(\w+)|\$(\w+)")


def _interpolations(masked: str, start: int, end: int) -> Iterator[_Found]:
    """The outermost interpolations of `masked[start:end]` (`$$` masked as two NULs), as
    Compose reads them: a default may hold interpolations of its own (`${A:-${B}/x}`), whose
    braces it closes first. What Compose refuses (`${A x}`, no closing brace) is none."""
    at = start
    while (match := _START.search(masked, at, end)) is not None:
        if match.group(2) is not None:
            yield _Found(match.group(2), match.start(), match.end(), None, (match.end(),) * 2)
            at = match.end()
            continue
        after = match.end()
        operator = next((op for op in _OPERATORS if masked.startswith(op, after)), None)
        close = _closing(masked, after) if operator or masked.startswith("}", after) else None
        if close is None or close >= end:
            at = after
            continue
        body = (after + len(operator or ""), close)
        yield _Found(match.group(1), match.start(), close + 1, operator, body)
        at = close + 1


def interpolate(value: str, env: Mapping[str, str]) -> str:
    """Compose-style `${VAR:-default}` substitution (and `${VAR:+alternative}`, which gives
    the alternative only when VAR is set); unknown variables become empty. A default or an
    alternative is interpolated in turn (`${A:-${B}/x}`)."""
    masked = value.replace("$$", "\x00\x00")
    return _substituted(masked, 0, len(masked), env).replace("\x00\x00", "$")


def _substituted(masked: str, start: int, end: int, env: Mapping[str, str]) -> str:
    out: list[str] = []
    at = start
    for found in _interpolations(masked, start, end):
        out.append(masked[at:found.start])
        value, op = env.get(found.name), found.operator
        if op and op.endswith("+"):
            given = value is not None and (value != "" or op == "+")
            out.append(_substituted(masked, *found.body, env) if given else "")
        elif op and op.endswith("-") and (value is None or (value == "" and op == ":-")):
            out.append(_substituted(masked, *found.body, env))
        else:
            out.append(value or "")
        at = found.end
    out.append(masked[at:end])
    return "".join(out)


@dataclass(frozen=True)
class Reference:
    """One variable a value reads, as Compose's interpolation sees it."""

    name: str
    text: str              # as written: `${NAME:-x}`, `$NAME`
    start: int             # offset in the value
    operator: str | None   # `-`, `:-` (a default), `?`, `:?` (required), `+`, `:+` (an
    #                        alternative when set: unset is meant), None (none of them)
    default: str | None    # what `-` / `:-` gives, when the value sets it

    @property
    def bare(self) -> bool:
        """Neither a default nor a required marker: unset, it becomes an empty string."""
        return self.operator is None


def unset_names(value: str, env: Mapping[str, str]) -> list[str]:
    """The variables `value` reads that `env` does not set and no `-`/`:-` default covers:
    what only the shell running Compose could give (a `:?` marker or a `:+` alternative
    still needs one). `$$` is an escaped dollar, which reads none (`pa$$word`). A default
    that applies is read in turn (`${URL:-postgres://${DB_USER}@db}` reads DB_USER)."""
    masked = value.replace("$$", "\x00\x00")
    return _unset(masked, 0, len(masked), env)


def _unset(masked: str, start: int, end: int, env: Mapping[str, str]) -> list[str]:
    names: list[str] = []
    for found in _interpolations(masked, start, end):
        op = found.operator or ""
        if found.name not in env and "-" not in op:
            names.append(found.name)
        if op.endswith("-") and (found.name not in env or (env[found.name] == "" and
                                                           op == ":-")):
            names += _unset(masked, *found.body, env)
    return names


def resolved(value: str, env: Mapping[str, str]) -> str | None:
    """`value` as Compose interpolates it from `env` (a stack's `.env`); None where it reads
    a variable that `env` does not set and no default covers: only the shell running
    Compose knows it."""
    if "$" not in value:
        return value
    return None if unset_names(value, env) else interpolate(value, env)


def references(value: str) -> list[Reference]:
    """The variables `value` reads, in the order they are written, those a default reads
    too (`${URL:-postgres://${DB_USER}@db}`: URL, then DB_USER); not those of a `:+`
    alternative, read only where its variable is set. `$$` is an escaped dollar (the
    container's shell reads `$$VAR`, Compose does not), and a name Compose refuses (`$1`)
    is none."""
    masked = value.replace("$$", "\x00\x00")   # same length: offsets stay those of `value`
    found: list[Reference] = []
    _referenced(value, masked, 0, len(masked), found)
    return sorted(found, key=lambda ref: ref.start)


def _referenced(value: str, masked: str, start: int, end: int, found: list[Reference]) -> None:
    for match in _interpolations(masked, start, end):
        body = masked[match.body[0]:match.body[1]].replace("\x00\x00", "$")
        default = body if match.operator and match.operator.endswith("-") else None
        if not match.name[0].isdigit():
            found.append(Reference(match.name, value[match.start:match.end], match.start,
                                   match.operator, default))
        if default is not None:   # an alternative (`${P:+:$P@}`) reads only what is set
            _referenced(value, masked, *match.body, found)
