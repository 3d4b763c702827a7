"""The HTTP request an app makes before it listens: in a start-up function (`lifespan`, an
`on_event("startup")` handler, or a function the module hands to the app as one:
`app.add_event_handler("startup", f)`, `FastAPI(on_startup=[f])`, `FastAPI(lifespan=ctx)`,
`app.router.on_startup.append(f)`, `app.router.lifespan_context = ctx`), or in a function one
calls, directly or through further functions, by name (`await initial_sync()`,
`from app.sd import register_service`) or on a module of the app (`sd.register_service()`),
in any module of the import path.

Functions are followed, and the methods of an object made of a class of the app where it is
called (`producer = KafkaProducer(...)` in the function or at its module's top level, then
`await producer.start()`: the class's own `start`); not other methods (`self.sync()`,
`registry.register()`: fixer does not tell which class's method runs). A `lifespan`'s code
after its `yield` runs as the app shuts down: it is not followed. A function reached again
is not followed again, so a
cycle of calls stops. A call handed to `asyncio.create_task` or `ensure_future` (or an event
loop's `create_task`) runs beside
the start-up, not before the app listens: it is not followed. Only what a start-up function
calls is followed: a function that route handlers or middleware call runs per request.
"""

from __future__ import annotations

import ast
import re
from collections import deque
from collections.abc import Iterator
from typing import NamedTuple

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.sources.python import (
    absolute_module, dotted_name, every_statement, main_guard, parse, statements)
from fixer.sources.python_modules import Modules, assigned_value, binding

Function = ast.FunctionDef | ast.AsyncFunctionDef
_FUNCTIONS: tuple[type[ast.stmt], ...] = (ast.FunctionDef, ast.AsyncFunctionDef)

# an HTTP request: a call on an HTTP client (`client.post`, `session.get`) or its module
_HTTP_CALL = lazy_compile(r"(?:httpx|requests|aiohttp|urllib\.request|\w*client|\w*session)\."
                          r"(?:get|post|put|request|stream|urlopen)$", re.I)
# words a module that makes an HTTP request (`_HTTP_CALL`, `_CLIENT`) or waits in a loop
# (`_long_wait`) writes, in any case
_MAY_WAIT_WORDS = ("httpx", "requests", "aiohttp", "urllib", "client", "session", "sleep")
_MAY_WAIT = lazy_compile("|".join(_MAY_WAIT_WORDS), re.I)
# an HTTP client opened in a `with`: `httpx.AsyncClient(...)`, `aiohttp.ClientSession()`
_CLIENT = lazy_compile(r"(?:httpx|aiohttp|requests)\.(?:Async)?(?:Client|ClientSession|Session)\(")
_VERBS = frozenset({"get", "post", "put", "request", "stream"})
# asyncio's functions that run the coroutine they are given as a task of its own, beside the
# caller (not a `TaskGroup`'s `create_task`: the group waits for its tasks)
_SPAWNERS = frozenset({"create_task", "ensure_future", "asyncio.create_task",
                       "asyncio.ensure_future"})
# a wait of start-up of this many seconds or more may outlast a healthcheck's patience (a
# quarter of the about 40 s the one C004 writes waits)
SLEEP_DOUBT = 10.0
# `time.sleep`, `asyncio.sleep`, `anyio.sleep`, `sleep` imported from one of them
_SLEEP_CALL = lazy_compile(r"(?:(?:time|asyncio|anyio|trio|gevent)\.)?sleep$")
# how many imports a name is followed through to its `def` (`app/__init__.py` re-exporting
# `from app.sd import register_service`)
_REEXPORTS = 5


def _runs_at_startup(function: Function) -> bool:
    """A `lifespan` function (by its name or a decorator's), an `on_event("startup")`
    handler."""
    return "lifespan" in function.name or any(
        _startup_decorator(d) for d in function.decorator_list)


def startup_functions(tree: ast.Module, text: str) -> list[Function]:
    """The module's start-up functions: those `_runs_at_startup` says are, at any depth, and
    the top-level functions the module hands to the app as one (`registered_startup`). Only
    where the text names `lifespan` or `startup`: every one of these does."""
    if "lifespan" not in text and "startup" not in text:
        return []
    registered = registered_startup(tree)
    top = {id(stmt) for _top, stmt in statements(tree.body)}
    return [stmt for stmt in every_statement(tree.body) if isinstance(stmt, Function)
            and (_runs_at_startup(stmt) or id(stmt) in top and stmt.name in registered)]


