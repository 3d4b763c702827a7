"""Python source files: parsed with `ast`/tokenize to detect, rewritten with libcst to fix.

Detection must stay cheap (`fixer check` never imports libcst), so everything
here works on `ast` trees, except the rewrite functions at the end, which
import libcst when a fix calls them.
"""

from __future__ import annotations

import ast
import io
import posixpath
import re
import sys
import tokenize
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fixer.edits import TextEdit
from fixer.textfile import TextFile

if TYPE_CHECKING:
    import libcst

_PARSED: dict[tuple[str, str], ast.Module | None] = {}
_PARSED_LIMIT = 20_000
Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef


def parse(file: TextFile) -> ast.Module | None:
    """The module's tree; None when it does not parse (another tool's problem, not ours)."""
    key = (file.path, file.text)
    if key not in _PARSED:
        if len(_PARSED) > _PARSED_LIMIT:
            _PARSED.clear()
        try:
            _PARSED[key] = ast.parse(file.text, file.path)
        except (SyntaxError, ValueError):
            _PARSED[key] = None
    return _PARSED[key]


class LineIndex:
    """Line/column positions (ast columns count UTF-8 bytes) to character offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def offset(self, line: int, byte_column: int) -> int:
        start = self.starts[line - 1]
        prefix = self.text[start:start + byte_column].encode("utf-8")[:byte_column]
        return start + len(prefix.decode("utf-8", "ignore"))

    def line_end(self, line: int) -> int:
        """Offset just past the line's newline (the end of the text for the last line)."""
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line - 1]:self.line_end(line)]


def statements(body: list[ast.stmt]) -> Iterator[tuple[ast.stmt, ast.stmt]]:
    """(top statement, statement) for each statement of a body, into if/try/with blocks
    but not into function or class bodies: what runs when the body runs."""
    for top in body:
        stack: list[ast.stmt] = [top]
        while stack:
            stmt = stack.pop(0)
            yield top, stmt
            if isinstance(stmt, (ast.If, ast.Try, ast.With, ast.AsyncWith)):
                stack.extend(stmt.body)
                stack.extend(getattr(stmt, "orelse", []))
                stack.extend(getattr(stmt, "finalbody", []))
                for handler in getattr(stmt, "handlers", []):
                    stack.extend(handler.body)


