"""Reading the configuration: `fixer.toml` (top-level keys) or `[tool.fixer]` in pyproject.toml.
When both exist in a folder, fixer.toml wins and pyproject.toml is not read (as ruff.toml over
pyproject.toml): one file, never a merge. CLI flags override the file (the rule selection
layers over it: `fixer.app.check.selection_layers`).

Where it comes from, as in ruff: the folder fixer is pointed at (PATH), else the nearest
folder above it, up to the top of the git work tree PATH is in (the folder holding `.git`;
outside git, the filesystem root). A pyproject.toml without `[tool.fixer]` is no
configuration and the search goes on above it. `--config FILE` names the file instead (a
file named pyproject.toml is read for its `[tool.fixer]`, any other for its top-level keys)
and nothing is searched. Paths in the file (`exclude`, `stacks`) are relative to its own
folder; `fixer.app.configpaths` moves them to PATH's root. Branch mode searches the same
folders in its --base commit, not in the working tree: the fixes and the configuration they
follow come from one tree (`--config FILE` is still read from disk).

A key fixer does not know, or a value of the wrong type, is an error naming the file, the
line and the key (exit 2): a typo must not silently turn a setting off.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import posixpath
import re
import tomllib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from fixer.app import configcheck, configpaths
from fixer.core.config import Config
from fixer.core.errors import InputError
from fixer.core.lazyre import lazy_compile
from fixer.core.tree import FolderSource, work_tree_root
from fixer.model.rule import Severity

# Keys that choose what `check` runs and reports, not how rules work: Settings fields, not Config.
_REPORTING_KEYS = ("select", "ignore", "severity")
# (file name, table holding fixer's keys), first found wins: fixer.toml over pyproject.toml.
CANDIDATES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("fixer.toml", ()), ("pyproject.toml", ("tool", "fixer")))
_HEADER = lazy_compile(r"^\s*\[\[?([^\]]+)\]\]?")


class ConfigError(click.ClickException):
    """A configuration file fixer cannot use; the CLI exits 2."""

    exit_code = 2


@dataclass(frozen=True)
class ConfigFile:
    shown: str                # the file as the user names it (PATH joined with the name)
    table: tuple[str, ...]    # where fixer's keys live: ("tool", "fixer") or () for fixer.toml
    text: str
    values: dict[str, Any]
    folder: Path              # its real folder: the one its paths are relative to

    def fail(self, message: str, *keys: str) -> ConfigError:
        """An error at the line of the innermost key found (keys: outer to inner)."""
        section = f"[{'.'.join(self.table)}] " if self.table else ""
        return ConfigError(f"{self.where(*keys)}: {section}{message}")

    def where(self, *keys: str) -> str:
        """`fixer.toml:4`: the file and the line of the innermost key found (keys: outer to
        inner); the file alone when none is."""
        for depth in range(len(keys), 0, -1):
            line = key_line(self.text, self.table + keys[:depth - 1], keys[depth - 1])
            if line is not None:
                return f"{self.shown}:{line}"
        return self.shown


@dataclass(frozen=True)
class NamedService:
    """A service that `per-service-ignores` names, and where (`fixer.toml:4`)."""

    name: str
    where: str


def unknown_services(named: Iterable[NamedService], defined: Collection[str]) -> list[str]:
    """A warning for each service `per-service-ignores` names that no stack of the run
    defines: a typo turns nothing off. Not an error: the file may serve other folders,
    whose compose files define it. Each once (folders checked together may share a file);
    none when the run read no stack at all, which is an error of its own."""
    if not defined:
        return []
    ordered = sorted(defined)
    lines = []
    for service in named:
        if service.name in defined:
            continue
        close = difflib.get_close_matches(service.name, ordered, n=1)
        guess = f' (did you mean "{close[0]}"?)' if close else ""
        lines.append(f'fixer: warning: {service.where}: per-service-ignores names '
                     f'"{service.name}", a service no compose file defines{guess}: it turns '
                     "nothing off")
    return list(dict.fromkeys(lines))


@dataclass(frozen=True)
class Settings:
    """The configuration in force: file values with CLI flags over them."""

    config: Config = Config()
    # the file's, comma-separated as --select takes them: `check.selection_layers` puts the
    # command line's over them
    select: str | None = None
    ignore: str | None = None
    source: str | None = None   # the file read, if any
    severity: Severity = Severity.WARNING   # report findings this severe or more (check)
    outside: bool = False       # the file read is not PATH's own (found above it, or --config)
    # the services `per-service-ignores` names: a run warns of those no stack defines
    named_services: tuple[NamedService, ...] = ()


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


# A candidate file by its real path: its bytes, None when there is no such file. The working
# tree's (`on_disk`) unless the run reads another tree: branch mode reads its --base commit's.
FileReader = Callable[[Path], bytes | None]


def on_disk(path: Path) -> bytes | None:
    """The file on disk, read as every input is: only a regular file (a FIFO named
    fixer.toml would block the run), size-capped, never through a link out of its folder."""
    if not os.path.lexists(path):
        return None
    return FolderSource(path.parent).read_bytes(path.name)


def _read(path: Path, shown: str, read: FileReader = on_disk) -> str | None:
    """The file's text; None when it does not exist."""
    try:
        data = read(path)
        # a BOM is no TOML, and editors write one: read past it, as a compose file's
        return None if data is None else data.decode("utf-8-sig")
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
        raise ConfigError(f"{shown}:{_error_line(str(exc), text)}: invalid TOML: "
                          f"{_TOML_PLACE.sub('', str(exc))}") from None


# where tomllib says the error is: `(at line 3, column 7)`, `(at end of document)`
_TOML_PLACE = lazy_compile(r" \(at (?:line (\d+), column \d+|end of document)\)$")


