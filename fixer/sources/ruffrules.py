"""Whether a repository's ruff settings select a rule, as ruff resolves its selection.

A fix that writes code a project's own `ruff check` then rejects (an import out of order,
a public function without its docstring) is one its maintainer will not merge as it is:
the fixes that write Python ask here which rules the project holds its code to. Read as
ruff reads them: `select` and `extend-select` of the settings nearest the file
(`linelimit.ruff_settings`) and of those they `extend`, less `ignore`; a rule counts where
its most specific selector (`D103` over `D1` over `D`, `ALL` least) is more specific than
any that ignores it. Where `select` is not written, ruff's default selects none of the
rules asked about here.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from typing import Any

from fixer.sources.linelimit import ToolSettings, toml_file

Read = Callable[[str], str | None]

# how many `extend`s of a ruff settings file are followed
_MAX_EXTENDS = 5


def selects(read: Read, ruff: ToolSettings, code: str) -> bool:
    """The settings, with those they extend, select the rule `code` (`I001`, `D103`)."""
    selected, ignored = -1, -1
    for table in _extended(read, ruff.table, posixpath.dirname(ruff.path)):
        lint = lint_table(table)
        selected = max(selected, _specificity(lint.get("select"), code),
                       _specificity(lint.get("extend-select"), code))
        ignored = max(ignored, _specificity(lint.get("ignore"), code))
    return selected > ignored


def lint_table(table: dict[str, Any]) -> dict[str, Any]:
    """The rule selection: `[lint]`'s keys over the top level's (ruff reads both)."""
    lint = table.get("lint")
    return {**table, **lint} if isinstance(lint, dict) else table


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


def _specificity(selectors: object, code: str) -> int:
    """The length of the longest selector in the list that selects `code` (0 for `ALL`);
    -1 where none does."""
    if not isinstance(selectors, list):
        return -1
    found = [0 if s == "ALL" else len(s) for s in selectors
             if isinstance(s, str) and (s == "ALL" or _prefixes(s, code))]
    return max(found, default=-1)


def _prefixes(selector: str, code: str) -> bool:
    """The selector names the rule's linter and a prefix of its number (`D`, `D1`, `D103`
    for D103): `A`, flake8-builtins, is no prefix of ANN201, flake8-annotations'."""
    linter = selector.rstrip("0123456789")
    return bool(linter) and linter == code.rstrip("0123456789") and \
        code.startswith(selector)
