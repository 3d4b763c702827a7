"""The edit that adds a GET health route to an app, in the style of its file.

H001 makes it its fix; C004 adds it with its healthcheck when the app serves no
health route yet, so that its probe never asks for a path the app lacks, even in a
run where H001 is not selected.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Sequence

from fixer.core.edits import TextEdit
from fixer.core.lazyre import lazy_compile
from fixer.facts.health.healthroute import served_app
from fixer.facts.health.mypyconfig import annotations_required, type_parameters_required
from fixer.facts.health.pythonfloor import declared_floor
from fixer.facts.image.images import service_python
from fixer.model import appmodule
from fixer.model.services import Service
from fixer.model.workspace import Workspace
from fixer.sources.codestyle import CodeStyle, code_style
from fixer.sources.fastapi_routes import HANDLER_NAMES, AppRoutes, Function
from fixer.sources.python import (
    LineIndex,
    bound_names,
    called_name,
    every_statement,
    indent_unit,
    prevailing_quote,
)


def addable(ws: Workspace, service: Service, path: str) -> AppRoutes | None:
    """The routes of the app a route at `path` can be added to: fixer found the app and can
    vouch that `@app.get` works on it (its class does not redefine it, no middleware may
    refuse the path). A fix judges itself on this before any text is written, and
    `add_route` renders on what it returns."""
    found = served_app(ws, service)
    return None if found is None or found[1].doubt_for(path) else found[1]


def code_python(ws: Workspace, service: Service) -> tuple[int, int] | None:
    """The Python the route a fix adds must import on: the image's, or the oldest the
    project says it runs on where that is older (`requires-python = ">=3.8"`, whose CI
    imports the module on 3.8 whatever the image has)."""
    image = service_python(service)
    # from the module's folder up: a pyproject.toml in the folder the image copies the code
    # from (`backend/src/pyproject.toml` of `COPY ./src /srv`) is the project's too
    module = appmodule.find(ws, service)
    app = service.app
    start = posixpath.dirname(module.path) if module is not None else \
        app.folder if app is not None else None
    floor = declared_floor(ws.read, start) if start is not None else None
    return floor if floor is not None and (image is None or floor < image) and \
        floor < (3, 9) else image


def route_edits(routes: AppRoutes, path: str, python: tuple[int, int] | None) -> list[TextEdit]:
    """`add_route` as a fix's edit list: what a deferred fix builds from `addable`'s routes,
    for an image whose Python is `python` (None: its reference does not say,
    `facts.image.images.image_python`)."""
    return [add_route(routes, path, python is not None and python >= (3, 9))]


# what serves an app's routes as the tools of an MCP server, those it has when called:
# fastapi-mcp's `FastApiMCP(app)`, its older `add_mcp_server(app)`, `FastMCP.from_fastapi(app)`
_TOOL_SERVERS = frozenset({"FastApiMCP", "add_mcp_server", "from_fastapi"})


def served_as_tools(routes: AppRoutes) -> str | None:
    """Why a route added to the app would change what it offers: the module that creates
    it hands it to an MCP server, which makes its routes tools every client sees (a route
    added above that call is one more, and the placement follows the other routes)."""
    site = routes.sites[0]
    for node in ast.walk(site.tree):
        if isinstance(node, ast.Call) and called_name(node) in _TOOL_SERVERS and any(
                isinstance(given, ast.Name) and given.id == site.var
                for given in [*node.args, *(k.value for k in node.keywords)]):
            return (f"`{ast.unparse(node.func)}({site.var})` ({site.path}:{node.lineno}) serves "
                    "the app's routes as MCP tools: the route added would be one more tool for "
                    "its clients")
    return None


def annotation_doubt(routes: AppRoutes, python: tuple[int, int] | None) -> str | None:
    """Why the route `route_edits` adds would fail the project's type check: the handler
    needs a return annotation, mypy requires type parameters (`disallow_any_generics`,
    `strict`), the code's Python takes no `dict[str, str]`, and the module imports neither
    `typing` nor its `Dict`, so that a bare `dict` is all it can write."""
    generics = python is not None and python >= (3, 9)
    if _annotation(routes, generics, _style(routes)) is not None:
        return None
    version = f"Python {python[0]}.{python[1]}" if python is not None else \
        "the image's Python (its reference does not say which)"
    return ("the project's mypy requires type parameters (`disallow_any_generics`), and "
            f"{version} takes no `dict[str, str]` in an annotation FastAPI reads: the "
            "route's `-> dict` fails the type check until it imports `Dict` from `typing`")


def add_route(routes: AppRoutes, path: str, generics: bool = False) -> TextEdit:
    """A `GET path` route returning `{"status": "ok"}`, right after the app's last route
    (or its creation), inside the factory function when a factory builds the app.
    `generics`: the image's Python is known to take `dict[str, str]` (3.9 or later)."""
    site = routes.sites[0]
    anchor = routes.last_adder
    index = LineIndex(site.file.text)
    indent = index.line_text(anchor.lineno)[:anchor.col_offset]
    style = _style(routes)
    block = _render(site.file.text, indent, site.var, path, _free_name(routes), routes, generics,
                    style)
    last = _past_its_comments(index, anchor.end_lineno or anchor.lineno, len(indent))
    return _insert(site.path, site.file.text, site.file.newline, index, last, block,
                   site.scope is site.tree, style.two_blank_lines)


