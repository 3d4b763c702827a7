"""The console scripts a project declares (`[project.scripts]`, `[tool.poetry.scripts]`):
`serve = "app.main:run"` makes `serve` (and `poetry run serve`, `uv run serve`) call `run()`
of `app.main` once the image installs the project.

Read for the server such a command starts: the module whose function the script calls,
where that function is the only code of the module that calls `uvicorn.run`, so that what
the module runs (`python -m app.main` reads the same call) is what the script runs.
"""

from __future__ import annotations

import ast
import posixpath
import tomllib
from typing import NamedTuple

from fixer.core.tree import NotText, Tree
from fixer.sources.python import parse
from fixer.sources.scriptport import uvicorn_runs

# where a module of the project may sit below the pyproject.toml: flat, or the src layout
_LAYOUTS = ("", "src")


class ScriptModule(NamedTuple):
    module: str      # dotted: `api.app`
    root: str        # the folder below the project's that holds it: "" flat, `src`


def console_script_module(tree: Tree, folder: str, name: str) -> ScriptModule | None:
    """The dotted module whose function the project's console script `name` calls, when
    that function holds every `uvicorn.run` call of the module (at least one), and the
    layout it sits in; None for a name the project declares no script for, or one fixer
    cannot follow."""
    target = _declared(tree, folder, name)
    if target is None or target.count(":") != 1:
        return None
    module, function = target.split(":")
    module, function = module.strip(), function.strip()
    for layout in _LAYOUTS:
        path = posixpath.join(folder, layout, *module.split(".")) + ".py"
        if tree.exists(path):
            return ScriptModule(module, layout) if _serves_only_in(tree, path, function) \
                else None
    return None


def _declared(tree: Tree, folder: str, name: str) -> str | None:
    """`module:function` of the script `name` in the folder's pyproject.toml."""
    path = posixpath.join(folder, "pyproject.toml")
    if not tree.exists(path):
        return None
    try:
        data = tomllib.loads(tree.read(path).text)
    except (NotText, tomllib.TOMLDecodeError):
        return None
    tables = [data.get("project", {}).get("scripts"),
              data.get("tool", {}).get("poetry", {}).get("scripts")]
    for table in tables:
        value = table.get(name) if isinstance(table, dict) else None
        if isinstance(value, str):
            return value
    return None


def _serves_only_in(tree: Tree, path: str, function: str) -> bool:
    """Every `uvicorn.run(...)` call of the module is in its top-level function `function`,
    and there is one."""
    module = parse(tree.read(path))
    if module is None:
        return False
    everywhere = uvicorn_runs(module)
    inside = [node for stmt in module.body
              if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
              and stmt.name == function for node in ast.walk(stmt) if node in everywhere]
    return bool(inside) and len(inside) == len(everywhere)
