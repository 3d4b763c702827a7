"""What a name stands for across the Python modules of one import root.

`Modules` loads the files of an import root on demand, follows imports to the
module that defines a name, and lists the files importing a module runs (its
import path); the other helpers read a module's own bindings
(the last statement binding a name, the value assigned, a literal string).
An absolute import the import root does not hold may be found in a folder the
image's PYTHONPATH puts on sys.path after it (`OnPythonPath`).
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable, Iterator

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.sources.python import (
    BLOCKS,
    absolute_module,
    bound_names,
    every_statement,
    module_name,
    own_names,
    package_of,
    parse,
    statements,
)
from fixer.sources.relative_imports import target_module


# The top-level modules and packages that the folders of the image's PYTHONPATH hold, each
# with the repository folder that holds it (`("app", "")`: `ENV PYTHONPATH=/code` with `COPY
# app ./app` in WORKDIR /code), the first entry's first: Python looks there after the import
# root (`appmodule.on_python_path` maps them)
OnPythonPath = tuple[tuple[str, str], ...]


class Modules:
    """The Python files of one import root, loaded on demand; with `python_path`, the
    modules the image's PYTHONPATH adds after it."""

    def __init__(self, read: Callable[[str], TextFile | None], root: str,
                 python_path: OnPythonPath = ()) -> None:
        self.read = read
        self.root = root
        self.python_path = python_path

    def load(self, path: str) -> tuple[TextFile, ast.Module] | None:
        file = self.read(path)
        tree = parse(file) if file is not None else None
        return (file, tree) if file is not None and tree is not None else None

    def path_of(self, dotted: str) -> str | None:
        """The file `import dotted` runs: in the import root, else in the PYTHONPATH folder
        that holds its top-level package, unless the root holds that package or module (a
        regular package is found whole in the first folder that has it)."""
        found = self._path_in(self.root, dotted)
        top = dotted.split(".")[0]
        if found is not None or not self.python_path or self._path_in(self.root, top):
            return found
        folder = next((f for name, f in self.python_path if name == top), None)
        return self._path_in(folder, dotted) if folder is not None else None

    def _path_in(self, folder: str, dotted: str) -> str | None:
        base = posixpath.join(folder, *dotted.split("."))
        for path in (base + "/__init__.py", base + ".py"):   # a package first, as Python
            if self.read(path) is not None:
                return path
        return None

    def package_of(self, path: str) -> str | None:
        """The `__package__` the file runs as: seen from the import root, else from the
        PYTHONPATH folder it is found in; None for a file of neither."""
        found = package_of(path, self.root)
        if found is not None:
            return found
        for top, folder in self.python_path:
            name = module_name(path, folder)
            if name is not None and name.split(".")[0] == top:
                return package_of(path, folder)
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
            package = self.package_of(path)
            source = absolute_module(package, stmt.level, stmt.module) if stmt.level and \
                package is not None else stmt.module
            if source is None:
                return None
            as_module = self.path_of(f"{source}.{alias.name}" if source else alias.name)
            owner = self.path_of(source) if source else None
            if as_module is not None and not (owner and self._rebinds(owner, alias.name)):
                return as_module, None
            return (owner, alias.name) if owner else None
        return None

    def imported_string(self, path: str, tree: ast.Module, node: ast.expr | None,
                        depth: int = 0) -> tuple[str, ast.Constant] | None:
        """The string literal a name the module imports from the import root holds, and
        the module that writes it: `from app.common import LIVENESS_PATH`, where
        app/common/constants.py assigns `LIVENESS_PATH = "/k8/liveness"` and app/common's
        `__init__` imports it with `from .constants import *`. None for a name the module
        binds itself (`string_constant` reads that), one of an installed package, or one
        that holds anything else."""
        if not isinstance(node, ast.Name) or depth > 5:
            return None
        stmt = binding(tree.body, node.id)
        if stmt is None:
            return self._star_imported_string(path, tree, node.id, depth)
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            origin = self.imported(path, stmt, node.id)
            loaded = self.load(origin[0]) if origin and origin[1] else None
            return self.imported_string(origin[0], loaded[1], ast.Name(origin[1]), depth + 1) \
                if origin and origin[1] and loaded else None
        constant = string_constant(tree, node) if depth else None
        return (path, constant) if constant is not None else None

    def _star_imported_string(self, path: str, tree: ast.Module, name: str,
                              depth: int) -> tuple[str, ast.Constant] | None:
        """The string `name` holds where the module binds it only through `from X import *`
        of a module of the import root: the last such import whose module exports it."""
        package = self.package_of(path)
        found = None
        for stmt in tree.body:
            if not (isinstance(stmt, ast.ImportFrom) and [a.name for a in stmt.names] == ["*"]):
                continue
            source = absolute_module(package, stmt.level, stmt.module) if stmt.level and \
                package is not None else stmt.module
            origin = self.path_of(source) if source else None
            loaded = self.load(origin) if origin is not None else None
            if origin is not None and loaded is not None and _exports(loaded[1], name):
                found = self.imported_string(origin, loaded[1], ast.Name(name), depth + 1) \
                    or found
        return found

    def _rebinds(self, init: str, name: str) -> bool:
        """The package's `__init__` binds `name` to something else than its submodule of
        that name (`from .users import router as users`): `from package import users` then
        gets that, as Python looks the name up in the package before its submodules."""
        loaded = self.load(init) if init.endswith("__init__.py") else None
        stmt = binding(loaded[1].body, name) if loaded is not None else None
        if stmt is None:
            return False
        if isinstance(stmt, ast.ImportFrom):   # `from . import users` binds the submodule
            package = posixpath.basename(posixpath.dirname(init))
            module = stmt.module or ""
            return bool(module) and (stmt.level > 0 or module.rsplit(".", 1)[-1] != package)
        return not isinstance(stmt, ast.Import)

    def import_path(self, start: str, package: str, limit: int = 2_000) -> list[str]:
        """The files of the import root that importing `start` (as `package`) runs,
        transitively: `start` first, then in the order found, packages' `__init__.py`
        included. Relative imports are followed to where their file sits, even where
        they climb above the top-level package (Python refuses those; the files that
        they name are still what the author meant to load)."""
        return list(self.import_packages(start, package, limit))

    def import_packages(self, start: str, package: str, limit: int = 2_000,
                        at_import: bool = False) -> dict[str, str]:
        """The import path (see `import_path`), each file with the `__package__` it runs
        as: `package` for `start`, which may run at the top level wherever it sits.
        `at_import`: only what importing `start` runs, not the imports inside functions."""
        found = {start: package}
        order = [start]
        at = 0
        while at < len(order) and len(order) < limit:
            path = order[at]
            at += 1
            loaded = self.load(path)
            if loaded is None:
                continue
            for imported, its_package in self._imported(*loaded, found[path], at_import):
                if imported not in found:
                    found[imported] = its_package
                    order.append(imported)
        return found

    def _imported(self, file: TextFile, tree: ast.Module, package: str,
                  at_import: bool = False) -> list[tuple[str, str]]:
        """Files an import statement of the module runs (each package on the way, the
        module, and the submodules that `from pkg import name` may name), each with the
        `__package__` it runs as under the name imported: `app.api` for app/api/router.py
        imported as `app.api.router` from a PYTHONPATH folder, though the import root is
        app/ itself."""
        names = self.names_imported(file, tree, package) if not at_import else \
            _imported_names(ast.Module([s for _top, s in statements(tree.body)
                                        if isinstance(s, (ast.Import, ast.ImportFrom))], []),
                            package)
        found: dict[str, str] = {}
        for name in sorted(names):
            path = self.path_of(name)
            if path is not None:
                found.setdefault(path, name if path.endswith("__init__.py")
                                 else name.rpartition(".")[0])
        return sorted(found.items())

    @staticmethod
    def names_imported(file: TextFile, tree: ast.Module, package: str) -> frozenset[str]:
        """The dotted names the module's import statements run, as it runs in `package`
        (each package on the way too: `a`, `a.b` for `import a.b.c`)."""
        by_package = file.derived.get(_IMPORTED, dict)  # the text says which names
        if package not in by_package:
            by_package[package] = _imported_names(tree, package)
        return by_package[package]


