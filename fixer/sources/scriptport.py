"""The port a Python script serves on: `python run_server.py` calling `uvicorn.run(...)`.

Reads `port=` as a literal, a module-level constant, or `int(os.getenv("PORT", 8000))`
(resolved through the container's environment), and says where its digits are.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from fixer.core import tree_index
from fixer.core.envfile import parse_env
from fixer.core.lazyre import lazy_compile
from fixer.core.tree import Tree
from fixer.sources.launch import DEFAULT_PORT, TARGET
from fixer.sources.portsites import Addition, Site
from fixer.sources.python import dict_keywords, name_uses, parse
from fixer.sources.python_modules import assigned_value, binding


@dataclass(frozen=True)
class ScriptPort:
    port: int | None
    origin: str
    sites: tuple[Site, ...] = ()
    addition: Addition | None = None
    reason: str = ""
    variable: str | None = None
    # how uvicorn.run comes to bind 127.0.0.1 only: no `host=` (its default) or a loopback
    # host written; "" when it binds elsewhere or fixer cannot tell
    loopback: str = ""
    reads: str | None = None   # the variable the port is read from, set or not
    # the app the call serves: by import string (`uvicorn.run("app.main:app")`: the module
    # uvicorn imports, which need not be the script), or an object of the script's own
    serves: Served | None = None


@dataclass(frozen=True)
class Served:
    """The app a script's `uvicorn.run` serves: the `module:attr` it names as a string
    literal, or (`own`) a name of the script itself: the app object (`uvicorn.run(api)`) or
    the function whose call builds it (`uvicorn.run(create_app())`)."""

    target: str         # `app.main:app`, as written; `api` or `create_app` when `own`
    factory: bool       # `factory=True`, or a call: the name is a function that builds the app
    own: bool = False


def script_port(tree: Tree, folder: str, target: str, env: dict[str, str],
                in_image: Callable[[str], str | None] = lambda _path: None,
                loads_dotenv: bool = False) -> ScriptPort:
    """`target` is `main.py`, `/app/run.py` or `-m app.main`; `in_image` maps a path the
    container sees to the repository file the build copies there, when the folder layout
    alone does not tell (`COPY ./src /app`). `loads_dotenv`: the command loads a `.env`
    into the environment (`pipenv run`), as the script's own `load_dotenv()` does; a port
    variable such a file sets is then unknown."""
    path = _script_path(tree, folder, target) or _copied_script(target, in_image, env)
    if path is None:
        return ScriptPort(None, "script", reason=not_found(target))
    source = tree.read(path).text
    try:
        module = ast.parse(source)
    except SyntaxError as exc:
        return ScriptPort(None, "script", reason=f"{path}: {exc.msg}")
    calls = uvicorn_runs(module)
    call = _the_run(module, calls)
    beside = partial(_beside, tree, path)
    if call is None and calls:
        spelled = [spelled_out(module, c) for c in calls]
        each = [_call_port(tree, folder, path, source, module, c, env, loads_dotenv)
                for c in spelled]
        return _agreed(each, [_served(c, module, beside) for c in spelled]) or \
            ScriptPort(None, "script", reason=_several(path, calls))
    if call is None:
        return ScriptPort(None, "script", reason=f"no uvicorn.run(...) in {path}")
    call = spelled_out(module, call)
    found = _call_port(tree, folder, path, source, module, call, env, loads_dotenv)
    return replace(found, serves=_served(call, module, beside))


def spelled_out(module: ast.Module, call: ast.Call) -> ast.Call:
    """The call with a `**NAME` spread written out as the keywords it gives, where NAME is
    bound once, to a dict literal with string keys or `dict(k=v)`, at the module's top level
    or that of its `if __name__ == "__main__":` block, and read only there
    (`uvicorn.Config(**uvicorn_config)` below `uvicorn_config = {"port": 40111, ...}`);
    else the call as written. The values are the dict's own nodes: a port read there is
    edited there."""
    spread = [k for k in call.keywords if k.arg is None]
    if len(spread) != 1 or not isinstance(spread[0].value, ast.Name):
        return call
    name = spread[0].value.id
    given = dict_keywords(_module_constant(module, name))
    if given is None or name_uses(module, name) != 2:   # read or changed elsewhere (`config["port"] = ...`)
        return call
    keywords = [k for k in call.keywords if k.arg is not None] + given
    return ast.copy_location(ast.Call(func=call.func, args=call.args, keywords=keywords), call)


def _agreed(each: list[ScriptPort], served: list[Served | None]) -> ScriptPort | None:
    """The port of several `uvicorn.run` calls of which fixer cannot tell which runs, where
    they all serve one app and listen alike (`uvicorn.run("main:app", port=PORT,
    reload=True)` in the debug branch, the same without `reload` in the other): whichever
    runs, the app listens there. Each call's own text is no site a fix may edit alone (the
    other would keep the old port). Calls that serve different apps leave the port unknown:
    which app answers a probe is the branch's."""
    first = each[0]
    if first.port is None or served[0] is None or any(s != served[0] for s in served) or any(
            (p.port, p.origin, p.variable, p.reads, p.loopback) !=
            (first.port, first.origin, first.variable, first.reads, first.loopback)
            for p in each):
        return None
    shared = first.sites if all(p.sites == first.sites for p in each) else ()
    return replace(first, sites=shared, addition=None, serves=served[0])


