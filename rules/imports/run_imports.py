"""The absolute imports a module runs when it is imported: I003 and I001 both ask which
packages a service needs at start-up."""

from __future__ import annotations

import ast

from fixer.core.derived import Memo
from fixer.core.textfile import TextFile
from fixer.sources.python import statements

RunImport = tuple[ast.Import | ast.ImportFrom, str]   # (statement, top-level package)


# (statement, top-level package) of a module's unguarded absolute imports, kept with the
# file: every service importing it asks, again each fix round
_RUN_IMPORTS: Memo[tuple[RunImport, ...]] = Memo("imports run at module level")


def run_imports(file: TextFile, tree: ast.Module) -> tuple[RunImport, ...]:
    """The module-level absolute imports of the module, in order, and the top-level
    package each names: those a `try:` guards (the author handles their failure) and
    those under `if TYPE_CHECKING:` left out."""
    return file.derived.get(_RUN_IMPORTS, lambda: _run_imports(tree))


def _run_imports(tree: ast.Module) -> tuple[RunImport, ...]:
    found: list[RunImport] = []
    for top, stmt in statements(tree.body):
        if _guarded(top):
            continue
        if isinstance(stmt, ast.Import):
            found.extend((stmt, alias.name.split(".")[0]) for alias in stmt.names)
        elif isinstance(stmt, ast.ImportFrom) and not stmt.level and stmt.module:
            found.append((stmt, stmt.module.split(".")[0]))
    return tuple(found)


def _guarded(top: ast.stmt) -> bool:
    if isinstance(top, ast.Try) and top.handlers:
        return True
    return isinstance(top, ast.If) and "TYPE_CHECKING" in ast.unparse(top.test)