def _style(routes: AppRoutes) -> CodeStyle:
    """What the project's linters and formatters hold the file the route goes into to."""
    mods = routes.modules
    if mods is None:
        return CodeStyle()
    read = mods.read
    return code_style(lambda path: file.text if (file := read(path)) is not None else None,
                      routes.sites[0].path)


def _past_its_comments(index: LineIndex, line: int, indent: int) -> int:
    """The last line of the anchor's own trailing comments: comment lines right below it,
    indented deeper than it (`    # return FileResponse(...)` left in a handler's body),
    which a route added between them would cut off from their function."""
    while line < len(index.starts):
        below = index.line_text(line + 1)
        if not below.lstrip().startswith("#") or len(below) - len(below.lstrip()) <= indent:
            break
        line += 1
    return line


def _free_name(routes: AppRoutes) -> str:
    """A name for the handler that no code of the module binds or reads. A name only read
    may come from a `from m import *`, and one bound by a `for` or `:=` anywhere: the new
    function would shadow it for the module's code (or, in a factory, make it a local that
    an earlier read finds unbound)."""
    site = routes.sites[0]
    taken = bound_names(site.tree.body) | {
        node.id if isinstance(node, ast.Name) else node.arg for node in ast.walk(site.tree)
        if isinstance(node, (ast.Name, ast.arg))}
    if not isinstance(site.scope, ast.Module):
        taken |= bound_names(site.scope.body)
    elif site.path.endswith("__init__.py"):   # a module-level name hides a submodule
        taken |= routes.submodules
    return next(name for name in HANDLER_NAMES if name not in taken)


def _render(text: str, indent: str, var: str, path: str, name: str,
            routes: AppRoutes, generics: bool, tooling: CodeStyle) -> list[str]:
    own, every = _route_handlers(routes)
    style = own or every
    is_async = sum(isinstance(f, ast.AsyncFunctionDef) for f in style) * 2 > len(style)
    # where no annotation passes the type check, a fix is unsafe (`annotation_doubt`)
    annotation = _annotation(routes, generics, tooling)
    returns = f" -> {annotation or 'dict'}" if annotation != "" else ""
    # the path as the formatter writes strings, else as the module's routes write theirs;
    # the dict as their handlers' strings are
    tree = routes.sites[0].tree
    q = tooling.quote or _route_quote(text, tree) or prevailing_quote(text) or \
        _app_call_quote(text, tree, var) or '"'  # on a tie, the lines registering with the app
    strings = tooling.quote or _body_quote(text, own) or q
    unit = indent_unit(text)
    documented = tooling.docstrings or \
        sum(ast.get_docstring(f) is not None for f in style) * 2 > len(style) > 0
    triple = _docstring_quotes(text, style)
    return [
        f"{indent}@{var}.get({q}{path}{q})",
        f"{indent}{'async ' if is_async else ''}def {name}(){returns}:",
        *([f'{indent}{unit}{triple}Report that the service is up.{triple}']
          if documented else []),
        f"{indent}{unit}return {{{strings}status{strings}: {strings}ok{strings}}}",
    ]


