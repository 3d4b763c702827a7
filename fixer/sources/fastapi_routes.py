"""FastAPI apps and the routes their code shows.

`find_app` follows the module the command names to the `FastAPI()` call that
creates the app (through `app = create_app()`, factory functions and imports
of the same import root); `app_routes` collects its routes, through every
router it includes, with their prefixes joined.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from fixer.sources.python import Scope, statements
from fixer.sources.python_modules import (
    Modules, assigned_value, binding, call_argument, is_call_to, string_value,
)
from fixer.textfile import TextFile

ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace",
                           "api_route", "route", "websocket"})
UNKNOWN = "*"  # stands for a path part that is not a literal: `UNKNOWN + "/health"`


def join_paths(prefix: str, path: str) -> str:
    if prefix.startswith(UNKNOWN) or path.startswith(UNKNOWN):
        return UNKNOWN + path.lstrip(UNKNOWN)
    return prefix.rstrip("/") + path if prefix else path


@dataclass(frozen=True)
class AppSite:
    """Where an app object lives: the module, the scope that holds it, its variable."""

    path: str
    file: TextFile
    tree: ast.Module
    scope: Scope
    var: str
    created: ast.stmt      # the top statement of `scope` that creates or binds it


@dataclass(frozen=True)
class Route:
    path: str              # prefixes joined; starts with UNKNOWN when a part is not literal
    get: bool              # answers GET
    function: ast.FunctionDef | ast.AsyncFunctionDef | None


@dataclass
class AppRoutes:
    sites: list[AppSite]   # the first is where the app is created
    routes: list[Route] = field(default_factory=list)
    unknown: str | None = None                              # why unseen routes may exist
    anchors: list[ast.stmt] = field(default_factory=list)   # creation-scope statements adding routes


def find_app(mods: Modules, path: str, attr: str | None, depth: int = 0) -> list[AppSite]:
    """The app `attr` of a module (guessed when None): followed through `app = create_app()`,
    factory functions and imports from modules of the same import root."""
    loaded = mods.load(path) if depth < 5 else None
    if loaded is None:
        return []
    file, tree = loaded
    name = attr or _guess_app_name(tree)
    stmt = binding(tree.body, name) if name else None
    if name is None or stmt is None:
        return []
    here = AppSite(path, file, tree, tree, name, _top_of(tree.body, stmt))
    value = assigned_value(stmt)
    if is_call_to(value, "FastAPI"):
        return [here]
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        inner = _inside_factory(here, stmt)
        return [inner] if inner else []
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        factory = _function(mods, path, tree, value.func.id, depth)
        return [factory, here] if factory else []
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        origin = mods.imported(path, stmt, name)
        sites = find_app(mods, origin[0], origin[1], depth + 1) if origin and origin[1] else []
        return sites + [here] if sites else []
    return []


def _guess_app_name(tree: ast.Module) -> str | None:
    names = [t.id for _top, s in statements(tree.body) if isinstance(s, ast.Assign)
             and is_call_to(s.value, "FastAPI") for t in s.targets if isinstance(t, ast.Name)]
    if "app" in names or (not names and binding(tree.body, "app") is not None):
        return "app"
    return names[0] if names else None


def _top_of(body: list[ast.stmt], stmt: ast.stmt) -> ast.stmt:
    return next((top for top, s in statements(body) if s is stmt), stmt)


def _function(mods: Modules, path: str, tree: ast.Module, name: str,
              depth: int) -> AppSite | None:
    """The app a factory function builds, the function defined here or imported."""
    stmt = binding(tree.body, name)
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        loaded = mods.load(path)
        return _inside_factory(AppSite(path, loaded[0], tree, tree, name, stmt), stmt) \
            if loaded else None
    if isinstance(stmt, (ast.Import, ast.ImportFrom)) and depth < 5:
        origin = mods.imported(path, stmt, name)
        loaded = mods.load(origin[0]) if origin and origin[1] else None
        if origin and origin[1] and loaded:
            return _function(mods, origin[0], loaded[1], origin[1], depth + 1)
    return None


def _inside_factory(outer: AppSite, function: ast.FunctionDef | ast.AsyncFunctionDef
                    ) -> AppSite | None:
    for top, stmt in statements(function.body):
        if isinstance(stmt, ast.Assign) and is_call_to(stmt.value, "FastAPI") \
                and isinstance(stmt.targets[0], ast.Name):
            return AppSite(outer.path, outer.file, outer.tree, function, stmt.targets[0].id, top)
    return None


def app_routes(mods: Modules, sites: list[AppSite]) -> AppRoutes:
    """Every route the app serves that the code shows, through included routers."""
    result = AppRoutes(sites)
    for i, site in enumerate(sites):
        created = assigned_value(binding(site.scope.body, site.var))
        if isinstance(created, ast.Call) and any(k.arg == "routes" for k in created.keywords):
            result.unknown = "the app is built with `routes=`"
        _scan(mods, site.path, site.tree, site.scope, site.var, "", result, i == 0, 0)
    return result


def _scan(mods: Modules, path: str, tree: ast.Module, scope: Scope, var: str, prefix: str,
          result: AppRoutes, anchors: bool, depth: int) -> None:
    for top, stmt in statements(scope.body):
        before = len(result.routes)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in stmt.decorator_list:
                if isinstance(decorator, ast.Call) and _method_of(decorator, var) in ROUTE_METHODS:
                    result.routes.append(_route(tree, decorator, prefix, stmt))
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            method = _method_of(call, var)
            if method in ("add_api_route", "add_route"):
                result.routes.append(_route(tree, call, prefix, None))
            elif method == "include_router":
                _include(mods, path, tree, scope, call, prefix, result, depth)
                result.anchors.extend([top] if anchors else [])
            elif isinstance(call.func, ast.Name) and any(
                    isinstance(a, ast.Name) and a.id == var for a in call.args):
                result.unknown = f"`{call.func.id}({var})` may add routes"
        if anchors and len(result.routes) > before:
            result.anchors.append(top)


def _method_of(call: ast.Call, var: str) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
            and func.value.id == var:
        return func.attr
    return None


def _route(tree: ast.Module, call: ast.Call, prefix: str,
           function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> Route:
    method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    literal = string_value(tree, call_argument(call, 0, "path"))
    get = method == "get"
    if method in ("api_route", "route", "add_api_route", "add_route"):
        methods = next((k.value for k in call.keywords if k.arg == "methods"), None)
        get = methods is None or not isinstance(methods, (ast.List, ast.Tuple, ast.Set)) or any(
            string_value(tree, m) in ("GET", "get", None) for m in methods.elts)
    return Route(join_paths(prefix, UNKNOWN if literal is None else literal), get, function)


def _include(mods: Modules, path: str, tree: ast.Module, scope: Scope, call: ast.Call,
             prefix: str, result: AppRoutes, depth: int) -> None:
    router = call_argument(call, 0, "router")
    found = _router(mods, path, tree, scope, router, depth) if router is not None else None
    if found is None or depth > 5:
        shown = ast.unparse(router) if router is not None else "?"
        result.unknown = f"the router `{shown}` could not be followed"
        return
    rpath, rtree, rscope, rvar, rcall = found
    given = _prefix(tree, call)
    _scan(mods, rpath, rtree, rscope, rvar, join_paths(join_paths(prefix, given),
                                                        _prefix(rtree, rcall)), result, False,
          depth + 1)


def _prefix(tree: ast.Module, call: ast.Call) -> str:
    node = next((k.value for k in call.keywords if k.arg == "prefix"), None)
    if node is None:
        return ""
    literal = string_value(tree, node)
    return UNKNOWN if literal is None else literal


RouterDef = tuple[str, ast.Module, Scope, str, ast.Call]


def _router(mods: Modules, path: str, tree: ast.Module, scope: Scope, expr: ast.expr,
            depth: int) -> RouterDef | None:
    """Where `router`, `users.router` or an imported router is created (`APIRouter(...)`)."""
    if depth > 5:
        return None
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        origin = _origin(mods, path, tree, expr.value.id)
        loaded = mods.load(origin[0]) if origin and origin[1] is None else None
        if loaded is None:
            return None
        return _router(mods, origin[0], loaded[1], loaded[1], ast.Name(expr.attr), depth + 1) \
            if origin else None
    if not isinstance(expr, ast.Name):
        return None
    for body_scope in ([scope, tree] if scope is not tree else [tree]):
        stmt = binding(body_scope.body, expr.id)
        if stmt is None:
            continue
        value = assigned_value(stmt)
        if isinstance(value, ast.Call) and is_call_to(value, "APIRouter"):
            return path, tree, body_scope, expr.id, value
        origin = _origin(mods, path, tree, expr.id) if isinstance(
            stmt, (ast.Import, ast.ImportFrom)) else None
        loaded = mods.load(origin[0]) if origin and origin[1] else None
        if origin and origin[1] and loaded:
            return _router(mods, origin[0], loaded[1], loaded[1], ast.Name(origin[1]), depth + 1)
        return None
    return None


def _origin(mods: Modules, path: str, tree: ast.Module, name: str) -> tuple[str, str | None] | None:
    stmt = binding(tree.body, name)
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return mods.imported(path, stmt, name)
    return None
