"""The statuses a route's handler may answer where it writes one as an expression.

`answered_error` (in `fastapi_routes`) finds a literal error status a handler writes
(`raise HTTPException(503)`, `response.status_code = 503`). A handler may compute it
instead: `JSONResponse(..., status_code=200 if ok else 503)`, `Response(status_code=code)`
after `code = 503` in an `except` block, or a status fixer cannot read at all
(`status_code=upstream.status_code`, a parameter, a module constant). The first kinds
answer an error in some state as surely as the raise does; a status fixer cannot read may
too, and fixer cannot show it never does.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from http import HTTPStatus

from fixer.core.lazyre import lazy_compile
from fixer.sources.python import called_name, child_nodes, dotted_name

# Starlette's responses, whose second positional parameter is `status_code`: a class of the
# app's own named `...Response` may be a body model (`HealthResponse("ok", uptime)`)
_STARLETTE_RESPONSES = frozenset({
    "Response", "JSONResponse", "PlainTextResponse", "HTMLResponse", "ORJSONResponse",
    "UJSONResponse", "RedirectResponse", "StreamingResponse", "FileResponse",
    "EventSourceResponse"})
# `status.HTTP_503_SERVICE_UNAVAILABLE`, `HTTP_200_OK` (Starlette's and FastAPI's names)
_STATUS_NAME = lazy_compile(r"HTTP_([1-5]\d\d)_")
# a flag a graceful shutdown sets: `draining`, `shutting_down`, `is_stopping`, `terminating`
_SHUTDOWN_FLAG = lazy_compile(r"drain|shut|stopping|terminat|closing", re.I)
_HTTP_STATUS = {status.name: status.value for status in HTTPStatus}
# how many names deep a status is followed (`code = default`, `default = 503`)
_DEPTH = 8
# (error status, line) or (the expression fixer cannot read, line)
Answer = tuple[int | str, int]
# each name the handler binds, with the values it may take there; None where it is bound
# in a way fixer does not follow (a loop, `+=`, unpacking, `global`)
Bindings = dict[str, list[ast.expr] | None]


def outside_shutdown(function: ast.AST) -> Iterator[ast.AST]:
    """The function's nodes, less the bodies of `if` statements whose test names a shutdown
    flag (`if app.state.draining:`, `if SHUTTING_DOWN:`); their `else` stays."""
    stack = [function]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _shutdown_flag(node.test):
            stack.extend([node.test, *node.orelse])
        else:
            stack += child_nodes(node)


def _shutdown_flag(test: ast.expr) -> bool:
    """The test is a shutdown flag alone (not `a or b`): what it guards, or the status it
    chooses (`503 if app.state.draining else 200`), is answered only while the app stops."""
    return isinstance(test, (ast.Name, ast.Attribute)) and \
        _SHUTDOWN_FLAG.search(dotted_name(test) or ast.unparse(test)) is not None


def computed_error(nodes: Sequence[ast.AST]) -> Answer | None:
    """The error status (400 or more) a handler may answer among the possible values of a
    status it computes, else the first status it answers that fixer cannot read. `nodes`
    are the handler's, less those it runs only while the app shuts down."""
    bindings = _bindings(nodes)
    responses = _responses(nodes, bindings)
    unread: Answer | None = None
    for node, expr, strict in _status_sites(nodes, responses):
        codes, text = _possible(expr, bindings, 0)
        error = next((code for code in codes if code >= 400), None)
        if error is not None:
            return error, getattr(node, "lineno", 0)
        if strict and text is not None and unread is None:
            unread = text, getattr(node, "lineno", 0)
    return unread