def bound_names(body: list[ast.stmt]) -> set[str]:
    """Names a body binds: defs, classes, assignments and imports."""
    names: set[str] = set()
    for _top, stmt in statements(body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


# -- style --------------------------------------------------------------------------------------

def indent_unit(text: str) -> str:
    """The file's indentation step (the first indented block's), four spaces by default."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.INDENT:
                return token.string if token.string.strip(" ") == "" else "    "
    except (tokenize.TokenError, SyntaxError):
        pass
    return "    "


def quote_char(text: str) -> str:
    """The quote most of the file's plain string literals use; `"` when undecided."""
    counts = {'"': 0, "'": 0}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING and token.string[:1] in counts \
                    and not token.string.startswith(('"""', "'''")):
                counts[token.string[0]] += 1
    except (tokenize.TokenError, SyntaxError):
        pass
    return "'" if counts["'"] > counts['"'] else '"'


# -- imports ------------------------------------------------------------------------------------

def module_name(path: str, root: str) -> str | None:
    """`app/db.py` under root "" -> `app.db`; `app/__init__.py` -> `app`; None outside root."""
    relative = path[len(root) + 1:] if root else path
    if root and not path.startswith(root + "/") or not relative.endswith(".py"):
        return None
    parts = relative[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def package_of(path: str, root: str) -> str | None:
    """The `__package__` a module file gets when imported from `root` ("" at the top level)."""
    name = module_name(path, root)
    if name is None:
        return None
    return name if path.endswith("/__init__.py") or path == "__init__.py" else name.rpartition(".")[0]


def absolute_module(package: str, level: int, module: str | None) -> str | None:
    """The absolute name of `from <level dots><module> import`, seen from `package`.

    A top-level module (package "") is given the import root as its parent, so
    `from .db import x` becomes `db` and `from . import m` becomes "" (meaning
    `import m`). None when the dots climb above the root.
    """
    parts = package.split(".") if package else []
    if not parts:
        return (module or "") if level == 1 else None
    if level - 1 >= len(parts):
        return None
    base = parts[:len(parts) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def relative_imports(tree: ast.Module) -> list[ast.ImportFrom]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 0]


def import_problem(node: ast.ImportFrom, package: str, source: str) -> str | None:
    """Why this relative import has no safe absolute form; None when it has one."""
    written = "." * node.level + (node.module or "")
    target = absolute_module(package, node.level, node.module)
    if target is None:
        return f"`{written}` climbs above the import root"
    if package:
        return None
    if node.module is None and any(a.name == "*" for a in node.names):
        return "`from . import *` has no absolute form at the top level"
    segment = ast.get_source_segment(source, node) or ""
    if node.module is None and "(" in segment and "#" in segment:
        return "comments inside the parenthesized names would be lost"
    firsts = [target.split(".")[0]] if target else [a.name.split(".")[0] for a in node.names]
    shadowed = [name for name in firsts if name in sys.stdlib_module_names]
    if shadowed:
        return f"`{shadowed[0]}` would resolve to the standard library module, not the local one"
    return None


def written(node: ast.ImportFrom) -> str:
    """The import as a short text: `from .db import x`, `from . import a, b`."""
    names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in node.names)
    return f"from {'.' * node.level}{node.module or ''} import {names}"


@dataclass(frozen=True)
class RelativeImports:
    """The relative imports of one file, and why any of them has no absolute form."""

    nodes: list[ast.ImportFrom]
    problems: list[str]

    def summary(self) -> str:
        more = f" (and {len(self.nodes) - 1} more)" if len(self.nodes) > 1 else ""
        return f"`{written(self.nodes[0])}`{more}"


def scan_relative(file: TextFile, package: str) -> RelativeImports | None:
    """The file's relative imports seen from `package`; None when it has none."""
    if "from ." not in file.text and not re.search(r"from\s+\.", file.text):
        return None  # cheap: most files have no relative import at all
    tree = parse(file)
    if tree is None:
        return None
    nodes = sorted(relative_imports(tree), key=lambda n: (n.lineno, n.col_offset))
    if not nodes:
        return None
    problems = [p for p in (import_problem(n, package, file.text) for n in nodes) if p]
    return RelativeImports(nodes, problems)


# -- libcst rewrites (fix time only) -------------------------------------------------------------

def absolutize_imports(text: str, package: str) -> str:
    """The text with every resolvable relative import made absolute from the import root."""
    import libcst as cst
    from libcst.helpers import get_full_name_for_node

    class Absolutize(cst.CSTTransformer):
        def leave_ImportFrom(self, original: cst.ImportFrom,
                             updated: cst.ImportFrom) -> cst.BaseSmallStatement:
            if not updated.relative:
                return updated
            written = get_full_name_for_node(updated.module) if updated.module else None
            target = absolute_module(package, len(updated.relative), written)
            if target is None:
                return updated
            if target:
                return updated.with_changes(relative=[], module=cst.parse_expression(target))
            if isinstance(updated.names, cst.ImportStar):
                return updated
            return cst.Import(names=_one_line(updated.names), semicolon=updated.semicolon,
                              whitespace_after_import=updated.whitespace_after_import)

    try:
        return cst.parse_module(text).visit(Absolutize()).code
    except cst.ParserSyntaxError as exc:
        raise ValueError(f"libcst cannot parse the file: {exc.message}") from None


def _one_line(names: Sequence[libcst.ImportAlias]) -> list[libcst.ImportAlias]:
    """ImportFrom names (maybe parenthesized over lines) as `import a, b as c` names."""
    import libcst as cst

    out = []
    for i, alias in enumerate(names):
        last = i == len(names) - 1
        comma = cst.MaybeSentinel.DEFAULT if last else \
            cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        out.append(alias.with_changes(comma=comma))
    return out


def narrow_edit(path: str, old: str, new: str) -> TextEdit | None:
    """One splice covering just the characters that differ between old and new."""
    if old == new:
        return None
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return TextEdit(path, start, end_old, new[start:end_new])


# -- FastAPI apps and their routes ----------------------------------------------------------------

ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace",
                           "api_route", "route", "websocket"})
UNKNOWN = "*"  # stands for a path part that is not a literal: `UNKNOWN + "/health"`


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
