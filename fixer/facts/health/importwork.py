"""Work a module of the app does as it is imported, before the server listens.

Uvicorn imports the app module, and every module it imports, before it opens its port. A
statement of a module's own body (not in a function, which runs when called) that sleeps
for 10 s or more (`time.sleep(90)`, "let the feed warm up"), or that trains a model
(`model.fit(history, ...)`, minutes on real data), holds the start back that long: a
healthcheck that gives up after about 40 s marks the app unhealthy, and a service gated on
it never starts. Statements under `if __name__ == "__main__":` run only when the module
is a script, and count only where it is the one the command runs.
"""

from __future__ import annotations

import ast

from fixer.core.derived import Memo
from fixer.core.textfile import TextFile
from fixer.facts.health.startup_requests import SLEEP_DOUBT
from fixer.sources.python import parse

# per file: (line, what it does) of the first such statement of its body, if any
_AT_IMPORT: Memo[tuple[int, str] | None] = Memo("work a module does at import")


def import_work(file: TextFile) -> tuple[int, str] | None:
    """(line, description) of the first statement of the module's own body that sleeps
    10 s or more or trains a model; None for none."""
    if "sleep" not in file.text and ".fit(" not in file.text:
        return None   # most modules: no parse asked for
    return file.derived.get(_AT_IMPORT, lambda: _first(parse(file)))


def _first(tree: ast.Module | None) -> tuple[int, str] | None:
    for stmt in tree.body if tree is not None else []:
        found = _work(stmt)
        if found is not None:
            return stmt.lineno, found
    return None


def _work(stmt: ast.stmt) -> str | None:
    """What the top-level statement does that takes long, or None."""
    value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign)) else None
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    called = ast.unparse(func)
    if called in ("time.sleep", "sleep") and value.args and \
            isinstance(value.args[0], ast.Constant) and \
            isinstance(value.args[0].value, int | float) and \
            not isinstance(value.args[0].value, bool) and value.args[0].value >= SLEEP_DOUBT:
        return f"sleeps {value.args[0].value:g} s at import (`{called}`)"
    if isinstance(func, ast.Attribute) and func.attr == "fit":
        return f"trains a model at import (`{called}`)"
    return None