def not_found(target: str) -> str:
    """The reason for a script the command runs that fixer finds nowhere in the image."""
    return f"{target} not found"


def _call_port(tree: Tree, folder: str, path: str, source: str, module: ast.Module,
               call: ast.Call, env: dict[str, str], loads_dotenv: bool) -> ScriptPort:
    keyword = next((k for k in call.keywords if k.arg == "port"), None)
    loopback = _loopback(path, call, module, env)
    if keyword is None and any(k.arg is None for k in call.keywords):
        return ScriptPort(None, "script", reason=f"uvicorn.run in {path} takes its port from "
                                                 f"`**{ast.unparse(_spread(call))}`")
    if keyword is None:
        return ScriptPort(DEFAULT_PORT, "uvicorn.run default", (), _addition(path, source, call),
                          loopback=loopback)
    dotenv = _loaded_dotenv(tree, folder) if loads_dotenv or LOADS_DOTENV.search(source) \
        else None
    return replace(_read_port(path, source, module, keyword.value, env, dotenv),
                   loopback=loopback)


# python-dotenv's loaders: the app reads a `.env` file into its own environment
LOADS_DOTENV = lazy_compile(r"\b(?:load_dotenv|dotenv_values)\s*\(")


def _served(call: ast.Call, module: ast.Module,
            beside: Callable[[str], ast.Module | None]) -> Served | None:
    """The app the call serves: `"module:attr"`, or a name the script binds to something
    other than a string (the app, or a function called to build it); None for other
    expressions, a string fixer cannot read, or an `app_dir=`, which puts another folder
    first on sys.path. `beside`: the module of that name next to the script, parsed."""
    app = call.args[0] if call.args else next(
        (k.value for k in call.keywords if k.arg == "app"), None)
    if isinstance(app, ast.Name) and binding(module.body, app.id) is None:
        app = _built_in_the_function(module, call, app.id) or app
    own = app.func if isinstance(app, ast.Call) else app
    if isinstance(own, ast.Name):
        bound = binding(module.body, own.id)
        if bound is None or own is app and _a_string(_value_of(bound, own.id, beside)):
            return None   # a name fixer cannot follow, or an import string in a variable
        return Served(own.id, own is not app, own=True)
    imported = _imported_attribute(own, module)
    if imported is not None and not any(k.arg in ("app_dir", None) for k in call.keywords):
        return Served(imported, own is not app)
    if not isinstance(app, ast.Constant) or not isinstance(app.value, str) or \
            not TARGET.match(app.value) or app.value.endswith(")") or \
            any(k.arg in ("app_dir", None) for k in call.keywords):
        return None
    factory = next((k.value for k in call.keywords if k.arg == "factory"), None)
    return Served(app.value, isinstance(factory, ast.Constant) and factory.value is True)