def registered_startup(tree: ast.Module) -> frozenset[str]:
    """The names, as written, of the functions the module hands to the app to run at
    start-up: `add_event_handler("startup", f)`, `on_startup=[f]` and `lifespan=ctx` of a
    call (FastAPI, Starlette, an APIRouter), `.on_startup.append(f)`, and
    `.lifespan_context = ctx`."""
    handed: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            handed.extend(_handed_at_call(node))
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr == "lifespan_context"
                for t in node.targets):
            handed.append(node.value)
    return frozenset(name for name in map(dotted_name, handed) if name is not None)


def _handed_at_call(call: ast.Call) -> list[ast.expr]:
    """What one call hands on as a start-up function."""
    name = dotted_name(call.func) or ""
    handed: list[ast.expr] = []
    if name.rsplit(".", 1)[-1] == "add_event_handler" and len(call.args) == 2 and isinstance(
            call.args[0], ast.Constant) and call.args[0].value == "startup":
        handed.append(call.args[1])
    elif name.endswith("on_startup.append") and len(call.args) == 1:
        handed.append(call.args[0])
    for keyword in call.keywords:
        if keyword.arg == "lifespan":
            handed.append(keyword.value)
        elif keyword.arg == "on_startup" and isinstance(keyword.value, (ast.List, ast.Tuple)):
            handed.extend(keyword.value.elts)
    return handed


def _startup_decorator(decorator: ast.expr) -> bool:
    """`@app.on_event("startup")`, or a decorator naming a lifespan; read from its parts, as
    every function of every module with a start-up function is asked about."""
    call = decorator if isinstance(decorator, ast.Call) else None
    name = dotted_name(call.func if call is not None else decorator) or ""
    first = call.args[0] if call is not None and call.args else None
    return "lifespan" in name or name.rsplit(".", 1)[-1] == "on_event" and isinstance(
        first, ast.Constant) and str(first.value).startswith("startup")


def http_request(function: Function) -> ast.Call | None:
    """The first HTTP request the function makes before the app listens: on a client module
    or one it opens with `with`/`async with` (`async with httpx.AsyncClient() as c: await
    c.post(...)`)."""
    return _first_request(startup_nodes(function))


class LoopWait(NamedTuple):
    """The `sleep` of a loop of a start-up that may wait 10 s or more."""

    call: ast.Call
    # a retry: the loop leaves once what it tries succeeds (`try: connect(); return`), so
    # it ends at once where what it connects to is up
    retry: bool

    def counts(self, waits: bool) -> bool:
        """A reason to doubt the start: a plain wait always; a retry only with `waits` (not
        where Compose starts the service once all it depends on is healthy)."""
        return waits or not self.retry


def loop_wait(function: Function) -> LoopWait | None:
    """The first long wait in a loop of the function before the app listens (a retry of a
    broker's or a peer's connection, `for _ in range(20): ... await asyncio.sleep(5)`), not
    one in a function it defines (a thread's target)."""
    return _loop_wait(startup_nodes(function), function)


def startup_nodes(function: Function) -> list[ast.AST]:
    """The function's nodes in the order `ast.walk` gives them, those after its first
    `yield` left out (a lifespan's code after it runs as the app shuts down), and those of
    the bodies of `_deferred` functions it defines."""
    deferred = _deferred(function)
    nodes = [node for node in ast.walk(function) if id(node) not in deferred]
    ends = [node.lineno for node in nodes if isinstance(node, ast.Yield)]
    if not ends:
        return nodes
    end = min(ends)
    return [node for node in nodes if getattr(node, "lineno", 0) < end]


def guarded_nodes(scope: ast.AST) -> set[int]:
    """The ids of the nodes in the body of a `try` with an `except` in `scope`: what they
    raise is handled there (a `try` with only `finally` handles nothing)."""
    return {id(node) for stmt in ast.walk(scope)
            if isinstance(stmt, (ast.Try, ast.TryStar)) and stmt.handlers
            for body in stmt.body for node in ast.walk(body)}


