"""What a middleware does with a request, read from its own code.

Which of its branches a probe's GET never enters (`for_other_methods`: `if request.method
== "POST":` around a 413 for oversized uploads). And two questions the probe gates ask of a
`BaseHTTPMiddleware` subclass that names no error status: does it hand every request on
(`passes_every_request`: a JWT reader that only sets the user when a token is valid refuses
nothing, whatever its name says), and which paths does it let through, where the class
keeps them in an attribute its `__init__` sets (`as_constructed`: `self.excluded_paths =
excluded_paths or ["/health"]`).
"""

from __future__ import annotations

import ast
import copy

from fixer.sources.path_tests import unwrapped

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# what a handler of a `try` that swallows every error catches
_EVERY_ERROR = ("Exception", "BaseException")
_COLLECTIONS = (ast.List, ast.Tuple, ast.Set)


def passes_every_request(cls: ast.ClassDef) -> bool:
    """The class's `dispatch` hands every request on: it returns only what `call_next`
    gives, raises nothing, and calls nothing but `call_next` outside a `try` whose handlers
    catch every error and answer nothing (a token read that may fail: the request goes on
    without a user)."""
    dispatch = next((m for m in cls.body if isinstance(m, _FUNCTIONS)
                     and m.name == "dispatch"), None)
    if dispatch is None or len(dispatch.args.args) != 3:
        return False
    call_next = dispatch.args.args[2].arg
    responses: set[str] = set()   # names bound to `await call_next(request)`
    body = dispatch.body
    absent: set[str] = set()      # names bound to what a probe never sends (a cookie)
    return bool(body) and isinstance(body[-1], ast.Return) and \
        all(_hands_on(stmt, call_next, responses, cls, absent) for stmt in body)


def _hands_on(stmt: ast.stmt, call_next: str, responses: set[str], cls: ast.ClassDef,
              absent: set[str]) -> bool:
    def each(stmts: list[ast.stmt]) -> bool:
        return all(_hands_on(s, call_next, responses, cls, absent) for s in stmts)
    if isinstance(stmt, ast.Try) and _swallows(stmt):
        return not any(isinstance(node, (ast.Return, *_FUNCTIONS))
                       for node in ast.walk(ast.Module(stmt.body, []))) and \
            each(stmt.orelse + stmt.finalbody)
    if isinstance(stmt, ast.If) and (_other_methods(_with_class_values(stmt.test, cls))
                                     or _needs_absent(stmt.test, absent)):
        # a branch for POST and the like, or for a request with a session cookie: a probe
        # takes the `else`, if any
        return each(stmt.orelse)
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
            isinstance(stmt.targets[0], ast.Name) and _never_sent(stmt.value):
        absent.add(stmt.targets[0].id)   # `token = request.cookies.get("session")`
        return True
    if isinstance(stmt, ast.Return):
        return stmt.value is not None and (_awaits_next(stmt.value, call_next) or (
            isinstance(stmt.value, ast.Name) and stmt.value.id in responses))
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
            isinstance(stmt.targets[0], ast.Name) and _awaits_next(stmt.value, call_next):
        responses.add(stmt.targets[0].id)
        return True
    if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign, ast.Pass)):
        return not any(isinstance(node, (ast.Call, ast.Await, ast.Raise))
                       for node in ast.walk(stmt))
    return False   # a branch, a loop, a raise: what it answers is not read


def _never_sent(value: ast.expr) -> bool:
    """A read of what a probe's request never carries: a cookie (`request.cookies.get(
    "session")`, or by a name a setting holds, `settings.session_cookie_name`: a probe
    sends no cookie at all), with no default or an empty one; reading it raises nothing."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and
            value.func.attr == "get" and isinstance(value.func.value, ast.Attribute) and
            value.func.value.attr == "cookies" and not value.keywords and
            len(value.args) in (1, 2)):
        return False
    name, *default = value.args
    return (isinstance(name, ast.Constant) and isinstance(name.value, str)
            or _attribute_chain(name)) and \
        all(isinstance(d, ast.Constant) and d.value in ("", None) for d in default)


def _attribute_chain(node: ast.expr) -> bool:
    """A name or a chain of attributes (`settings.session_cookie_name`): no call to raise."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _needs_absent(test: ast.expr, absent: set[str]) -> bool:
    """The test holds only where a name bound to what a probe never sends is set (`if
    token:`, `if token and ...`)."""
    operands = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) \
        else [test]
    return any(isinstance(o, ast.Name) and o.id in absent for o in operands)


