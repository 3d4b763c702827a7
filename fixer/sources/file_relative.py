"""A folder a Python expression names relative to its own module's file, read from the code.

Apps name the folders they serve beside their code through `__file__`, so they work from any
working directory: `os.path.join(os.path.dirname(__file__), "static")`,
`Path(__file__).resolve().parent / "static"`, or a module constant holding the module's folder
(`BASE_DIR = Path(__file__).parent.parent`, then `BASE_DIR / "media"`). What such an
expression names is a path relative to the module's folder (`static`, `../media`), the same in
the repository and in the image. Anything else (a setting, an environment variable, a call
fixer does not know) is not read.
"""

from __future__ import annotations

import ast
import posixpath
from typing import NamedTuple

from fixer.sources.python_modules import assigned_value, binding

# calls that give the path they are given, made absolute or resolved: the same file or folder
_SAME_PATH = frozenset({"abspath", "realpath", "normpath", "resolve", "absolute", "str",
                        "fspath", "Path", "PurePath", "PosixPath"})

# constants followed through this many names (`STATIC = BASE / "s"`, `BASE = ROOT`, ...)
_MOST_NAMES = 8


class _Named(NamedTuple):
    """A path relative to the module's folder; `file`: it is the module's file itself."""

    path: str
    file: bool = False


def folder_beside(body: list[ast.stmt], node: ast.expr | None) -> str | None:
    """The folder `node` names relative to its module's folder (`static`, `../media`), when it
    is built from `__file__` with `os.path` or `pathlib`; None when fixer cannot read it, or
    it names the module's file. `body`: the statements whose constants it may name (the
    module's, with a function's own before them)."""
    found = _named(body, node, _MOST_NAMES)
    return None if found is None or found.file else found.path


def _named(body: list[ast.stmt], node: ast.expr | None, names: int) -> _Named | None:
    if isinstance(node, ast.Name):
        if node.id == "__file__":
            return _Named(".", file=True)
        if names == 0:
            return None
        return _named(body, assigned_value(binding(body, node.id)), names - 1)
    if isinstance(node, ast.Attribute):
        return _attribute(body, node, names)
    if isinstance(node, ast.Subscript):   # `Path(__file__).parents[1]`
        return _parents(body, node, names)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):   # `BASE / "static"`
        return _joined(_named(body, node.left, names), [node.right])
    if isinstance(node, ast.Call):
        return _call(body, node, names)
    return None


def _attribute(body: list[ast.stmt], node: ast.Attribute, names: int) -> _Named | None:
    """`.parent` of a path: its folder."""
    if node.attr != "parent":
        return None
    return _up(_named(body, node.value, names), 1)


def _parents(body: list[ast.stmt], node: ast.Subscript, names: int) -> _Named | None:
    if not (isinstance(node.value, ast.Attribute) and node.value.attr == "parents" and
            isinstance(node.slice, ast.Constant) and type(node.slice.value) is int and
            node.slice.value >= 0):
        return None
    return _up(_named(body, node.value.value, names), node.slice.value + 1)


def _call(body: list[ast.stmt], node: ast.Call, names: int) -> _Named | None:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else \
        func.attr if isinstance(func, ast.Attribute) else None
    if isinstance(func, ast.Attribute) and name in ("resolve", "absolute", "joinpath") \
            and not _is_module(func.value):   # a method of a path: `p.resolve()`
        if node.keywords or (name != "joinpath" and node.args):
            return None
        subject = _named(body, func.value, names)
        return _joined(subject, node.args) if name == "joinpath" else subject
    if node.keywords or not node.args:
        return None
    first = _named(body, node.args[0], names)
    if name == "dirname" and len(node.args) == 1:
        return _up(first, 1)
    if name == "join":   # `os.path.join(base, "static")`
        return _joined(first, node.args[1:])
    if name in _SAME_PATH and len(node.args) == 1:
        return first
    return None


def _is_module(node: ast.expr) -> bool:
    """`os.path`, `pathlib`: what a function is called on, not a path."""
    return isinstance(node, ast.Name) and node.id in ("os", "pathlib", "path") or \
        isinstance(node, ast.Attribute) and node.attr == "path"


def _up(found: _Named | None, levels: int) -> _Named | None:
    """The folder `levels` up: the module's file's parent is its folder."""
    if found is None:
        return None
    path = found.path
    for _ in range(levels - 1 if found.file else levels):
        path = posixpath.join(path, "..")
    return _Named(posixpath.normpath(path))


def _joined(found: _Named | None, parts: list[ast.expr]) -> _Named | None:
    """`found` joined with literal parts; an absolute part or a part fixer cannot read: None."""
    if found is None or found.file:
        return None
    path = found.path
    for part in parts:
        if not (isinstance(part, ast.Constant) and isinstance(part.value, str)) or \
                part.value.startswith("/") or not part.value:
            return None
        path = posixpath.join(path, part.value)
    return _Named(posixpath.normpath(path))