# package -> the dotted names the module's import statements run, kept with the file
_IMPORTED: Memo[dict[str, frozenset[str]]] = Memo("imported names")


def _imported_names(tree: ast.Module, package: str) -> frozenset[str]:
    names: set[str] = set()
    for node in every_statement(tree.body):
        if isinstance(node, ast.Import):
            names.update(p for a in node.names for p in _prefixes(a.name))
        elif isinstance(node, ast.ImportFrom):
            source = target_module(package, node.level, node.module, True) \
                if node.level else node.module
            if source is None:
                continue
            names.update(_prefixes(source) if source else [])
            names.update(f"{source}.{a.name}" if source else a.name for a in node.names
                         if a.name != "*")
    return frozenset(names)


# absolute imports as text: `import a.b, c` and `from a.b import x, y`, the names in
# parentheses over several lines too
_IMPORT_TEXT = lazy_compile(r"^[ \t]*import[ \t]+([\w., \t]+)", re.M)
_FROM_TEXT = lazy_compile(r"^[ \t]*from[ \t]+([A-Za-z_][\w.]*)[ \t]+import[ \t]*"
                          r"(?:\(([^)]*)\)|([^(\n][^\n]*))", re.M)
# `importlib.import_module("acme.common.money")`, `__import__("acme.common")`: an import
# by a name written as a string literal
_CALL_TEXT = lazy_compile(r"\b(?:import_module|__import__)\(\s*[rR]?[\"']([A-Za-z_][\w.]*)[\"']")


