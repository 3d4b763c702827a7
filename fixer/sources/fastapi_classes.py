"""FastAPI subclasses: the class an app is an instance of, read through its bases.

`app_class` follows the call that builds an app (`Api()`) to its class, here or
imported from the import root, and up its bases to `FastAPI`. `class_doubt` says
why `@app.get(...)` may not add a route as FastAPI's own `get` does: a class of
the chain redefines how routes are added, or fixer cannot read one of them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from fixer.sources.python import bound_names
from fixer.sources.python_modules import Modules, binding, is_call_to

# `@app.get(...)` runs FastAPI's `get`, which calls `self.router.get`; `api_route`,
# `add_api_route` and `route` are the other ways routes come in. A class that redefines one
# of them (or sets it on `self`) may take other arguments (`def get(self, **kwargs)` makes
# `@app.get("/health")` a TypeError at import) or serve the route at another path.
ROUTE_ADDERS = frozenset({"get", "api_route", "add_api_route", "route", "router",
                          "__getattribute__"})
_FASTAPI = ("fastapi.FastAPI", "fastapi.applications.FastAPI")  # where an import finds it


@dataclass
class AppClass:
    """The class an app is an instance of, as far as fixer reads it and its bases."""

    classes: list[tuple[str, ast.Module, ast.ClassDef]] = field(default_factory=list)
    fastapi: bool = False        # `FastAPI` is among its bases
    unread: str | None = None    # which class of the chain fixer cannot read, and how it comes in
    foreign: str | None = None   # another framework's class the app is built by: `flask.Flask`
    # `unread` is a method of an object the module makes (`fastapi_app.create_app()`), whose
    # code fixer may hold but does not follow: not one it cannot read
    method: bool = False

    @property
    def unread_said(self) -> str | None:
        """Why fixer sees no further than `unread`, said after it; None where it sees all."""
        if not self.unread:
            return None
        return f"{self.unread}, a method of an object the module makes, which fixer does not " \
            "follow" if self.method else f"{self.unread}, which fixer cannot read"


def app_class(mods: Modules, path: str, tree: ast.Module, call: ast.Call) -> AppClass:
    """The class a call instantiates, read through its bases (`FastAPI()`: FastAPI itself)."""
    found = AppClass()
    if is_call_to(call, "FastAPI"):
        found.fastapi = True
    elif isinstance(call.func, ast.Name):
        found.fastapi = _read_class(mods, path, tree, call.func.id, found, None, 0)
    else:
        found.unread = f"the app is built by `{ast.unparse(call.func)}`"
        owner = call.func.value if isinstance(call.func, ast.Attribute) else None
        made = binding(tree.body, owner.id) if isinstance(owner, ast.Name) else None
        found.method = isinstance(made, (ast.Assign, ast.AnnAssign))
        written = ast.unparse(call.func)
        found.foreign = written if _framework(written) else None
    if found.fastapi:   # `class App(StarletteMixin, FastAPI)` is FastAPI's
        found.foreign = None
    return found


# the top-level packages of other web frameworks and of the wrappers that serve one: an app
# built by one of their classes is not FastAPI's, even where its module imports fastapi
_FRAMEWORKS = frozenset({
    "flask", "quart", "starlette", "litestar", "sanic", "django", "asgiref", "werkzeug",
    "aiohttp", "falcon", "bottle", "tornado", "socketio", "a2wsgi", "connexion"})


def _framework(dotted: str) -> bool:
    return dotted.split(".")[0] in _FRAMEWORKS


def _read_class(mods: Modules, path: str, tree: ast.Module, name: str, found: AppClass,
                derived: str | None, depth: int) -> bool:
    """Adds the class `name` (a base of `derived`, or what the app is built by), here or
    imported from the import root, and its bases; True when it is or derives from FastAPI."""
    stmt = binding(tree.body, name)
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        if _dotted(stmt, name) in _FASTAPI:  # `from fastapi import FastAPI as BaseApp`
            return True
        if _framework(_dotted(stmt, name)):   # `from flask import Flask`, a base of the app's
            found.foreign = found.foreign or _dotted(stmt, name)
        origin = mods.imported(path, stmt, name)
        loaded = mods.load(origin[0]) if origin and origin[1] and depth <= 5 else None
        if origin and origin[1] and loaded:
            return _read_class(mods, origin[0], loaded[1], origin[1], found, derived, depth + 1)
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False  # a factory, not a class: `find_app` follows it
    if not isinstance(stmt, ast.ClassDef) or depth > 5:
        shown = f"`{_dotted(stmt, name)}`"
        found.unread = found.unread or (f"the app's class `{derived}` derives from {shown}"
                                        if derived else f"the app is built by {shown}")
        return False
    found.classes.append((path, tree, stmt))
    return _read_bases(mods, path, tree, stmt, found, depth)


def _read_bases(mods: Modules, path: str, tree: ast.Module, cls: ast.ClassDef,
                found: AppClass, depth: int) -> bool:
    """The bases of `cls`, in order, up to the one that is or derives from FastAPI: those
    after it come after FastAPI in the method resolution order, and cannot change `get`."""
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id == "FastAPI" or \
                isinstance(base, ast.Attribute) and base.attr == "FastAPI":
            return True
        if isinstance(base, ast.Name):
            if base.id != "object" and \
                    _read_class(mods, path, tree, base.id, found, cls.name, depth + 1):
                return True
        else:
            found.unread = found.unread or f"the app's class `{cls.name}` derives from " \
                                           f"`{ast.unparse(base)}`"
    return False


def _dotted(stmt: ast.stmt | None, name: str) -> str:
    """The name as its import spells where it comes from: `platform_kit.web.ServiceApp`."""
    if isinstance(stmt, ast.ImportFrom):
        alias = next((a for a in stmt.names if (a.asname or a.name) == name), None)
        source = "." * stmt.level + (stmt.module or "")
        original = alias.name if alias else name
        return f"{source}.{original}" if stmt.module else source + original
    return name


def class_doubt(found: AppClass) -> str | None:
    """Why `@app.get(...)` may not add a route as FastAPI's own `get` does."""
    for path, _tree, cls in found.classes:
        redefined = _redefined(cls)
        if redefined is not None:
            return f"the app's class `{cls.name}` ({path}:{cls.lineno}) redefines " \
                   f"`{redefined}`"
    return found.unread_said


def _redefined(cls: ast.ClassDef) -> str | None:
    """A route-adding attribute the class defines, or sets on `self` in a method. Other
    methods, `__init__` included, leave FastAPI's `get` as it is."""
    own = bound_names(cls.body) & ROUTE_ADDERS
    on_self = {t.attr for node in ast.walk(cls) if isinstance(node, (ast.Assign, ast.AnnAssign))
               for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
               if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
               and t.value.id == "self" and t.attr in ROUTE_ADDERS}
    return min(own | on_self, default=None)
