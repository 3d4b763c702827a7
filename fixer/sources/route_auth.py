"""Whether a route refuses every request that carries no credentials, as a probe does.

A healthcheck sends a plain GET: no `Authorization` header, no API key, no cookie. A route
whose dependency demands one answers it 401, 403 or 422 before its handler runs, every
time: a healthcheck probing it never passes. Only what fixer can show counts, in the
route's module or a module of the repository it imports from:

- a FastAPI security scheme left to refuse (`Depends(HTTPBearer())`, or a name bound to
  one): 403 (401 for the OAuth2 ones) without the credential; not one given
  `auto_error=False`, which lets the request through with None;
- a function dependency that requires a header (`authorization: str = Header(...)`, or
  `Header()` with no default): 422 without it; or that depends on such a scheme, or such
  a function, in turn;
- a function dependency that raises where a scheme with `auto_error=False` finds nothing,
  as its first statement (`if credentials is None: raise HTTPException(status_code=401)`).

Anything else (a dependency that reads a setting, a token it may not need) is no proof.
"""

from __future__ import annotations

import ast

from fixer.sources.python import called_name
from fixer.sources.python_modules import Modules, binding

# FastAPI's security schemes: each refuses a request without its credential unless given
# `auto_error=False`
SECURITY_SCHEMES = frozenset({"APIKeyHeader", "APIKeyQuery", "APIKeyCookie", "HTTPBearer",
                              "HTTPBasic", "HTTPDigest", "OAuth2PasswordBearer",
                              "OAuth2AuthorizationCodeBearer", "OpenIdConnect", "OAuth2"})

# how deep dependencies of dependencies are followed
_DEPTH = 3

Function = ast.FunctionDef | ast.AsyncFunctionDef


def refusal(mods: Modules, path: str, call: ast.Call, handler: Function | None) -> str:
    """Why every request without credentials to the route that `call` adds (its decorator
    or `add_api_route` call, in the module at `path`) is refused before `handler` answers;
    "" where fixer cannot show it."""
    loaded = mods.load(path)
    if loaded is None:
        return ""
    tree = loaded[1]
    for dependency in _dependencies(call, handler):
        why = _refuses(mods, path, tree, dependency, 0)
        if why:
            return why
    return ""


def _dependencies(call: ast.Call, handler: Function | None) -> list[ast.expr]:
    """What the route depends on: the `X` of each `Depends(X)` in its `dependencies=`, and
    of each parameter of its handler that defaults to one."""
    given = next((k.value for k in call.keywords if k.arg == "dependencies"), None)
    written = list(given.elts) if isinstance(given, (ast.List, ast.Tuple)) else []
    if handler is not None:
        written += [d for d in _defaults(handler) if d is not None]
    return [inner for each in written if (inner := _depended(each)) is not None]


def _defaults(function: Function) -> list[ast.expr | None]:
    args = function.args
    positional = args.posonlyargs + args.args
    return [None] * (len(positional) - len(args.defaults)) + list(args.defaults) + \
        list(args.kw_defaults)


def _parameters(function: Function) -> list[tuple[ast.arg, ast.expr | None]]:
    args = function.args
    positional = args.posonlyargs + args.args
    return list(zip(positional, _defaults(function)[:len(positional)])) + \
        list(zip(args.kwonlyargs, args.kw_defaults))


def _depended(expr: ast.expr) -> ast.expr | None:
    """The `X` of `Depends(X)` (`Security(X, scopes=...)` too)."""
    if isinstance(expr, ast.Call) and (called_name(expr) or "").rsplit(".", 1)[-1] in \
            ("Depends", "Security"):
        return expr.args[0] if expr.args else \
            next((k.value for k in expr.keywords if k.arg == "dependency"), None)
    return None