def _deferred(function: Function) -> set[int]:
    """The ids of the nodes of the bodies of functions the function defines and never names
    (by a name, an attribute or a string): running the function only registers them, with
    a decorator (`@app.get(...)` in an app factory, `@ui.page(...)`), to run later, on a
    request or an event. One it names may run then (`await inner()`, `on_startup=[inner]`,
    `loop.run_in_executor(None, inner)`): its body counts as the function's own, as before.
    Their decorators and defaults run with the function, and stay."""
    nested = [node for node in ast.walk(function)
              if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
              and node is not function]
    if not nested:
        return set()
    named = set(_names_written(function))
    return {id(inner) for node in nested if node.name not in named
            for stmt in node.body for inner in ast.walk(stmt)}


def _names_written(function: Function) -> Iterator[str]:
    """Every name, attribute and string the function's code writes."""
    for node in ast.walk(function):
        if isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _first_request(nodes: list[ast.AST]) -> ast.Call | None:
    """`http_request` of the nodes of a function, in the order `ast.walk` gives them."""
    clients = {item.optional_vars.id for node in nodes
               if isinstance(node, (ast.With, ast.AsyncWith)) for item in node.items
               if isinstance(item.optional_vars, ast.Name)
               and _CLIENT.match(ast.unparse(item.context_expr))}
    return next((c for c in nodes if isinstance(c, ast.Call) and (
        _HTTP_CALL.match(ast.unparse(c.func)) or isinstance(c.func, ast.Attribute)
        and isinstance(c.func.value, ast.Name) and c.func.value.id in clients
        and c.func.attr in _VERBS)), None)


_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _loop_wait(nodes: list[ast.AST], function: Function) -> LoopWait | None:
    """The first `_long_wait` of the loops among the function's nodes, not of one in a
    function or class it defines (a thread's target runs beside the start-up)."""
    nested = {id(inner) for node in ast.walk(function) if isinstance(node, _NESTED)
              and node is not function for inner in ast.walk(node)}
    return next((LoopWait(wait, _retries(node)) for node in nodes
                 if isinstance(node, _LOOPS) and id(node) not in nested
                 for wait in [_long_wait(node)] if wait is not None), None)


def _retries(loop: ast.For | ast.AsyncFor | ast.While) -> bool:
    """The loop leaves once what it tries succeeds: a `try` of its body whose own body (or
    `else`) returns or breaks (`try: connect(); return` / `break`, the wait in the handler)."""
    tries = [node for statement in loop.body for node in ast.walk(statement)
             if isinstance(node, (ast.Try, ast.TryStar))]
    return any(isinstance(node, (ast.Return, ast.Break))
               for found in tries for part in (*found.body, *found.orelse)
               for node in ast.walk(part))


def _long_wait(loop: ast.For | ast.AsyncFor | ast.While) -> ast.Call | None:
    """The loop's first `sleep` call where the loop may wait `SLEEP_DOUBT` seconds or more:
    any loop but a `for` over `range` of a literal count whose sleeps are literal seconds
    that add up to less."""
    sleeps = [node for statement in loop.body for node in ast.walk(statement)
              if isinstance(node, ast.Call) and _SLEEP_CALL.match(dotted_name(node.func) or "")]
    if not sleeps:
        return None
    count = _range_count(loop) if isinstance(loop, (ast.For, ast.AsyncFor)) else None
    seconds = [_literal_seconds(call) for call in sleeps]
    if count is not None and None not in seconds and \
            count * sum(s for s in seconds if s is not None) < SLEEP_DOUBT:
        return None
    return sleeps[0]


def _range_count(loop: ast.For | ast.AsyncFor) -> int | None:
    """How many times `for _ in range(3)` or `range(1, 4)` runs; None for another loop."""
    call = loop.iter
    if not (isinstance(call, ast.Call) and dotted_name(call.func) == "range"):
        return None
    bounds = [a.value for a in call.args
              if isinstance(a, ast.Constant) and isinstance(a.value, int)]
    if len(bounds) != len(call.args) or not 1 <= len(bounds) <= 2:
        return None
    return max(0, bounds[-1] - (bounds[0] if len(bounds) == 2 else 0))


def _literal_seconds(call: ast.Call) -> float | None:
    given = call.args[0] if call.args else None
    return float(given.value) if isinstance(given, ast.Constant) and isinstance(
        given.value, (int, float)) and not isinstance(given.value, bool) else None


