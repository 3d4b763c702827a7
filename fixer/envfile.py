"""`.env` / `env_file` files: KEY=VALUE lines, as Compose reads them."""

from __future__ import annotations

import re

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


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    if " #" in value:  # an inline comment after an unquoted value
        value = value.split(" #", 1)[0].rstrip()
    return value


_INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}|\$(\w+)")


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose-style `${VAR:-default}` substitution; unknown variables become empty."""
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        found = env.get(name)
        op, default = match.group(2), match.group(3)
        if op and op.endswith("-") and (found is None or (found == "" and op == ":-")):
            return default or ""
        return found or ""
    return _INTERPOLATION.sub(substitute, value.replace("$$", "\x00")).replace("\x00", "$")
