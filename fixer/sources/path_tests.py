"""Whether a middleware's test of the request's path holds for a health path.

A middleware that refuses requests (an API key's 401) often lets some paths through first:
`if request.url.path in PUBLIC: return await call_next(request)`. Which paths a test lets
by is read from its code where fixer can evaluate it: comparisons with strings or with a
collection the module or the class assigns, `startswith`/`endswith`, a regular expression
matched against the path (`re.match(r"^/health$", path)`, `PATTERN.match(path)` with
`PATTERN = re.compile(...)`), `any(...)` over such a collection, and a one-line predicate
of the class or the module that returns one of these (`self._is_public(path)`). Anything
else is not known (None), and a test fixer cannot evaluate lets nothing through.
"""

from __future__ import annotations

import ast
import copy
import re

from fixer.sources.python_modules import assigned_value, binding

_MATCHERS = frozenset({"match", "fullmatch", "search"})
# a predicate calling predicates: how many calls deep its return value is followed
_INLINE_DEPTH = 2


def holds_for_path(test: ast.expr, path: str, tree: ast.Module,
                   cls: ast.ClassDef | None, depth: int = 0) -> bool | None:
    """Whether a test of the request's path holds for `path`; None when it tests anything
    else, or in a way fixer does not evaluate."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = holds_for_path(test.operand, path, tree, cls, depth)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        parts = [holds_for_path(value, path, tree, cls, depth) for value in test.values]
        if isinstance(test.op, ast.And):
            return False if False in parts else None if None in parts else True
        return True if True in parts else None if None in parts else False
    if isinstance(test, ast.Compare):
        return _compared(test, path, tree, cls)
    if not isinstance(test, ast.Call):
        return None
    return _affix(test, path, tree, cls) if _is_affix(test) else \
        _matched(test, path, tree, cls) if _is_matcher(test) else \
        _any(test, path, tree, cls, depth) if _is_any(test) else \
        _predicate(test, path, tree, cls, depth)


def _compared(test: ast.Compare, path: str, tree: ast.Module,
              cls: ast.ClassDef | None) -> bool | None:
    if len(test.ops) != 1 or not reads_path(test.left):
        return None
    op, right = test.ops[0], named_collection(test.comparators[0], tree, cls)
    given = health_strings(right)
    if given is None:
        return None
    if isinstance(op, (ast.Eq, ast.NotEq)) and len(given) == 1:
        return (path == given[0]) == isinstance(op, ast.Eq)
    if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.List, ast.Tuple, ast.Set)):
        return (path in given) == isinstance(op, ast.In)
    return None


def _is_affix(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in ("startswith",
                                                                       "endswith") \
        and len(call.args) == 1 and reads_path(call.func.value)


def _affix(call: ast.Call, path: str, tree: ast.Module,
           cls: ast.ClassDef | None) -> bool | None:
    """`path.startswith("/health")`, `path.endswith(("/health", "/ping"))`, and a name the
    module or class binds to them (`path.startswith(PROTECTED_PREFIXES)`)."""
    assert isinstance(call.func, ast.Attribute)
    given = health_strings(named_collection(call.args[0], tree, cls))
    if given is None:
        return None
    check = path.startswith if call.func.attr == "startswith" else path.endswith
    return any(check(each) for each in given)


def _is_matcher(call: ast.Call) -> bool:
    """`re.match(PATTERN, path)` or `PATTERN.match(path)` (fullmatch, search too)."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in _MATCHERS:
        return False
    if isinstance(func.value, ast.Name) and func.value.id == "re":
        return len(call.args) == 2 and reads_path(call.args[1])
    return len(call.args) == 1 and reads_path(call.args[0])


def _matched(call: ast.Call, path: str, tree: ast.Module,
             cls: ast.ClassDef | None) -> bool | None:
    assert isinstance(call.func, ast.Attribute)
    func = call.func
    on_re = isinstance(func.value, ast.Name) and func.value.id == "re"
    pattern = _pattern(call.args[0] if on_re else func.value, tree, cls)
    if pattern is None:
        return None
    return bool(getattr(pattern, func.attr)(path))


def _pattern(node: ast.expr, tree: ast.Module, cls: ast.ClassDef | None) -> re.Pattern[str] | None:
    """The regular expression a literal or `re.compile(literal)` holds, by name too; None
    where it has flags or is not a literal fixer can compile."""
    node = named_collection(node, tree, cls)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "compile" and isinstance(node.func.value, ast.Name) and \
            node.func.value.id == "re" and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return None
    try:
        return re.compile(node.value)
    except re.error:
        return None


def _is_any(call: ast.Call) -> bool:
    """`any(<test of name> for name in COLLECTION)`."""
    if not (isinstance(call.func, ast.Name) and call.func.id == "any" and len(call.args) == 1
            and isinstance(call.args[0], ast.GeneratorExp)):
        return False
    generators = call.args[0].generators
    return len(generators) == 1 and not generators[0].ifs and not generators[0].is_async \
        and isinstance(generators[0].target, ast.Name)