def _built_in_the_function(module: ast.Module, call: ast.Call, name: str) -> ast.Call | None:
    """The call of a module-level name that the function making `call` binds `name` to,
    once, in the block that makes the call, above it (`app = create_app()`, then
    `uvicorn.Config(app, ...)`): the server serves what that call builds. None for anything
    else (a parameter, a name bound twice or in another branch, another expression)."""
    # the innermost function around the call: of those spanning its line, the last to start
    function = max((node for node in ast.walk(module)
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and node.lineno <= call.lineno <= (node.end_lineno or node.lineno)),
                   key=lambda node: node.lineno, default=None)
    if function is None or name in {a.arg for a in (*function.args.posonlyargs,
                                                    *function.args.args,
                                                    *function.args.kwonlyargs)}:
        return None
    stores = [node for node in ast.walk(function) if isinstance(node, ast.Name)
              and node.id == name and isinstance(node.ctx, ast.Store)]
    bound = next((stmt for stmt in ast.walk(function) if isinstance(stmt, ast.Assign)
                  and len(stores) == 1 and any(t is stores[0] for t in stmt.targets)), None)
    block = next((body for node in ast.walk(function)
                  for body in (getattr(node, f, None) for f in ("body", "orelse", "finalbody"))
                  if isinstance(body, list) and any(stmt is bound for stmt in body)), None) \
        if bound is not None else None
    if bound is None or block is None or not any(
            stmt.lineno > bound.lineno and any(inner is call for inner in ast.walk(stmt))
            for stmt in block):
        return None
    value = bound.value
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
            and binding(module.body, value.func.id) is not None):
        return None
    return value


def _imported_attribute(node: ast.expr | None, module: ast.Module) -> str | None:
    """`app.main.app` of a script that runs `import app` (its package imports `main`), as
    the import string it amounts to: `app.main:app`; `m.app` of `import app.main as m`
    and `main.app` of `from app import main` too. None for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or not parts:
        return None
    bound = binding(module.body, node.id)
    if isinstance(bound, ast.ImportFrom) and not bound.level and bound.module:
        alias = next((a for a in bound.names if (a.asname or a.name) == node.id), None)
        head = f"{bound.module}.{alias.name}" if alias is not None else None
    elif isinstance(bound, ast.Import):
        alias = next((a for a in bound.names if (a.asname or a.name.split(".")[0]) == node.id),
                     None)
        head = (alias.name if alias.asname else node.id) if alias is not None else None
    else:
        head = None
    if head is None:
        return None
    dotted = [head, *parts]
    return ".".join(dotted[:-1]) + ":" + dotted[-1]


# calls that give a string: `os.getenv("APP", "main:app")`, `os.environ.get(...)`, `"{}".format`
_STRING_CALLS = frozenset({"getenv", "get", "format", "str", "join", "lower", "strip"})


def _value_of(bound: ast.stmt, name: str,
              beside: Callable[[str], ast.Module | None]) -> ast.expr | None:
    """The value a statement binds `name` to: assigned here, or by a plain `from settings
    import APP_PATH` of a module next to the script, as it is assigned there."""
    if not isinstance(bound, ast.ImportFrom) or bound.level or not bound.module:
        return assigned_value(bound)
    alias = next((a for a in bound.names if (a.asname or a.name) == name), None)
    source = beside(bound.module)
    return assigned_value(binding(source.body, alias.name)) \
        if source is not None and alias is not None else None


def _beside(tree: Tree, script: str, dotted: str) -> ast.Module | None:
    """The module `dotted` as the script's own folder holds it (first on its sys.path)."""
    path = posixpath.join(posixpath.dirname(script), *dotted.split(".")) + ".py"
    file = tree.read(path) if tree.exists(path) else None
    return parse(file) if file is not None else None


