"""What a name stands for across the Python modules of one import root.

`Modules` loads the files of an import root on demand and follows imports to
the module that defines a name; the other helpers read a module's own bindings
(the last statement binding a name, the value assigned, a literal string).
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Callable

from fixer.sources.python import absolute_module, bound_names, package_of, parse, statements
from fixer.textfile import TextFile


class Modules:
    """The Python files of one import root, loaded on demand."""

    def __init__(self, read: Callable[[str], TextFile | None], root: str) -> None:
        self.read = read
        self.root = root

    def load(self, path: str) -> tuple[TextFile, ast.Module] | None:
        file = self.read(path)
        tree = parse(file) if file is not None else None
        return (file, tree) if file is not None and tree is not None else None

    def path_of(self, dotted: str) -> str | None:
        base = posixpath.join(self.root, *dotted.split("."))
        for path in (base + ".py", base + "/__init__.py"):
            if self.read(path) is not None:
                return path
        return None

    def imported(self, path: str, stmt: ast.Import | ast.ImportFrom,
                 name: str) -> tuple[str, str | None] | None:
        """Where the name an import binds comes from: (module file, attribute or None
        when the name is the module itself)."""
        for alias in stmt.names:
            if (alias.asname or alias.name) != name:
                continue
            if isinstance(stmt, ast.Import):
                target = self.path_of(alias.name) if alias.asname or "." not in alias.name else None
                return (target, None) if target else None
            package = package_of(path, self.root)
            source = absolute_module(package, stmt.level, stmt.module) if stmt.level and \
                package is not None else stmt.module
            if source is None:
                return None
            as_module = self.path_of(f"{source}.{alias.name}" if source else alias.name)
            if as_module is not None:
                return as_module, None
            owner = self.path_of(source) if source else None
            return (owner, alias.name) if owner else None
        return None


def binding(body: list[ast.stmt], name: str) -> ast.stmt | None:
    """The last statement of a body that binds `name`."""
    found = None
    for _top, stmt in statements(body):
        if name in bound_names([stmt]) and not isinstance(stmt, ast.AugAssign):
            found = stmt
    return found


def assigned_value(stmt: ast.stmt | None) -> ast.expr | None:
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return stmt.value
    return None


def is_call_to(node: ast.expr | None, name: str) -> bool:
    """`name(...)` or `module.name(...)`."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == name) or \
        (isinstance(func, ast.Attribute) and func.attr == name)


def string_value(tree: ast.Module, node: ast.expr | None) -> str | None:
    """A literal string, or a module-level constant holding one; None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        value = assigned_value(binding(tree.body, node.id))
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


def call_argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)