def _any(call: ast.Call, path: str, tree: ast.Module, cls: ast.ClassDef | None,
         depth: int) -> bool | None:
    """Whether the test holds for one item of a collection fixer reads (`[re.compile(...),
    ...]`, `("/health", "/docs")`): each item in the name's place."""
    generator = call.args[0]
    assert isinstance(generator, ast.GeneratorExp)
    loop = generator.generators[0]
    assert isinstance(loop.target, ast.Name)
    items = named_collection(loop.iter, tree, cls)
    if not isinstance(items, (ast.List, ast.Tuple, ast.Set)):
        return None
    parts = [holds_for_path(_substituted(generator.elt, loop.target.id, item), path, tree,
                            cls, depth) for item in items.elts]
    return True if True in parts else None if None in parts else False


def _predicate(call: ast.Call, path: str, tree: ast.Module, cls: ast.ClassDef | None,
               depth: int) -> bool | None:
    """A call of a one-line predicate of the class (`self._is_public(path)`) or the module
    (`is_public(path)`): the test it returns, its parameter in the argument's place."""
    if depth >= _INLINE_DEPTH:
        return None
    test = inlined_predicate(call, tree, cls)
    return holds_for_path(test, path, tree, cls, depth + 1) if test is not None else None


def inlined_predicate(call: ast.Call, tree: ast.Module,
                      cls: ast.ClassDef | None) -> ast.expr | None:
    """What a one-line predicate of the class or the module returns when given the
    request's path (`needs_key(request.url.path)`: `request.url.path not in PUBLIC_PATHS`);
    None for any other call."""
    if len(call.args) != 1 or call.keywords or not reads_path(call.args[0]):
        return None
    func = call.func
    on_class = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
        func.value.id in ("self", "cls") and cls is not None
    name = func.attr if on_class and isinstance(func, ast.Attribute) else \
        func.id if isinstance(func, ast.Name) else None
    body = cls.body if on_class and cls is not None else tree.body
    found = next((s for s in body if isinstance(s, ast.FunctionDef) and s.name == name), None)
    returned = _returned(found, on_class) if found is not None else None
    if returned is None:
        return None
    test, parameter = returned
    return _substituted(test, parameter, call.args[0])


def _returned(function: ast.FunctionDef, method: bool) -> tuple[ast.expr, str] | None:
    """(what it returns, its one parameter) for a function whose body is one `return`,
    its docstring aside; a method's first parameter (`self`) aside, unless it is static."""
    static = any(isinstance(d, ast.Name) and d.id == "staticmethod"
                 for d in function.decorator_list)
    params = [a.arg for a in function.args.args][1 if method and not static else 0:]
    body = [s for s in function.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(params) != 1 or len(body) != 1 or not isinstance(body[0], ast.Return) or \
            body[0].value is None:
        return None
    return body[0].value, params[0]


class _Substitution(ast.NodeTransformer):
    def __init__(self, values: dict[str, ast.expr]) -> None:
        self.values = values

    def visit_Name(self, node: ast.Name) -> ast.expr:
        value = self.values.get(node.id)
        return copy.deepcopy(value) if value is not None and isinstance(node.ctx, ast.Load) \
            else node


def _substituted(expr: ast.expr, name: str, value: ast.expr) -> ast.expr:
    """`expr` with each `name` read replaced by `value` (a copy: the tree is shared)."""
    return with_values(expr, {name: value})


def with_values(expr: ast.expr, values: dict[str, ast.expr]) -> ast.expr:
    """`expr` with each name of `values` replaced by its value (a copy: the tree is shared):
    a test of a name the function bound earlier (`if is_public:`) reads what it holds."""
    if not values or not any(isinstance(node, ast.Name) and node.id in values
                             for node in ast.walk(expr)):
        return expr
    result = _Substitution(values).visit(copy.deepcopy(expr))
    assert isinstance(result, ast.expr)
    return result


def reads_path(node: ast.expr) -> bool:
    """`request.url.path`, `request.scope["path"]`, a `path` variable."""
    return not isinstance(node, ast.Constant) and "path" in ast.unparse(node)


def health_strings(node: ast.expr) -> list[str] | None:
    """The strings a constant or a list, tuple or set of constants holds; None otherwise."""
    items = node.elts if isinstance(node, (ast.List, ast.Tuple, ast.Set)) else [node]
    if all(isinstance(i, ast.Constant) and isinstance(i.value, str) for i in items):
        return [str(i.value) for i in items if isinstance(i, ast.Constant)]
    return None


def named_collection(node: ast.expr, tree: ast.Module, cls: ast.ClassDef | None) -> ast.expr:
    """What `EXEMPT` or `self.EXEMPT` is assigned (`EXEMPT = {"/health", "/docs"}`,
    `frozenset({...})`) in the module or the class; else the node itself."""
    name = node.id if isinstance(node, ast.Name) else node.attr if (
        isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        and node.value.id in ("self", "cls")) else None
    if name is None:
        return node
    bodies = [cls.body] if cls is not None and isinstance(node, ast.Attribute) else \
        [tree.body] + ([cls.body] if cls is not None else [])
    for body in bodies:
        value = assigned_value(binding(body, name))
        if value is not None:
            return unwrapped(value)
    return node


def unwrapped(value: ast.expr) -> ast.expr:
    """The collection `set(...)`, `frozenset(...)`, `list(...)` or `tuple(...)` is given
    (`frozenset({"/health", "/docs"})`); else the value itself."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and \
            value.func.id in ("set", "frozenset", "list", "tuple") and value.args:
        return value.args[0]
    return value