def _with_class_values(test: ast.expr, cls: ast.ClassDef) -> ast.expr:
    """The test with each `self.NAME` the class binds at its top level to a literal read as
    that literal (`request.method not in self._SAFE_METHODS`, `_SAFE_METHODS = {"GET",
    ...}` in the class body)."""
    values = {target.id: node.value for node in cls.body if isinstance(node, ast.Assign)
              for target in node.targets if isinstance(target, ast.Name)}

    class Literal(ast.NodeTransformer):
        def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls",
                                                                      cls.name) and \
                    node.attr in values:
                return values[node.attr]
            return node

    return Literal().visit(copy.deepcopy(test))   # type: ignore[no-any-return]


def _swallows(stmt: ast.Try) -> bool:
    """Every handler catches any error (`except Exception:`, a bare `except:`) and only
    passes or logs: what the `try` raises goes nowhere."""
    return bool(stmt.handlers) and all(
        (handler.type is None or isinstance(handler.type, ast.Name)
         and handler.type.id in _EVERY_ERROR)
        and not any(isinstance(node, (ast.Return, ast.Raise)) for node in ast.walk(handler))
        for handler in stmt.handlers)


def _awaits_next(value: ast.expr, call_next: str) -> bool:
    return isinstance(value, ast.Await) and isinstance(value.value, ast.Call) and \
        isinstance(value.value.func, ast.Name) and value.value.func.id == call_next


def as_constructed(cls: ast.ClassDef, call: ast.Call) -> ast.ClassDef:
    """The class as the call builds it (`add_middleware(Cls)`): each attribute its
    `__init__` sets at the top of its body to a literal collection, or to a parameter the
    call leaves to its default (`excluded_paths or ["/health"]`, `excluded=("/health",)`),
    read as a class attribute of that value. A parameter the call passes says nothing."""
    init = next((m for m in cls.body if isinstance(m, ast.FunctionDef)
                 and m.name == "__init__"), None)
    if init is None:
        return cls
    defaults = _left_to_default(init, call)
    added: list[ast.stmt] = []
    for stmt in init.body:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and \
            len(stmt.targets) == 1 else None
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and \
                target.value.id == "self" and isinstance(stmt, ast.Assign):
            value = _value_by_default(stmt.value, defaults)
            if value is not None:
                added.append(ast.copy_location(
                    ast.Assign([ast.Name(target.attr, ast.Store())], value), stmt))
    if not added:
        return cls
    built = copy.copy(cls)
    built.body = [*cls.body, *added]   # set last: an instance's attribute wins
    return built


def _left_to_default(init: ast.FunctionDef, call: ast.Call) -> dict[str, ast.expr | None]:
    """`__init__`'s parameters the call does not pass, each with its default (None when it
    has none); the call's first argument is the class itself, `app` is given by Starlette."""
    if any(isinstance(a, ast.Starred) for a in call.args) or \
            any(k.arg is None for k in call.keywords):
        return {}   # `*args`, `**options`: what they pass is not read
    params = init.args.args[2:]   # self, app
    passed = {p.arg for p in params[:len(call.args) - 1]} | {k.arg for k in call.keywords}
    defaults = [None] * (len(params) - len(init.args.defaults)) + list(init.args.defaults)
    found: dict[str, ast.expr | None] = {p.arg: d for p, d in zip(params, defaults)
                                         if p.arg not in passed}
    found.update((p.arg, d) for p, d in zip(init.args.kwonlyargs, init.args.kw_defaults)
                 if p.arg not in passed)
    return found


def _value_by_default(value: ast.expr, defaults: dict[str, ast.expr | None]) -> ast.expr | None:
    """The literal collection an attribute holds when the call leaves its parameters to
    their defaults; None when it is not one fixer can read."""
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or) and \
            len(value.values) == 2 and isinstance(value.values[0], ast.Name):
        name, fallback = value.values[0].id, value.values[1]
        default = defaults.get(name)
        if default is None:
            return None   # passed, or not a parameter: what it holds is not read
        if isinstance(default, ast.Constant) and not default.value:   # None, "", ()
            return fallback if _collection(fallback) else None
        return default if _collection(default) else None
    if isinstance(value, ast.Name) and value.id in defaults:
        given = defaults[value.id]
        return given if given is not None and _collection(given) else None
    return value if _collection(value) else None