def _docstring_quotes(text: str, handlers: list[Function]) -> str:
    """The quotes the handlers' docstrings are written with: three single quotes where every
    one of them is, else three double ones (PEP 257's, black's and ruff's formatters')."""
    lines = text.splitlines()
    opened = [lines[f.body[0].lineno - 1].lstrip()[:3] for f in handlers
              if ast.get_docstring(f) is not None and f.body[0].lineno <= len(lines)]
    return "'''" if opened and all(o == "'''" for o in opened) else '"""'


def _route_handlers(routes: AppRoutes) -> tuple[list[Function], list[Function]]:
    """The route handlers of the file the new one is written into, and every handler of the
    app: it follows the first where there are any (the routers of other files may be typed
    where it is not), else the second."""
    file = routes.sites[0].path
    every = [r.function for r in routes.routes if r.function is not None]
    own = [r.function for r in routes.routes if r.function is not None and r.module == file]
    return own, every


def _annotation(routes: AppRoutes, generics: bool, tooling: CodeStyle) -> str | None:
    """The new handler's return annotation; "" where it has none (as the file's handlers),
    None where it needs one and none the project's mypy takes can be written."""
    own, every = _route_handlers(routes)
    if not (tooling.annotations or _typed(routes, own, every)):
        return ""
    mods = routes.modules
    required = mods is not None and type_parameters_required(mods.read, mods.root)
    return _dict_annotation(routes.sites[0].tree, generics, required)


def _typed(routes: AppRoutes, own: list[Function], every: list[Function]) -> bool:
    """Whether the new handler is annotated: always where the mypy configuration of the app's
    import root (the service's folder, or one inside it, where mypy runs from) requires it;
    else as most functions of its file are: its route handlers, else its other functions (a
    module typed for `mypy --strict` whose routes `setup_routes(app)` adds), else the app's
    handlers in other files."""
    mods = routes.modules
    if mods is not None and annotations_required(mods.read, mods.root):
        return True
    functions = own or [s for s in every_statement(routes.sites[0].tree.body)
                        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))] or every
    return sum(f.returns is not None for f in functions) * 2 > len(functions)


def _route_quote(text: str, tree: ast.Module) -> str | None:
    """The quote most route decorators of the module write their path in
    (`@app.post("/setup")`), which the new route follows; None when it has none. The file's
    other strings (a config dict in single quotes) say less about how its routes look."""
    paths = [decorator.args[0] for node in ast.walk(tree)
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
             for decorator in node.decorator_list
             if isinstance(decorator, ast.Call) and decorator.args
             and isinstance(decorator.func, ast.Attribute)
             and decorator.func.attr in _ROUTE_DECORATORS]
    return _most_quoted(text, paths)


def _app_call_quote(text: str, tree: ast.Module, var: str) -> str | None:
    """The quote most strings given to the app's own calls are written in
    (`@app.on_event('startup')`, `app.add_route('/graphql', ...)`): the lines that register
    something with the app, which break a tie of the file's strings where no route decorator
    says; None on a tie or where there are none."""
    given = [arg for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
             and node.func.value.id == var
             for arg in (*node.args, *(k.value for k in node.keywords))]
    return _most_quoted(text, given)


# the decorators that add a route with a path (not `@app.on_event("startup")`, whose
# string names an event, nor `@app.middleware("http")`)
_ROUTE_DECORATORS = frozenset({"get", "post", "put", "patch", "delete", "head", "options",
                               "trace", "api_route", "route", "websocket"})


def _body_quote(text: str, handlers: list[Function]) -> str | None:
    """The quote most strings in the bodies of the file's route handlers are written in
    (`return {"message": "Hello"}` under `@app.get('/')`), which the new handler's dict
    follows; None when they have none."""
    return _most_quoted(text, [node for handler in handlers for statement in handler.body
                               for node in ast.walk(statement)])


def _most_quoted(text: str, nodes: Sequence[ast.AST]) -> str | None:
    """The quote most of the string literals among `nodes` open with (not a triple-quoted
    one); None on a tie."""
    lines = text.splitlines()
    counts = {'"': 0, "'": 0}
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                node.lineno <= len(lines):
            opening = lines[node.lineno - 1][node.col_offset:node.col_offset + 3]
            if opening[:1] in counts and opening not in ('"""', "'''"):
                counts[opening[0]] += 1
    if counts['"'] == counts["'"]:
        return None
    return '"' if counts['"'] > counts["'"] else "'"