def _a_string(value: ast.expr | None) -> bool:
    """A value that is (or may well be) a string, such as an import string `uvicorn.run`
    takes: a literal, an f-string, a concatenation, `os.environ["APP"]`, `os.getenv(...)`."""
    if isinstance(value, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Subscript)):
        return True
    func = value.func if isinstance(value, ast.Call) else None
    name = func.attr if isinstance(func, ast.Attribute) else \
        func.id if isinstance(func, ast.Name) else None
    return name in _STRING_CALLS


def _loaded_dotenv(tree: Tree, folder: str) -> dict[str, str]:
    """The variables the `.env` files of the service folder set (which one the app finds
    depends on its working directory: any of them may be it)."""
    found: dict[str, str] = {}
    for path in tree_index.named_under(tree, folder, ".env"):
        file = tree.peek(path)
        found.update(parse_env(file.text) if file is not None else {})
    return found


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _loopback(path: str, call: ast.Call, module: ast.Module | None = None,
              env: dict[str, str] | None = None) -> str:
    """uvicorn.run binds 127.0.0.1 unless told (its CLI's `UVICORN_HOST` is not read); a
    host read from a variable binds what the container's environment (`env`) gives it,
    else the default the code gives (`os.getenv("APP_HOST", "127.0.0.1")`, python-decouple's
    `config("APP_HOST", default="127.0.0.1")`)."""
    host = next((k.value for k in call.keywords if k.arg == "host"), None)
    if host is None:
        return "" if any(k.arg is None for k in call.keywords) else \
            f"no `host=` in uvicorn.run, {path}:{call.lineno}"
    if isinstance(host, ast.Constant) and host.value in _LOOPBACK:
        return f"`host={host.value!r}` in uvicorn.run, {path}:{call.lineno}"
    assigned = _module_constant(module, host.id) \
        if module is not None and isinstance(host, ast.Name) else None
    lookup = _setting_lookup(assigned) if assigned is not None else None
    if lookup is None or (env or {}).get(lookup[0]) is not None:
        value = (env or {}).get(lookup[0]) if lookup is not None else None
        return (f"`host={ast.unparse(host)}` in uvicorn.run, {path}:{call.lineno}, and "
                f"{lookup[0] if lookup else ''} is {value!r}") if value in _LOOPBACK else ""
    name, default = lookup
    if isinstance(default, ast.Constant) and default.value in _LOOPBACK:
        return (f"`host={ast.unparse(host)}` in uvicorn.run, {path}:{call.lineno}: {name} is "
                f"set by nothing fixer reads, and its default is {default.value!r}")
    return ""


def _setting_lookup(expr: ast.expr) -> tuple[str, ast.expr | None] | None:
    """`_env_lookup`, and python-decouple's or Starlette's `config("HOST", default="x")`
    (a second argument, or `default=`)."""
    found = _env_lookup(expr)
    if found is not None or not isinstance(expr, ast.Call) or not expr.args or \
            ast.unparse(expr.func).rsplit(".", 1)[-1] != "config":
        return found
    name = expr.args[0]
    if not isinstance(name, ast.Constant) or not isinstance(name.value, str):
        return None
    default = expr.args[1] if len(expr.args) > 1 else \
        next((k.value for k in expr.keywords if k.arg == "default"), None)
    return name.value, default


def _spread(call: ast.Call) -> ast.expr:
    return next(k.value for k in call.keywords if k.arg is None)


def _copied_script(target: str, in_image: Callable[[str], str | None],
                   env: dict[str, str]) -> str | None:
    """The repository file the image runs for `target`: the path itself, or for `-m
    pkg.mod` the module the working directory holds (`COPY app/ .` then `python -m
    main`: Python looks there first), or its package's `__main__.py`; then the one a folder
    of PYTHONPATH holds (`ENV PYTHONPATH=/app/src`), where Python looks next."""
    if not target.startswith("-m "):
        return in_image(target)
    relative = target[3:].strip().replace(".", "/")
    for folder in ["", *(f for f in env.get("PYTHONPATH", "").split(":") if f and "$" not in f)]:
        stem = posixpath.join(folder, relative)
        found = in_image(stem + ".py") or in_image(stem + "/__main__.py")
        if found is not None:
            return found
    return None