def _status_sites(nodes: Sequence[ast.AST], responses: set[str]
                  ) -> Iterator[tuple[ast.AST, ast.expr, bool]]:
    """Each status the handler writes: (the node, its expression, whether it is surely
    what the handler answers). A response's or an `HTTPException`'s status is, and one
    set on a response (`response.status_code = code` on a `Response` parameter or a
    response it built); a `status_code=` given to another call (a logger's) or set on
    another object counts only by its literal values, as `answered_error` reads them."""
    for node in nodes:
        if isinstance(node, ast.Call):
            name = called_name(node) or ""
            answers = name.endswith(("Response", "HTTPException"))
            for keyword in node.keywords:
                if keyword.arg in ("status_code", "status"):
                    yield node, keyword.value, answers and keyword.arg == "status_code"
            at = 0 if name.endswith("HTTPException") else 1 if answers else None
            if at is not None and len(node.args) > at:
                yield node, node.args[at], at == 0 or name in _STARLETTE_RESPONSES
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in ("status_code", "status"):
                    yield node, node.value, target.attr == "status_code" and \
                        isinstance(target.value, ast.Name) and target.value.id in responses


def _possible(expr: ast.expr, bindings: Bindings, depth: int
              ) -> tuple[list[int], str | None]:
    """The literal statuses `expr` may be, and the first part of it fixer cannot read."""
    if isinstance(expr, ast.Constant):   # a string or None is no status (`status="ok"`)
        return ([expr.value] if type(expr.value) is int else []), None
    if isinstance(expr, ast.IfExp):
        kept = [expr.orelse] if _shutdown_flag(expr.test) else [expr.body, expr.orelse]
        return _union(kept, bindings, depth)
    if isinstance(expr, ast.BoolOp):     # `ok and 200 or 503`
        return _union(expr.values, bindings, depth)
    named = _named_status(expr)
    if named is not None:
        return [named], None
    values = bindings.get(expr.id) if isinstance(expr, ast.Name) else None
    if values is not None and depth < _DEPTH:
        return _union(values, bindings, depth + 1)
    return [], ast.unparse(expr)


def _union(exprs: Sequence[ast.expr], bindings: Bindings, depth: int
           ) -> tuple[list[int], str | None]:
    codes: list[int] = []
    unread: str | None = None
    for expr in exprs:
        found, text = _possible(expr, bindings, depth)
        codes += found
        unread = unread or text
    return codes, unread


def _named_status(expr: ast.expr) -> int | None:
    """The status a constant's name says: `status.HTTP_200_OK`, `HTTPStatus.NO_CONTENT`."""
    dotted = dotted_name(expr)
    if dotted is None:
        return None
    named = _STATUS_NAME.search(dotted)
    if named:
        return int(named.group(1))
    owner, _, attr = dotted.rpartition(".")
    return _HTTP_STATUS.get(attr) if owner.endswith("HTTPStatus") else None


def _bindings(nodes: Sequence[ast.AST]) -> Bindings:
    """The handler's names and the values it binds them to: `code = 503` and `code: int =
    503` (each binding counts, in whatever branch), a walrus; any other binding, or a
    `global`/`nonlocal` one, leaves the name unread."""
    found: Bindings = {}
    plain: set[int] = set()
    for node in nodes:
        pairs: list[tuple[ast.expr, ast.expr]] = []
        if isinstance(node, ast.Assign):
            pairs = [(target, node.value) for target in node.targets]
        elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
            pairs = [(node.target, node.value)]
        for target, value in pairs:
            if isinstance(target, ast.Name):
                plain.add(id(target))
                values = found.setdefault(target.id, [])
                if values is not None:
                    values.append(value)
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            found.update(dict.fromkeys(node.names))
    for node in nodes:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and \
                id(node) not in plain:
            found[node.id] = None
    return found


def _responses(nodes: Sequence[ast.AST], bindings: Bindings) -> set[str]:
    """The names that stand for the response the handler answers: a parameter annotated
    as a response (`response: Response`), or a name bound to a response only."""
    found = {arg.arg for node in nodes if isinstance(node, ast.arguments)
             for arg in [*node.posonlyargs, *node.args, *node.kwonlyargs]
             if arg.annotation is not None and
             (dotted_name(arg.annotation) or "").endswith("Response")}
    return found | {name for name, values in bindings.items() if values and all(
        isinstance(value, ast.Call) and (called_name(value) or "").endswith("Response")
        for value in values)}