def _refuses(mods: Modules, path: str, tree: ast.Module, expr: ast.expr, depth: int) -> str:
    if isinstance(expr, ast.Call):
        return _scheme_refuses(expr)
    if not isinstance(expr, ast.Name) or depth > _DEPTH:
        return ""
    found = _bound(mods, path, tree, expr.id, 0)
    if found is None:
        return ""
    where, module, stmt = found
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
        return _scheme_refuses(stmt.value)
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return _function_refuses(mods, where, module, stmt, depth)
    return ""


def _scheme_refuses(call: ast.Call) -> str:
    name = (called_name(call) or "").rsplit(".", 1)[-1]
    if name not in SECURITY_SCHEMES or _lets_through(call):
        return ""
    return f"`{ast.unparse(call)}` refuses a request without its credential"


def _lets_through(call: ast.Call) -> bool:
    """A scheme given `auto_error=False` (or one fixer cannot read: no proof it refuses)."""
    given = next((k.value for k in call.keywords if k.arg == "auto_error"), None)
    return given is not None and not (isinstance(given, ast.Constant) and given.value is True)


def _function_refuses(mods: Modules, path: str, tree: ast.Module, function: Function,
                      depth: int) -> str:
    lenient: list[str] = []   # parameters a scheme with `auto_error=False` fills
    for parameter, default in _parameters(function):
        if _required_header(default):
            return (f"`{function.name}` requires the header `{parameter.arg}`: FastAPI "
                    "answers 422 without it")
        inner = _depended(default) if default is not None else None
        if inner is None:
            continue
        why = _refuses(mods, path, tree, inner, depth + 1)
        if why:
            return why
        if _lenient_scheme(mods, path, tree, inner):
            lenient.append(parameter.arg)
    first = _first_statement(function)
    if lenient and isinstance(first, ast.If) and _raises(first.body) and \
            _tests_absence(first.test, lenient):
        return (f"`{function.name}` raises where its credential is missing "
                f"(`if {ast.unparse(first.test)}:`)")
    return ""


def _required_header(default: ast.expr | None) -> bool:
    """`Header(...)` or `Header()`: FastAPI answers 422 where the request lacks it."""
    if not isinstance(default, ast.Call) or \
            (called_name(default) or "").rsplit(".", 1)[-1] != "Header":
        return False
    given = default.args[0] if default.args else \
        next((k.value for k in default.keywords if k.arg == "default"), None)
    return given is None or (isinstance(given, ast.Constant) and given.value is Ellipsis)


def _lenient_scheme(mods: Modules, path: str, tree: ast.Module, expr: ast.expr) -> bool:
    """A security scheme given `auto_error=False`, called there or bound to the name."""
    call = expr if isinstance(expr, ast.Call) else None
    if isinstance(expr, ast.Name):
        found = _bound(mods, path, tree, expr.id, 0)
        stmt = found[2] if found is not None else None
        call = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and \
            isinstance(stmt.value, ast.Call) else None
    return call is not None and \
        (called_name(call) or "").rsplit(".", 1)[-1] in SECURITY_SCHEMES and _lets_through(call)


def _first_statement(function: Function) -> ast.stmt | None:
    """The function's first statement, past its docstring."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return body[0] if body else None


def _raises(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[0], ast.Raise)


def _tests_absence(test: ast.expr, names: list[str]) -> bool:
    """`credentials is None` or `not credentials`, of one of `names`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Name) and test.operand.id in names
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and \
        test.left.id in names and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) and \
        isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None


def _bound(mods: Modules, path: str, tree: ast.Module, name: str, depth: int
           ) -> tuple[str, ast.Module, ast.stmt] | None:
    """(module path, module, statement) that binds `name` at the module's top level, an
    import followed to the repository's module that binds it."""
    stmt = binding(tree.body, name)
    if isinstance(stmt, (ast.Import, ast.ImportFrom)) and depth < _DEPTH:
        origin = mods.imported(path, stmt, name)
        loaded = mods.load(origin[0]) if origin and origin[1] else None
        return _bound(mods, origin[0], loaded[1], origin[1], depth + 1) \
            if origin and origin[1] and loaded else None
    return (path, tree, stmt) if stmt is not None else None