def _collection(value: ast.expr) -> bool:
    """A literal list, tuple or set of strings, or `set(...)`/`frozenset(...)` of one."""
    value = unwrapped(value)
    return isinstance(value, _COLLECTIONS) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts)


# what a healthcheck sends: curl and wget GET, some probes HEAD
_PROBE_METHODS = frozenset({"GET", "HEAD"})


def for_other_methods(nodes: list[ast.AST], function: ast.AST,
                      cls: ast.ClassDef | None = None) -> list[ast.AST]:
    """The nodes a probe's GET does not reach: those in the body of an `if` that holds for
    other methods only (`if request.method == "POST":`, `in ("POST", "PUT")`, `!= "GET"`,
    `not in self._SAFE_METHODS` of a `cls` that binds it to a literal)."""
    parents = {id(child): node for node in ast.walk(function)
               for child in ast.iter_child_nodes(node)}
    skipped = []
    for node in nodes:
        child, parent = node, parents.get(id(node))
        while parent is not None and not (isinstance(parent, ast.If) and _other_methods(
                parent.test if cls is None else _with_class_values(parent.test, cls))
                and any(child is s for s in parent.body)):
            child, parent = parent, parents.get(id(parent))
        if parent is not None:
            skipped.append(node)
    return skipped


def past_a_probes_exit(nodes: list[ast.AST], function: ast.FunctionDef | ast.AsyncFunctionDef,
                       cls: ast.ClassDef | None = None) -> list[ast.AST]:
    """The nodes below a statement of the function's own body that a probe's GET and HEAD
    leave it at, refusing nothing: `if <test> or request.method in self.safe_methods:
    return None` (a check that answers None where it lets a request through), or `return
    await call_next(request)`, where the test holds for both methods whatever its other
    operands (`SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}` of a `cls` that binds it to a
    literal). A probe never reaches them."""
    call_next = function.args.args[-1].arg if len(function.args.args) > 1 else None
    for stmt in function.body:
        if not isinstance(stmt, ast.If) or not stmt.body or \
                not isinstance(stmt.body[-1], ast.Return):
            continue
        test = stmt.test if cls is None else _with_class_values(stmt.test, cls)
        last = stmt.body[-1]
        value = last.value
        passes = value is None or (isinstance(value, ast.Constant) and value.value is None) or \
            (call_next is not None and _awaits_next(value, call_next))
        if passes and _probe_methods(test) and not any(
                isinstance(node, (ast.Raise, ast.Return)) and node is not last
                for node in ast.walk(ast.Module(stmt.body, []))):
            end = stmt.end_lineno or stmt.lineno
            return [node for node in nodes if getattr(node, "lineno", 0) > end]
    return []


def _probe_methods(test: ast.expr) -> bool:
    """The test holds for GET and HEAD alike: `request.method in {"GET", "HEAD", ...}`, or
    `or` of such a test with any other."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_probe_methods(value) for value in test.values)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and _is_method(test.left)
            and isinstance(test.ops[0], ast.In)):
        return False
    named = _strings(test.comparators[0])
    return named is not None and {m.upper() for m in named} >= _PROBE_METHODS


def _other_methods(test: ast.expr) -> bool:
    """The test holds for methods a probe does not send only: `request.method == "POST"`,
    `.method.upper() in {"POST", "PUT"}`, `method != "GET"`, and `and` of such a test with
    any other."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_other_methods(value) for value in test.values)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and _is_method(test.left)):
        return False
    op, right = test.ops[0], test.comparators[0]
    named = _strings(right)
    if named is None:
        return False
    if isinstance(op, (ast.Eq, ast.In)):
        return not {m.upper() for m in named} & _PROBE_METHODS
    if isinstance(op, (ast.NotEq, ast.NotIn)):
        return {m.upper() for m in named} >= {"GET"}
    return False


def _is_method(node: ast.expr) -> bool:
    """`request.method`, `scope["method"]`, or either with `.upper()` or `.lower()`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr in ("upper", "lower") and not node.args:
        node = node.func.value
    if isinstance(node, ast.Attribute):
        return node.attr == "method"
    return isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and \
        node.slice.value == "method"


def _strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, _COLLECTIONS) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return [e.value for e in node.elts]   # type: ignore[attr-defined]
    return None