def _script_path(tree: Tree, folder: str, target: str) -> str | None:
    if target.startswith("-m "):   # a module, else a package's `__main__.py`
        stem = target[3:].replace(".", "/")
        return next((path for path in (posixpath.normpath(posixpath.join(folder, stem + ".py")),
                                       posixpath.normpath(posixpath.join(folder, stem,
                                                                         "__main__.py")))
                     if tree.exists(path)), None)
    parts = target.strip("/").split("/")
    # `/app/run.py` is under the WORKDIR the build copies the folder to: drop leading folders.
    for i in range(len(parts) if target.startswith("/") else 1):
        path = posixpath.normpath(posixpath.join(folder, *parts[i:]))
        if tree.exists(path):
            return path
    return None


def uvicorn_runs(module: ast.Module) -> list[ast.Call]:
    """The module's calls that start uvicorn or set up the server it starts:
    `uvicorn.run(app, port=...)`, and `uvicorn.Config(app, port=...)`, which takes the same
    arguments and which `uvicorn.Server(config).serve()` runs (`run` and `Config` imported
    from uvicorn too)."""
    imported = {a.name for n in ast.walk(module) if isinstance(n, ast.ImportFrom)
                and n.module == "uvicorn" for a in n.names
                if a.name in _STARTS and a.asname is None}
    found: list[ast.Call] = []
    for node in ast.walk(module):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _STARTS and \
                isinstance(func.value, ast.Name) and func.value.id == "uvicorn":
            found.append(node)
        elif isinstance(func, ast.Name) and func.id in imported:
            found.append(node)
    return found


# what a script calls to serve the app with uvicorn
_STARTS = frozenset({"run", "Config"})


def _the_run(module: ast.Module, calls: list[ast.Call]) -> ast.Call | None:
    """The call that serves: the only one, else the one the `if __name__ == "__main__":`
    block makes itself (a `dev()` helper's call with another port runs only when asked);
    None when fixer cannot tell which."""
    if len(calls) <= 1:
        return calls[0] if calls else None
    main = [c for stmt in module.body if _is_main_guard(stmt)
            for node in ast.walk(stmt) if isinstance(node, ast.Call) and node in calls
            for c in [node]]
    return main[0] if len(main) == 1 else None


def _several(path: str, calls: list[ast.Call]) -> str:
    """`main.py starts uvicorn in two places (uvicorn.Config at lines 28 and 85), and
    fixer cannot tell which one runs`."""
    named = sorted({ast.unparse(call.func) for call in calls})
    lines = sorted(call.lineno for call in calls)
    shown = ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"
    return (f"{path} starts uvicorn in {len(calls)} places ({' and '.join(named)} at lines "
            f"{shown}), and fixer cannot tell which one runs")


def _is_main_guard(stmt: ast.stmt) -> bool:
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    sides = [stmt.test.left, *stmt.test.comparators]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and \
        any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)


def _read_port(path: str, source: str, module: ast.Module, expr: ast.expr,
               env: dict[str, str], dotenv: dict[str, str] | None = None) -> ScriptPort:
    origin = f"uvicorn.run in {path}"
    if isinstance(expr, ast.Name):
        assigned = _module_constant(module, expr.id)
        if assigned is not None:
            expr = assigned
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and \
            expr.func.id == "int" and len(expr.args) == 1:
        expr = expr.args[0]
    literal = port_digits(expr)
    if literal is not None:
        return ScriptPort(int(literal), origin, (_site(path, source, expr, literal),))
    lookup = _env_lookup(expr)
    if lookup is None:
        return ScriptPort(None, origin, reason=f"the port in {path} is not a literal")
    name, default = lookup
    value = env.get(name)
    if value is not None and value.isdigit():
        return ScriptPort(int(value), f"{name} read by {path}", variable=name, reads=name)
    if dotenv is not None and name in dotenv:   # `load_dotenv()`, `pipenv run`: a `.env`
        return ScriptPort(None, origin, reason=f"{name} may be set by a `.env` file the app "
                                               f"loads ({dotenv[name] or 'empty'} there)")
    found = port_digits(default) if default is not None else None
    if found is None or default is None:
        return ScriptPort(None, origin, reason=f"{name} is not set and has no default")
    return ScriptPort(int(found), origin, (_site(path, source, default, found),), reads=name)