class Caller(NamedTuple):
    """A function on the way from a start-up function to a request, and where it calls the
    next one."""

    name: str
    at: str   # `path:line` of its call


class StartupRequest(NamedTuple):
    path: str
    line: int
    call: str                     # as written: `client.put`
    within: str                   # the function that makes the request
    callers: tuple[Caller, ...]   # `within`'s caller first, the start-up function last


class _Calls(NamedTuple):
    """What a function does that `startup_request` follows."""

    # the functions it calls as written (`sync`, `sd.sync`), with the line of each call
    calls: tuple[tuple[str, int], ...]
    request: ast.Call | None   # the first HTTP request it makes (`http_request`)
    wait: LoopWait | None      # its first loop that may wait long (`loop_wait`)

    def made(self, waits: bool) -> ast.Call | None:
        """Its HTTP request; else its long wait, where it counts (`LoopWait.counts`)."""
        wait = self.wait
        return self.request or (wait.call if wait is not None and wait.counts(waits) else None)


class _Module(NamedTuple):
    """A module's start-up functions (at any depth, as `_loads` finds them) and the functions
    its top level defines by name (the last `def` of a name); what each function calls
    (by the line of its `def`) and what each name stands for at the top level, found where
    asked."""

    tree: ast.Module
    startup: list[Function]
    registered: frozenset[str]   # `registered_startup`
    defined: dict[str, Function]
    calls: dict[int, _Calls]
    bindings: dict[str, ast.stmt | None]


# per file: its start-up functions and functions; None where it does not parse
_MODULE: Memo[_Module | None] = Memo("start-up functions and the functions a module defines")
# a module fixer cannot read: it defines nothing (`startup_request` asks what it calls of
# its functions only, so its dicts stay empty)
_NO_MODULE = _Module(ast.Module([], []), [], frozenset(), {}, {}, {})


def may_wait(text: str) -> bool:
    """Whether the text writes one of `_MAY_WAIT_WORDS`, in any case. An ASCII text (nearly
    every module) is lowered and searched for each word, which takes a tenth of the time of
    the case-insensitive pattern; that pattern, which folds non-ASCII letters too (`ſ` is
    an `s` to it), reads any other text."""
    if text.isascii():
        lowered = text.lower()
        return any(word in lowered for word in _MAY_WAIT_WORDS)
    return _MAY_WAIT.search(text) is not None


def startup_request(mods: Modules, paths: list[str], waits: bool) -> StartupRequest | None:
    """The first HTTP request (with `waits`, or long wait in a loop) of a function that a
    start-up function of a module of the import path calls, directly or through further
    functions (one fewer calls away first). None where no module has a start-up function
    (most apps: their text names none), and for a start-up function's own request (`_loads`
    counts that one)."""
    roots = [(path, function) for path in paths if _may_start(mods, path)
             for function in _module(mods, path).startup]
    elsewhere = _registered_elsewhere(mods, [path for path in paths if _may_start(mods, path)])
    seen = {(path, function.name) for path, function in [*roots, *elsewhere]}
    # what each module's top level runs as it is imported, before the app listens: read
    # only where a module names what makes a request or a wait (most apps name none)
    top = [(path, _top_level(_module(mods, path))) for path in paths] \
        if any(may_wait(file.text) for path in paths
               if (file := mods.read(path)) is not None) else []
    for path, function in top:
        request = _calls(_module(mods, path), function).made(waits)
        if request is not None:   # `requests.post(...)` written at the top level
            return StartupRequest(path, request.lineno, ast.unparse(request.func), "", ())
    roots.extend(top)
    for path, function in elsewhere:   # `_loads` reads only its own module's start-up
        request = _calls(_module(mods, path), function).made(waits)
        if request is not None:
            return StartupRequest(path, request.lineno, ast.unparse(request.func),
                                  function.name, ())
    roots.extend(elsewhere)
    todo: deque[tuple[str, Function, tuple[Caller, ...]]] = deque(
        (path, function, ()) for path, function in roots)
    while todo:
        path, function, callers = todo.popleft()
        for written, line in _calls(_module(mods, path), function).calls:
            found = _definition(mods, path, function, written)
            if found is None or found in seen:
                continue
            seen.add(found)
            callee = _module(mods, found[0])
            node = callee.defined.get(found[1])
            if node is None:
                continue
            hops = (Caller(function.name, f"{path}:{line}"), *callers)
            request = _calls(callee, node).made(waits)
            if request is not None:
                return StartupRequest(found[0], request.lineno, ast.unparse(request.func),
                                      node.name, hops)
            todo.append((found[0], node, hops))
    return None