def imported_in_text(text: str) -> Iterator[tuple[str, int]]:
    """(dotted name, offset of the statement) of each absolute import written in the text:
    `import a.b` gives `a.b`, `from a.b import x, y` gives `a.b`, `a.b.x` and `a.b.y`,
    `importlib.import_module("a.b")` and `__import__("a.b")` give `a.b`. Read
    as text where a module is read only for what it imports (no tree built), so a name in a
    string that looks like an import counts too: a false match only makes a fix unsafe."""
    for match in _IMPORT_TEXT.finditer(text):
        for part in match.group(1).split(","):
            words = part.split()
            if words and all(p.isidentifier() for p in words[0].split(".")):
                yield words[0], match.start()
    for match in _FROM_TEXT.finditer(text):
        module = match.group(1)
        yield module, match.start()
        names = re.sub(r"#[^\n]*", "", match.group(2) or match.group(3) or "")
        for part in names.replace("\\", " ").split(","):
            words = part.split()
            if words and words[0].isidentifier():
                yield f"{module}.{words[0]}", match.start()
    for match in _CALL_TEXT.finditer(text):
        yield match.group(1), match.start()


def _prefixes(name: str) -> list[str]:
    """`a.b.c` -> a, a.b, a.b.c: importing it runs each of them."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _exports(tree: ast.Module, name: str) -> bool:
    """`from module import *` binds `name`: its `__all__` lists it, or, with none, the
    name is public."""
    listed = assigned_value(binding(tree.body, "__all__"))
    if listed is None:
        return not name.startswith("_")
    return isinstance(listed, (ast.List, ast.Tuple)) and any(
        isinstance(e, ast.Constant) and e.value == name for e in listed.elts)


def binding(body: list[ast.stmt], name: str) -> ast.stmt | None:
    """The last statement of a body that binds `name`."""
    found = None
    for top in body:
        if not isinstance(top, BLOCKS):   # most statements: `statements` yields them alone
            if not isinstance(top, ast.AugAssign) and name in own_names(top):
                found = top
            continue
        for _top, stmt in statements([top]):
            if isinstance(stmt, ast.AugAssign):
                continue
            # a block binds what its statements bind; a plain statement only its own names
            if name in (bound_names([stmt]) if isinstance(stmt, BLOCKS) else own_names(stmt)):
                found = stmt
    return found


def binding_before(body: list[ast.stmt], name: str, line: int) -> ast.stmt | None:
    """The last statement of a body that binds `name` above `line`: what the name is where
    module-level code on that line runs (`include_router(orders.router)` of the module
    `orders`, though a `def orders` further down binds the name again)."""
    above = [stmt for stmt in body if stmt.lineno < line]
    return binding(above, name)


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
    found = string_constant(tree, node)
    return str(found.value) if found is not None else None


def string_constant(tree: ast.Module, node: ast.expr | None) -> ast.Constant | None:
    """The string literal that gives `node` its value: itself, or the one a module-level
    constant is assigned (where the code writes the text, for a caller that counts it)."""
    if isinstance(node, ast.Name):
        node = assigned_value(binding(tree.body, node.id))
    if isinstance(node, ast.JoinedStr) and all(
            isinstance(part, ast.Constant) for part in node.values):
        # an f-string with no placeholder (`f'/users'`) is its text, written where it is
        text = "".join(str(part.value) for part in node.values
                       if isinstance(part, ast.Constant))
        return ast.copy_location(ast.Constant(value=text), node)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node
    return None


def folded_text(tree: ast.Module, node: ast.expr | None, depth: int = 0) -> str | None:
    """The text of a string the module builds from literals and its own constants alone:
    `f"{PREFIX}/_ping"`, `API + "/items"`, where `PREFIX = f"{BASE}/v1"` and `BASE = "/svc"`
    are each bound once, at the module's top level, outside any block (a name bound again,
    or under an `if`, may hold another text). None for anything else."""
    if node is None or depth > 8:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        bound = [stmt for _top, stmt in statements(tree.body) if node.id in own_names(stmt)]
        once = bound[0] if len(bound) == 1 and bound[0] in tree.body else None
        return folded_text(tree, assigned_value(once), depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = folded_text(tree, node.left, depth), folded_text(tree, node.right, depth)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        parts = [folded_text(tree, part.value, depth) if isinstance(part, ast.FormattedValue)
                 and part.conversion == -1 and part.format_spec is None
                 else folded_text(tree, part, depth) if isinstance(part, ast.Constant) else None
                 for part in node.values]
        return "".join(p for p in parts if p is not None) if None not in parts else None
    return None


def call_argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)