# builtins whose subscript (`dict[str, str]`) an annotation may hold from Python 3.9 on
_GENERIC_BUILTINS = frozenset(("dict", "list", "set", "frozenset", "tuple", "type"))


def _dict_annotation(tree: ast.Module, generics: bool, parameters: bool) -> str | None:
    """`dict[str, str]` where the image's Python is 3.9 or later (`generics`) or the module
    shows it runs on one; else `dict`. On 3.8 and before, `dict[str, str]` in a def raises
    TypeError when the module is imported, and so it does under `from __future__ import
    annotations`, where FastAPI evaluates a route's annotations when it registers it. The
    image's reference does not always name its Python; a module that already subscripts a
    builtin in an annotation Python evaluates (no lazy annotations) proves the version it
    runs on. Where mypy rejects a bare `dict` (`parameters`): `Dict[str, str]` through
    the module's own import of `typing`, else None."""
    lazy = _lazy_annotations(tree)
    if generics or any(_subscripts_builtin(a) for a in _annotations(tree, routes_only=lazy)):
        return "dict[str, str]"
    if not parameters:
        return "dict"
    typing_dict = _typing_dict(tree)
    return f"{typing_dict}[str, str]" if typing_dict is not None else None


def _typing_dict(tree: ast.Module) -> str | None:
    """How the module's code names `typing.Dict` (`Dict`, `typing.Dict`, `t.Dict`), through
    an import of its own body that always runs (not one under `if TYPE_CHECKING:`, which
    FastAPI, evaluating the route's annotation, would not find)."""
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "typing" and not stmt.level:
            named = next((a.asname or a.name for a in stmt.names if a.name == "Dict"), None)
            if named is not None:
                return named
        if isinstance(stmt, ast.Import):
            module = next((a.asname or a.name for a in stmt.names if a.name == "typing"), None)
            if module is not None:
                return f"{module}.Dict"
    return None


def _lazy_annotations(tree: ast.Module) -> bool:
    return any(isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"
               and any(a.name == "annotations" for a in stmt.names) for stmt in tree.body)


# what a route decorator calls: `@app.get(...)`, `@router.api_route(...)`
_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options",
                            "trace", "api_route"})