# the name of what a module's top level runs, followed as a start-up function is
IMPORTED = "<import>"


def _top_level(module: _Module) -> Function:
    """The module's top level as a function of its own (line 0): its statements but the
    functions and classes it defines and a `if __name__ == "__main__":` block, which runs
    only as a script (its server, most often)."""
    body = [stmt for stmt in module.tree.body if not isinstance(
        stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not main_guard(stmt)]
    function = ast.FunctionDef(name=IMPORTED, args=ast.arguments([], [], None, [], [], None,
                                                                 []),
                               body=body or [ast.Pass()], decorator_list=[], returns=None,
                               type_comment=None, lineno=0, col_offset=0)
    return function


def _registered_elsewhere(mods: Modules, paths: list[str]) -> list[tuple[str, Function]]:
    """The start-up functions the modules hand to the app that another module defines
    (`from app.events import connect`, then `app.add_event_handler("startup", connect)`)."""
    found: list[tuple[str, Function]] = []
    for path in paths:
        module = _module(mods, path)
        for written in module.registered:
            place = _definition(mods, path, None, written)
            node = _module(mods, place[0]).defined.get(place[1]) if place else None
            if place is not None and place[0] != path and node is not None:
                found.append((place[0], node))
    return found


def _may_start(mods: Modules, path: str) -> bool:
    """Whether the module's text names a start-up function: most are not parsed for one."""
    file = mods.read(path)
    return file is not None and ("lifespan" in file.text or "startup" in file.text)


def _module(mods: Modules, path: str) -> _Module:
    """What the module defines; nothing where it cannot be read or parsed."""
    file = mods.read(path)
    if file is None:
        return _NO_MODULE
    return file.derived.get(_MODULE, lambda: _read_module(parse(file), file.text)) or _NO_MODULE


def _read_module(tree: ast.Module | None, text: str) -> _Module | None:
    if tree is None:
        return None
    # a module reached as a callee's is walked for start-up functions only where its text
    # names `lifespan` or `startup`
    starts = "lifespan" in text or "startup" in text
    defined = {stmt.name: stmt for _top, stmt in statements(tree.body)
               if isinstance(stmt, Function)}
    defined.update((f"{cls.name}.{stmt.name}", stmt) for _top, cls in statements(tree.body)
                   if isinstance(cls, ast.ClassDef) for stmt in cls.body
                   if isinstance(stmt, Function))
    return _Module(tree, startup_functions(tree, text),
                   registered_startup(tree) if starts else frozenset(), defined, {}, {})


def _calls(module: _Module, function: Function) -> _Calls:
    """What the function calls, and its HTTP request, from one walk of its nodes; not a
    call handed to `asyncio.create_task`, which runs beside it."""
    if function.lineno not in module.calls:
        nodes = startup_nodes(function)
        calls = [node for node in nodes if isinstance(node, ast.Call)]
        spawned = {id(arg) for node in calls if _spawns(node) for arg in node.args}
        module.calls[function.lineno] = _Calls(tuple(
            (written, node.lineno) for node in calls if id(node) not in spawned
            for written in (dotted_name(node.func),) if written is not None),
            _first_request(nodes), _loop_wait(nodes, function))
    return module.calls[function.lineno]


# an event loop's own `create_task`: `loop.create_task(...)`, `self.loop.create_task(...)`,
# `asyncio.get_event_loop().create_task(...)`
_LOOP = lazy_compile(r"(?:^|\.|_)loop$|get_(?:event|running)_loop\(\)$")


def _spawns(call: ast.Call) -> bool:
    """The call runs the coroutine it is given as a task of its own: asyncio's
    `create_task`/`ensure_future`, or an event loop's `create_task`."""
    func = call.func
    return dotted_name(func) in _SPAWNERS or (
        isinstance(func, ast.Attribute) and func.attr == "create_task" and
        _LOOP.search(ast.unparse(func.value)) is not None)


def _definition(mods: Modules, path: str, function: Function | None,
                written: str) -> tuple[str, str] | None:
    """(file, name) of the module-level function a call written in the function (None: at
    the module's top level) runs: `sync` defined or imported by the module (or by the
    function itself), `sd.sync` or `app.sd.sync` of a module imported."""
    head, _, name = written.rpartition(".")
    if not head:
        return _defined_in(mods, path, name, _bound(mods, path, function, name))
    stmt = _bound(mods, path, function, head.split(".")[0])
    made = assigned_value(stmt) if "." not in head else None
    if isinstance(made, ast.Call) and isinstance(made.func, ast.Name):
        return _method(mods, path, function, made.func.id, name)
    target: str | None = None
    if isinstance(stmt, ast.Import):
        # `import app.sd` binds `app`, and `app.sd.sync()` names the submodule; `import
        # app.sd as sd` binds `sd`
        target = next((mods.path_of(head if alias.asname is None else alias.name)
                       for alias in stmt.names if head in (alias.asname, alias.name) or
                       alias.asname is None and alias.name.startswith(head + ".")), None)
    elif isinstance(stmt, ast.ImportFrom) and "." not in head:
        origin = mods.imported(path, stmt, head)   # `from app import sd`
        target = origin[0] if origin is not None and origin[1] is None else None
    return _defined_in(mods, target, name, _top_binding(mods, target, name)) \
        if target is not None else None


def _star_sources(mods: Modules, path: str) -> list[str]:
    """The files of the modules the module's top level imports every name of (`from
    app.api.utils import *`, `from .utils import *`), in its order."""
    package = mods.package_of(path)
    sources = []
    for stmt in _module(mods, path).tree.body:
        if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
            source = absolute_module(package, stmt.level, stmt.module) \
                if stmt.level and package is not None else stmt.module
            found = mods.path_of(source) if source else None
            if found is not None:
                sources.append(found)
    return sources


def _method(mods: Modules, path: str, function: Function | None, cls: str,
            name: str) -> tuple[str, str] | None:
    """(file, `Class.name`) of the method a call runs on an object the function or its
    module makes of a class of the app (`producer = KafkaProducer(...)`, then
    `await producer.start()`): the class's own method, not one it inherits."""
    found = _defined_in(mods, path, cls, _bound(mods, path, function, cls),
                        kind=(ast.ClassDef,))
    if found is None:
        return None
    method = f"{found[1]}.{name}"
    return (found[0], method) if method in _module(mods, found[0]).defined else None


def _bound(mods: Modules, path: str, function: Function | None,
           name: str) -> ast.stmt | None:
    """The statement binding the name where the function reads it: its own body (an import
    inside it), else its module's top level."""
    local = binding(function.body, name) if function is not None else None
    return local if local is not None else _top_binding(mods, path, name)


def _top_binding(mods: Modules, path: str, name: str) -> ast.stmt | None:
    """The statement of the module's top level that binds the name last."""
    module = _module(mods, path)
    if module is _NO_MODULE:
        return None   # no tree to read, and no cache to keep beyond the run
    if name not in module.bindings:
        module.bindings[name] = binding(module.tree.body, name)
    return module.bindings[name]


def _defined_in(mods: Modules, path: str, name: str, stmt: ast.stmt | None,
                hops: int = 0, kind: tuple[type[ast.stmt], ...] = _FUNCTIONS,
                ) -> tuple[str, str] | None:
    """(file, name) of the `def` (or the statement of `kind`: a `class`) the name stands
    for in the module, where `stmt` binds it: that `def`, or the one an import brings,
    through the re-exports of packages."""
    if isinstance(stmt, kind):
        return path, name
    if stmt is None and hops and hops < _REEXPORTS and not name.startswith("_"):
        # a name a re-exporting module binds only through `from app.api.utils import *`
        return next((found for source in reversed(_star_sources(mods, path))
                     if (found := _defined_in(mods, source, name,
                                              _top_binding(mods, source, name), hops + 1,
                                              kind)) is not None), None)
    if not isinstance(stmt, (ast.Import, ast.ImportFrom)) or hops >= _REEXPORTS:
        return None
    origin = mods.imported(path, stmt, name)
    if origin is None or origin[1] is None:
        return None
    return _defined_in(mods, origin[0], origin[1], _top_binding(mods, origin[0], origin[1]),
                       hops + 1, kind)
