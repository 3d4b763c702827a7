"""One validator per configuration key: checks the TOML value, returns what Config holds.

Each raises the file's error (naming the key and its line) on a value of the wrong type.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fixer.app.registry import discover, unknown_codes
from fixer.core.config import PORT_SOURCES
from fixer.core.lazyre import lazy_compile
from fixer.model.rule import Severity

if TYPE_CHECKING:
    from fixer.app.configfile import ConfigFile

Validator = Callable[["ConfigFile", str, Any, Path], Any]
CHOICES = {"port-source": PORT_SOURCES, "healthcheck-strategy": ("auto", "install", "python"),
           "severity": tuple(s.value for s in Severity)}


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if not isinstance(value, str) else f'"{value}"'


def _string_list(file: ConfigFile, key: str, value: Any, *inner: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        where = ".".join((key, *inner))
        raise file.fail(f'"{where}" must be a list of strings, not {_shown(value)}', key, *inner)
    return value


def _codes(file: ConfigFile, key: str, value: Any, *inner: str) -> list[str]:
    codes = [c.strip().upper() for c in _string_list(file, key, value, *inner) if c.strip()]
    unknown = unknown_codes(discover(), codes)
    if unknown:
        where = ".".join((key, *inner))
        raise file.fail(f'"{where}": unknown rule code {", ".join(unknown)}', key, *inner)
    return codes


def check_selection(file: ConfigFile, key: str, value: Any, root: Path) -> str:
    """`select` / `ignore`: rule codes or prefixes, kept as --select takes them."""
    return ",".join(_codes(file, key, value))


def check_bool(file: ConfigFile, key: str, value: Any, root: Path) -> bool:
    if not isinstance(value, bool):
        raise file.fail(f'"{key}" must be true or false, not {_shown(value)}', key)
    return value


def check_choice(file: ConfigFile, key: str, value: Any, root: Path) -> str:
    choices = CHOICES[key]
    if value not in choices:
        raise file.fail(f'"{key}" must be one of {", ".join(choices)}, not {_shown(value)}', key)
    return str(value)


def check_string(file: ConfigFile, key: str, value: Any, root: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise file.fail(f'"{key}" must be a non-empty string, not {_shown(value)}', key)
    return value


def check_globs(file: ConfigFile, key: str, value: Any, root: Path) -> tuple[str, ...]:
    return tuple(_string_list(file, key, value))


def check_paths(file: ConfigFile, key: str, value: Any, root: Path) -> tuple[str, ...]:
    """A list of URL paths, each starting with `/`."""
    paths = tuple(_string_list(file, key, value))
    wrong = next((p for p in paths if not p.startswith("/")), None)
    if wrong is not None:
        raise file.fail(f'"{key}": {wrong!r} is not a URL path (it must start with "/")', key)
    return paths


def check_service_ignores(file: ConfigFile, key: str, value: Any,
                          root: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A table: service name -> list of rule codes."""
    if not isinstance(value, dict):
        raise file.fail(f'"{key}" must be a table of service name = [codes], '
                        f"not {_shown(value)}", key)
    return tuple((name, tuple(_codes(file, key, codes, name))) for name, codes in value.items())


def check_stacks(file: ConfigFile, key: str, value: Any,
                 root: Path) -> tuple[tuple[str, ...], ...]:
    """A list of lists of compose files (repository paths, base first) that must exist."""
    if not isinstance(value, list) or not all(isinstance(g, list) and g for g in value):
        raise file.fail(f'"{key}" must be a list of non-empty lists of compose files, '
                        f"not {_shown(value)}", key)
    groups = []
    for group in value:
        paths = tuple(p.strip().removeprefix("./") for p in _string_list(file, key, group))
        missing = [p for p in paths if not (root / p).is_file()]
        if missing:
            raise file.fail(f'"{key}": no compose file {missing[0]}', key)
        groups.append(paths)
    return tuple(groups)


_SIZE = lazy_compile(r"\s*(\d+)\s*(B|KiB|MiB|GiB)?\s*")
_UNITS = {None: 1, "B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}


def check_size(file: ConfigFile, key: str, value: Any, root: Path) -> int:
    """A size in bytes: an integer, or a string with a binary unit ("5 MiB", "512KiB")."""
    match = _SIZE.fullmatch(value) if isinstance(value, str) else None
    if match is not None:
        size = int(match.group(1)) * _UNITS[match.group(2)]
    elif isinstance(value, int) and not isinstance(value, bool):
        size = value
    else:
        size = 0
    if size <= 0:
        raise file.fail(f'"{key}" must be a size: a number of bytes over 0, or a string such '
                        f'as "5 MiB" or "512 KiB", not {_shown(value)}', key)
    return size


def check_seconds(file: ConfigFile, key: str, value: Any, root: Path) -> float:
    """A duration in seconds, over 0 (an integer or a decimal)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise file.fail(f'"{key}" must be a number of seconds over 0, not {_shown(value)}', key)
    return float(value)


def check_megabytes(file: ConfigFile, key: str, value: Any, root: Path) -> int:
    """A memory size in MB, a whole number over 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise file.fail(f'"{key}" must be a whole number of MB over 0, not {_shown(value)}',
                        key)
    return value


KEYS: dict[str, Validator] = {
    "select": check_selection,
    "ignore": check_selection,
    "unsafe-fixes": check_bool,
    "port-source": check_choice,
    "healthcheck-strategy": check_choice,
    "postgres-image": check_string,
    "exclude": check_globs,
    "per-service-ignores": check_service_ignores,
    "stacks": check_stacks,
    "health-paths": check_paths,
    "severity": check_choice,
    "max-file-size": check_size,
    "fix-time-budget": check_seconds,
    "fix-memory-budget": check_megabytes,
}
