"""Whether a repository's tooling keeps a file's imports sorted, and which tool does.

An import rewritten in place (`from .models import X` made `from app.models import X`) moves
from the relative imports' group to another, where a sorter wants it elsewhere: a project
whose lint sorts imports fails it until the sorter runs again. Counted as sorting:
ruff, where the settings nearest the file (`linelimit.ruff_settings`, following `extend`)
select a prefix of `I001` or `ALL` that no ignore as specific takes back; isort, where its
configuration is nearest the file (`.isort.cfg`, `[tool.isort]`, an `[isort]` or
`[tool:isort]` section of setup.cfg or tox.ini); and an isort hook in the root's
`.pre-commit-config.yaml`.
"""

from __future__ import annotations

import configparser
import posixpath
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from fixer.core.lazyre import lazy_compile
from fixer.sources.linelimit import ToolSettings, nearest, ruff_settings, tool_table, toml_file

Read = Callable[[str], str | None]

# ruff's import-sorting rule, and how many `extend`s of a ruff settings file are followed
_RULE = "I001"
_MAX_EXTENDS = 5
# a pre-commit hook running isort: `- id: isort`
_ISORT_HOOK = lazy_compile(r"(?m)^\s*-?\s*id:\s*['\"]?isort['\"]?\s*$")


class ImportSorter(NamedTuple):
    tool: str        # `ruff's I001`, `isort`
    source: str      # where it is set up, as a reader finds it: `pyproject.toml (`[tool.ruff]`)`


def import_sorter(read: Read, path: str) -> ImportSorter | None:
    """The tool that sorts the imports of the file `path`, and where; None where nothing
    fixer reads does. `read` gives a repository file's text (None when absent)."""
    ruff = nearest(read, path, ruff_settings)
    if ruff is not None and _selects_sorting(read, ruff):
        return ImportSorter(f"ruff's {_RULE}", ruff.source)
    isort = nearest(read, path, _isort_settings)
    if isort is not None:
        return ImportSorter("isort", isort)
    hooks = read(".pre-commit-config.yaml")
    if hooks is not None and _ISORT_HOOK.search(hooks):
        return ImportSorter("isort", ".pre-commit-config.yaml")
    return None


def _selects_sorting(read: Read, ruff: ToolSettings) -> bool:
    """The settings, with those they extend, select I001: the most specific selector of it
    in `select`/`extend-select` is more specific than any in `ignore`."""
    selected, ignored = -1, -1
    for table in _extended(read, ruff.table, posixpath.dirname(ruff.path)):
        lint = _lint(table)
        selected = max(selected, _specificity(lint.get("select")),
                       _specificity(lint.get("extend-select")))
        ignored = max(ignored, _specificity(lint.get("ignore")))
    return selected > ignored


def _extended(read: Read, table: dict[str, Any], folder: str) -> Iterable[dict[str, Any]]:
    """The settings, then those each `extend` names in turn (a path from its own folder)."""
    for _ in range(_MAX_EXTENDS):
        yield table
        target = table.get("extend")
        if not isinstance(target, str):
            return
        path = posixpath.normpath(posixpath.join(folder, target))
        parent = toml_file(read, path) if not path.startswith("../") else None
        if parent is None:   # outside the repository, or unreadable: not followed
            return
        folder = posixpath.dirname(path)
        tools = parent.get("tool") if posixpath.basename(path) == "pyproject.toml" else None
        ruff = tools.get("ruff") if isinstance(tools, dict) else parent
        if not isinstance(ruff, dict):
            return
        table = ruff


def _lint(table: dict[str, Any]) -> dict[str, Any]:
    """The rule selection: `[lint]`'s keys over the top level's (ruff reads both)."""
    lint = table.get("lint")
    return {**table, **lint} if isinstance(lint, dict) else table


def _specificity(selectors: object) -> int:
    """The length of the longest selector in the list that selects I001 (0 for `ALL`);
    -1 where none does."""
    if not isinstance(selectors, list):
        return -1
    found = [0 if s == "ALL" else len(s) for s in selectors
             if isinstance(s, str) and (s == "ALL" or (s and _RULE.startswith(s)))]
    return max(found, default=-1)


def _isort_settings(read: Read, folder: str) -> str | None:
    """Where isort's configuration in the folder is, as a reader finds it."""
    own = posixpath.join(folder, ".isort.cfg")
    if read(own) is not None:
        return own
    if tool_table(read, folder, "isort") is not None:
        return f"{posixpath.join(folder, 'pyproject.toml')} (`[tool.isort]`)"
    for name in ("setup.cfg", "tox.ini"):
        section = _ini_section(read, posixpath.join(folder, name), ("isort", "tool:isort"))
        if section is not None:
            return f"{posixpath.join(folder, name)} (`[{section}]`)"
    return None


def _ini_section(read: Read, path: str, names: tuple[str, ...]) -> str | None:
    text = read(path)
    if text is None or "isort" not in text:
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return next((name for name in names if parser.has_section(name)), None)
