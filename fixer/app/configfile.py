"""Reading the configuration: `fixer.toml` (top-level keys) or `[tool.fixer]` in pyproject.toml,
in the folder fixer is pointed at. When both exist, fixer.toml wins and pyproject.toml is not
read (as ruff.toml over pyproject.toml): one file, never a merge. CLI flags override the file.

A key fixer does not know, or a value of the wrong type, is an error naming the file, the
line and the key (exit 2): a typo must not silently turn a setting off.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from fixer.app import configcheck
from fixer.core.config import Config
from fixer.core.errors import InputError
from fixer.core.tree import FolderSource
from fixer.model.rule import Severity

# Keys that choose what `check` runs and reports, not how rules work: Settings fields, not Config.
_REPORTING_KEYS = ("select", "ignore", "severity")
# (file name, table holding fixer's keys), first found wins: fixer.toml over pyproject.toml.
CANDIDATES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("fixer.toml", ()), ("pyproject.toml", ("tool", "fixer")))
_HEADER = re.compile(r"^\s*\[\[?([^\]]+)\]\]?")


class ConfigError(click.ClickException):
    """A configuration file fixer cannot use; the CLI exits 2."""

    exit_code = 2


@dataclass(frozen=True)
class ConfigFile:
    shown: str                # the file as the user names it (PATH joined with the name)
    table: tuple[str, ...]    # where fixer's keys live: ("tool", "fixer") or () for fixer.toml
    text: str
    values: dict[str, Any]

    def fail(self, message: str, *keys: str) -> ConfigError:
        """An error at the line of the innermost key found (keys: outer to inner)."""
        line = None
        for depth in range(len(keys), 0, -1):
            line = key_line(self.text, self.table + keys[:depth - 1], keys[depth - 1])
            if line is not None:
                break
        where = self.shown + (f":{line}" if line else "")
        section = f"[{'.'.join(self.table)}] " if self.table else ""
        return ConfigError(f"{where}: {section}{message}")


@dataclass(frozen=True)
class Settings:
    """The configuration in force: file values with CLI flags over them."""

    config: Config = Config()
    select: str | None = None   # comma-separated codes, as --select takes them
    ignore: str | None = None
    source: str | None = None   # the file read, if any
    severity: Severity = Severity.WARNING   # report findings this severe or more (check)


def _dotted(name: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in name.split("."))


def key_line(text: str, table: tuple[str, ...], key: str) -> int | None:
    """1-based line of `key` inside `table` (or of a `[table.key]` header); None if not found."""
    pattern = re.compile(rf"""^\s*(?:"{re.escape(key)}"|'{re.escape(key)}'|{re.escape(key)})"""
                         r"\s*[=.]")
    current: tuple[str, ...] = ()
    for number, line in enumerate(text.split("\n"), start=1):
        header = _HEADER.match(line)
        if header:
            current = _dotted(header.group(1))
            if current == table + (key,):
                return number
        elif current == table and pattern.match(line):
            return number
    return None


def _read(root: Path, name: str, shown: str) -> str:
    """The file's text, read as every input is: only a regular file (a FIFO named
    fixer.toml would block the run), size-capped, never through a link out of the root."""
    try:
        return FolderSource(root).read_bytes(name).decode("utf-8")
    except InputError as exc:
        raise ConfigError(f"{shown}:{exc.line}: {exc.message}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: not valid UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read: {exc.strerror or exc}") from None


def _parse(text: str, shown: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: invalid TOML: {exc}") from None


def find(root: Path, shown_root: str) -> ConfigFile | None:
    """The configuration file of the repository at `root`, if it has one."""
    for name, table in CANDIDATES:
        if not os.path.lexists(root / name):
            continue
        shown = name if shown_root in ("", ".") else posixpath.join(shown_root, name)
        text = _read(root, name, shown)
        data: Any = _parse(text, shown)
        for part in table:
            data = data.get(part) if isinstance(data, dict) else None
        if data is None:
            continue  # a pyproject.toml without [tool.fixer]
        if not isinstance(data, dict):
            line = key_line(text, table[:-1], table[-1])
            raise ConfigError(f"{shown}{f':{line}' if line else ''}: "
                              f"[{'.'.join(table)}] must be a table")
        return ConfigFile(shown, table, text, data)
    return None


def settings(root: Path, shown_root: str, *, select: str | None = None,
             ignore: str | None = None, unsafe_fixes: bool | None = None,
             port_source: str | None = None, healthcheck_strategy: str | None = None,
             postgres_image: str | None = None, severity: str | None = None) -> Settings:
    """The configuration file's values, each overridden by the CLI flag when one is given
    (None: not given)."""
    file = find(root, shown_root)
    values = validate(file, root) if file else {}
    flags = {"unsafe_fixes": unsafe_fixes, "port_source": port_source,
             "healthcheck_strategy": healthcheck_strategy, "postgres_image": postgres_image}
    fields = {k: v for k, v in values.items() if k not in _REPORTING_KEYS}
    fields.update({k: v for k, v in flags.items() if v is not None})
    return Settings(dataclasses.replace(Config(), **fields),
                    select if select is not None else values.get("select"),
                    ignore if ignore is not None else values.get("ignore"),
                    file.shown if file else None,
                    Severity(severity or values.get("severity", Severity.WARNING.value)))


def validate(file: ConfigFile, root: Path) -> dict[str, Any]:
    """Config field name -> value, for every key of the file; ConfigError on the first bad one."""
    out: dict[str, Any] = {}
    for key, value in file.values.items():
        check = configcheck.KEYS.get(key)
        if check is None:
            raise file.fail(f'unknown key "{key}"', key)
        out[key.replace("-", "_")] = check(file, key, value, root)
    return out