def _error_line(message: str, text: str) -> int:
    """The line of a TOML error, as the other errors name theirs: `file:line:`."""
    found = _TOML_PLACE.search(message)
    if found is not None and found.group(1):
        return int(found.group(1))
    return max(1, text.count("\n") + (not text.endswith("\n")))


def _table(text: str, table: tuple[str, ...], shown: str) -> dict[str, Any] | None:
    """fixer's keys in the file; None for a pyproject.toml without [tool.fixer]."""
    if table and table[-1] not in text:   # never names fixer, so it configures nothing of
        return None   # it: the project's own TOML, which a run need not read (nor reject)
    data: Any = _parse(text, shown)
    for part in table:
        data = data.get(part) if isinstance(data, dict) else None
    if data is None or isinstance(data, dict):
        return data
    line = key_line(text, table[:-1], table[-1])
    raise ConfigError(f"{shown}{f':{line}' if line else ''}: [{'.'.join(table)}] must be a table")


def _in_folder(folder: Path, shown_folder: str, read: FileReader) -> ConfigFile | None:
    """The configuration file of one folder, if it has one (fixer.toml first)."""
    for name, table in CANDIDATES:
        shown = name if shown_folder in ("", ".") else posixpath.join(shown_folder, name)
        text = _read(folder / name, shown, read)
        if text is None:
            continue
        values = _table(text, table, shown)
        if values is not None:
            return ConfigFile(shown, table, text, values, folder)
    return None


def _folders_up(root: Path) -> list[Path]:
    """PATH's real folder and those above it, nearest first, up to the top of its git work
    tree: a file above that belongs to another project (or to none)."""
    real = Path(os.path.realpath(root))
    top = work_tree_root(real)
    chain = [real, *real.parents]
    return chain[:chain.index(top) + 1] if top in chain else chain


def find(root: Path, shown_root: str, read: FileReader = on_disk) -> ConfigFile | None:
    """The configuration in force for the repository at `root`: its own file, else the
    nearest one above it (named from `shown_root`, as the user named PATH), as `read`
    reads the files."""
    for depth, folder in enumerate(_folders_up(root)):
        shown = shown_root if not depth else \
            posixpath.normpath(posixpath.join(shown_root or ".", *[".."] * depth))
        found = _in_folder(folder, shown, read)
        if found is not None:
            return found
    return None


def given(typed: str) -> ConfigFile:
    """The file `--config` names (as typed): pyproject.toml for its [tool.fixer], any other
    name for its top-level keys."""
    if not os.path.lexists(typed):
        raise ConfigError(f"{typed}: no such file")
    real = Path(os.path.realpath(typed))
    table = ("tool", "fixer") if Path(typed).name == "pyproject.toml" else ()
    text = _read(real, typed)
    if text is None:   # it went between the two looks
        raise ConfigError(f"{typed}: no such file")
    values = _table(text, table, typed)
    if values is None:
        raise ConfigError(f"{typed}: no [tool.fixer] table")
    return ConfigFile(typed, table, text, values, real.parent)


def settings(root: Path, shown_root: str, *, unsafe_fixes: bool | None = None,
             port_source: str | None = None, healthcheck_strategy: str | None = None,
             postgres_image: str | None = None, severity: str | None = None,
             config: str | None = None, read: FileReader = on_disk) -> Settings:
    """The configuration file's values, each overridden by the CLI flag when one is given
    (None: not given); the rule selection is not overridden but layered
    (`check.selection_layers`). `config`: the file --config names, as typed, read from
    disk; None: searched for, as `read` reads the files (branch mode: those of its --base
    commit)."""
    file = given(config) if config is not None else find(root, shown_root, read)
    values = validate(file, root) if file else {}
    flags = {"unsafe_fixes": unsafe_fixes, "port_source": port_source,
             "healthcheck_strategy": healthcheck_strategy, "postgres_image": postgres_image}
    fields = {k: v for k, v in values.items() if k not in _REPORTING_KEYS}
    fields.update({k: v for k, v in flags.items() if v is not None})
    return Settings(dataclasses.replace(Config(), **fields),
                    values.get("select"), values.get("ignore"),
                    file.shown if file else None,
                    Severity(severity or values.get("severity", Severity.WARNING.value)),
                    file is not None and not _same_folder(file.folder, root),
                    _named_services(file, values))


def _named_services(file: ConfigFile | None, values: dict[str, Any]
                    ) -> tuple[NamedService, ...]:
    if file is None:
        return ()
    return tuple(NamedService(name, file.where("per-service-ignores", name))
                 for name, _codes in values.get("per_service_ignores", ()))


def _same_folder(folder: Path, root: Path) -> bool:
    return folder == Path(os.path.realpath(root))


def validate(file: ConfigFile, root: Path) -> dict[str, Any]:
    """Config field name -> value, for every key of the file; ConfigError on the first bad one.
    Paths are checked from the file's folder, then moved to `root`, the folder checked."""
    out: dict[str, Any] = {}
    for key, value in file.values.items():
        check = configcheck.KEYS.get(key)
        if check is None:
            raise file.fail(f'unknown key "{key}"', key)
        out[key.replace("-", "_")] = check(file, key, value, file.folder)
    if _same_folder(file.folder, root):
        return out
    return _moved(out, file.folder, Path(os.path.realpath(root)))


def _moved(values: dict[str, Any], folder: Path, root: Path) -> dict[str, Any]:
    """The values of a file in `folder` with its paths relative to `root` instead."""
    moved = dict(values)
    if "exclude" in moved:
        moved["exclude"] = configpaths.move_globs(moved["exclude"], folder, root)
    if "stacks" in moved:
        moved["stacks"] = configpaths.move_stacks(moved["stacks"], folder, root)
    return moved
