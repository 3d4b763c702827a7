"""The line length a repository's Python linter or formatter holds its code to.

A rewrite that makes a line longer (an absolute module name in place of a relative one) can
turn a project's green lint red: the pull request is then one its maintainer will not
merge as it is. What counts is the configuration the tool itself would find for the file:
the nearest folder, from the file's own up to the repository's root, with `ruff.toml` or
`.ruff.toml`, a `pyproject.toml` with `[tool.ruff]` or `[tool.black]`, or a `setup.cfg`,
`tox.ini` or `.flake8` whose `[flake8]` sets `max-line-length`. Ruff and Black default to
88; flake8 is counted only where its limit is written, since its default of 79 applies to
no project that does not run it.
"""

from __future__ import annotations

import configparser
import posixpath
import tomllib
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

Found = TypeVar("Found")

# ruff's and black's `line-length` where the section sets none
_DEFAULT = 88


class LineLimit(NamedTuple):
    limit: int
    source: str      # `pyproject.toml` (`[tool.ruff]`): where it is set, as a reader finds it


def line_limit(read: Callable[[str], str | None], path: str) -> LineLimit | None:
    """The limit the configuration nearest the file `path` sets; None where none does.
    `read` gives a repository file's text (None when absent)."""
    return nearest(read, path, _in_folder)


def nearest(read: Callable[[str], str | None], path: str,
            in_folder: Callable[[Callable[[str], str | None], str], Found | None]
            ) -> Found | None:
    """What `in_folder` finds in the nearest folder, from the file `path`'s own up to the
    repository's root, where it finds anything: the way linters find their configuration."""
    folder = posixpath.dirname(path)
    while True:
        found = in_folder(read, folder)
        if found is not None:
            return found
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def _in_folder(read: Callable[[str], str | None], folder: str) -> LineLimit | None:
    ruff = ruff_settings(read, folder)
    if ruff is not None:
        return LineLimit(_length(ruff.table), ruff.source)
    black = tool_table(read, folder, "black")
    if black is not None:
        return LineLimit(_length(black), f"{posixpath.join(folder, 'pyproject.toml')} "
                                         "(`[tool.black]`)")
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        written = _flake8_limit(read, posixpath.join(folder, name))
        if written is not None:
            return LineLimit(written, f"{posixpath.join(folder, name)} (`[flake8]`)")
    return None


class ToolSettings(NamedTuple):
    table: dict[str, Any]    # the tool's settings: `[tool.ruff]`, or a whole ruff.toml
    path: str                # the file that holds them
    source: str              # where they are, as a reader finds them


def ruff_settings(read: Callable[[str], str | None], folder: str) -> ToolSettings | None:
    """Ruff's settings in the folder: `ruff.toml`, `.ruff.toml`, then a pyproject.toml's
    `[tool.ruff]` (ruff passes over a pyproject.toml without one)."""
    for name in ("ruff.toml", ".ruff.toml"):
        table = toml_file(read, posixpath.join(folder, name))
        if table is not None:
            where = posixpath.join(folder, name)
            return ToolSettings(table, where, where)
    section = tool_table(read, folder, "ruff")
    if section is None:
        return None
    where = posixpath.join(folder, "pyproject.toml")
    return ToolSettings(section, where, f"{where} (`[tool.ruff]`)")


def tool_table(read: Callable[[str], str | None], folder: str,
               tool: str) -> dict[str, Any] | None:
    """The folder's pyproject.toml's `[tool.<tool>]`, when it has one."""
    project = toml_file(read, posixpath.join(folder, "pyproject.toml"))
    tools = project.get("tool") if project is not None else None
    section = tools.get(tool) if isinstance(tools, dict) else None
    return section if isinstance(section, dict) else None


def _length(section: dict[str, Any]) -> int:
    value = section.get("line-length", section.get("line_length"))
    return value if isinstance(value, int) and value > 0 else _DEFAULT


def toml_file(read: Callable[[str], str | None], path: str) -> dict[str, Any] | None:
    text = read(path)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None   # a file the tool itself would refuse sets nothing fixer can read


def _flake8_limit(read: Callable[[str], str | None], path: str) -> int | None:
    parser = ini_file(read, path, "flake8")
    if parser is None:
        return None
    try:
        value = parser.get("flake8", "max-line-length", fallback=None) or \
            parser.get("flake8", "max_line_length", fallback=None)
    except configparser.Error:
        return None
    return int(value) if value is not None and value.strip().isdigit() else None


def ini_file(read: Callable[[str], str | None], path: str,
             word: str) -> configparser.ConfigParser | None:
    """The INI file (setup.cfg, tox.ini) read as the tools read it, where its text names
    `word` (most such files configure other tools); None where it is absent or unreadable."""
    text = read(path)
    if text is None or word not in text:
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return parser