def _module_constant(module: ast.Module, name: str) -> ast.expr | None:
    """The value of the module's top-level assignment to `name`; else of the one the top
    level of its `if __name__ == "__main__":` block makes (`port = int(os.getenv("PORT",
    "8000"))` before `uvicorn.run(app, port=port)`), where that is the module's only binding
    of the name: one bound twice is whichever ran last."""
    for node in module.body:
        value = _assigned(node, name)
        if value is not None:
            return value
    found = [value for stmt in module.body if isinstance(stmt, ast.If) and _is_main_guard(stmt)
             for node in stmt.body if (value := _assigned(node, name)) is not None]
    stores = sum(1 for node in ast.walk(module) if isinstance(node, ast.Name)
                 and node.id == name and isinstance(node.ctx, ast.Store))
    return found[0] if len(found) == 1 and stores == 1 else None


def _assigned(node: ast.stmt, name: str) -> ast.expr | None:
    """What `name = ...` assigns; None for another statement."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
            isinstance(node.targets[0], ast.Name) and node.targets[0].id == name:
        return node.value
    return None


def port_digits(expr: ast.expr | None) -> str | None:
    """The digits of a port written as a number or a string of digits (`8000`, `"8000"`);
    None for anything else (a bool, a name, a call)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, int) and \
            not isinstance(expr.value, bool):
        return str(expr.value)
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str) and expr.value.isdigit():
        return expr.value
    return None


def _env_lookup(expr: ast.expr) -> tuple[str, ast.expr | None] | None:
    """`os.getenv("PORT", 8000)`, `os.environ.get(...)`, `os.environ["PORT"]`."""
    if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and \
            isinstance(expr.slice.value, str) and ast.unparse(expr.value).endswith("environ"):
        return expr.slice.value, None
    if not isinstance(expr, ast.Call) or not expr.args:
        return None
    func = ast.unparse(expr.func)
    if not (func.endswith("getenv") or func.endswith("environ.get")):
        return None
    name = expr.args[0]
    if not isinstance(name, ast.Constant) or not isinstance(name.value, str):
        return None
    return name.value, expr.args[1] if len(expr.args) > 1 else None


def _site(path: str, source: str, expr: ast.expr, digits: str) -> Site:
    start = _offset(source, expr.lineno, expr.col_offset)
    end = _offset(source, expr.end_lineno or expr.lineno, expr.end_col_offset or 0)
    at = source.find(digits, start, end)
    return Site(path, at, at + len(digits))


def _addition(path: str, source: str, call: ast.Call) -> Addition | None:
    """`, port=N` just after the call's last argument."""
    arguments: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    if not arguments or any(k.arg is None for k in call.keywords):  # **kwargs may set it
        return None
    last = max(arguments, key=lambda a: (a.end_lineno or 0, a.end_col_offset or 0))
    at = _offset(source, last.end_lineno or 0, last.end_col_offset or 0)
    trailing = re.match(r"[ \t]*,[ \t]*(?=\r?\n)", source[at:])
    if trailing is None:
        return Addition(path, at, ", port={port}")
    # One argument per line with a trailing comma: the port gets its own line, same style.
    line_start = source.rfind("\n", 0, at) + 1
    indent = re.match(r"[ \t]*", source[line_start:]).group(0)  # type: ignore[union-attr]
    newline = "\r\n" if source[at + trailing.end():].startswith("\r") else "\n"
    return Addition(path, at + len(trailing.group(0).rstrip(" \t")),
                    f"{newline}{indent}port={{port}},")


def _offset(source: str, line: int, byte_column: int) -> int:
    """ast columns count UTF-8 bytes; convert to a character offset."""
    starts = [0] + [m.end() for m in re.finditer("\n", source)]
    line_text = source[starts[line - 1]:]
    return starts[line - 1] + len(line_text.encode("utf-8")[:byte_column].decode("utf-8", "ignore"))
