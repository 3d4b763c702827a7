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
from typing import Any, NamedTuple

# ruff's and black's `line-length` where the section sets none
_DEFAULT = 88


class LineLimit(NamedTuple):
    limit: int
    source: str      # `pyproject.toml` (`[tool.ruff]`): where it is set, as a reader finds it


def line_limit(read: Callable[[str], str | None], path: str) -> LineLimit | None:
    """The limit the configuration nearest the file `path` sets; None where none does.
    `read` gives a repository file's text (None when absent)."""
    folder = posixpath.dirname(path)
    while True:
        found = _in_folder(read, folder)
        if found is not None:
            return found
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def _in_folder(read: Callable[[str], str | None], folder: str) -> LineLimit | None:
    for name in ("ruff.toml", ".ruff.toml"):
        table = _toml(read, posixpath.join(folder, name))
        if table is not None:
            return LineLimit(_length(table), posixpath.join(folder, name))
    project = _toml(read, posixpath.join(folder, "pyproject.toml"))
    tools = project.get("tool") if project is not None else None
    for tool in ("ruff", "black"):
        section = tools.get(tool) if isinstance(tools, dict) else None
        if isinstance(section, dict):
            where = posixpath.join(folder, "pyproject.toml")
            return LineLimit(_length(section), f"{where} (`[tool.{tool}]`)")
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        written = _flake8_limit(read, posixpath.join(folder, name))
        if written is not None:
            return LineLimit(written, f"{posixpath.join(folder, name)} (`[flake8]`)")
    return None


def _length(section: dict[str, Any]) -> int:
    value = section.get("line-length", section.get("line_length"))
    return value if isinstance(value, int) and value > 0 else _DEFAULT


def _toml(read: Callable[[str], str | None], path: str) -> dict[str, Any] | None:
    text = read(path)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None   # a file the tool itself would refuse sets nothing fixer can read


def _flake8_limit(read: Callable[[str], str | None], path: str) -> int | None:
    text = read(path)
    if text is None or "flake8" not in text:
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
        value = parser.get("flake8", "max-line-length", fallback=None) or \
            parser.get("flake8", "max_line_length", fallback=None)
    except configparser.Error:
        return None
    return int(value) if value is not None and value.strip().isdigit() else None
