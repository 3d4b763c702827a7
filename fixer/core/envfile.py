"""`.env` / `env_file` files: KEY=VALUE lines, as Compose reads them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from fixer.core.textfile import TextFile
from fixer.core.tree import NotText, Tree

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$")


def parse_env(text: str) -> dict[str, str]:
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
        return None


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    if " #" in value:  # an inline comment after an unquoted value
        value = value.split(" #", 1)[0].rstrip()
    return value


_INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:?[-?+])([^}]*))?\}|\$(\w+)")


def interpolate(value: str, env: Mapping[str, str]) -> str:
    """Compose-style `${VAR:-default}` substitution (and `${VAR:+alternative}`, which gives
    the alternative only when VAR is set); unknown variables become empty."""
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        found = env.get(name)
        op, default = match.group(2), match.group(3)
        if op and op.endswith("+"):
            given = found is not None and (found != "" or op == "+")
            return interpolate(default or "", env) if given else ""
        if op and op.endswith("-") and (found is None or (found == "" and op == ":-")):
            return default or ""
        return found or ""
    return _INTERPOLATION.sub(substitute, value.replace("$$", "\x00")).replace("\x00", "$")


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


# every `${...}` and `$NAME`, whatever follows the name in braces (`:?`, `:+`, ...)
_ANY_REFERENCE = re.compile(r"\$\{(\w+)([^}]*)\}|\$(\w+)")


def unset_names(value: str, env: Mapping[str, str]) -> list[str]:
    """The variables `value` reads that `env` does not set and no `-`/`:-` default covers:
    what only the shell running Compose could give (a `:?` marker or a `:+` alternative
    still needs one)."""
    return [m.group(1) or m.group(3) for m in _ANY_REFERENCE.finditer(value)
            if "-" not in (m.group(2) or "") and (m.group(1) or m.group(3)) not in env]


def references(value: str) -> list[Reference]:
    """The variables `value` reads, with `interpolate`'s pattern. `$$` is an escaped dollar
    (the container's shell reads `$$VAR`, Compose does not), and a name Compose refuses
    (`$1`) is none."""
    masked = value.replace("$$", "\x00\x00")   # same length: offsets stay those of `value`
    found: list[Reference] = []
    for match in _INTERPOLATION.finditer(masked):
        name = match.group(1) or match.group(4)
        if name[0].isdigit():
            continue
        default = match.group(3) if match.group(2) and match.group(2).endswith("-") else None
        found.append(Reference(name, value[match.start():match.end()], match.start(),
                               match.group(2), default and default.replace("\x00\x00", "$")))
    return found