def _annotations(tree: ast.Module, routes_only: bool = False) -> list[ast.expr]:
    """The annotations Python evaluates when the module is imported: those of the module's
    own functions and classes (their methods' signatures, their annotated assignments) and
    its annotated assignments, not those inside a function body or an `if` (`if
    TYPE_CHECKING:`); under lazy annotations (`routes_only`), those of the route handlers
    alone (`@app.get(...)`), which FastAPI evaluates when it registers them."""
    found: list[ast.expr] = []
    for stmt in _imported(tree.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            routes = [d for d in stmt.decorator_list if _is_route(d)]
            if routes_only and not routes:
                continue
            args = stmt.args
            every = [*args.posonlyargs, *args.args, *args.kwonlyargs,
                     *(a for a in (args.vararg, args.kwarg) if a is not None)]
            found += [a.annotation for a in every if a.annotation is not None]
            # FastAPI reads a route's return annotation only where no `response_model=` is
            # given: then it evaluates it
            returned = not routes_only or not any(
                k.arg == "response_model" for d in routes if isinstance(d, ast.Call)
                for k in d.keywords)
            found += [stmt.returns] if stmt.returns is not None and returned else []
        elif isinstance(stmt, ast.AnnAssign) and not routes_only:
            found.append(stmt.annotation)
    return found


def _imported(body: list[ast.stmt]) -> list[ast.stmt]:
    """The module's statements and those of its classes, which run when it is imported."""
    found: list[ast.stmt] = []
    for stmt in body:
        found.append(stmt)
        if isinstance(stmt, ast.ClassDef):
            found += _imported(stmt.body)
    return found


def _is_route(decorator: ast.expr) -> bool:
    return isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and \
        decorator.func.attr in _ROUTE_METHODS


def _subscripts_builtin(annotation: ast.expr) -> bool:
    return any(isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
               and node.value.id in _GENERIC_BUILTINS for node in ast.walk(annotation))


def _insert(path: str, text: str, newline: str, index: LineIndex, after_line: int,
            block: list[str], module_level: bool, two_blank_lines: bool) -> TextEdit:
    """The block after a line, with blank lines around it as the scope wants: PEP 8's two
    at module level, unless the module sets its definitions apart by one and no linter or
    formatter of the project holds it to two (`two_blank_lines`)."""
    wanted = (2 if two_blank_lines else _module_gap(text)) if module_level else 1
    position = index.line_end(after_line)
    body = newline.join(block)
    if position == len(text) and not text.endswith("\n"):
        return TextEdit(path, position, position, newline * (wanted + 1) + body)  # no final newline
    separator = newline * _missing_blanks(text[position:], wanted)
    return TextEdit(path, position, position, newline * wanted + body + newline + separator)


# a module-level definition's first line: a decorator, `def`, `async def` or `class`
_DEFINITION = lazy_compile(r"^(?:@|def |async def |class )")


def _module_gap(text: str) -> int:
    """The blank lines the module puts between its module-level definitions (above one's
    decorators, and the comment lines right above them, below the indented body of the
    one before): 1 when every such gap has exactly one, else PEP 8's 2. A module with no
    two definitions in a row is read by the gaps above its definitions (below a statement:
    `app.include_router(...)`, one blank line, `@app.on_event(...)`) and those below its
    bodies, all of them one for a style of one."""
    lines = text.splitlines()
    gaps: list[int] = []
    below_statements: list[int] = []
    # what follows a body, definition or not (`app = Api()` two blank lines below its class)
    below_bodies = [blanks for number, line in enumerate(lines)
                    if line[:1] not in ("", " ", "\t", "#")
                    and (blanks := _blanks_above(lines, number)) is not None]
    for number, line in enumerate(lines):
        if not _DEFINITION.match(line) or (number and lines[number - 1].startswith("@")):
            continue
        above = number - 1
        while above >= 0 and lines[above].startswith("#"):
            above -= 1
        blanks = 0
        while above >= 0 and not lines[above].strip():
            blanks, above = blanks + 1, above - 1
        if above >= 0 and blanks and lines[above][:1] in (" ", "\t"):
            gaps.append(blanks)   # none: a decorator's own lines (`@app.get(` ... `)`)
        elif above >= 0 and blanks:
            below_statements.append(blanks)
    # with no two definitions in a row, every other gap at the top level counts: one of 2
    # above a decorator beside one of 1 below a body is no style of 1; and in a module with
    # no definition at all, neither is one of 1 below a loop's body beside two blank lines
    # between statements
    if not gaps and not below_statements and \
            any(blanks >= 2 for blanks in _top_level_gaps(lines)):
        return 2
    gaps = gaps or below_bodies + below_statements
    return 1 if gaps and all(gap == 1 for gap in gaps) else 2


def _top_level_gaps(lines: list[str]) -> list[int]:
    """The blank lines above each top-level line of code that has some, whatever is above."""
    gaps = []
    for number, line in enumerate(lines):
        if line[:1] in ("", " ", "\t"):
            continue
        above, blanks = number - 1, 0
        while above >= 0 and not lines[above].strip():
            blanks, above = blanks + 1, above - 1
        if blanks and above >= 0:
            gaps.append(blanks)
    return gaps


def _blanks_above(lines: list[str], number: int) -> int | None:
    """The blank lines between a top-level line and the indented line of a body above it;
    None where what is above is no body (a statement, a comment, the start of the file)."""
    above, blanks = number - 1, 0
    while above >= 0 and not lines[above].strip():
        blanks, above = blanks + 1, above - 1
    return blanks if blanks and above >= 0 and lines[above][:1] in (" ", "\t") else None


def _missing_blanks(after: str, wanted: int) -> int:
    """The blank lines to add below the block so that `wanted` separate it from the code
    that follows (the blank lines already there stay below it); none at the end of the file."""
    lines = after.split("\n")
    present = next((i for i, line in enumerate(lines) if line.strip()), None)
    return 0 if present is None else max(0, wanted - present)
