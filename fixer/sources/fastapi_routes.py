"""FastAPI apps and the routes their code shows.

`find_app` follows the module the command names to the call that creates the
app: `FastAPI()` or a subclass of it (`class Api(FastAPI)`), through
`app = create_app()`, factory functions and imports of the same import root.
`app_routes` collects its routes, through every router it includes, with their
prefixes joined. A route whose path is not a literal (nor built from the module's
constants alone: `f"{API}/_ping"`) is left out, and the app's
`unknown` says why routes fixer cannot see may exist. Where the app's class
redefines how routes are added, or cannot be read (`fastapi_classes`), `doubt`
says why a route added with `@app.get` may fail or be served elsewhere.
"""

from __future__ import annotations

import ast
import copy
import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache, partial

from fixer.core.lazyre import lazy_compile
from fixer.core.wording import clipped
from fixer.core.textfile import TextFile
from fixer.sources.fastapi_classes import app_class, class_doubt
from fixer.sources.handler_status import Answer, computed_error, outside_shutdown
from fixer.sources.python import (
    Scope,
    absolute_module,
    bound_names,
    called_name,
    compile_problem,
    alternatives,
    dict_keywords,
    dotted_name,
    name_uses,
    own_names,
    statements,
)
from fixer.sources.middleware_class import (
    as_constructed, for_other_methods, passes_every_request, past_a_probes_exit)
from fixer.sources.path_tests import (holds_for_path, inlined_predicate, named_collection,
                                      unwrapped, with_values)
from fixer.sources.python_modules import (
    Modules,
    assigned_value,
    binding,
    binding_before,
    call_argument,
    folded_text,
    is_call_to,
    string_constant,
    string_value,
)
from fixer.sources.route_auth import SECURITY_SCHEMES, refusal

ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace",
                           "api_route", "route", "websocket"})
UNKNOWN = "*"  # stands for a path part that is not a literal: `UNKNOWN + "/health"`


def _call_shown(call: ast.Call, helper: str, var: str) -> str:
    """A call handed the app, as a message shows it: `setup(container, app)` whole when
    short, else with its other arguments elided (`setup(..., app)`)."""
    written = ast.unparse(call)
    if len(written) <= 50:
        return written
    first = next((a for a in call.args if isinstance(a, ast.Name) and a.id == var), None)
    before = "..., " if call.args and call.args[0] is not first else ""
    after = ", ..." if len(call.args) + len(call.keywords) > 1 + bool(before) else ""
    return f"{helper}({before}{var}{after})"


def handles_a_route(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Decorated as a route's handler (`@app.get("/reports/{id}")`, `@router.post(...)`):
    its body runs when a request comes, never while the app starts."""
    return any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
               and d.func.attr in ROUTE_METHODS for d in function.decorator_list)


def join_paths(prefix: str, path: str) -> str:
    """A path under a prefix as FastAPI joins them, `prefix + path`: an empty path
    (`@router.get("")`) is the prefix itself, and a prefix's part fixer cannot read stays
    in front (`UNKNOWN + "/health"`). A path that starts with such a part hides the prefix."""
    if path.startswith(UNKNOWN):
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
    # the top statement that binds the variable to what wraps the app (`app =
    # GZipMiddleware(app)`): the app is the variable's value before it
    until: ast.stmt | None = None
    wraps: bool = False    # this site's value wraps the app of the site before it
    # why what the server runs may not be this app as built: a factory that returns
    # something else (`return KeyGuard(app)`), or rebinds it before returning it
    serves_doubt: str | None = None

    @cached_property
    def bound(self) -> ast.stmt | None:
        """The last statement of the scope that binds the app's variable (before `until`):
        `app_routes` and `_constructor_middleware` both ask, and finding it walks the whole
        scope."""
        return binding(_before(self.scope.body, self.until), self.var)


def _before(body: list[ast.stmt], until: ast.stmt | None) -> list[ast.stmt]:
    """The statements of `body` above its top statement `until` (all without one)."""
    if until is None:
        return body
    return body[:next((i for i, stmt in enumerate(body) if stmt is until), len(body))]


@dataclass(frozen=True)
class Route:
    path: str              # prefixes joined; starts with UNKNOWN when a part is not literal
    get: bool              # answers GET
    function: ast.FunctionDef | ast.AsyncFunctionDef | None
    direct: bool = True    # added by a method of the app itself, not of a router it includes
    guard: str = ""        # why a plain GET may be refused: dependencies of its router or
    # of the app mounted with it
    # the decorator or `add_api_route` call that adds it: its own dependencies, read when asked
    call: ast.Call | None = field(default=None, compare=False, repr=False)
    # answers HEAD too: `@app.head`, HEAD in `methods=`, or a Starlette route (`app.route`,
    # `add_route`), which adds HEAD to GET; FastAPI's `@app.get` answers HEAD with 405
    head: bool = False
    module: str = field(default="", compare=False)   # the file of the handler, for messages
    # the functions of the repository the handler calls by name, (file, definition) each:
    # found when asked, for the route a probe would call
    helpers: Callable[[], list[tuple[str, Function]]] | None = field(
        default=None, compare=False, repr=False)

    def error_answer(self) -> str:
        """Why the handler itself may answer a probe with an error: a status of 400 to 599
        on a path of its own (`/health` answering 503 until a model loads on the first
        request, or while a check it makes fails, in an `except` block too), which fixer
        cannot show ends once the app is up, whether it raises it or returns it (`status_code=
        200 if ok else 503`). Not one under an `if` on a flag named for shutting down (`if
        app.state.draining:`): the app answers it only while it stops. A status fixer cannot
        read (`status_code=upstream.status_code`) may be an error too."""
        found = _answered_by(self.function) if self.function is not None else None
        if found is None:
            return self._helper_error()
        status, line = found
        at = f"{self.module}:{line}" if self.module else f"line {line}"
        if isinstance(status, str):
            return f"its handler answers a status fixer cannot read (`{status}` at {at})"
        return f"its handler answers {status} in some state ({at})"

    def _helper_error(self) -> str:
        """Why a function the handler calls may answer a probe with an error: it raises one
        (`require_worker()` raising `HTTPException(503)` while a check fails), which the
        handler passes on as its answer."""
        for path, helper in self.helpers() if self.helpers is not None else []:
            found = _raised_error(helper)
            if found is not None:
                return (f"its handler calls `{helper.name}()`, which answers {found[0]} in "
                        f"some state ({path}:{found[1]})")
        return ""

    def refusal(self) -> str:
        """Why a plain GET of the route may be refused before its handler answers: its own
        dependencies or parameters (`_handler_guard`), else its router's (`guard`). Read
        only for the route a probe would call, not for every route of every app."""
        own = _handler_guard(self.call, self.function) if self.call is not None else ""
        return own or self.guard


@dataclass
class AppRoutes:
    sites: list[AppSite]   # the first is where the app is created
    routes: list[Route] = field(default_factory=list)
    unknown: str | None = None                              # why unseen routes may exist
    # names a function added to the app's module must not take: its package's submodules,
    # which `from package import name` finds in the package's namespace once it is bound
    submodules: frozenset[str] = frozenset()
    # some reason beside prefixes fixer cannot read: a prefix leaves the routes under it
    # seen, with UNKNOWN for the prefix, which answer only paths that end as they do
    unseen: bool = False
    anchors: list[ast.stmt] = field(default_factory=list)   # creation-scope statements adding routes
    unfollowed: list[str] = field(default_factory=list)     # included routers not read, as written
    # the prefixes those are included under (`include_router(create_router(), prefix="/api")`):
    # a health path the code names may be served below one
    unfollowed_under: list[str] = field(default_factory=list)
    # those of them written whole, as literals (`include_router(auth.router, prefix="/auth")`):
    # the routes of such a router answer only paths under its prefix
    fenced: list[str] = field(default_factory=list)
    doubt: str | None = None    # why a route added with `@app.get` may not be served as written
    # why adding a route may break the app, where the routes it serves are fine: its
    # operation ids read each route's tags (`_unique_id_doubt`)
    add_doubt: str | None = None
    # each middleware that may refuse a probe, in order, and the health paths it lets
    # through: `/health`, or the prefix `/health*` (`refusal_for`); they refuse whatever
    # route serves the path, one of an included router too
    refusals: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # the doubt is the first refusal's, not something of the app's class: `doubt_for`
    # reads the refusals
    refusal_doubt: bool = False
    # (path, top statement) of each `app.mount(...)` of the creation scope
    mounts: list[tuple[str, ast.stmt]] = field(default_factory=list)
    # (path, what serves it) of each path a mounted app or an exporter serves that fixer
    # cannot read (`app.mount("/", WSGIMiddleware(flask))`, `Instrumentator().expose(app)`):
    # a request under it may be answered
    opaque: list[tuple[str, str]] = field(default_factory=list)
    root_path: str | None = None  # `FastAPI(root_path="/api")`, when a literal
    # the app is given a root path fixer cannot read (`root_path=settings.ROOT_PATH`)
    root_path_unread: bool = False
    # FastAPI's own pages (`/docs`, ...) that the app may or may not serve: their URL is set
    # by an expression fixer cannot settle (`docs_url=None if PROD else "/docs"`)
    unsure: set[str] = field(default_factory=set)
    # (path, line of the include) of each GET route a router gets below the line that
    # includes it (`_late`): served by some FastAPI releases only; in `unsure` too
    late: list[tuple[str, int]] = field(default_factory=list)
    # (path, file:line of the statement) of each GET route added on some runs only
    # (`_unsettle`: under `if DEBUG:`, in a `try` body): served or not as the app starts;
    # in `unsure` too
    conditional: list[tuple[str, str]] = field(default_factory=list)
    # the class of another framework the app is built by (`flask.Flask`): no FastAPI app
    foreign: str | None = None
    # (module, line, column, text) of each string literal fixer read as a route's path, a
    # prefix or a mount's path: the code's other literals of a path are what it did not read
    read_literals: set[tuple[str, int, int, str]] = field(default_factory=set)
    # (module, line, column) of each `mount` call whose FastAPI app fixer reads the routes of
    followed_mounts: set[tuple[str, int, int]] = field(default_factory=set)
    # the files the app was read from: a fix reads the repository's other files through them
    # (the mypy configuration a route it adds must satisfy)
    modules: Modules | None = field(default=None, compare=False, repr=False)

    def names_unread(self, path: str) -> bool:
        """The modules that create the app write `path` as a string literal that fixer did
        not read as a route's path or a prefix: middleware, or a route it missed, may answer
        it. (`"/health"` in `@router.get("/health")` under `include_router(router,
        prefix="/api/v1")` is read: the route is `/api/v1/health`.)"""
        texts = self._texts()
        written = sum(t.count(f'"{path}"') + t.count(f"'{path}'") for t in texts.values())
        read = sum(1 for module, _line, _column, text in self.read_literals
                   if text == path and module in texts)
        return written > read

    def mounts_unread(self, path: str | None = None) -> bool:
        """The modules that create the app call `.mount(` more often than fixer followed a
        mount into a FastAPI app it reads: static files, or an app it did not read, may
        answer a path under it. With `path`, only a mount that may hold it counts: one
        whose path is a literal (`app.mount("/assets", ...)`) serves nothing outside it."""
        texts = self._texts()
        followed = sum(1 for module, _line, _column in self.followed_mounts if module in texts)
        written = sum(t.count(".mount(") for t in texts.values())
        if written <= followed or path is None:
            return written > followed
        calls = [(site, call) for site in {s.path: s for s in self.sites}.values()
                 for call in ast.walk(site.tree) if isinstance(call, ast.Call)
                 and isinstance(call.func, ast.Attribute) and call.func.attr == "mount"
                 and (site.path, call.lineno, call.col_offset) not in self.followed_mounts]
        if len(calls) + followed < written:
            return True   # a `.mount(` fixer did not read as a call (in a string, an eval)
        for site, call in calls:
            constant = string_constant(site.tree, call_argument(call, 0, "path"))
            prefix = str(constant.value).rstrip("/") if constant is not None else None
            if prefix is None or not prefix or path == prefix or path.startswith(prefix + "/"):
                return True
        return False

    def _texts(self) -> dict[str, str]:
        """The text of each module that creates the app, once (a factory's two sites share
        one)."""
        return {site.path: site.file.text for site in self.sites}

    def doubt_for(self, path: str) -> str | None:
        """The doubt, unless the middleware behind it lets a probe of `path` through: each
        refusing middleware's, the first that does not."""
        return self.refusal_for(path) if self.refusal_doubt else self.doubt

    def refusal_for(self, path: str) -> str | None:
        """Why a middleware may refuse a probe of `path` before any route answers it: the
        first that does not let it through."""
        return next((reason for reason, exempt in self.refusals if not _exempts(exempt, path)),
                    None)

    def under_root_path(self, path: str) -> bool:
        """`FastAPI(root_path="/api")` and a probe of `/api/health` where the app serves
        `/health`: Starlette versions differ on whether the root path is taken off the
        request before routing, so whether the probe is answered is unknown, not a defect.
        So is a probe of a route below any prefix where the root path is one fixer cannot
        read (`root_path=settings.ROOT_PATH`, and `/py-status/stats/health` for
        `/stats/health`)."""
        wanted = path.rstrip("/")
        if self.root_path_unread:
            return any(r.get and (tail := r.path.rstrip("/")).startswith("/") and
                       wanted.endswith(tail) and wanted[:-len(tail)].startswith("/")
                       for r in self.routes)
        root = (self.root_path or "").rstrip("/")
        if not root or not path.startswith(root + "/"):
            return False
        inner = path[len(root):].rstrip("/")
        return any(r.path.rstrip("/") == inner for r in self.routes)

    def refuses_anonymous(self, route: Route) -> str:
        """Why the route refuses every request that carries no credentials, as a probe does
        (`route_auth.refusal`: a security scheme left to refuse, a required header); ""
        where fixer cannot show it."""
        if self.modules is None or route.call is None or not route.module:
            return ""
        return refusal(self.modules, route.module, route.call, route.function)

    def prefixed_may_answer(self, wanted: str) -> bool:
        """A GET route under a prefix fixer cannot read (`include_router(r, prefix=
        settings.API)`) may answer a GET of `wanted` (a probe's): a prefix is a whole number
        of path segments, so `…/health` answers only paths that end in `/health`; one whose
        own part is unread or has parameters may answer anything. A route that answers no
        GET (`@router.post("/")`) answers none: Starlette passes a request whose method a
        route does not take to the next route that does. A router fixer could not follow,
        included under a literal prefix, may answer the paths under it (`/auth` and
        `/auth/...`)."""
        if any(wanted == fence or wanted.startswith(fence.rstrip("/") + "/")
               for fence in self.fenced):
            return True
        for route in self.routes:
            if not route.path.startswith(UNKNOWN) or not route.get:
                continue
            tail = route.path[len(UNKNOWN):].rstrip("/")
            if not tail or UNKNOWN in tail or "{" in tail or not tail.startswith("/") or \
                    wanted == tail or wanted.endswith(tail):
                return True
        return False

    def note(self, reason: str, prefix: bool = False) -> None:
        """Routes fixer cannot see may exist: the first reason found is kept, unless a later
        one names health (`attach_health(app)` after `add_cors(app)`): the likelier place.
        `prefix`: the reason is a prefix fixer cannot read, and nothing more."""
        self.unseen = self.unseen or not prefix
        if self.unknown is None or ("health" in reason.lower() and
                                    "health" not in self.unknown.lower()):
            self.unknown = reason

    def shadowing(self, path: str) -> Route | None:
        """A GET route with path parameters that answers `path` (`/{slug}`, `/{rest:path}`):
        registered before a route added after the app's routes, it takes the request."""
        for route in self.routes:
            if route.get and "{" in route.path and not route.path.startswith(UNKNOWN) and \
                    _pattern(route.path).fullmatch(path):
                return route
        return None

    def shadowing_on_some_runs(self, path: str) -> tuple[str, str] | None:
        """(its path, file:line) of a GET route with path parameters that answers `path`
        where the app adds it on some runs only (`if os.path.isdir("static"):` around a
        catch-all `/{full_path:path}`): on those, a route added after it is never reached."""
        return next(((route, where) for route, where in self.conditional
                     if "{" in route and not route.startswith(UNKNOWN)
                     and _pattern(route).fullmatch(path)), None)

    def shadowing_before(self, path: str) -> Route | None:
        """A GET route with path parameters registered before the app's own GET route of
        `path` that answers it: Starlette matches in order, so it takes the request."""
        for route in self.routes:
            if route.get and route.path == path:
                return None
            if route.get and "{" in route.path and not route.path.startswith(UNKNOWN) and \
                    _pattern(route.path).fullmatch(path):
                return route
        return None

    def mounted_over(self, path: str) -> str | None:
        """The path of a mount (`app.mount("/", StaticFiles(...))`) that answers `path` and
        comes before where a new route goes: Starlette matches in order, so that route would
        never be reached."""
        if not self.mounts:
            return None
        end = self.last_adder.end_lineno or self.last_adder.lineno
        for where, top in self.mounts:
            prefix = where.rstrip("/")
            if (top.end_lineno or top.lineno) <= end and \
                    (path == prefix or path.startswith(prefix + "/")):
                return where
        return None

    def mount_at(self, path: str) -> str | None:
        """The path of a mount at `path` itself (`app.mount("/", StaticFiles(..., html=True))`
        serves `/` its index), wherever it is in the code: a probe of that path is answered,
        and a route added for it would take the mount's place."""
        wanted = path.rstrip("/") or "/"
        return next((where for where, _top in self.mounts
                     if (where.rstrip("/") or "/") == wanted), None)

    def opaque_over(self, path: str) -> str | None:
        """Why a GET of `path` may be answered by what fixer cannot read: the mounted app or
        exporter whose path it is under."""
        for where, what in self.opaque:
            prefix = where.rstrip("/")
            if not prefix or path == prefix or path.startswith(prefix + "/"):
                return f"`{what}` may serve {path}, and fixer cannot read it"
        return None

    @property
    def last_adder(self) -> ast.stmt:
        """The statement a new route goes after: the last one of the creation scope that adds
        routes, or the app's creation; but above a script's `if __name__ == "__main__":`
        block that runs the server, which blocks there: a route added below it (where the
        script's other routes may be) is never registered when the script runs."""
        site = self.sites[0]
        adders = [site.created, *self.anchors]
        block = next((s for s in site.scope.body if s.lineno > site.created.lineno
                      and isinstance(s, (ast.If, ast.Expr)) and _serving_block(s) is not None),
                     None)   # an `if __name__` block, or a bare `uvicorn.run(app)`
        above = [s for s in adders if block is None or s.lineno < block.lineno]
        return max(above or adders, key=lambda s: s.end_lineno or s.lineno)


# what Starlette's convertors match (`{id:int}`): a segment of another kind is not routed
_CONVERTORS = {"str": "[^/]+", "path": ".*", "int": "[0-9]+", "float": r"[0-9]+(?:\.[0-9]+)?",
               "uuid": "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                       "[0-9a-fA-F]{12}"}
# the annotations of a path parameter that no word like `health` passes: the route matches,
# and FastAPI answers 422
_TYPED = frozenset({"int", "float", "bool", "UUID", "uuid.UUID", "Decimal", "decimal.Decimal"})


def _pattern(route: str) -> re.Pattern[str]:
    """What a route path matches, as Starlette reads it: `{name}` one segment, `{name:path}`
    the rest, `{name:int}` digits; each parameter a group of its name where it is one."""
    parts = re.split(r"(\{[^}]*\})", route)
    seen: set[str] = set()
    out = []
    for part in parts:
        if not part.startswith("{"):
            out.append(re.escape(part))
            continue
        name, _, kind = part[1:-1].partition(":")
        matched = _CONVERTORS.get(kind or "str", "[^/]+")
        named = name.isidentifier() and name not in seen
        seen.add(name)
        out.append(f"(?P<{name}>{matched})" if named else f"(?:{matched})")
    return re.compile("".join(out))


def typed_rejection(route: Route, path: str) -> str | None:
    """Why the route's handler answers a GET of `path` with 422: a path parameter annotated
    `int` (or `float`, `UUID`, ...) whose segment of `path` is a word (`/{item_id}` and
    `item_id: int` against `/health`)."""
    match = _pattern(route.path).fullmatch(path)
    if match is None or route.function is None:
        return None
    for argument in route.function.args.args + route.function.args.kwonlyargs:
        value = match.groupdict().get(argument.arg)
        kind = _annotated_type(argument.annotation)
        if value is not None and kind in _TYPED and not _parses(value, kind):
            return f"its handler takes `{argument.arg}: {kind}`, which `{value}` is not (422)"
    return None


def _annotated_type(node: ast.expr | None) -> str:
    """`int` of `item_id: int`, of `Annotated[int, Path(gt=0)]`, and of `int | None` and
    `Optional[int]` (a path segment is never None)."""
    if isinstance(node, ast.Subscript) and dotted_name(node.value) in (
            "Annotated", "typing.Annotated", "Optional", "typing.Optional"):
        first = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
        return _annotated_type(first)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        kinds = {_annotated_type(side) for side in (node.left, node.right)} - {"None"}
        return kinds.pop() if len(kinds) == 1 else ""
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    return (dotted_name(node) or "") if node is not None else ""


def _parses(value: str, kind: str) -> bool:
    """Whether a path segment passes validation as that type, as far as a word tells."""
    if kind in ("int",):
        return value.lstrip("+-").isdigit()
    if kind in ("float", "Decimal", "decimal.Decimal"):
        return re.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|nan|inf", value,
                            re.I) is not None
    if kind == "bool":
        return value.lower() in ("true", "false", "1", "0", "yes", "no", "on", "off", "y",
                                 "n", "t", "f")
    return re.fullmatch(_CONVERTORS["uuid"], value) is not None or \
        re.fullmatch(r"[0-9a-fA-F]{32}", value) is not None


def find_app(mods: Modules, path: str, attr: str | None, depth: int = 0,
             until: ast.stmt | None = None) -> list[AppSite]:
    """The app `attr` of a module (guessed when None): followed through `app = create_app()`,
    factory functions, imports from modules of the same import root, and what wraps it
    (`app = GZipMiddleware(app)`). An app built by a class or factory fixer cannot read
    (`ServiceApp()` from an installed package) is found too; `app_routes` then says what
    that leaves unknown. `until`: the module's top statement above which `attr` is bound
    (the wrapping one)."""
    loaded = mods.load(path) if depth < 5 else None
    if loaded is None:
        return []
    file, tree = loaded
    name = attr or _guess_app_name(mods, path, tree)
    stmt = binding(_before(tree.body, until), name) if name else None
    if name is None or stmt is None:
        return []
    here = AppSite(path, file, tree, tree, name, _top_of(tree.body, stmt), until)
    value = assigned_value(stmt)
    if _creates_app(mods, path, tree, value):
        return [here]
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        inner = _inside_factory(mods, here, stmt)
        return [inner] if inner else []
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        factory = _function(mods, path, tree, value.func.id, depth, _unpacked_at(stmt, name))
        if factory:
            return [factory, here]
    wrapped = _wrapped(mods, here, value, depth) if isinstance(value, ast.Call) else []
    if wrapped:
        return [*wrapped, replace(here, wraps=True)]
    if isinstance(value, ast.Call):
        return [here] if app_class(mods, path, tree, value).unread else []
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        origin = mods.imported(path, stmt, name)
        sites = find_app(mods, origin[0], origin[1], depth + 1) if origin and origin[1] else []
        return sites + [here] if sites else []
    return []


def _wrapped(mods: Modules, here: AppSite, call: ast.Call, depth: int) -> list[AppSite]:
    """The FastAPI app a call wraps, named by a variable bound above it (`GZipMiddleware(app)`,
    `socketio.ASGIApp(sio, other_asgi_app=api)`): the ASGI app the server runs passes
    requests on to it."""
    given = [*call.args, *(k.value for k in call.keywords)]
    for name in (arg.id for arg in given if isinstance(arg, ast.Name)):
        sites = find_app(mods, here.path, name, depth + 1, here.created)
        first = sites[0] if sites else None
        if first is not None and _creates_app(mods, first.path, first.tree,
                                              assigned_value(first.bound)):
            return sites
    return []


def _creates_app(mods: Modules, path: str, tree: ast.Module, value: ast.expr | None) -> bool:
    """`FastAPI(...)`, or a call to a class of the import root that subclasses it."""
    return isinstance(value, ast.Call) and app_class(mods, path, tree, value).fastapi


def _assigned_name(stmt: ast.stmt) -> str | None:
    """The variable of `name = ...` / `name: T = ...`."""
    target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else \
        stmt.target if isinstance(stmt, ast.AnnAssign) else None
    return target.id if isinstance(target, ast.Name) else None


def _guess_app_name(mods: Modules, path: str, tree: ast.Module) -> str | None:
    names = [name for _top, s in statements(tree.body) if (name := _assigned_name(s))
             and _creates_app(mods, path, tree, assigned_value(s))]
    if "app" in names or (not names and binding(tree.body, "app") is not None):
        return "app"
    return names[0] if names else None


def _top_of(body: list[ast.stmt], stmt: ast.stmt) -> ast.stmt:
    return next((top for top, s in statements(body) if s is stmt), stmt)


def _function(mods: Modules, path: str, tree: ast.Module, name: str,
              depth: int, unpacked: int | None = None) -> AppSite | None:
    """The app a factory function builds, the function defined here or imported.
    `unpacked`: the place of the app among the names its result is unpacked into (`app,
    tracer = create_app()`)."""
    found = _defined_function(mods, path, tree, name, depth)
    loaded = mods.load(found[0]) if found is not None else None
    if found is None or loaded is None:
        return None
    where, module, function = found
    return _inside_factory(mods, AppSite(where, loaded[0], module, module, function.name,
                                         function), function, unpacked)


def _unpacked_at(stmt: ast.stmt, name: str) -> int | None:
    """The place of `name` among the targets `stmt` unpacks a value into (`app, tracer =
    ...`), None where it assigns one name or unpacks with a starred target."""
    target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
        else None
    if not isinstance(target, (ast.Tuple, ast.List)) or \
            any(isinstance(e, ast.Starred) for e in target.elts):
        return None
    return next((i for i, e in enumerate(target.elts)
                 if isinstance(e, ast.Name) and e.id == name), None)


def _part_returned(value: ast.expr, unpacked: int | None) -> ast.expr:
    """What of a returned value the caller keeps: the item at `unpacked` of a tuple it
    unpacks (`return app, tracer`), else the value."""
    if unpacked is not None and isinstance(value, (ast.Tuple, ast.List)) and \
            len(value.elts) > unpacked and \
            not any(isinstance(e, ast.Starred) for e in value.elts):
        return value.elts[unpacked]
    return value


def _defined_function(mods: Modules, path: str, tree: ast.Module, name: str, depth: int = 0
                      ) -> tuple[str, ast.Module, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    """(path, tree, definition) of the function `name` names in the module: defined
    there, or imported from a module of the repository."""
    stmt = binding(tree.body, name)
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return path, tree, stmt
    if isinstance(stmt, (ast.Import, ast.ImportFrom)) and depth < 5:
        origin = mods.imported(path, stmt, name)
        loaded = mods.load(origin[0]) if origin and origin[1] else None
        if origin and origin[1] and loaded:
            return _defined_function(mods, origin[0], loaded[1], origin[1], depth + 1)
    return None


def _inside_factory(mods: Modules, outer: AppSite,
                    function: ast.FunctionDef | ast.AsyncFunctionDef,
                    unpacked: int | None = None) -> AppSite | None:
    """The app a factory function builds: the one it returns (`return root`, where `api`
    is mounted on `root`; the item the caller unpacks it as, `unpacked`), else the first it
    creates, with a doubt when what it returns is not that app as built (a wrapper around
    it, the app rebound, another object)."""
    created = [(top, stmt, name) for top, stmt in statements(function.body)
               if (name := _assigned_name(stmt)) and
               _creates_app(mods, outer.path, outer.tree, assigned_value(stmt))]
    if not created:
        return None
    returned = [_part_returned(s.value, unpacked) for _top, s in statements(function.body)
                if isinstance(s, ast.Return) and s.value is not None]
    names = {r.id for r in returned if isinstance(r, ast.Name)}
    chosen = next((c for c in created if c[2] in names), None) if len(names) == 1 else None
    top, stmt, name = chosen or created[0]
    site = AppSite(outer.path, outer.file, outer.tree, function, name, top)
    other = next((r for r in returned if not (isinstance(r, ast.Name) and r.id == name)),
                 None)
    if other is not None:
        return replace(site, serves_doubt=f"the factory returns `{ast.unparse(other)}`, not "
                                          f"the app `{name}` it builds: what the server runs "
                                          "may not pass a probe on to it")
    last = binding(function.body, name)
    # another branch of the block that creates it (`if prod: app = FastAPI(...) else: app =
    # FastAPI(debug=True)`) builds the app too: no rebinding
    alternative = any(last is other and other_top is top for other_top, other, _n in created)
    if last is not None and last is not stmt and returned and not alternative:
        rebound = _top_of(function.body, last)
        written = ast.unparse(last)
        shown = written if len(written) <= 60 else written[:59] + "…"
        return replace(site, until=rebound,
                       serves_doubt=f"the factory rebinds `{name}` (`{shown}`) before "
                                    "returning it: what the server runs may not pass a probe "
                                    "on to the app")
    return site


def app_routes(mods: Modules, sites: list[AppSite]) -> AppRoutes:
    """Every route the app serves that the code shows, through included routers and the
    `__init__` of its class."""
    result = AppRoutes(sites, modules=mods)
    for i, site in enumerate(sites):
        bound = site.bound
        created = assigned_value(bound)
        calls = _spread_calls(site, created) if isinstance(created, ast.Call) else []
        if any(k.arg == "routes" for call, _taken in calls for k in call.keywords):
            result.note("the app is built with `routes=`")
        if i == 0 and isinstance(created, ast.Call):
            _class_routes(mods, site, created, result)
            result.doubt = result.doubt or _keywords_doubt(calls)
            result.add_doubt = _unique_id_doubt(mods, site, calls)
            # a root path the runs do not agree on is one fixer cannot read
            roots = {_root_path(site.tree, call) for call, _taken in calls}
            result.root_path = roots.pop() if len(roots) == 1 else None
            result.root_path_unread = result.root_path is None and any(
                k.arg == "root_path" for call, _taken in calls for k in call.keywords)
            _builtin_routes(site, [call for call, _taken in calls], result)
        if i == 0 and bound is not None and bound is not site.created:
            result.doubt = result.doubt or _serving_block(site.created)
        if i == 0:
            result.doubt = result.doubt or _router_settings(site.file.text, site.tree,
                                                            site.var)
        if site.wraps and isinstance(created, ast.Call):
            handler = _app_handler(mods, site, created, sites[i - 1].var)
            if handler is not None:   # `app = add_health(app)`: the routes it adds are served
                _scan(mods, handler[0], handler[1], handler[2], handler[3], "", result,
                      False, 1)
            else:
                _unread_handler(mods, site, created, sites[i - 1].var, result)
            if handler is None or not _returns_only(handler[2], handler[3]):
                result.doubt = result.doubt or _wrapper_doubt(site.tree, created)
        result.doubt = result.doubt or site.serves_doubt
        result.refusals += _refusing_middleware(mods, site)
        if result.doubt is None and result.refusals:
            result.doubt, result.refusal_doubt = result.refusals[0][0], True
        _scan(mods, site.path, site.tree, site.scope, site.var, "", result, i == 0, 0)
    # the modules the app's module, or a module that imports the app from it (the one the
    # server runs: `from application import app`, then `import health_routes`), imports
    # after binding it, that import it back and decorate it
    chain = [site for site in sites if isinstance(site.scope, ast.Module) and not site.wraps]
    scanned: set[str] = set()
    for site in chain:
        for path, tree, name in _back_importers(mods, site, result, chain):
            if path not in scanned:
                scanned.add(path)
                _scan(mods, path, tree, tree, name, "", result, False, 1)
    if sites and sites[0].path.endswith("__init__.py"):
        folder = posixpath.dirname(sites[0].path)
        result.submodules = frozenset(
            name for name in HANDLER_NAMES
            if mods.read(posixpath.join(folder, name + ".py")) is not None or
            mods.read(posixpath.join(folder, name, "__init__.py")) is not None)
    early = _early_return(sites[0], result) if sites else None
    if early is not None:
        result.doubt = result.doubt or (
            f"the factory may return at line {early.lineno}, before its last statement that "
            "adds routes: a route added after that statement may never be registered")
    return result


def _back_importers(mods: Modules, site: AppSite, result: AppRoutes,
                    chain: list[AppSite]) -> list[tuple[str, ast.Module, str]]:
    """The modules the app's module imports after creating the app that import it back
    (`from app import routes`, `import routes` or `from routes import items` at the end of
    `app/main.py`, `importlib.import_module("app.routes")`, and `from app.main import app`
    in the module it runs, which decorates it): each, and the name the app has there, as it
    imports the app from any module of the `chain` of sites that bind it; through modules
    that import such a module in turn (a package's `__init__` importing its routes). A
    module imported by a name fixer cannot read is noted in `result`."""
    if not isinstance(site.scope, ast.Module):
        return []
    modules: list[str | None] = []
    for stmt in site.tree.body:
        if not isinstance(stmt, (ast.Import, ast.ImportFrom)) or \
                stmt.lineno <= site.created.lineno:
            continue
        for alias in stmt.names:
            where = mods.imported(site.path, stmt, alias.asname or alias.name)
            modules.append(where[0] if where is not None else None)   # the file it runs
    modules += _imported_by_name(mods, site, result)
    found: dict[str, tuple[str, ast.Module, str]] = {}
    seen: set[str] = set()
    todo = [(module, 0) for module in modules]
    while todo:
        module, depth = todo.pop(0)
        loaded = mods.load(module) if module is not None else None
        if loaded is None or module is None or module in seen or \
                any(module == other.path for other in chain):
            continue
        seen.add(module)
        name = _name_of_app_in(mods, module, loaded[1], chain)
        if name is not None:
            found[module] = (module, loaded[1], name)
        elif depth < _FOLLOWED_IMPORTS:   # `from pkg import endpoints`, whose `__init__`
            todo += [(inner, depth + 1)   # imports the modules that decorate the app
                     for inner in _top_level_imports(mods, module, loaded[1])]
    return list(found.values())


# how many modules deep an import that does not name the app is followed to one that does
_FOLLOWED_IMPORTS = 2


def _top_level_imports(mods: Modules, path: str, tree: ast.Module) -> list[str | None]:
    """The files the top-level imports of a module run (None where no file of the import
    root)."""
    return [where[0] if (where := mods.imported(path, stmt, alias.asname or alias.name))
            is not None else None
            for stmt in tree.body if isinstance(stmt, (ast.Import, ast.ImportFrom))
            for alias in stmt.names]


def _imported_by_name(mods: Modules, site: AppSite, result: AppRoutes) -> list[str | None]:
    """The file each `importlib.import_module(...)` or `__import__(...)` of the app's module
    runs (None where no file of the import root), when it names the module by a literal
    (`".routes"` from the module's package); one by a name built at run time
    (`import_module(f"app.routers.{name}")`) is noted: that module may add routes."""
    text = site.file.text
    if "import_module" not in text and "__import__" not in text:
        return []
    files: list[str | None] = []
    for node in ast.walk(site.tree):
        if not (isinstance(node, ast.Call) and dotted_name(node.func) in _IMPORTING_CALLS):
            continue
        named = string_value(site.tree, node.args[0]) if node.args else None
        if named is None:
            result.note(f"`{ast.unparse(node.func)}` at line {node.lineno} imports a module "
                        "by a name fixer cannot read, which may add routes")
            continue
        dots = len(named) - len(named.lstrip("."))
        given = call_argument(node, 1, "package") \
            if dotted_name(node.func) != "__import__" else None   # `__package__`: its own
        package = (string_value(site.tree, given) if given is not None and not (
            isinstance(given, ast.Name) and given.id == "__package__")
            else mods.package_of(site.path)) if dots else None
        dotted = absolute_module(package, dots, named[dots:] or None) \
            if package is not None else named if not dots else None
        files.append(mods.path_of(dotted) if dotted else None)
    return files


# calls importing a module by its name as a string
_IMPORTING_CALLS = frozenset({"importlib.import_module", "import_module", "__import__"})


def _name_of_app_in(mods: Modules, path: str, tree: ast.Module,
                    chain: list[AppSite]) -> str | None:
    """The name a module binds the app to with `from <a module of the chain> import <app>`."""
    bindings = {(site.path, site.var) for site in chain}
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                bound = alias.asname or alias.name
                if mods.imported(path, stmt, bound) in bindings:
                    return bound
    return None


# The pages FastAPI's constructor adds before any route of the app: keyword, default URL, and
# the keyword whose URL it also needs (the docs pages read the OpenAPI schema).
_BUILTIN = (("openapi_url", "/openapi.json", None),
            ("docs_url", "/docs", "openapi_url"),
            ("redoc_url", "/redoc", "openapi_url"),
            ("swagger_ui_oauth2_redirect_url", "/docs/oauth2-redirect", "docs_url"))
BUILTIN_PAGES = frozenset(default for _keyword, default, _needs in _BUILTIN)


def _builtin_routes(site: AppSite, calls: list[ast.Call], result: AppRoutes) -> None:
    """FastAPI's own GET pages (`/openapi.json`, `/docs`, `/docs/oauth2-redirect`, `/redoc`),
    at the URLs the constructor's keywords give them (None turns one off), on every call it
    may make (`_spread_calls`). A URL fixer cannot settle makes its page unsure: a probe of it
    is neither served nor unserved."""
    urls: dict[str, set[str | None]] = {}
    for call in calls:
        for keyword, own in _page_urls(site.tree, call).items():
            urls[keyword] = urls.get(keyword, set()) | own
    for own in urls.values():
        served = {url for url in own if url is not None}
        if len(own) == 1 and served:
            result.routes.append(Route(served.pop(), True, None, head=True))
        else:
            result.unsure |= served
            # `docs_url=f"{settings.API_V1_STR}/docs"`: the page is somewhere under a prefix
            # fixer cannot read, as a route under an unread router prefix is
            result.routes += [Route(url, True, None, head=True) for url in sorted(served)
                              if url.startswith(UNKNOWN)]


def _page_urls(tree: ast.Module, created: ast.Call) -> dict[str, set[str | None]]:
    """The URLs each of FastAPI's pages may have on the app one constructor call creates."""
    spread = any(k.arg is None for k in created.keywords)   # `FastAPI(**settings)`
    urls: dict[str, set[str | None]] = {}
    for keyword, default, needs in _BUILTIN:
        given = next((k.value for k in created.keywords if k.arg == keyword), None)
        own: set[str | None] = {default, None} if spread else {default} if given is None \
            else _possible_urls(tree, given, default)
        if needs is not None and None in urls[needs]:
            own = own | {None} if urls[needs] != {None} else {None}
        urls[keyword] = own
    return urls


def _possible_urls(tree: ast.Module, node: ast.expr, default: str) -> set[str | None]:
    """The values a URL keyword may take: a literal, None, either branch of `a if c else b`;
    the default or None when fixer cannot read it (a setting)."""
    if isinstance(node, ast.IfExp):
        return set().union(*(_possible_urls(tree, branch, default)
                             for branch in alternatives(node) if branch is not None))
    if isinstance(node, ast.Constant) and node.value is None:
        return {None}
    value = string_value(tree, node)
    if value is not None:
        return {value or None}
    tail = _literal_tail(node)
    return {default, None} | ({UNKNOWN + tail} if tail else set())


def _literal_tail(node: ast.expr) -> str:
    """The path a URL built from something unread ends with, written as a literal
    (`f"{settings.API_V1_STR}/docs"`, `PREFIX + "/docs"`): "" where it ends otherwise."""
    last = node.values[-1] if isinstance(node, ast.JoinedStr) and node.values else \
        node.right if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) else None
    text = last.value if isinstance(last, ast.Constant) else None
    return text if isinstance(text, str) and text.startswith("/") and "{" not in text else ""


def _serving_block(block: ast.stmt) -> str | None:
    """Why a route added after the block that creates the app may never be served: the
    block is the `if __name__ == "__main__":` of a script, or runs the server itself
    (`uvicorn.run(app)`), so the server starts before the route is added. A block that only
    chooses the app's settings (`if DEBUG: app = FastAPI(debug=True) else: ...`) is none."""
    guard = isinstance(block, ast.If) and "__name__" in ast.unparse(block.test)
    runs = any(isinstance(node, ast.Call) and called_name(node) == "run"
               for node in ast.walk(block))
    if not (guard or runs):
        return None
    what = "`if __name__ == \"__main__\":`" if guard else \
        f"a block that runs the server (line {block.lineno})"
    return f"the app is created inside {what}: a route added after it would never be " \
           "registered before the server starts"


def _early_return(site: AppSite, routes: AppRoutes) -> ast.Return | None:
    """A `return` of the factory from the app's creation to the statement a new route goes
    after, inclusive: a path on which the app is returned before a route added there is."""
    if site.scope is site.tree:
        return None
    last = routes.last_adder   # not asked of a module's app: it looks at every statement
    body = site.scope.body
    start = body.index(site.created) if site.created in body else 0
    end = body.index(last) if last in body else len(body) - 1
    for stmt in body[start:end + 1]:
        found = next((node for node in _own_nodes(stmt) if isinstance(node, ast.Return)), None)
        if found is not None:
            return found
    return None


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """`node` and what it holds that runs in its scope: a function, lambda or class defined
    there (a decorated route) returns from itself, not from the factory."""
    if isinstance(node, _SCOPES):
        return
    yield node
    for child in ast.iter_child_nodes(node):
        yield from _own_nodes(child)


def _app_wide_dependencies(created: ast.Call) -> str | None:
    """`FastAPI(dependencies=[Depends(api_key)])` runs them before every route, one added
    too: a health route would answer what they answer (a 403 without the key)."""
    given = _dependencies(created)
    if given is None or isinstance(given, (ast.List, ast.Tuple)) and \
            all(_lets_anonymous_through(e) for e in given.elts):
        return None
    return (f"the app runs `dependencies={ast.unparse(given)}` before every route, so the "
            "app's health route answers what they answer (an auth check may refuse a probe)")


def _lets_anonymous_through(dependency: ast.expr) -> bool:
    """`Depends(APIKeyHeader(name="X-Token", auto_error=False))`: a scheme of FastAPI's own,
    called as is, that answers a request without the credential as any other."""
    inner = dependency.args[0] if isinstance(dependency, ast.Call) and \
        called_name(dependency) == "Depends" and dependency.args else None
    return isinstance(inner, ast.Call) and \
        (called_name(inner) or "").rsplit(".", 1)[-1] in SECURITY_SCHEMES and \
        any(k.arg == "auto_error" and isinstance(k.value, ast.Constant) and
            k.value.value is False for k in inner.keywords)


def _exempts(exempt: tuple[str, ...], path: str) -> bool:
    """A middleware letting these paths through lets a probe of `path` through: `/health`,
    or the prefix `/health*`."""
    trimmed = path.rstrip("/") or "/"
    return any(e.endswith("*") and trimmed.startswith(e[:-1]) or (e.rstrip("/") or "/") == trimmed
               for e in exempt)


# the names an added health route's function may take, in order of preference
HANDLER_NAMES = ("health", "health_check", *(f"health_{i}" for i in range(1, 100)))

# the response classes that render a dict, as the added route returns
_RENDERS_A_DICT = frozenset({"JSONResponse", "ORJSONResponse", "UJSONResponse"})


def _default_response_class(created: ast.Call) -> str | None:
    """`FastAPI(default_response_class=PlainTextResponse)` renders what every route returns
    with that class: the dict the added route returns makes it answer 500."""
    given = next((k.value for k in created.keywords if k.arg == "default_response_class"),
                 None)
    return _response_class_doubt(given) if given is not None else None


def _response_class_doubt(given: ast.expr) -> str | None:
    """Why routes rendered with the response class `given` (however the app gets it) may
    not answer the dict a health route returns: it is not a JSON one."""
    name = given.attr if isinstance(given, ast.Attribute) else \
        given.id if isinstance(given, ast.Name) else None
    if name in _RENDERS_A_DICT:
        return None
    return (f"the app renders every route with `default_response_class="
            f"{ast.unparse(given)}`, which may not render the dict a health route returns")


# ASGI wrappers that pass a plain GET on to the app they wrap: compression, CORS (a request
# with no Origin), proxy headers, error reporting and tracing, socket.io (its own path only);
# each as its package names it, imported from that package (a class of the repository's own
# of the same name may do anything)
_PASSING_WRAPPERS = frozenset({"GZipMiddleware", "BrotliMiddleware", "CORSMiddleware",
                               "ProxyHeadersMiddleware", "SentryAsgiMiddleware",
                               "OpenTelemetryMiddleware", "ASGIApp"})
_WRAPPER_PACKAGES = frozenset({"starlette", "fastapi", "uvicorn", "brotli_asgi", "socketio",
                               "sentry_sdk", "opentelemetry"})


Handler = tuple[str, ast.Module, ast.FunctionDef | ast.AsyncFunctionDef, str]


def _app_handler(mods: Modules, site: AppSite, call: ast.Call, var: str) -> Handler | None:
    """The function of the repository that `app = add_health(app)`, or the decorator
    factory's `app = with_health(config)(app)`, hands the app to: (module path, module,
    function, the parameter that takes the app). None for a class, a function fixer cannot
    read (an installed package's) or one that may take the app among `*args`."""
    at = next((i for i, a in enumerate(call.args) if isinstance(a, ast.Name) and a.id == var),
              None)
    curried = isinstance(call.func, ast.Call)
    name = _helper_name(call.func.func if isinstance(call.func, ast.Call) else call.func)
    found = _helper_function(mods, site.path, site.tree, name) if name else None
    if found is None or at is None:
        return None
    where, module, outer = found
    function = _returned_function(outer) if curried else outer
    parameters = function.args.posonlyargs + function.args.args if function else []
    if function is None or function.args.vararg is not None or at >= len(parameters):
        return None
    return where, module, function, parameters[at].arg


# a middleware or wrapper named for health checks, which fixer cannot read: it may answer a
# probe itself, before any route (`app.add_middleware(HealthCheckMiddleware)`)
_HEALTH_NAME = lazy_compile(r"health|liveness|readiness|heartbeat", re.I)


def _unread_handler(mods: Modules, site: AppSite, call: ast.Call, var: str,
                    result: AppRoutes) -> None:
    """What `app = with_health(app)` may add that fixer cannot read (a function of an
    installed package): routes, as where the statement is the call alone; or, from a class
    named for health checks (`app = HealthMiddleware(app)`), an answer to a probe."""
    callee = call.func.func if isinstance(call.func, ast.Call) else call.func
    name = _helper_name(callee)
    last = name.rsplit(".", 1)[-1]
    if last[:1].isupper():   # a class: what wraps the app, which routes nothing
        if _HEALTH_NAME.search(last):
            result.opaque.append(("/", f"`{ast.unparse(callee)}(...)`"))
    elif name and _may_add_routes(mods, site.path, site.tree, call, name, var):
        result.note(f"`{_call_shown(call, name, var)}` may add routes")


def _returned_function(factory: ast.FunctionDef | ast.AsyncFunctionDef
                       ) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function a decorator factory defines and returns (`def decorator(app): ...`,
    `return decorator`)."""
    returned = {s.value.id for _top, s in statements(factory.body)
                if isinstance(s, ast.Return) and isinstance(s.value, ast.Name)}
    defined = [s for _top, s in statements(factory.body)
               if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name in returned]
    return defined[0] if len(returned) == 1 and len(defined) == 1 else None


def _returns_only(function: ast.FunctionDef | ast.AsyncFunctionDef, var: str) -> bool:
    """The function returns the object it was handed as `var`, never rebound, and nothing
    else: what the server runs is the app itself, not a wrapper around it."""
    returns = [s for _top, s in statements(function.body) if isinstance(s, ast.Return)]
    return bool(returns) and binding(function.body, var) is None and \
        all(isinstance(r.value, ast.Name) and r.value.id == var for r in returns)


def _wrapper_doubt(tree: ast.Module, call: ast.Call) -> str | None:
    """Why a probe may not reach the app through what the server runs (`app =
    AuthMiddleware(app)`): a wrapper fixer does not know answers first."""
    func = call.func
    known = _known_wrapper(tree, func)
    if known is not None and (known != "ASGIApp" or _socketio_path_apart(call)):
        return None
    return (f"the server runs what `{ast.unparse(func)}(...)` makes of the app, which fixer "
            "does not read and which may refuse a probe")


def _known_wrapper(tree: ast.Module, func: ast.expr) -> str | None:
    """The wrapper's own name when it is one of `_PASSING_WRAPPERS` imported from its
    package: `GZipMiddleware` (or `as GZ`) from `starlette.middleware.gzip`, or
    `socketio.ASGIApp` of `import socketio`; None otherwise."""
    if isinstance(func, ast.Name):
        imported = binding(tree.body, func.id)
        if not isinstance(imported, ast.ImportFrom) or imported.level or \
                (imported.module or "").split(".")[0] not in _WRAPPER_PACKAGES:
            return None
        return next((a.name for a in imported.names if (a.asname or a.name) == func.id
                     and a.name in _PASSING_WRAPPERS), None)
    if isinstance(func, ast.Attribute) and func.attr in _PASSING_WRAPPERS and \
            isinstance(func.value, ast.Name):
        imported = binding(tree.body, func.value.id)
        if isinstance(imported, ast.Import) and any(
                (a.asname or a.name) == func.value.id and a.name.split(".")[0] in
                _WRAPPER_PACKAGES for a in imported.names):
            return func.attr
    return None


def _socketio_path_apart(call: ast.Call) -> bool:
    """socket.io's `ASGIApp` answers its own path only (`socket.io` by default), and passes
    the rest on; an empty path, `/`, None or one fixer cannot read may take every request."""
    given = next((k.value for k in call.keywords if k.arg == "socketio_path"),
                 call.args[3] if len(call.args) > 3 else None)   # (server, app, static, path)
    if given is None:
        return not any(k.arg is None for k in call.keywords) and len(call.args) <= 3
    return isinstance(given, ast.Constant) and isinstance(given.value, str) and \
        given.value.strip("/") != ""


def _router_settings(text: str, node: ast.AST, app: str | None = None) -> str | None:
    """Why routes added under `node` (of a module whose text is `text`) may not answer as
    written: an assignment of a `route_class` (`app.router.route_class = ApiKeyRoute`,
    which may check a key before any handler runs), or of a `default_response_class` that
    is not JSON, to any object (`app.router`, `router = app.router` first, `self.router`
    in a class); or dependencies added to the app's router (`app.router.dependencies
    .append(Depends(auth))`, `+=`, `=`), which run before each of its routes."""
    if "route_class" not in text and "default_response_class" not in text and \
            not (".router" in text and ".dependencies" in text):
        return None   # most modules set none: no walk of their tree
    # the app's router as written (`app.router`), and the names bound to it
    own = f"{app}.router" if app else None
    routers = {t.id for stmt in ast.walk(node) if isinstance(stmt, ast.Assign)
               and isinstance(stmt.value, ast.Attribute) and stmt.value.attr == "router"
               and ast.unparse(stmt.value) == own
               for t in stmt.targets if isinstance(t, ast.Name)}
    for stmt in ast.walk(node):
        added = _router_dependencies(stmt, routers, own) if own else None
        if added is not None:
            return (f"`{added}` adds dependencies to every route of the app, which may "
                    "refuse a probe")
        if not isinstance(stmt, ast.Assign):
            continue
        for target in stmt.targets:
            if not isinstance(target, ast.Attribute):
                continue
            if target.attr == "route_class":
                return (f"the app builds its routes with `{ast.unparse(stmt.value)}` "
                        f"(`{ast.unparse(target)}`), which may refuse a probe")
            if target.attr == "default_response_class":
                found = _response_class_doubt(stmt.value)
                if found is not None:
                    return found
    return None


def _router_dependencies(node: ast.AST, routers: Collection[str], own: str) -> str | None:
    """The text of a statement that adds dependencies to the app's router (`own`,
    `app.router`, or a name in `routers` bound to it) that may refuse a request: a call of
    `append`/`extend`/`insert` on its `dependencies`, or an assignment to them; not of
    FastAPI's security schemes with `auto_error=False`, which refuse nothing."""
    target: ast.expr | None = None
    added: list[ast.expr] = []
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and \
            isinstance(node.value.func, ast.Attribute) and \
            node.value.func.attr in ("append", "extend", "insert"):
        target = node.value.func.value
        added = node.value.args[-1:]
    elif isinstance(node, (ast.AugAssign, ast.Assign)):
        targets = [node.target] if isinstance(node, ast.AugAssign) else node.targets
        target = next((t for t in targets if _is_router_dependencies(t, routers, own)), None)
        added = [node.value]
    if target is None or not _is_router_dependencies(target, routers, own):
        return None
    listed = [e for value in added for e in (value.elts if isinstance(
        value, (ast.List, ast.Tuple)) else [value])]
    if added and all(_lets_anonymous_through(e) for e in listed):
        return None   # nothing added, or only schemes that refuse nothing
    return ast.unparse(node).splitlines()[0]


def _is_router_dependencies(node: ast.expr, routers: Collection[str], own: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "dependencies" and (
        ast.unparse(node.value) == own or
        isinstance(node.value, ast.Name) and node.value.id in routers)


def _dependencies(created: ast.expr | None) -> ast.expr | None:
    """The `dependencies=` an app is created with (`FastAPI(dependencies=[...])`), unless
    empty: they run before each of its routes."""
    given = next((k.value for k in created.keywords if k.arg == "dependencies"), None) \
        if isinstance(created, ast.Call) else None
    if given is None or (isinstance(given, (ast.List, ast.Tuple)) and not given.elts):
        return None
    return given


_LOCAL_HOSTS = {"*", "localhost", "127.0.0.1"}
_REFUSALS = {401, 403}
_STATUS_NAME = lazy_compile(r"HTTP_([45]\d\d)_")


# why a middleware may refuse a probe, and the health paths it lets through all the same
Refusing = tuple[str, tuple[str, ...]]


def _refusing_middleware(mods: Modules, site: AppSite) -> list[Refusing]:
    """Middleware that may refuse a probe before any route answers: TrustedHostMiddleware
    whose hosts leave out localhost (a 400), HTTPSRedirectMiddleware (a 307 to https), a
    class that answers an error status (a tenant header check's 400, an API key's 401 or
    403) or, when fixer cannot read it, says it authenticates, or an
    `@app.middleware("http")` function that answers one. Every way of registering one
    counts: `add_middleware(Cls)`, `FastAPI(middleware=[Middleware(
    Cls)])`, `add_middleware(BaseHTTPMiddleware, dispatch=fn)` and
    `app.middleware("http")(fn)`. Each one, in order: one that lets a health path through
    says nothing of the next."""
    found: list[Refusing | None] = [_middleware_class(mods, site, call)
                                    for call in _constructor_middleware(site)]
    found.append(_unread_constructor_middleware(site))
    for top, stmt in statements(site.scope.body):
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
                _method_of(stmt.value, site.var) == "add_middleware" and \
                _middleware_given(stmt.value) is not None:
            found.append(_when(_middleware_class(mods, site, stmt.value), top, stmt))
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
                isinstance(stmt.value.func, ast.Call) and \
                _method_of(stmt.value.func, site.var) == "middleware" and stmt.value.args:
            found.append(_middleware_function(mods, site, stmt.value.args[0]))
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                isinstance(d, ast.Call) and _method_of(d, site.var) == "middleware"
                for d in stmt.decorator_list):
            code = _refusal(stmt, _resolver(mods, site.path, site.tree))
            found.append((f"the middleware `{stmt.name}` can answer {code} before any route, "
                          "so the health route may refuse a probe",
                          lets_health_through(stmt, site.tree)) if code is not None else None)
    return [refusing for refusing in found if refusing]


def _when(refusing: Refusing | None, top: ast.stmt, stmt: ast.stmt) -> Refusing | None:
    """The refusal, said to hold only where the `if` it is added under does
    (`if settings.HTTPS_ONLY: app.add_middleware(HTTPSRedirectMiddleware)`): a setting may
    well leave it off, but fixer cannot tell that it does."""
    if refusing is None or top is stmt or not isinstance(top, ast.If):
        return refusing
    reason, exempt = refusing
    return f"where `{ast.unparse(top.test)}` holds, {reason}", exempt


def _constructor_middleware(site: AppSite) -> list[ast.Call]:
    """The `Middleware(Cls, ...)` items of `FastAPI(middleware=[...])` that creates the app,
    through the spreads fixer reads (`FastAPI(**{"middleware": [...]})`) and a list the
    app's scope binds to a name (`middleware=middleware`)."""
    items = dict.fromkeys(item for value in _middleware_values(site)
                          for item in _middleware_list(site, value) or [])
    return [item for item in items
            if isinstance(item, ast.Call) and _middleware_given(item) is not None]


def _middleware_values(site: AppSite) -> list[ast.expr]:
    """The `middleware=` values of the calls that create the app; the calls of a spread
    bound in two branches share the constructor's own list: once each."""
    created = assigned_value(site.bound)
    calls = _spread_calls(site, created) if isinstance(created, ast.Call) else []
    return list(dict.fromkeys(k.value for call, _taken in calls for k in call.keywords
                              if k.arg == "middleware"))


def _middleware_list(site: AppSite, value: ast.expr) -> list[ast.expr] | None:
    """The items of a `middleware=` value: a list or tuple as written, or the one the app's
    scope (or its module) binds to the name given; None for what fixer does not read (a
    call, `make_middleware()`; a name imported, `MIDDLEWARE` from settings)."""
    if isinstance(value, ast.Name):
        for body in (site.scope.body, site.tree.body):
            bound = assigned_value(binding(body, value.id))
            if bound is not None:
                value = bound
                break
    return list(value.elts) if isinstance(value, (ast.List, ast.Tuple)) else None


def _unread_constructor_middleware(site: AppSite) -> Refusing | None:
    """Why the app's `middleware=` may refuse a probe for all fixer can tell: it is no list
    fixer reads (`middleware=make_middleware()`, `middleware=MIDDLEWARE` imported), or an
    item is no `Middleware(Cls)` call (`*base`, a name)."""
    for value in _middleware_values(site):
        items = _middleware_list(site, value)
        unread = ast.unparse(value) if items is None else next(
            (ast.unparse(i) for i in items
             if not (isinstance(i, ast.Call) and _middleware_given(i) is not None)), None)
        if unread is not None:
            return (f"the app is created with middleware (`{unread}`) fixer does not read, "
                    "which may refuse a probe before any route answers", ())
    return None


def _middleware_function(mods: Modules, site: AppSite, given: ast.expr) -> Refusing | None:
    """A middleware function registered by a call (`app.middleware("http")(guard)`,
    `add_middleware(BaseHTTPMiddleware, dispatch=guard)`): read as the decorated form when
    the module or one of the import root defines it; one built by a call or imported from
    a package may refuse a probe, for all fixer can tell."""
    name = ast.unparse(given)
    found = _defined_function(mods, site.path, site.tree, given.id) \
        if isinstance(given, ast.Name) else None
    if found is None:   # an instance (`MetricsMiddleware()`) calls its class's `__call__`
        what = "what a call returns" if isinstance(given, ast.Call) else "a callable"
        return (f"the middleware `{name}` is {what}, which fixer does not read, and may "
                "refuse a probe before any route answers", ())
    path, tree, function = found
    code = _refusal(function, _resolver(mods, path, tree))
    if code is None:
        return None
    return (f"the middleware `{name}` ({path}:{function.lineno}) can answer {code} before any "
            "route, so the health route may refuse a probe", lets_health_through(function, tree))


def _adds_nothing(cls: ast.ClassDef) -> bool:
    """A subclass with no method of its own (`class AuthenticationMiddleware(Base): pass`):
    it runs as its base does."""
    return not any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) for s in cls.body)


def _backend_never_refuses(mods: Modules, site: AppSite, call: ast.Call) -> bool:
    """The `backend=` of Starlette's AuthenticationMiddleware is a class of the repository
    whose methods raise nothing, in a module that names no AuthenticationError: its
    `authenticate` returns for a request without credentials, and the middleware hands
    every request on (it answers 400 only for an AuthenticationError)."""
    backend = next((k.value for k in call.keywords if k.arg == "backend"), None)
    if not isinstance(backend, ast.Call):
        return False
    read = _class_def(mods, site.path, site.tree, backend.func, 0)
    if read is None:
        return False
    path, tree, cls = read
    file = mods.load(path)
    return file is not None and "AuthenticationError" not in file[0].text and \
        any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "authenticate"
            for s in cls.body) and not any(isinstance(n, ast.Raise) for n in ast.walk(cls))


def _middleware_given(call: ast.Call) -> ast.expr | None:
    """The class `add_middleware(Cls)` or `Middleware(Cls)` is given, by position or as
    `middleware_class=`/`cls=`."""
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg in ("middleware_class", "cls")), None)


def _middleware_class(mods: Modules, site: AppSite, call: ast.Call) -> Refusing | None:
    dispatch = next((k.value for k in call.keywords if k.arg == "dispatch"), None)
    if dispatch is not None:   # BaseHTTPMiddleware with a function: the function decides
        return _middleware_function(mods, site, dispatch)
    given = _middleware_given(call)
    if given is None:
        return None
    name = ast.unparse(given).rsplit(".", 1)[-1]
    if name in _RATE_LIMITERS:
        limits = _every_route_limits(mods, site)
        return (f"slowapi's {name} {limits} to every route, the health route too: a probe "
                "every few seconds may be answered 429", ()) if limits is not None else None
    if name == "HTTPSRedirectMiddleware":
        return _HTTPS_REDIRECT, ()
    if name == "TrustedHostMiddleware":
        hosts = next((k.value for k in call.keywords if k.arg == "allowed_hosts"), None)
        if isinstance(hosts, ast.Name):   # `allowed_hosts=allowed_hosts`, a list bound before
            hosts = assigned_value(binding(site.scope.body, hosts.id)) or \
                assigned_value(binding(site.tree.body, hosts.id)) or hosts
        listed = {e.value for e in hosts.elts if isinstance(e, ast.Constant)} \
            if isinstance(hosts, (ast.List, ast.Tuple)) else None
        if listed is None:
            return ("TrustedHostMiddleware answers 400 to a host it does not allow, and its "
                    "`allowed_hosts` may leave out localhost, which a healthcheck probes", ())
        return (LOCALHOST_REFUSED, ()) if not listed & _LOCAL_HOSTS else None
    # a class the factory defines for itself, else one of the module or the import root
    local = binding(site.scope.body, name) if isinstance(given, ast.Name) else None
    read = (site.path, site.tree, local) if isinstance(local, ast.ClassDef) else \
        _class_def(mods, site.path, site.tree, given, 0)
    if read is not None:   # the paths its `__init__` keeps, as this call builds it
        read = (read[0], read[1], as_constructed(read[2], call))
    code = _class_refusal(mods, *read, 0) if read is not None else None
    exempt = tuple(path for method in read[2].body
                   if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef))
                   for path in lets_health_through(method, read[1], read[2])) + \
        _exempt_by_keyword(call, site.tree, read[1]) if read is not None else ()
    if read is not None and code is not None:
        return (f"the middleware `{name}` ({read[0]}:{read[2].lineno}) can answer {code} "
                "before any route, so the health route may refuse a probe", exempt)
    if name == "AuthenticationMiddleware" and (read is None or _adds_nothing(read[2])) and \
            _backend_never_refuses(mods, site, call):
        return None   # Starlette's: it answers an error only where the backend raises
    # a class that reads as harmless may still refuse through code fixer does not follow
    # (a helper of another package): its name keeps the doubt, unless its `dispatch` hands
    # every request on whatever that code does; what it lets through is let through
    if _ACCESS_WORDS.search(name) and not (read is not None and passes_every_request(read[2])):
        return f"the middleware `{name}` may refuse a probe before any route answers", exempt
    return None


# a middleware's keyword that lists the paths it lets through (`exclude_paths=`,
# `public_paths=`, `skip=`)
_EXEMPTING = lazy_compile(r"exclu|exempt|skip|public|allow|whitelist|ignore|bypass|open", re.I)


def _exempt_by_keyword(call: ast.Call, *trees: ast.Module) -> tuple[str, ...]:
    """The health paths an `add_middleware(Cls, exclude_paths=[...])` call passes the class
    to let through: a literal collection, or a module-level one of the calling module or the
    class's (`DEFAULT_EXCLUDE_PATHS`, imported from the middleware's module)."""
    found: list[str] = []
    for keyword in call.keywords:
        if keyword.arg is None or not _EXEMPTING.search(keyword.arg):
            continue
        value: ast.expr | None = keyword.value
        if isinstance(value, ast.Name):
            value = next((v for tree in trees
                          if (v := assigned_value(binding(tree.body, value.id))) is not None),
                         None)
        found += _health_literals(unwrapped(value)) if value is not None else []
    return tuple(found)


ReadClass = tuple[str, ast.Module, ast.ClassDef]  # module path, its tree, the class

# TrustedHostMiddleware whose literal `allowed_hosts` leave localhost out: not a doubt, every
# probe of localhost gets the 400 (C004 adds no healthcheck that cannot pass)
LOCALHOST_REFUSED = ("TrustedHostMiddleware answers 400 to a host it does not allow, and its "
                     "`allowed_hosts` leave out localhost, which a healthcheck probes")

# what a redirect to https does to an `http://` probe: wget and urllib follow it to a port
# that speaks plain HTTP and fail; curl takes the redirect as the answer, no route reached
_HTTPS_REDIRECT = ("HTTPSRedirectMiddleware answers every plain-HTTP request with a 307 to "
                   "https://, so no `http://` probe reaches a route (curl takes the 307 for "
                   "a pass, wget and urllib follow it and fail)")

# middleware class names that speak of access control (`KeycloakMiddleware`,
# `JWTMiddleware`, `ApiKeyMiddleware`): one fixer cannot read may refuse a probe
_ACCESS_WORDS = lazy_compile(r"auth|keycloak|jwt|oauth|oidc|apikey|api_key|bearer|"
                             r"permission|guard|login|acl|casbin", re.I)


# slowapi's middleware: every route gets the limiter's default limits
_RATE_LIMITERS = frozenset({"SlowAPIMiddleware", "SlowAPIASGIMiddleware"})
# `Limiter(key_func, default_limits, application_limits, ...)`: the arguments that limit every
# route
_EVERY_ROUTE_LIMITS = {1: "default_limits", 2: "application_limits"}


def _every_route_limits(mods: Modules, site: AppSite) -> str | None:
    """How the limiter slowapi's middleware reads may limit every route, the health route
    too (`applies the limiter's `default_limits``), or None where it limits only the routes
    decorated with `@limiter.limit`: the `Limiter(...)` the app's `state.limiter` is given
    (in the module, or imported from one of the import root; else the module's own) sets
    `default_limits` or `application_limits`, or fixer cannot read it (`**settings`, its
    `config_filename`, whose file may set `RATELIMIT_DEFAULT`, a limiter of a package)."""
    given = _state_limiter(site)
    call: ast.expr | None = given
    if given is not None and not isinstance(given, ast.Call):
        found = _defined(mods, site.path, site.tree, site.scope, given, _builds_limiter, 0)
        call = assigned_value(found[4]) if found is not None else None
    if given is None:   # set where fixer does not look: the module's own limiter, if any
        call = next((node for node in ast.walk(site.tree)
                     if isinstance(node, ast.Call) and is_call_to(node, "Limiter")), None)
    if not isinstance(call, ast.Call) or not is_call_to(call, "Limiter"):
        shown = f"`{site.var}.state.limiter = {ast.unparse(given)}`" if given is not None \
            else f"the limiter of `{site.var}.state.limiter`"
        return f"may apply limits fixer cannot read ({shown})"
    return _limits_given(call)


def _state_limiter(site: AppSite) -> ast.expr | None:
    """The value the scope that creates the app gives `app.state.limiter` last."""
    found = None
    for _top, stmt in statements(site.scope.body):
        if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr == "limiter" and
                isinstance(t.value, ast.Attribute) and t.value.attr == "state" and
                isinstance(t.value.value, ast.Name) and t.value.value.id == site.var
                for t in stmt.targets):
            found = stmt.value
    return found


def _builds_limiter(_tree: ast.Module, stmt: ast.stmt) -> bool:
    return is_call_to(assigned_value(stmt), "Limiter")


def _limits_given(call: ast.Call) -> str | None:
    """How a `Limiter(...)` call limits every route: the argument that gives such limits
    (an empty literal list gives none), or one fixer cannot read (`*args`, `**settings`, a
    `config_filename`); None for neither."""
    unread = [arg for arg in call.args if isinstance(arg, ast.Starred)] + \
        [k for k in call.keywords if k.arg is None or k.arg == "config_filename"]
    if unread:
        return f"may apply limits fixer cannot read (`{ast.unparse(unread[0])}`)"
    given = [(_EVERY_ROUTE_LIMITS[at], arg) for at, arg in enumerate(call.args)
             if at in _EVERY_ROUTE_LIMITS] + \
        [(k.arg, k.value) for k in call.keywords if k.arg in _EVERY_ROUTE_LIMITS.values()]
    return next((f"applies the limiter's `{name}`" for name, arg in given
                 if not (isinstance(arg, (ast.List, ast.Tuple)) and not arg.elts)), None)


def _class_def(mods: Modules, path: str, tree: ast.Module, expr: ast.expr,
               depth: int) -> ReadClass | None:
    """Where the class `Name` or `module.Name` is defined: this module, or one of the import
    root its import names. None for a class of an installed package (Starlette's own)."""
    found = _defined(mods, path, tree, tree, expr,
                     lambda _tree, s: isinstance(s, ast.ClassDef), depth)
    if found is None or not isinstance(found[4], ast.ClassDef):
        return None
    return found[0], found[1], found[4]


_ENUMS = frozenset({"Enum", "StrEnum", "IntEnum"})


def _class_constant(mods: Modules, path: str, tree: ast.Module,
                    expr: ast.expr | None) -> tuple[str, ast.Constant] | None:
    """The string a class attribute holds, and the module that writes it: `Paths.HEALTH` of
    a plain class or of a `str` Enum (`class Route(str, Enum)`: its member is a string),
    `Route.HEALTH.value` of any Enum; the class defined in the module or in one of the
    import root. None otherwise."""
    value = isinstance(expr, ast.Attribute) and expr.attr == "value"
    member = expr.value if value and isinstance(expr, ast.Attribute) else expr
    if not (isinstance(member, ast.Attribute) and isinstance(member.value, ast.Name)):
        return None
    read = _class_def(mods, path, tree, member.value, 0)
    if read is None:
        return None
    cls = read[2]
    bases = {b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute)
             else "" for b in cls.bases}
    enum = bool(bases & _ENUMS)
    if value != enum and not (enum and not value and bases & {"str", "StrEnum"}):
        return None   # `.value` of a plain string, or a member that is no string
    # `HEALTH = "/health"`, or annotated: `HEALTH: Final[str] = "/health"`
    assigned = next((s.value for s in cls.body if isinstance(s, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == member.attr for t in s.targets)
        or isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
        and s.target.id == member.attr), None)
    if isinstance(assigned, ast.Constant) and isinstance(assigned.value, str):
        return read[0], assigned
    return None


# the methods through which a middleware class handles each request
_SERVING_METHODS = frozenset({"__call__", "dispatch"})


def _class_refusal(mods: Modules, path: str, tree: ast.Module, cls: ast.ClassDef,
                   depth: int) -> int | None:
    """The error status a method of the class, or of a base fixer can read, answers with:
    `dispatch` or `__call__` may leave the refusal to a helper method, so every method
    counts."""
    methods = [m for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for method in methods:   # `__init__` and helpers raise at start-up or when called
        serving = method.name in _SERVING_METHODS
        code = _refusal(method, _resolver(mods, path, tree, cls) if serving else None, serving,
                        cls)
        if code is not None:
            return code
    for base in cls.bases:
        read = _class_def(mods, path, tree, base, depth + 1)
        code = _class_refusal(mods, *read, depth + 1) if read is not None else None
        if code is not None:
            return code
    return None


@lru_cache(maxsize=4096)
def _answered_by(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Answer | None:
    """The error status a handler may answer, once (every gate of every fix round asks):
    a literal one it writes (`answered_error`), else one among the values of a status it
    computes, else a status it answers that fixer cannot read (`computed_error`)."""
    nodes = list(outside_shutdown(function))
    return answered_error(nodes) or computed_error(nodes)


Function = ast.FunctionDef | ast.AsyncFunctionDef
# the function a name called in a middleware stands for (`reject`, `self.check`), if fixer
# reads it
Resolve = Callable[[str], "Function | None"]


def _refusal(function: Function, resolve: Resolve | None = None,
             serves: bool = True, cls: ast.ClassDef | None = None) -> int | None:
    """The first error status a middleware answers with, outside its `except` blocks (an
    error handler's 500 answers only what failed), unless the `try` looks up a header a
    probe never sends (`_probe_failure`). A placeholder that `response = await
    call_next(request)` replaces before any return is no answer (the session middleware of
    FastAPI's SQL tutorial starts from a 500 it never sends). An `HTTPException` a
    middleware raises reaches no exception handler of the app: Starlette answers it with
    500 (checked with uvicorn). A redirect to https (`return
    RedirectResponse(request.url.replace(scheme="https"))`) refuses a probe of http:// as
    well: its status counts (307 unless given). A function that `serves` requests (not a
    class's `__init__`) answers 500 where it raises before it passes the request on
    (`raise RuntimeError("tenant header missing")`; one raised on the app's answer, after
    `await call_next(request)`, refuses no probe the app answers well). With `resolve`, so
    do the functions it calls before that: one given an error status (`return reject(400)`,
    `response = forbidden()`), answering one, or raising (`self.check(request)`). `cls`: the
    class the method is of, whose literals a branch for other methods may name
    (`self._SAFE_METHODS`)."""
    nodes = list(_outside_handlers(function, _placeholders(function) + _only_told(function)))
    other_methods = {id(node) for node in for_other_methods(nodes, function, cls)} | \
        {id(node) for node in past_a_probes_exit(nodes, function, cls)}
    nodes = _outside_branches(_outside_branches(
        [node for node in nodes if id(node) not in other_methods], function,
        _sent_by_no_probe(function)), function, _on_the_apps_status(function))
    raised = {id(node.exc) for node in nodes if isinstance(node, ast.Raise)
              and isinstance(node.exc, ast.Call) and called_name(node.exc) == "HTTPException"}
    # a status a test compares the app's answer with (`if response.status_code in [401,
    # 403]: logger.error(...)`) is read, not answered
    tested = {id(inner) for node in nodes if isinstance(node, ast.Compare)
              for inner in ast.walk(node)}
    found = next(((500 if id(node) in raised else code, node) for node in nodes
                  if (code := _probe_failure(node) or
                      (_status_of(node) if id(node) not in tested else None)) is not None),
                 None)
    if found is not None:
        return found[0]
    before = _on_probe(_before_passing_on(nodes, function), function)
    if serves and _raises_on_probe(before, function):
        return 500
    return _https_redirect(nodes) or (_by_helper(before, resolve, cls) if resolve else None)


# what an `if` on the request's method or path tests: a plain GET of /health is not what
# the branch it guards handles (`if request.method == "POST"`, `if path.startswith("/admin")`)
_METHOD_OR_PATH = lazy_compile(r"\bmethod\b|\bpath\b|\burl\b|\bscope\[.(?:path|method)")


def _on_probe(nodes: list[ast.AST], function: ast.AST) -> list[ast.AST]:
    """The nodes a plain GET of a health path may reach: not those in the body of an `if`
    that tests the request's method or path (a branch for POST, or for `/admin`), whose
    `else` a probe may reach."""
    return _outside_branches(nodes, function,
                             lambda test: bool(_METHOD_OR_PATH.search(_source(test))))


# the headers a healthcheck's curl, wget or Python urllib sends with its GET: a branch
# taken only where another header is present is never taken for a probe
_PROBE_HEADERS = frozenset({"host", "user-agent", "accept", "accept-encoding", "connection"})


def _header_of(expr: ast.expr) -> str | None:
    """The header a presence test reads (`request.headers.get("Authorization")` with no
    default or an empty one, `"x-api-key" in request.headers`), lowercased; None for
    anything else."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and \
            expr.func.attr == "get" and _source(expr.func.value).endswith("headers") and \
            len(expr.args) in (1, 2) and not expr.keywords and \
            isinstance(expr.args[0], ast.Constant) and isinstance(expr.args[0].value, str) and \
            (len(expr.args) == 1 or (isinstance(expr.args[1], ast.Constant)
                                     and expr.args[1].value in ("", None))):
        return expr.args[0].value.lower()
    if isinstance(expr, ast.Compare) and len(expr.ops) == 1 and \
            isinstance(expr.ops[0], ast.In) and isinstance(expr.left, ast.Constant) and \
            isinstance(expr.left.value, str) and \
            _source(expr.comparators[0]).endswith("headers"):
        return expr.left.value.lower()
    return None


def _prefix_of_header(test: ast.expr, bound: Mapping[str, str]) -> str | None:
    """The header a test finds a non-empty prefix or suffix in (`header.startswith("Bearer
    ")`, the name bound to `request.headers.get("Authorization", "")`): it holds only where
    the header is there."""
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and
            test.func.attr in ("startswith", "endswith") and len(test.args) == 1):
        return None
    given = test.args[0]
    texts = [given] if isinstance(given, ast.Constant) else \
        list(given.elts) if isinstance(given, ast.Tuple) else []
    if not texts or not all(isinstance(t, ast.Constant) and isinstance(t.value, str) and t.value
                            for t in texts):
        return None
    subject = test.func.value
    return bound.get(subject.id) if isinstance(subject, ast.Name) else _header_of(subject)


def _sent_by_no_probe(function: ast.AST) -> Callable[[ast.expr], bool]:
    """Whether a test holds only where the request carries a header a probe never sends, or
    a query string (a probe's URL has none): the test, or one operand of its `and`, checks
    that the header is there, itself or through a name bound to it (`length =
    request.headers.get("content-length")`, then `if length and int(length) > MAX_SIZE`;
    `if request.method != "OPTIONS" and request.headers.get("Authorization")`), or that
    the query holds something (`"%00" in request.url.query.lower()`,
    `request.query_params.get("debug")`). Not a comparison (`!= API_KEY` holds where the
    header is missing)."""
    bound = {target.id: header for node in ast.walk(function) if isinstance(node, ast.Assign)
             and (header := _header_of(node.value)) is not None
             for target in node.targets if isinstance(target, ast.Name)}

    def present_only(test: ast.expr) -> bool:
        operands = test.values if isinstance(test, ast.BoolOp) and \
            isinstance(test.op, ast.And) else [test]
        for operand in operands:
            header = _header_of(operand) or (bound.get(operand.id)
                                             if isinstance(operand, ast.Name) else None) or \
                _prefix_of_header(operand, bound)
            if header is not None and header not in _PROBE_HEADERS or _needs_a_query(operand):
                return True
        return False
    return present_only


# what a request's query string is read as: `request.url.query`, `request.query_params`,
# ASGI's `scope["query_string"]`
_QUERY = lazy_compile(r"(?:\.url\.query|\bquery_params|\[[\"']query_string[\"']\])$")


def _needs_a_query(test: ast.expr) -> bool:
    """The test holds only where the request has a query string: something is in it, it is
    not empty, or a parameter of it is there (`.get("debug")` with no default)."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and \
            isinstance(test.ops[0], ast.In):
        return _is_query(test.comparators[0])
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and \
            test.func.attr == "get" and len(test.args) == 1 and not test.keywords:
        return _is_query(test.func.value)
    return _is_query(test)


def _is_query(expr: ast.expr) -> bool:
    """The expression is the request's query string, maybe cased or decoded first."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and \
            expr.func.attr in ("lower", "upper", "decode", "casefold") and not expr.args:
        expr = expr.func.value
    return _QUERY.search(_source(expr)) is not None


def _on_the_apps_status(function: ast.AST) -> Callable[[ast.expr], bool]:
    """Whether a test reads the status of the app's own answer (`response = await
    call_next(request)`, then `if response.status_code == 404:`): a branch that rewrites an
    error the app answered, which a health route that answers 200 never reaches."""
    names = {target.id for node in ast.walk(function) if isinstance(node, ast.Assign)
             and any(isinstance(call, ast.Call) and called_name(call) in _PASSING_ON
                     for call in ast.walk(node.value))
             for target in node.targets if isinstance(target, ast.Name)}
    read = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(names))) + r")\.status_code\b") \
        if names else None
    return lambda test: read is not None and bool(read.search(_source(test)))


def _outside_branches(nodes: list[ast.AST], function: ast.AST,
                      skipped: Callable[[ast.expr], bool]) -> list[ast.AST]:
    """The nodes not in the body of an `if` whose test a probe does not pass (`skipped`)."""
    parents = {id(child): node for node in ast.walk(function)
               for child in ast.iter_child_nodes(node)}
    kept = []
    for node in nodes:
        child, parent = node, parents.get(id(node))
        while parent is not None and not (
                isinstance(parent, ast.If) and any(child is s for s in parent.body) and
                skipped(parent.test)):
            child, parent = parent, parents.get(id(parent))
        if parent is None:
            kept.append(node)
    return kept


# what a middleware calls to pass a request on to the app: `call_next(request)`,
# `self.app(scope, receive, send)`, `self.call_next`
_PASSING_ON = frozenset({"call_next", "app"})


def _before_passing_on(nodes: list[ast.AST], function: Function) -> list[ast.AST]:
    """The nodes above the first line that passes the request on to the app (all of them
    where none does): what runs on the request before the app answers it. The function's
    last positional parameter passes it on too (`async def guard(request, forward)`)."""
    positional = function.args.args
    names = _PASSING_ON | ({positional[-1].arg} if len(positional) > 1 else set())
    # one in a branch for other paths or methods (`if path in PUBLIC: return await
    # call_next(request)`) does not pass a probe of the health path on
    lines = [node.lineno for node in _on_probe(nodes, function) if isinstance(node, ast.Call)
             and called_name(node) in names]
    first = min(lines) if lines else None
    return nodes if first is None else \
        [node for node in nodes if getattr(node, "lineno", first) < first]


def _by_helper(nodes: list[ast.AST], resolve: Resolve,
               cls: ast.ClassDef | None = None) -> int | None:
    """The error status a function the middleware calls answers for it: one it is given
    (`reject(400)`), else one it writes, else 500 where it raises; not below where it lets
    a probe's method through (`past_a_probes_exit`, with the class's literals: `cls`)."""
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        name = dotted_name(node.func)
        helper = resolve(name) if name else None
        if helper is None:
            continue
        passed = next((code for name, arg in _arguments(node, helper)
                       if _STATUS_PARAMETER.search(name)
                       and (code := _error_code(arg)) is not None), None)
        if passed is not None:
            return passed
        inside = _on_probe(_before_passing_on(list(_outside_handlers(helper)), helper), helper)
        if isinstance(helper, (ast.FunctionDef, ast.AsyncFunctionDef)):
            past = {id(node) for node in past_a_probes_exit(inside, helper, cls)}
            inside = [node for node in inside if id(node) not in past]
        written = answered_error(inside)
        if written is not None:
            return written[0]
        if _raises_on_probe(inside, helper):
            return 500
    return None


# what an `if` tests when it guards a refusal of a request that lacks a credential or a
# header (`if "x-tenant" not in request.headers: raise ...`): a probe sends none
_LACKS = lazy_compile(r"headers|cookies|query_params|authori[sz]ation|api_?key|token", re.I)
_NEGATED = lazy_compile(r"\bnot\b|\bis None\b|!=")


def _raises_on_probe(nodes: list[ast.AST], function: ast.AST) -> bool:
    """One of the nodes raises where a plain GET of a health path gets to it: no `if` above
    it, or only `if`s that test for a header or credential the request lacks. A raise under
    another test (`if request.client is None`, `if not PATTERN.match(value)`, `if engine
    is None`) is about input or state a probe does not bring, or fixer cannot tell."""
    raises = [n for n in nodes if isinstance(n, ast.Raise) and n.exc is not None]
    if not raises:
        return False
    parents = {id(child): node for node in ast.walk(function)
               for child in ast.iter_child_nodes(node)}
    # names the function gives what a request brings (`tenant = request.headers.get(...)`)
    brought = {t.id for node in ast.walk(function) if isinstance(node, ast.Assign)
               and _LACKS.search(_source(node.value))
               for t in node.targets if isinstance(t, ast.Name)}
    for raised in raises:
        child: ast.AST = raised
        parent = parents.get(id(raised))
        while parent is not None:
            if isinstance(parent, ast.If) and any(child is s for s in parent.body):
                test = _source(parent.test)
                reads = _LACKS.search(test) or any(
                    isinstance(n, ast.Name) and n.id in brought for n in ast.walk(parent.test))
                if not (reads and _NEGATED.search(test)):
                    break
            child, parent = parent, parents.get(id(parent))
        if parent is None:
            return True
    return False


# a parameter that takes a status (`status_code`, `code`, `status`): a number given to any
# other (`slow_ms=500`) is no answer
_STATUS_PARAMETER = lazy_compile(r"status|code", re.I)


def _arguments(call: ast.Call, function: Function) -> Iterator[tuple[str, ast.expr]]:
    """(parameter name, argument) of each argument the call gives the function."""
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    if positional and positional[0] in ("self", "cls"):
        positional = positional[1:]
    for name, arg in zip(positional, call.args):
        yield name, arg
    for keyword in call.keywords:
        if keyword.arg is not None:
            yield keyword.arg, keyword.value


def _resolver(mods: Modules, path: str, tree: ast.Module,
              cls: ast.ClassDef | None = None) -> Resolve:
    """What a name a middleware calls stands for: a method of its class (`self.check`), a
    function of its module, or one a module of the import root defines."""
    def resolve(name: str) -> Function | None:
        if name.startswith("self.") and cls is not None:
            return next((m for m in cls.body if isinstance(m, (ast.FunctionDef,
                         ast.AsyncFunctionDef)) and m.name == name[len("self."):]), None)
        if "." in name:
            return None
        found = _defined_function(mods, path, tree, name)
        return found[2] if found is not None else None
    return resolve


def _https_redirect(nodes: Iterable[ast.AST]) -> int | None:
    """The status of the first `RedirectResponse(...)` among the nodes that names https: a
    literal `"https://..."` in its arguments or `scheme="https"`."""
    for node in nodes:
        if not (isinstance(node, ast.Call) and
                (called_name(node) or "").endswith("RedirectResponse")):
            continue
        if any(isinstance(n, ast.Constant) and isinstance(n.value, str) and
               n.value.startswith("https") for n in ast.walk(node)):
            given = next((k.value for k in node.keywords if k.arg == "status_code"), None)
            return given.value if isinstance(given, ast.Constant) and \
                type(given.value) is int else 307
    return None


def answered_error(nodes: Iterable[ast.AST]) -> tuple[int, int] | None:
    """The first error status (400 to 599) among the nodes, and its line: a
    `status_code=`/`status=` keyword or assignment (`response.status_code = 503`), an ASGI
    `{"status": ...}`, an `HTTPException(...)` or a response's status argument, a
    `status.HTTP_4xx_...` name, and any 401 or 403 at all."""
    for node in nodes:
        code = _status_of(node)
        if code is not None:
            return code, getattr(node, "lineno", 0)
    return None


def lets_health_through(function: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module,
                         cls: ast.ClassDef | None = None) -> tuple[str, ...]:
    """The health paths the middleware tests the request's path against, to exempt them
    from what it refuses: `== "/health"`, `in ["/health", "/metrics"]`, `in EXEMPT` (a
    collection the module or the class assigns), and, as a prefix (`/health*`),
    `.startswith("/health")`."""
    found: list[str] = _passed_on(function, tree, cls)
    # a predicate given the path (`needs_key(request.url.path)`): the test it returns too
    inlined = [test for node in ast.walk(function) if isinstance(node, ast.Call)
               for test in [inlined_predicate(node, tree, cls)] if test is not None]
    for node in (n for part in [function, *inlined] for n in ast.walk(part)):
        if isinstance(node, ast.Compare):
            parts, prefix = [node.left, *node.comparators], False
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "startswith":
            parts, prefix = [node.func.value, *node.args], True
        else:
            continue
        if any("path" in ast.unparse(part) for part in parts):
            found += [path + ("*" if prefix else "") for part in parts
                      for path in _health_literals(named_collection(part, tree, cls))]
    return tuple(found)


# health paths a pass-through test is tried on: the one H001 adds and the common others
_PROBE_PATHS = ("/health", "/healthz", "/health/", "/ping", "/status", "/livez", "/readyz",
                "/live", "/ready", "/health/live", "/health/ready", "/healthcheck")


def _passed_on(function: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module,
               cls: ast.ClassDef | None) -> list[str]:
    """The health paths an early pass-through lets by (`if not request.url.path.endswith(
    "/predict"): return await call_next(request)` before what refuses): its test, on the
    path alone, holds for them. Only tests before anything that may answer count."""
    found: list[str] = []
    local: dict[str, ast.expr] = {}   # `is_public = self._is_public(path)`, tested below
    for stmt in function.body:
        if isinstance(stmt, ast.If) and _returns_next(stmt.body, function):
            test = with_values(stmt.test, local)
            found += [p for p in _PROBE_PATHS if holds_for_path(test, p, tree, cls) is True]
        elif any(isinstance(node, (ast.Return, ast.Raise)) for node in ast.walk(stmt)):
            break
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], ast.Name):
            local[stmt.targets[0].id] = with_values(stmt.value, local)
        else:   # bound again in a block, maybe: no longer known
            for node in ast.walk(stmt):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    local.pop(node.id, None)
    return found


def _returns_next(body: list[ast.stmt], function: ast.FunctionDef | ast.AsyncFunctionDef
                  ) -> bool:
    """The block ends by handing the request on (`return await call_next(request)`) and
    answers nothing before."""
    names = {"call_next", function.args.args[-1].arg} if function.args.args else {"call_next"}
    last = body[-1] if body else None
    return isinstance(last, ast.Return) and last.value is not None and \
        _awaits_next(last.value, names) and not any(
            isinstance(node, (ast.Return, ast.Raise)) for stmt in body[:-1]
            for node in ast.walk(stmt))


def _health_literals(node: ast.expr) -> list[str]:
    items = node.elts if isinstance(node, (ast.List, ast.Tuple, ast.Set)) else [node]
    return [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)
            and i.value.startswith("/") and "health" in i.value.lower()]


def _outside_handlers(function: ast.AST, skipped: Collection[ast.stmt] = ()) -> Iterator[ast.AST]:
    stack = [function]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in reversed(list(ast.iter_child_nodes(node)))
                     if not isinstance(child, ast.ExceptHandler) and child not in skipped)


def _placeholders(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    """`response = Response(..., status_code=500)` statements that a later
    `response = await call_next(request)` replaces on every path before anything returns:
    the statements the function runs in order (into `try` and `with` bodies, not into
    branches), with no `return` between the two."""
    positional = function.args.args
    names = {"call_next", positional[-1].arg} if positional else {"call_next"}
    pending: dict[str, ast.stmt] = {}
    found: list[ast.stmt] = []
    for stmt in _in_order(function.body):
        assign = stmt if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
        target = assign.targets[0] if assign is not None else None
        if assign is not None and isinstance(target, ast.Name) and \
                _awaits_next(assign.value, names) and target.id in pending:
            found.append(pending.pop(target.id))
        elif isinstance(target, ast.Name):
            pending[target.id] = stmt
        elif any(isinstance(node, ast.Return) for node in ast.walk(stmt)):
            pending.clear()   # the placeholder may be what it returns
    return found


def _only_told(function: Function) -> list[ast.stmt]:
    """`status_code = HTTP_500_INTERNAL_SERVER_ERROR` statements whose name nothing answers
    with: every read of it is told (a log call's argument, a comparison), none returned,
    raised, given to a response or an exception, or bound to another name. A logging
    middleware starts from a 500 it logs when `call_next` raises, and answers nothing."""
    bound: dict[str, list[ast.stmt]] = {}
    for node in ast.walk(function):
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if len(targets) == 1 and isinstance(targets[0], ast.Name) and \
                _status_of(node.value) is not None:
            bound.setdefault(targets[0].id, []).append(node)
    if not bound:
        return []
    parents = {id(child): node for node in ast.walk(function)
               for child in ast.iter_child_nodes(node)}
    answered = {node.id for node in ast.walk(function) if isinstance(node, ast.Name)
                and node.id in bound and isinstance(node.ctx, ast.Load)
                and _answers_with(node, parents)}
    return [stmt for name, stmts in bound.items() if name not in answered for stmt in stmts]


def _answers_with(name: ast.Name, parents: dict[int, ast.AST]) -> bool:
    """Whether the value read may become an answer: it is returned or raised, given to a
    response or an exception (`JSONResponse(status_code=code)`), or bound elsewhere."""
    node: ast.AST = name
    as_status = False   # given as `status_code=`: to a response, unless a logger takes it
    while (parent := parents.get(id(node))) is not None and not isinstance(parent, ast.stmt):
        as_status |= isinstance(parent, ast.keyword) and parent.arg in ("status_code", "status")
        called = (called_name(parent) or "") if isinstance(parent, ast.Call) else ""
        if _TOLD_TO.fullmatch(called):
            return False   # `logger.info("done", status_code=status_code)`
        if called and (as_status or called.endswith(("Response", "Exception", "Error"))):
            return True
        node = parent
    return isinstance(parent, (ast.Return, ast.Raise, ast.Assign, ast.AnnAssign, ast.AugAssign))


# the calls that only tell a value: a logger's methods, print, a metric's observation
_TOLD_TO = lazy_compile(r"debug|info|warning|warn|error|exception|critical|log|msg|print|"
                        r"observe|inc|labels|set_attribute|set_tag")


def _raises_again(handler: ast.ExceptHandler) -> bool:
    """`except Exception: log(...); raise`: the handler ends in a `raise` and returns
    nothing, so what the `try` set up is never answered from it."""
    return bool(handler.body) and isinstance(handler.body[-1], ast.Raise) and not any(
        isinstance(node, ast.Return) for node in ast.walk(handler))


def _in_order(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run one after the other: a `try` or `with` block's own body in
    place of the block (a `try` with handlers stays whole: a handler may return; not one
    whose handlers all raise again and return nothing, as a logging handler does)."""
    for stmt in body:
        if isinstance(stmt, ast.Try) and all(_raises_again(h) for h in stmt.handlers):
            yield from _in_order(stmt.body)
            yield from _in_order(stmt.finalbody)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            yield from _in_order(stmt.body)
        else:
            yield stmt


def _awaits_next(value: ast.expr, names: Collection[str]) -> bool:
    return isinstance(value, ast.Await) and isinstance(value.value, ast.Call) and \
        isinstance(value.value.func, ast.Name) and value.value.func.id in names


# the request's mappings a probe sends nothing of: a lookup in one raises KeyError
_SENT_BY_CLIENTS = frozenset({"headers", "cookies", "query_params"})
# the exceptions such a lookup raises, as an `except` names them (None: a bare `except:`)
_LOOKUP_FAILURES = frozenset({None, "Exception", "BaseException", "KeyError", "LookupError"})


def _probe_failure(node: ast.AST) -> int | None:
    """The error status a `try` answers a probe with where its body looks up a header, a
    cookie or a query parameter (`request.headers["Authorization"]`), which a healthcheck
    never sends, and a handler for the KeyError answers one: the probe takes that path
    (the 400 of a missing token comes before the 401 of a wrong one). The headers of the
    app's answer (`response.headers[key] = value`, `response` awaited from `call_next`)
    are no lookup of the request's."""
    if not isinstance(node, ast.Try):
        return None
    answers = {target.id for stmt in node.body for n in ast.walk(stmt)
               if isinstance(n, (ast.Assign, ast.AnnAssign)) and isinstance(n.value, ast.Await)
               for target in (n.targets if isinstance(n, ast.Assign) else [n.target])
               if isinstance(target, ast.Name)}
    if not any(isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) and
               isinstance(n.value, ast.Attribute) and n.value.attr in _SENT_BY_CLIENTS and
               not (isinstance(n.value.value, ast.Name) and n.value.value.id in answers)
               for stmt in node.body for n in ast.walk(stmt)):
        return None
    for handler in node.handlers:
        caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any((ast.unparse(c).rsplit(".", 1)[-1] if c is not None else None)
               in _LOOKUP_FAILURES for c in caught):
            return next((code for n in ast.walk(handler)
                         if (code := _status_of(n)) is not None), None)
    return None


def _status_of(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int and node.value in _REFUSALS:
        return node.value
    if isinstance(node, ast.Name):   # every name of every handler: hot, and its own source
        named = _STATUS_NAME.search(node.id)
        return int(named.group(1)) if named else None
    if isinstance(node, ast.Attribute):
        named = _STATUS_NAME.search(_source(node))
        return int(named.group(1)) if named else None
    if isinstance(node, ast.keyword) and node.arg in ("status_code", "status"):
        return _error_code(node.value)
    if isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr in (
            "status_code", "status") for t in node.targets):
        return _error_code(node.value)
    if isinstance(node, ast.Dict):
        return next((_error_code(v) for k, v in zip(node.keys, node.values)
                     if isinstance(k, ast.Constant) and k.value == "status"
                     and _error_code(v) is not None), None)
    if isinstance(node, ast.Call):
        called = called_name(node) or ""
        at = 0 if called == "HTTPException" else 1 if called.endswith("Response") else None
        if at is not None and len(node.args) > at:
            return _error_code(node.args[at])
    return None


def _source(node: ast.expr) -> str:
    """`ast.unparse(node)`, without its cost for a plain name or dotted name."""
    dotted = dotted_name(node)
    return dotted if dotted is not None else ast.unparse(node)


def _error_code(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int and 400 <= node.value < 600:
        return node.value
    return None


def _class_routes(mods: Modules, site: AppSite, created: ast.Call, result: AppRoutes) -> None:
    """The routes the app's class adds to itself in `__init__`, and the doubt it casts."""
    found = app_class(mods, site.path, site.tree, created)
    result.foreign = found.foreign
    result.doubt = class_doubt(found)
    if found.unread_said:
        result.note(found.unread_said)
    for path, tree, cls in found.classes:
        for init in (s for s in cls.body if isinstance(s, ast.FunctionDef)
                     and s.name == "__init__"):
            _scan(mods, path, tree, init, "self", "", result, False, 0)
            passed = init.args.kwarg.arg if init.args.kwarg is not None else None
            if passed is not None and name_uses(init, passed) > 1:
                passed = None   # `kwargs.setdefault(...)` first: not its caller's as given
            text = mods.read(path)
            result.doubt = result.doubt or _router_settings(text.text if text else "", init,
                                                            "self")
            for call in _super_inits(init):   # what the class gives FastAPI's constructor
                result.doubt = result.doubt or _app_wide_dependencies(call) or \
                    _default_response_class(call) or _unread_keywords(call, passed)


# the (name, line) of each binding of a spread's name a call took (`kw = dict(...)` at line 9)
Taken = tuple[tuple[str, int], ...]
# a call the app's constructor may make, its spreads fixer reads spelled out as keywords
SpreadCall = tuple[ast.Call, Taken]


def _spread_calls(site: AppSite, created: ast.Call) -> list[SpreadCall]:
    """The calls `created` may make, each `**` spread fixer reads spelled out as keywords:
    `**{"docs_url": None}`, and `**NAME` where every binding of NAME in its scope (the
    factory's own, else the module's) is a dict literal with string keys or a `dict(k=v)`
    call, and nothing else touches NAME (`KW["dependencies"] = ...`, `KW.update(...)`). One
    call per binding (`if prod: kw = dict(docs_url=None) else: kw = dict()`): what any run
    may give. A spread fixer cannot read stays in each call (`_unread_keywords`)."""
    calls: list[tuple[list[ast.keyword], Taken]] = [([], ())]
    for keyword in created.keywords:
        options = _spread_options(site, keyword.value) if keyword.arg is None else None
        if options is None:   # a keyword as written, or a spread fixer cannot read
            options = [([keyword], ())]
        calls = [(given + read, taken + where) for given, taken in calls
                 for read, where in options]
    if len(calls) == 1 and calls[0][0] == created.keywords:
        return [(created, ())]
    return [(ast.Call(func=created.func, args=created.args, keywords=given), taken)
            for given, taken in calls]


def _spread_options(site: AppSite,
                    spread: ast.expr) -> list[tuple[list[ast.keyword], Taken]] | None:
    """The keywords a `**` spread may give, one list per binding of its name (with where
    that binding is); None when fixer cannot read them all."""
    if isinstance(spread, (ast.Dict, ast.IfExp)):
        written = [dict_keywords(value) for value in alternatives(spread)]
        return None if None in written else [(given, ()) for given in written if given is not None]
    if not isinstance(spread, ast.Name):
        return None
    holder = _holder(site, spread.id)
    bindings = [stmt for _top, stmt in statements(holder.body)
                if spread.id in own_names(stmt)] if holder is not None else []
    if holder is None or not bindings or name_uses(holder, spread.id) != len(bindings) + 1:
        return None
    options: list[tuple[list[ast.keyword], Taken]] = []
    for stmt in bindings:
        for value in alternatives(assigned_value(stmt)):
            given = dict_keywords(value)
            if given is None:
                return None
            options.append((given, ((spread.id, stmt.lineno),)))
    return options


def _holder(site: AppSite, name: str) -> Scope | None:
    """The scope whose binding of `name` the app's creation reads: the factory, when it
    binds `name` itself, else the module; None for a parameter of the factory (its
    caller's value)."""
    scope = site.scope
    if isinstance(scope, ast.Module):
        return scope
    args = scope.args
    parameters = [*args.posonlyargs, *args.args, *args.kwonlyargs,
                  *(a for a in (args.vararg, args.kwarg) if a is not None)]
    if any(a.arg == name for a in parameters):
        return None
    return scope if name in bound_names(scope.body) else site.tree


def _keywords_doubt(calls: list[SpreadCall]) -> str | None:
    """Why a route added to the app may not answer as its constructor's keywords set it up
    (its `dependencies=`, `default_response_class`, keywords fixer cannot read), on any call
    it may make; a doubt some calls do not share names the binding that gives it."""
    doubts = [(_app_wide_dependencies(call) or _default_response_class(call) or
               _unread_keywords(call), taken) for call, taken in calls]
    doubt, taken = next(((d, t) for d, t in doubts if d is not None), (None, ()))
    if doubt is None or all(d == doubt for d, _t in doubts):
        return doubt
    where = " and ".join(f"line {line} binds `{name}`" for name, line in taken)
    return f"where {where}, {doubt}"


def _unique_id_doubt(mods: Modules, site: AppSite, calls: list[SpreadCall]) -> str | None:
    """`FastAPI(generate_unique_id_function=by_tag)`: FastAPI calls it for each route as the
    route is added, an added health route too; one that reads the route's tags
    (`f"{route.tags[0]}-{route.name}"`, as the full-stack template's does) raises
    IndexError at import for a route with none, and the app never starts. One fixer cannot
    read may do the same."""
    for call, _taken in calls:
        given = next((k.value for k in call.keywords
                      if k.arg == "generate_unique_id_function"), None)
        if given is None:
            continue
        found = _defined_function(mods, site.path, site.tree, given.id) \
            if isinstance(given, ast.Name) else None
        read: ast.AST | None = given if isinstance(given, ast.Lambda) else \
            found[2] if found is not None else None
        shown = clipped(ast.unparse(given), 60)
        if read is None:
            return (f"the app names each route's operation id with `{shown}`, which fixer "
                    "cannot read: it may fail on a route added with no tags")
        if any(isinstance(n, ast.Attribute) and n.attr == "tags" for n in ast.walk(read)):
            where = f" ({found[0]}:{found[2].lineno})" if found is not None else ""
            return (f"the app names each route's operation id with `{shown}`{where}, which "
                    "reads the route's tags: a route added with none raises at import, and "
                    "the app would not start")
    return None


def _root_path(tree: ast.Module, created: ast.Call) -> str | None:
    given = next((k.value for k in created.keywords if k.arg == "root_path"), None)
    return string_value(tree, given) if given is not None else None


def _super_inits(init: ast.FunctionDef) -> list[ast.Call]:
    """The `super().__init__(...)` calls of a class's `__init__`."""
    return [node for node in ast.walk(init) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__"
            and is_call_to(node.func.value, "super")]


def _unread_keywords(created: ast.Call, passed: str | None = None) -> str | None:
    """`FastAPI(**settings.app_kwargs)`: keywords fixer cannot read, which may give the app
    `dependencies=` or a `default_response_class` that the added route would have too. A
    spread fixer reads is no doubt (`_spread_calls` spells out its keys), nor is `passed`,
    a subclass's `**kwargs` handed on to FastAPI (its caller's, read there)."""
    spread = next((k.value for k in created.keywords if k.arg is None and
                   not (isinstance(k.value, ast.Name) and k.value.id == passed)), None)
    if spread is None:
        return None
    return (f"the app is created with `**{ast.unparse(spread)}`, whose keywords fixer cannot "
            "read (`dependencies=` or a `default_response_class` there apply to every "
            "route, a health route too)")


# the statements `_scan` reads: decorated definitions, calls, loops; the blocks that hold
# others (`if`, `try`) add nothing themselves, and `statements` yields what they hold
_MAY_ADD_ROUTES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Expr, ast.For,
                   ast.AsyncFor, ast.While)


def _stores_app(stmt: ast.stmt, var: str) -> bool:
    """The statement stores the app in an attribute or an item of another object
    (`admin_service.app = app`, `registry["api"] = app`): code fixer does not follow (the
    object's methods, `self.app.get("/health")`) may add routes to it."""
    targets = stmt.targets if isinstance(stmt, ast.Assign) else \
        [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
    value = getattr(stmt, "value", None)
    return isinstance(value, ast.Name) and value.id == var and \
        any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets)


def _scan(mods: Modules, path: str, tree: ast.Module, scope: Scope, var: str, prefix: str,
          result: AppRoutes, anchors: bool, depth: int, until: ast.stmt | None = None) -> None:
    """The routes the statements of `scope` add to `var` (those before `until`, when given)."""
    # the statement binding `var`, found when a nested statement adds routes: `_condition`
    # settles a route a top statement adds without it, and finding it walks the whole scope
    binds: list[ast.stmt | None] = []
    for top, stmt in statements(scope.body):
        if stmt is until:
            return
        if _stores_app(stmt, var):   # `service.app = app`, then `service.add_routes()`
            result.note(f"`{ast.unparse(stmt)}` hands the app to an object whose methods may "
                        "add routes")
            continue
        if not isinstance(stmt, _MAY_ADD_ROUTES) and not (   # an import, most assignments
                depth == 0 and isinstance(stmt, (ast.Assign, ast.AnnAssign)) and
                isinstance(stmt.value, ast.Call) and (stmt.value.args or stmt.value.keywords)):
            continue
        before = len(result.routes)
        routed = False  # the statement adds routes (even unreadable ones): a new one goes after
        # a class-based view (`@cbv(router)` of fastapi-restful/fastapi-utils) declares its
        # routes on methods, `@router.get("/health")` as on functions
        functions = [stmt] if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) else \
            [m for m in stmt.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))] \
            if isinstance(stmt, ast.ClassDef) else []
        for function in functions:
            for decorator in function.decorator_list:
                if isinstance(decorator, ast.Call) and _method_of(decorator, var) in ROUTE_METHODS:
                    _add_route(result, tree, decorator, prefix, function, depth == 0,
                               mods, path)
                    routed = True
                elif isinstance(decorator, ast.Call) and depth == 0 and \
                        _method_of(decorator, var) == "middleware":
                    _middleware_answers(tree, function, result)
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            method = _method_of(call, var)
            if depth == 0 and call.args and isinstance(call.args[0], ast.Name) and (
                    method == "add_middleware" or isinstance(call.func, ast.Call) and
                    _method_of(call.func, var) == "middleware"):
                # `app.middleware("http")(probes)`, `app.add_middleware(HealthMiddleware)`
                found = _module_function(tree, call.args[0].id)
                if found is not None:
                    _middleware_answers(tree, found, result)
                elif _HEALTH_NAME.search(call.args[0].id):
                    result.opaque.append(("/", f"the middleware `{call.args[0].id}`"))
            if method == "mount":
                _mount(mods, path, tree, scope, call, prefix, result, depth)
                where = string_value(tree, call_argument(call, 0, "path"))
                if anchors and where is not None:
                    result.mounts.append((join_paths(prefix, where), top))
            elif _exposes(call, var):
                endpoint = next((k.value for k in call.keywords if k.arg == "endpoint"), None)
                served = string_value(tree, endpoint) if endpoint is not None else "/metrics"
                result.opaque.append((join_paths(prefix, served or "/"), ast.unparse(call)))
            elif isinstance(call.func, ast.Call) and \
                    _method_of(call.func, var) in ROUTE_METHODS:   # `app.get("/health")(h)`
                routed = True
                handler = _module_function(tree, call.args[0].id) \
                    if call.args and isinstance(call.args[0], ast.Name) else None
                _add_route(result, tree, call.func, prefix, handler, depth == 0, mods, path)
            elif method in ("add_websocket_route", "add_api_websocket_route"):
                routed = True   # no GET route; a route added goes after it all the same
            elif method in _CALLS_ADDING_ROUTES:
                routed = True
                if method == "include_router":
                    _include(mods, path, tree, scope, stmt, prefix, result, depth)
                else:
                    _add_route(result, tree, call, prefix, None, depth == 0, mods,
                               path)
            elif _helper_name(call.func) and _hands_over(call, var) and \
                    not _adds_to_its_owner(scope, tree, call):
                helper = _helper_name(call.func)
                if _may_add_routes(mods, path, tree, call, helper, var):
                    result.note(f"`{_call_shown(call, helper, var)}` may add routes")
                    _follow_helper(mods, path, tree, call, helper, var, prefix, result, depth)
                if depth == 0:
                    result.doubt = result.doubt or _helper_middleware(mods, path, tree,
                                                                      helper, var, call)
            elif isinstance(call.func, ast.Attribute) and \
                    isinstance(inner := call.func.value, ast.Call) and \
                    _hands_over(inner, var) and (helper := _helper_name(inner.func)) and \
                    _may_add_routes(mods, path, tree, inner, helper, var):
                # `OpenAIServe(app=app).bind_openai_api()`: the object given the app may add
                # routes (or mount an app of its own) when its method runs
                result.note(f"`{clipped(ast.unparse(call), 80)}` hands the app to an object whose "
                            "methods may add routes")
            elif (closing := _closing_over(scope, call, var)) is not None and depth <= 5:
                # `register_routes()`, whose `@app.get("/health")` adds to this scope's app
                _scan(mods, path, tree, closing, var, prefix, result, False, depth + 1)
        elif depth == 0 and isinstance(stmt, (ast.Assign, ast.AnnAssign)) and \
                isinstance(stmt.value, ast.Call) and _hands_over(stmt.value, var) and \
                _helper_name(stmt.value.func) and _assigned_name(stmt) != var:
            # (`app = GZipMiddleware(app)` wraps it: `find_app` reads what the server runs)
            # `mw = Middleware(app)`, then `mw.register()`: what it does to the app is its own
            result.doubt = result.doubt or _kept_by(mods, path, tree, stmt.value, var)
            kept, helper = _assigned_name(stmt), _helper_name(stmt.value.func)
            called = _method_called(scope, kept) if kept else None
            if called is not None and helper and \
                    _may_add_routes(mods, path, tree, stmt.value, helper, var):
                # `serve = GraphServe(app=app)`, then `serve.bind_api()`: its method may add
                # routes to the app it was given, or mount an app of its own
                shown = clipped(ast.unparse(stmt.value), 60)
                result.note(f"`{kept} = {shown}` hands the app to an object whose methods may "
                            f"add routes (`{called}`)")
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)) and _adds_in_loop(stmt, var):
            routed = True   # `for path, fn in ROUTES: router.add_api_route(path, fn)`
            if not _unrolled(mods, path, tree, scope, stmt, var, prefix, result, depth):
                result.note(f"routes are added to `{var}` in a loop ({path}:{stmt.lineno})")
        if anchors and routed:
            result.anchors.append(top)
        condition = None
        if len(result.routes) > before and stmt is not top:
            binds = binds or [binding(scope.body, var)]
            condition = _condition(top, stmt, binds[0], scope.body)
        if condition is not None:
            _unsettle(result, before, condition, path)


def _unsettle(result: AppRoutes, before: int, condition: ast.stmt, module: str) -> None:
    """The routes from `before` on were added inside the block `condition` (of `module`)
    on some runs only: they are unsure, neither served nor unserved, and no probe may take
    one (`/debug/ping` under `if DEBUG:` answers 404 unless DEBUG is set)."""
    added = result.routes[before:]
    del result.routes[before:]
    for route in added:
        if route.get:
            result.unsure.add(route.path)
            result.conditional.append((route.path, f"{module}:{condition.lineno}"))


def _condition(top: ast.stmt, stmt: ast.stmt, bound: ast.stmt | None,
               scope: Sequence[ast.stmt] = ()) -> ast.stmt | None:
    """The outermost block of `top` (an `if`, a `try`) that runs `stmt` on some of the runs
    where `bound` (the statement that binds the app or router) has run: `stmt` is in a
    branch of it that `bound` is not in. None when `stmt` runs whenever `bound` has: a
    route in the `if __name__ == "__main__":` block that creates the app is served."""
    if stmt is top:
        return None
    shared = [body for _block, body in _branches(top, bound) or []] if bound is not None \
        else []
    found = next(((block, body) for block, body in _branches(top, stmt) or []
                  if all(body is not other for other in shared)), None)
    if found is None or _guarded_alike(found, bound, scope):
        return None
    return found[0]


def _guarded_alike(branch: Branch, bound: ast.stmt | None, scope: Sequence[ast.stmt]) -> bool:
    """The block runs `stmt` under the very test that alone guards the app's creation (`if
    HAS_FASTAPI:` around `app = FastAPI()`, and again around its routes): whenever the app
    exists, its routes are added."""
    block, body = branch
    if bound is None or not isinstance(block, ast.If) or body is not block.body:
        return False
    holder = next((top for top in scope if _branches(top, bound) is not None), None)
    if not isinstance(holder, ast.If):
        return False
    guards = _branches(holder, bound)
    return guards is not None and len(guards) == 1 and guards[0][1] is holder.body and \
        ast.dump(block.test) == ast.dump(holder.test)


Branch = tuple[ast.stmt, list[ast.stmt]]   # a block, and one of its bodies


def _branches(top: ast.stmt, stmt: ast.stmt) -> list[Branch] | None:
    """The bodies of the block `top` that hold `stmt` and run on some runs only (`_bodies`),
    each with its block, outermost first; None when `stmt` is not in `top`."""
    if stmt is top:
        return []
    for body, always in _bodies(top):
        for inner in body:
            found = _branches(inner, stmt)
            if found is not None:
                return found if always else [(top, body), *found]
    return None


def _bodies(block: ast.stmt) -> Iterator[tuple[list[ast.stmt], bool]]:
    """The bodies a block holds, and whether each runs whenever the block does: an `if`'s
    branches only when its test is a constant that picks them; a `try`'s body, handlers
    and `else` never (a statement in the body may raise, and the app starts all the same);
    a `with` body and a `finally` always; a `try`'s body and `else` also always where every
    handler raises again (the app is not created on a run where they do not run)."""
    if isinstance(block, ast.If):
        settled = isinstance(block.test, ast.Constant)
        value = isinstance(block.test, ast.Constant) and bool(block.test.value)
        yield block.body, settled and value
        yield block.orelse, settled and not value
    elif isinstance(block, ast.Try):
        # a body whose every handler raises again runs whenever the app starts at all
        reraises = bool(block.handlers) and all(
            h.body and isinstance(h.body[-1], ast.Raise) for h in block.handlers)
        yield block.body, reraises
        for handler in block.handlers:
            yield handler.body, False
        yield block.orelse, reraises
        yield block.finalbody, True
    elif isinstance(block, (ast.With, ast.AsyncWith)):
        yield block.body, True


# An installed helper named for access control: it may refuse a probe as its middleware
_GUARD_WORDS = lazy_compile(r"auth|security|secure|guard|jwt|token|permission|middleware", re.I)


def _closing_over(scope: Scope, call: ast.Call, var: str
                  ) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function of the app's own scope that a statement calls without handing it the
    app, whose body reaches the app by its name (`register_routes()`, where `@app.get` adds
    to the module's `app`); None when the function has a name `var` of its own."""
    if not isinstance(call.func, ast.Name):
        return None
    function = binding(scope.body, call.func.id)
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    arguments = function.args
    own = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                           arguments.vararg, arguments.kwarg) if a is not None}
    return None if var in own or binding(function.body, var) is not None else function


def _adds_to_its_owner(scope: Scope, tree: ast.Module, call: ast.Call) -> bool:
    """`app.include_router(router)`, `app.mount("/v1", sub)`: routes go to `app`, an
    object the code assigns, not to the router or app handed to it (`auth.mount(app)`, a
    function of an imported module, is a helper)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.attr in {*_CALLS_ADDING_ROUTES, "mount"}):
        return False
    bound = binding(scope.body, func.value.id) or binding(tree.body, func.value.id)
    return bound is not None and not isinstance(bound, (ast.Import, ast.ImportFrom))


def _helper_name(func: ast.expr) -> str:
    """The function a statement calls, as written, when it is one the app may be handed to:
    `setup`, or `mw.setup` (a function of an imported module); "" otherwise."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return ""


def _helper_function(mods: Modules, path: str, tree: ast.Module, name: str
                     ) -> tuple[str, ast.Module, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    """The definition `setup` or `mw.setup` names: a function of this module or imported,
    or a function of a module of the repository that this one imports (`from app.core
    import mw`)."""
    if "." not in name:
        return _defined_function(mods, path, tree, name)
    owner, attribute = name.split(".", 1)
    stmt = binding(tree.body, owner)
    origin = mods.imported(path, stmt, owner) if isinstance(stmt, (ast.Import, ast.ImportFrom)) \
        else None
    loaded = mods.load(origin[0]) if origin and origin[1] is None else None
    return _defined_function(mods, origin[0], loaded[1], attribute) if origin and loaded \
        else None


# packages whose functions the app is handed to add no route: servers (`uvicorn.run(app)`),
# tracing instrumentation, which wraps the app in middleware
# (`FastAPIInstrumentor.instrument_app(app)`, `logfire.instrument_fastapi(app)`), and
# Tortoise ORM (`register_tortoise(app, ...)` adds start-up, shutdown and error handlers)
_ADD_NO_ROUTES = frozenset({"uvicorn", "hypercorn", "granian", "daphne", "waitress",
                            "gunicorn", "opentelemetry", "logfire", "tortoise"})


def _may_add_routes(mods: Modules, path: str, tree: ast.Module, call: ast.Call, name: str,
                    var: str) -> bool:
    """Whether `name(app)` may add routes fixer does not see: not a server's or a tracing
    package's function (`uvicorn.run(app)`, `FastAPIInstrumentor.instrument_app(app)`), nor
    a function of the repository that adds none (`app.add_middleware` alone) and hands the
    app to nothing else."""
    if _of_no_route_package(tree, name):
        return False
    found = _helper_function(mods, path, tree, name)
    if found is None:
        return True
    function = found[2]
    parameter = _given_parameter(call, function, var)
    if parameter is None:
        return True
    return not _adds_no_routes(function, parameter, found[1], mods, found[0])


def _given_parameter(call: ast.Call, function: ast.FunctionDef | ast.AsyncFunctionDef,
                     var: str) -> str | None:
    """The parameter of `function` that `call` hands `var` to, by position or by keyword
    (`setup(app)`, `setup(app=app)`); None where fixer cannot tell (after a `*list` of the
    call, into the function's `*args` or `**kwargs`, or where the call does not hand it)."""
    arguments = function.args
    positional = arguments.posonlyargs + arguments.args
    for at, argument in enumerate(call.args):
        if isinstance(argument, ast.Starred):
            return None
        if isinstance(argument, ast.Name) and argument.id == var:
            return positional[at].arg if at < len(positional) else None
    named = {a.arg for a in [*arguments.args, *arguments.kwonlyargs]}
    return next((k.arg for k in call.keywords if k.arg in named
                 and isinstance(k.value, ast.Name) and k.value.id == var), None)


def _of_no_route_package(tree: ast.Module, name: str) -> bool:
    """`name` (`FastAPIInstrumentor.instrument_app`) comes from a package whose functions
    add no route (`_ADD_NO_ROUTES`), as the module `tree` imports it."""
    owner = name.split(".", 1)[0]
    stmt = binding(tree.body, owner)
    source = stmt.module if isinstance(stmt, ast.ImportFrom) else \
        next((a.name for a in stmt.names if (a.asname or a.name) == owner), owner) \
        if isinstance(stmt, ast.Import) else None
    return (source if source is not None else owner).split(".", 1)[0] in _ADD_NO_ROUTES


# decorators of the app that register no route: an error handler, an event handler
_NO_ROUTE_DECORATORS = frozenset({"exception_handler", "on_event"})


def _handles_no_request(decorator: ast.expr, var: str) -> bool:
    """`@app.exception_handler(ValueError)`, `@app.on_event("startup")`: no route."""
    return isinstance(decorator, ast.Call) and _method_of(decorator, var) in _NO_ROUTE_DECORATORS


def _lookup(node: ast.Call) -> bool:
    """A `get` that reads a value, not a route's decorator: `correlation_id.get()`,
    `os.environ.get("KEY")` (no argument, or a first one that is no path: a route's starts
    with `/` or is empty, under a router's prefix)."""
    if not isinstance(node.func, ast.Attribute) or node.func.attr != "get" or \
            any(k.arg == "path" for k in node.keywords):
        return False
    first = node.args[0] if node.args else None
    return first is None or isinstance(first, ast.Constant) and isinstance(first.value, str) \
        and first.value != "" and not first.value.startswith("/")


def _middleware_of(decorator: ast.expr, var: str) -> bool:
    """`@app.middleware("http")`: middleware, no route (whether it answers first is
    `_helper_middleware`'s doubt)."""
    return isinstance(decorator, ast.Call) and _method_of(decorator, var) == "middleware"


def _adds_no_routes(function: ast.FunctionDef | ast.AsyncFunctionDef, var: str,
                    module: ast.Module, mods: Modules, where: str, depth: int = 0) -> bool:
    """The function's body (in the module `where`) adds no route to anything, reaches no
    router, defines no decorated function and hands `var` to no call (another helper may
    add routes) but a function of a package that adds none
    (`FastAPIInstrumentor.instrument_app(app)`, as its `module` imports it) or one of the
    repository that adds none in turn (`register_exception_handler(app, exc, 500)`, a few
    calls deep)."""
    adders = {*ROUTE_METHODS, *_CALLS_ADDING_ROUTES, "mount", "router", "routes"}
    lookups = {id(node.func) for node in ast.walk(function)
               if isinstance(node, ast.Call) and _lookup(node)}
    # `app.mount("/ws", asgi)`: a sub-application under its own prefix answers no path of
    # the app's routes; one at the root (`"/"`) may answer them all
    prefixed = {id(node.func) for node in ast.walk(function)
                if isinstance(node, ast.Call) and _method_of(node, var) == "mount" and
                (mounted := string_value(module, call_argument(node, 0, "path"))) and
                mounted.strip("/")}
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and node.attr in adders and \
                id(node) not in lookups and id(node) not in prefixed:
            return False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and \
                node is not function and not all(_handles_no_request(d, var) or
                                                 _middleware_of(d, var)
                                                 for d in node.decorator_list):
            return False
        if isinstance(node, ast.Call) and _hands_on(node, var) and \
                not _of_no_route_package(module, _helper_name(node.func)) and \
                not _helper_adds_none(mods, where, module, node, var, depth):
            return False
    return True


def _helper_adds_none(mods: Modules, where: str, module: ast.Module, call: ast.Call,
                      var: str, depth: int) -> bool:
    """The repository function `call` hands `var` to adds no route (`_adds_no_routes`):
    read three calls deep at most."""
    name = _helper_name(call.func)
    found = _helper_function(mods, where, module, name) if name and depth < 3 else None
    if found is None:
        return False
    parameter = _given_parameter(call, found[2], var)
    return parameter is not None and \
        _adds_no_routes(found[2], parameter, found[1], mods, found[0], depth + 1)


def _follow_helper(mods: Modules, path: str, tree: ast.Module, call: ast.Call, name: str,
                   var: str, prefix: str, result: AppRoutes, depth: int) -> None:
    """The routes a function of the repository adds to the app it is handed
    (`register_routers(app)` including a router with `/health`): they are served. What
    else it may add stays unknown (the caller's note), so a route fixer would add beside
    them is still in doubt."""
    found = _helper_function(mods, path, tree, name) if depth <= 5 else None
    if found is None:
        return
    where, module, function = found
    parameter = _given_parameter(call, function, var)
    if parameter is not None:
        _scan(mods, where, module, function, parameter, prefix, result, False, depth + 1)


def _method_called(scope: Scope, name: str) -> str | None:
    """The first method call on `name` a statement of the scope makes (`serve.bind_api()`),
    as written; None where there is none."""
    for _top, stmt in statements(scope.body):
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
                isinstance(stmt.value.func, ast.Attribute) and \
                isinstance(stmt.value.func.value, ast.Name) and stmt.value.func.value.id == name:
            return clipped(ast.unparse(stmt.value), 60)
    return None


def _hands_over(call: ast.Call, var: str) -> bool:
    """The call is given `var` itself, by position or by keyword (`setup(app)`,
    `init_middlewares(app_=app)`)."""
    return any(isinstance(a, ast.Name) and a.id == var
               for a in [*call.args, *(k.value for k in call.keywords)])


def _kept_by(mods: Modules, path: str, tree: ast.Module, call: ast.Call,
             var: str) -> str | None:
    """Why a route added to the app may refuse a probe, where a call whose result is kept
    is handed the app (`middleware = Middleware(app)`): a function is read as when its
    result is not kept (`_helper_middleware`); a class of the repository whose code adds
    middleware, or one fixer cannot read named for access control, may add middleware
    that answers before the routes."""
    name = _helper_name(call.func)
    if _helper_function(mods, path, tree, name) is not None:
        return _helper_middleware(mods, path, tree, name, var, call)
    found = _helper_class(mods, path, tree, name)
    shown = _call_shown(call, name, var)
    if found is None:
        return (f"`{shown}`, which fixer does not read, may add middleware that answers before "
                "the routes") if _GUARD_WORDS.search(name) and \
            not _of_no_route_package(tree, name) else None
    where, cls = found
    if not _adds_middleware(cls):
        return None
    return (f"`{shown}` hands the app to the class {cls.name} ({where}:{cls.lineno}), which "
            "adds middleware to it that may answer before the health route")


def _adds_middleware(cls: ast.ClassDef) -> bool:
    """The class's code registers middleware (`app.add_middleware(...)`, `app.middleware(
    "http")`), whatever its name says (`RegisterErrorsMiddleware` that only adds exception
    handlers registers none)."""
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
               node.func.attr in ("add_middleware", "middleware")
               for node in ast.walk(cls))


def _helper_class(mods: Modules, path: str, tree: ast.Module,
                  name: str) -> tuple[str, ast.ClassDef] | None:
    """(path, definition) of the class `name` names: of this module, or imported from a
    module of the repository."""
    stmt = binding(tree.body, name) if "." not in name else None
    if isinstance(stmt, ast.ClassDef):
        return path, stmt
    origin = mods.imported(path, stmt, name) if isinstance(stmt, ast.ImportFrom) else None
    loaded = mods.load(origin[0]) if origin and origin[1] else None
    found = binding(loaded[1].body, origin[1]) if origin and origin[1] and loaded else None
    return (origin[0], found) if origin and isinstance(found, ast.ClassDef) else None


def _helper_middleware(mods: Modules, path: str, tree: ast.Module, name: str,
                       var: str, call: ast.Call) -> str | None:
    """Why a route added to the app may refuse a probe: `name(app)` is a function of the
    repository that adds middleware to it (`app.add_middleware(...)`, which may answer 401
    before any route), or one fixer cannot read whose name speaks of access control. Where
    the function only registers middleware on the app as the app's module would
    (`@app.middleware("http")`, `app.add_middleware(Cls)`), it is read as that module's
    would be: only middleware that answers first is a doubt."""
    found = _helper_function(mods, path, tree, name)
    if found is None:
        cls = _helper_class(mods, path, tree, name)
        if cls is not None:   # a class of the repository the app is handed to: read
            return (f"`{name}({var})` hands the app to the class {cls[1].name} "
                    f"({cls[0]}:{cls[1].lineno}), which adds middleware to it that may answer "
                    "before the health route") if _adds_middleware(cls[1]) else None
        return (f"`{name}({var})`, which fixer does not read, may add middleware that answers "
                "before the routes") if _GUARD_WORDS.search(name) else None
    where, module, function = found
    if "middleware" not in ast.unparse(function).lower():
        return None
    doubt = (f"`{name}({var})` adds middleware ({where}:{function.lineno}), which may answer "
             "before the health route")
    parameter = _given_parameter(call, function, var)
    loaded = mods.load(where)
    if parameter is None or loaded is None or not function.body or \
            not _registers_its_middleware(function, parameter):
        return doubt
    site = AppSite(where, loaded[0], module, function, parameter, function.body[0])
    refusing = _refusing_middleware(mods, site)
    return refusing[0][0] if refusing else None


def _registers_its_middleware(function: ast.FunctionDef | ast.AsyncFunctionDef,
                              param: str) -> bool:
    """Each middleware the function names is registered on `param` as `_refusing_middleware`
    reads it (`param.add_middleware`, `@param.middleware`), and it hands `param` to no
    call (which might add more)."""
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and "middleware" in node.attr.lower() and not (
                isinstance(node.value, ast.Name) and node.value.id == param
                and node.attr in ("add_middleware", "middleware")):
            return False
        if _hands_on(node, param):
            return False
    return True


def _hands_on(node: ast.AST, var: str) -> bool:
    """A call given `var` as an argument (`setup(app)`): what it does to it is its own."""
    return isinstance(node, ast.Call) and any(
        isinstance(a, ast.Name) and a.id == var
        for a in [*node.args, *(k.value for k in node.keywords)])


# the app's or a router's methods that add routes when called (not as a decorator)
_CALLS_ADDING_ROUTES = frozenset(("add_api_route", "add_route", "include_router"))


def _adds_in_loop(loop: ast.For | ast.AsyncFor | ast.While, var: str) -> bool:
    """A call in the loop's body that adds routes to `var`, or a route decorated on it."""
    adders = {*ROUTE_METHODS, *_CALLS_ADDING_ROUTES, "mount"}
    for node in ast.walk(loop):
        if isinstance(node, ast.Call) and _method_of(node, var) in adders:
            return True
    return False


def _middleware_answers(tree: ast.Module, function: ast.FunctionDef | ast.AsyncFunctionDef,
                        result: AppRoutes) -> None:
    """The paths a middleware function answers are served; the prefixes it answers may be."""
    paths, prefixes = _answered(tree, function)
    result.routes += [Route(p, True, function, head=True) for p in paths]
    result.opaque += [(p.rstrip("/") or "/", f"the middleware `{function.name}`")
                      for p in prefixes]


def _module_function(tree: ast.Module, name: str
                     ) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The module's function of that name, or the `dispatch` method of its class of that
    name (a `BaseHTTPMiddleware` subclass)."""
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
            return stmt
        if isinstance(stmt, ast.ClassDef) and stmt.name == name:
            return next((m for m in stmt.body if isinstance(m, (ast.FunctionDef,
                         ast.AsyncFunctionDef)) and m.name == "dispatch"), None)
    return None


def _answered(tree: ast.Module, function: ast.FunctionDef | ast.AsyncFunctionDef
              ) -> tuple[list[str], list[str]]:
    """The paths an `@app.middleware("http")` function answers itself, before any route, and
    the prefixes it answers every path under: `if request.url.path == "/healthz": return
    PlainTextResponse("ok")` (`"/healthz" == path`, `in ("/a", "/b")`, `request.scope["path"]`,
    a local `path = request.url.path`, `and request.method == "GET"` beside it) and
    `.startswith("/health")`, with a `return` in the branch. A probe of them is answered."""
    names = {t.id for node in ast.walk(function) if isinstance(node, ast.Assign)
             and _is_path(node.value, set()) for t in node.targets if isinstance(t, ast.Name)}
    paths: list[str] = []
    prefixes: list[str] = []
    for node in ast.walk(function):
        if not (isinstance(node, ast.If) and any(_answers(s) for s in node.body)):
            continue
        tests = node.test.values if isinstance(node.test, ast.BoolOp) and \
            isinstance(node.test.op, ast.And) else [node.test]
        for test in tests:
            found, prefix = _path_test(tree, test, names)
            (prefixes if prefix else paths).extend(found)
    return paths, prefixes


def _answers(stmt: ast.stmt) -> bool:
    """A `return` of a response of the middleware's own, not of `await call_next(request)`,
    which hands the request on to the routes."""
    if not isinstance(stmt, ast.Return) or stmt.value is None:
        return False
    value = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
    return not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and
                value.func.id == "call_next")


def _path_test(tree: ast.Module, test: ast.expr, names: set[str]) -> tuple[list[str], bool]:
    """The literal paths a test compares the request's path with, and whether they are
    prefixes (`startswith`)."""
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and \
            test.func.attr == "startswith" and _is_path(test.func.value, names):
        return _literals(test.args[:1]), True
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return [], False
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(op, ast.Eq) and _is_path(right, names):
        left, right = right, left
    if not _is_path(left, names):
        return [], False
    if isinstance(op, ast.Eq):
        return _literals([right]), False
    if isinstance(op, ast.In) and isinstance(right, ast.Name):   # `in PROBES`, a constant
        right = assigned_value(binding(tree.body, right.id)) or right
    if isinstance(op, ast.In) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        return _literals(right.elts), False
    return [], False


def _is_path(expr: ast.expr, names: set[str]) -> bool:
    """`request.url.path`, `request.scope["path"]`, or a local name holding one of them."""
    if isinstance(expr, ast.Attribute) and expr.attr == "path":
        return isinstance(expr.value, ast.Attribute) and expr.value.attr == "url"
    if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Attribute) and \
            expr.value.attr == "scope":
        return isinstance(expr.slice, ast.Constant) and expr.slice.value == "path"
    return isinstance(expr, ast.Name) and expr.id in names


def _literals(values: list[ast.expr]) -> list[str]:
    return [v.value for v in values if isinstance(v, ast.Constant) and
            isinstance(v.value, str) and v.value.startswith("/")]


def _method_of(call: ast.Call, var: str) -> str | None:
    """`get` of `app.get(...)`, and of `app.router.get(...)`: the app's own router, whose
    routes are the app's."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    owner = func.value
    if isinstance(owner, ast.Attribute) and owner.attr == "router":
        owner = owner.value
    return func.attr if isinstance(owner, ast.Name) and owner.id == var else None


def _add_route(result: AppRoutes, tree: ast.Module, call: ast.Call, prefix: str,
               function: ast.FunctionDef | ast.AsyncFunctionDef | None, direct: bool,
               mods: Modules, module: str) -> None:
    """The route a decorator or `add_api_route` call adds. One whose path is not a literal
    (`app.swagger_ui_oauth2_redirect_url`) is left out: it says nothing about the others.
    A class's string constant counts as one (`Paths.HEALTH`, `Route.HEALTH.value`), and so
    does a string constant imported from a module of the import root (`LIVENESS_PATH`)."""
    method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    path = call_argument(call, 0, "path")
    constant = string_constant(tree, path)
    written = (module, constant) if constant is not None else \
        _class_constant(mods, module, tree, path) or mods.imported_string(module, tree, path)
    # one built from the module's constants (`f"{PREFIX}/_ping"`) is read too, though no
    # one literal of the code writes it
    folded = folded_text(tree, path) if written is None else None
    if written is None and folded is None:
        shown = ast.unparse(path) if path is not None else "?"
        result.note(f"the path `{shown}` of a route is not a literal")
        return
    # `""`: the router's prefix alone
    literal = _read_literal(result, *written) if written is not None else str(folded)
    get, head = method == "get", method == "head"
    if method in ("api_route", "route", "add_api_route", "add_route"):
        methods = next((k.value for k in call.keywords if k.arg == "methods"), None)
        listed = {string_value(tree, m) for m in methods.elts} \
            if isinstance(methods, (ast.List, ast.Tuple, ast.Set)) else None
        unread = methods is not None and listed is None
        get = methods is None or unread or bool(listed and listed & {"GET", "get", None})
        head = unread or bool(listed and listed & {"HEAD", "head", None}) or \
            (get and method in ("route", "add_route"))
    helpers = partial(_called_helpers, mods, module, tree, function) if function else None
    result.routes.append(Route(join_paths(prefix, literal), get, function, direct, call=call,
                               head=head, module=module, helpers=helpers))


def _called_helpers(mods: Modules, module: str, tree: ast.Module, function: Function
                    ) -> list[tuple[str, Function]]:
    """The functions the handler calls by name (`require_worker()`, `await check_db()`)
    that its module defines or imports from a module of the repository."""
    found: list[tuple[str, Function]] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            defined = _defined_function(mods, module, tree, node.func.id)
            if defined is not None and defined[2] is not function:
                found.append((defined[0], defined[2]))
    return found


@lru_cache(maxsize=1024)
def _raised_error(function: Function) -> tuple[int, int] | None:
    """The first error status the function raises (`raise HTTPException(status_code=503)`),
    with its line: what a handler that calls it answers."""
    return answered_error(node for raised in ast.walk(function) if isinstance(raised, ast.Raise)
                          for node in ast.walk(raised))


def _read_literal(result: AppRoutes, module: str, constant: ast.Constant) -> str:
    """The text of a literal fixer reads as a path, noted where the code writes it."""
    text = str(constant.value)
    result.read_literals.add((module, constant.lineno, constant.col_offset, text))
    return text


# parameters FastAPI fills from the request itself, never from a query string
_INJECTED = frozenset({"Request", "Response", "BackgroundTasks", "HTTPConnection", "WebSocket"})


def _handler_guard(call: ast.Call,
                   function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> str:
    """Why a plain GET of the route may be refused before its handler answers: dependencies
    on the route (an auth check answers 401), a `Depends` parameter, or a parameter with no
    default (a missing query parameter answers 422). A Starlette-style route (`@app.route`,
    `add_route`) passes its handler the request as its one argument: no parameter."""
    if _keyword(call, "dependencies"):
        return "the route has dependencies"
    if function is None:
        return ""
    arguments = function.args
    positional = arguments.posonlyargs + arguments.args
    if isinstance(call.func, ast.Attribute) and call.func.attr in ("route", "add_route"):
        positional = [a for a in positional if a.arg not in ("self", "cls")][1:]
        arguments = ast.arguments(posonlyargs=[], args=positional,
                                  defaults=arguments.defaults[-len(positional):]
                                  if positional else [],
                                  kwonlyargs=arguments.kwonlyargs,
                                  kw_defaults=arguments.kw_defaults)
    defaults = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    pairs = list(zip(positional, defaults)) + list(zip(arguments.kwonlyargs,
                                                       arguments.kw_defaults))
    for arg, default in pairs:
        if arg.arg in ("self", "cls"):
            continue
        if isinstance(default, ast.Call) and ast.unparse(default.func).split(".")[-1] in (
                "Depends", "Security"):
            return f"its handler takes `{arg.arg}` from `{ast.unparse(default.func)}`"
        named = ast.unparse(arg.annotation).split(".")[-1] if arg.annotation else ""
        if default is None and named not in _INJECTED:
            return _required(arg)
    return ""


# annotations of a value the request itself must carry (a query parameter)
_SCALARS = frozenset({"str", "int", "float", "bool", "bytes", "UUID", "date", "datetime",
                      "Decimal", ""})


def _required(arg: ast.arg) -> str:
    """What a parameter with no default takes: a `Depends` written in its `Annotated[...]`,
    a value the request must carry, or a type fixer cannot tell apart (`SettingsDep`, an
    alias of `Annotated[Settings, Depends(get_settings)]` or a body model)."""
    annotation = arg.annotation
    marks = annotation.slice.elts[1:] if isinstance(annotation, ast.Subscript) and \
        isinstance(annotation.slice, ast.Tuple) and \
        ast.unparse(annotation.value).split(".")[-1] == "Annotated" else []
    given = next((m for m in marks if isinstance(m, ast.Call) and
                  ast.unparse(m.func).split(".")[-1] in ("Depends", "Security")), None)
    if given is not None:
        return f"its handler takes `{arg.arg}` from `{ast.unparse(given.func)}`"
    named = ast.unparse(annotation) if annotation is not None and not marks else ""
    if named.split(".")[-1] in _SCALARS:
        return f"its handler requires the parameter `{arg.arg}`"
    return (f"its handler takes `{arg.arg}` (`{named}`) with no default (a dependency, or a "
            "value the request must carry)")


def _keyword(call: ast.Call, name: str) -> bool:
    return any(k.arg == name for k in call.keywords)


def _exposes(call: ast.Call, var: str) -> bool:
    """`Instrumentator().instrument(app).expose(app)`: an exporter adds its endpoint
    (`endpoint=`, else `/metrics`) to the app."""
    return isinstance(call.func, ast.Attribute) and call.func.attr == "expose" and \
        bool(call.args) and isinstance(call.args[0], ast.Name) and call.args[0].id == var


def _mount(mods: Modules, path: str, tree: ast.Module, scope: Scope, call: ast.Call,
           prefix: str, result: AppRoutes, depth: int) -> None:
    """The routes of a FastAPI app mounted on this one (`app.mount("/v1", v1)`, `v1 =
    FastAPI()` here or in a module of the import root), under the mount's path, guarded by
    the mounted app's own `dependencies=`, which run before each of them (`FastAPI(
    dependencies=[Depends(require_admin)])` answers a probe of its `/health` 401). Static
    files serve no route a probe asks for; any other app mounted (a Flask app, an imported
    sub-app fixer cannot follow, `make_asgi_app()`) may serve any path under the mount's."""
    constant = string_constant(tree, call_argument(call, 0, "path"))
    mounted = call_argument(call, 1, "app")
    if constant is None or mounted is None:
        return
    where = str(constant.value)
    if isinstance(mounted, ast.Call) and is_call_to(mounted, "StaticFiles"):
        return
    found = _defined(mods, path, tree, scope, mounted,
                     lambda _tree, s: _creates_fastapi(s), depth)
    if found is None:
        result.opaque.append((join_paths(prefix, where), ast.unparse(mounted)))
        return
    _read_literal(result, path, constant)
    result.followed_mounts.add((path, call.lineno, call.col_offset))
    found_path, found_tree, found_scope, name, created = found
    before = len(result.routes)
    _scan(mods, found_path, found_tree, found_scope, name, join_paths(prefix, where), result,
          False, depth + 1)
    given = _dependencies(assigned_value(created))
    guarded = f"the mounted app `{name}` runs `dependencies={ast.unparse(given)}` before " \
        "its routes" if given is not None else ""
    for index in range(before, len(result.routes)) if guarded else ():
        if not result.routes[index].guard:   # an include's dependencies inside it come first
            result.routes[index] = replace(result.routes[index], guard=guarded)


def _creates_fastapi(stmt: ast.stmt) -> bool:
    value = assigned_value(stmt)
    return isinstance(value, ast.Call) and is_call_to(value, "FastAPI")


def _unrolled(mods: Modules, path: str, tree: ast.Module, scope: Scope,
              loop: ast.For | ast.AsyncFor | ast.While, var: str, prefix: str,
              result: AppRoutes, depth: int) -> bool:
    """`for module in (users, orders): app.include_router(module.router)`: a loop over a
    literal tuple or list whose body only includes routers in `var` runs each include once
    per item, so each is followed as if written out (`app.include_router(users.router)`).
    False, with nothing read, for any other loop: what it adds stays unknown."""
    if not (isinstance(loop, ast.For) and not loop.orelse and
            isinstance(loop.iter, (ast.Tuple, ast.List))):
        return False
    includes = [s for s in loop.body if isinstance(s, ast.Expr) and
                isinstance(s.value, ast.Call) and _method_of(s.value, var) == "include_router"]
    values = [found for item in loop.iter.elts
              if (found := _loop_names(loop.target, item)) is not None]
    if len(includes) < len(loop.body) or len(values) < len(loop.iter.elts):
        return False
    for value in values:
        for stmt in includes:
            _include(mods, path, tree, scope, _Substitute(value).visit(copy.deepcopy(stmt)),
                     prefix, result, depth, at=loop)
    return True


def _loop_names(target: ast.expr, item: ast.expr) -> dict[str, ast.expr] | None:
    """What the loop's names hold for one item: `module` for `for module in (...)`, each
    of `router, prefix` for a tuple item `(users.router, "/users")`; None otherwise
    (`*rest`, an item that is no tuple of the same length)."""
    if isinstance(item, ast.Starred):
        return None
    if isinstance(target, ast.Name):
        return {target.id: item}
    if isinstance(target, ast.Tuple) and isinstance(item, (ast.Tuple, ast.List)) and \
            len(target.elts) == len(item.elts) and \
            all(isinstance(t, ast.Name) for t in target.elts):
        return {t.id: i for t, i in zip(target.elts, item.elts) if isinstance(t, ast.Name)}
    return None


class _Substitute(ast.NodeTransformer):
    """A loop body's statement with the loop's names replaced by what one item holds."""

    def __init__(self, values: dict[str, ast.expr]) -> None:
        self.values = values

    def visit_Name(self, node: ast.Name) -> ast.expr:
        value = self.values.get(node.id)
        return node if value is None else copy.deepcopy(value)


def _include(mods: Modules, path: str, tree: ast.Module, scope: Scope, stmt: ast.Expr,
             prefix: str, result: AppRoutes, depth: int, at: ast.stmt | None = None) -> None:
    """The routes of an included router: where it is created, and, for a router imported
    here, the decorators this scope puts on it before including it (`include_router` copies
    the routes the router has at that moment). `at`: the statement of `scope` the include
    runs in, when `stmt` is a loop's include written out (`_unrolled`)."""
    assert isinstance(stmt.value, ast.Call)
    at = at or stmt
    call = stmt.value
    router = call_argument(call, 0, "router")
    found = _router(mods, path, tree, scope, router, depth) if router is not None else None
    if found is None or depth > 5:
        shown = ast.unparse(router) if router is not None else "?"
        unread = _unparsed_origin(mods, path, tree, scope, router) if router is not None \
            else None
        # noted first, as a reason of its own: whether it leaves routes unseen depends on
        # the prefix it is included under, read after it
        result.note(f"the router `{shown}` could not be followed"
                    + (f": {unread}" if unread else ""), prefix=True)
        result.unfollowed.append(_written(tree, scope, router))
        under = join_paths(prefix, _prefix(mods, path, tree, call, result))
        fenced = bool(under) and UNKNOWN not in under
        result.unseen = result.unseen or not fenced
        if under:
            result.unfollowed_under.append(under)
        if fenced:   # its routes answer only paths under the prefix (`prefixed_may_answer`)
            result.fenced.append(under)
        return
    rpath, rtree, rscope, rvar, rcall = found
    given = _prefix(mods, path, tree, call, result)
    joined = join_paths(join_paths(prefix, given), _prefix(mods, rpath, rtree, rcall, result))
    before = len(result.routes)
    here = (rpath, rscope) == (path, scope)
    _scan(mods, rpath, rtree, rscope, rvar, joined, result, False, depth + 1,
          until=at if here else None)
    if here:
        _late(mods, rpath, rtree, rscope, rvar, joined, result, at, depth)
    if isinstance(router, ast.Name) and (rpath, rscope) != (path, scope) and \
            (rpath, rscope) != (path, tree):   # imported: decorated here too, maybe
        _scan(mods, path, tree, scope, router.id, joined, result, False, depth + 1, until=at)
    guarded = next((f"`{ast.unparse(c)}` gives its routes dependencies" for c in (call, rcall)
                    if isinstance(c, ast.Call) and _keyword(c, "dependencies")), "")
    for index in range(before, len(result.routes)) if guarded else ():
        if not result.routes[index].guard:   # an inner include's dependencies come first
            result.routes[index] = replace(result.routes[index], guard=guarded)


def routes_under_prefix(mods: Modules, path: str, prefix: str) -> list[Route]:
    """The routes fixer reads on each router that the module gives the literal `prefix`,
    whether or not it reads the app including it: those added to `APIRouter(prefix=
    "/health")`, and those of the router an `include_router(health.router, prefix=
    "/health")` includes, prefixes joined. Where some routers cannot be followed from the
    app, they say whether a `/health` prefix is a health route itself (`@router.get("")`)
    or only the folder of others (`/health/live`)."""
    loaded = mods.load(path)
    if loaded is None:
        return []
    tree = loaded[1]
    result = AppRoutes([])
    for scope, stmt in _given_prefix(tree, prefix):
        router = _assigned_name(stmt) if _creates_router(tree, stmt) else None
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
                isinstance(stmt.value.func, ast.Attribute) and \
                stmt.value.func.attr == "include_router":
            _include(mods, path, tree, scope, stmt, "", result, 1)
        elif router is not None:
            _scan(mods, path, tree, scope, router, prefix, result, False, 1)
    return result.routes


def _given_prefix(tree: ast.Module, prefix: str) -> Iterator[tuple[Scope, ast.stmt]]:
    """The statements of the module and of its functions whose call is given the literal
    `prefix=` (`x = APIRouter(prefix=...)`, `x.include_router(r, prefix=...)`), each with
    the scope it runs in."""
    scopes: list[Scope] = [tree, *(node for node in ast.walk(tree)
                                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))]
    for scope in scopes:
        for _top, stmt in statements(scope.body):
            call = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign)) \
                else None
            given = next((k.value for k in call.keywords if k.arg == "prefix"), None) \
                if isinstance(call, ast.Call) else None
            if given is not None and string_value(tree, given) == prefix:
                yield scope, stmt


def _late(mods: Modules, path: str, tree: ast.Module, scope: Scope, var: str, prefix: str,
          result: AppRoutes, include: ast.stmt, depth: int) -> None:
    """Routes a router gets after the app includes it, below `include` in the same scope:
    FastAPI long copied a router's routes when it was included, and recent releases keep
    the router itself, so whether they are served depends on the release installed. They
    are unsure: a probe of one is neither served nor unserved."""
    later = AppRoutes(result.sites)
    _scan(mods, path, tree, scope, var, prefix, later, False, depth + 1)
    settled = {r.path for r in result.routes}
    late = [r.path for r in later.routes if r.get and r.path not in settled]
    result.unsure.update(late)
    result.late.extend((path, include.lineno) for path in late)
    if later.unknown is not None:
        result.note(later.unknown, prefix=not later.unseen)


def _written(tree: ast.Module, scope: Scope, router: ast.expr | None) -> str:
    """A router as the code names it: the expression, and the import that binds it
    (`from common.health import router`), which may say what it serves."""
    if router is None:
        return ""
    head = router
    while isinstance(head, ast.Attribute):
        head = head.value
    stmt = binding(scope.body, head.id) or binding(tree.body, head.id) \
        if isinstance(head, ast.Name) else None
    bound = ast.unparse(stmt) if isinstance(stmt, (ast.Import, ast.ImportFrom)) else ""
    return f"{ast.unparse(router)} ({bound})" if bound else ast.unparse(router)


def _prefix(mods: Modules, path: str, tree: ast.Module, call: ast.Call,
            result: AppRoutes) -> str:
    """The `prefix=` of an `include_router` or `APIRouter` call in the module `path`: a
    literal, a constant of the module, or one it imports from a module of the repository
    (`from app.routers.v1 import ROUTE_PREFIX as v1_prefix`)."""
    node = next((k.value for k in call.keywords if k.arg == "prefix"), None)
    if node is None:
        return ""
    constant = string_constant(tree, node)
    if constant is None:
        path, constant = mods.imported_string(path, tree, node) or (path, None)
    folded = folded_text(tree, node) if constant is None else None
    if folded is not None:
        return folded
    if constant is None:
        result.note(f"the prefix `{ast.unparse(node)}` is not a literal", prefix=True)
        # what it ends with as written stays (`f"{API_PREFIX}/health"`): the routes under
        # it answer only paths that end so
        return UNKNOWN + _literal_tail(node)
    return _read_literal(result, path, constant)


RouterDef = tuple[str, ast.Module, Scope, str, ast.Call]


def _router(mods: Modules, path: str, tree: ast.Module, scope: Scope, expr: ast.expr,
            depth: int) -> RouterDef | None:
    """Where `router`, `users.router` or an imported router is created (`APIRouter(...)`)."""
    found = _defined(mods, path, tree, scope, expr, _creates_router, depth)
    if found is None:
        return None
    found_path, found_tree, found_scope, name, stmt = found
    value = assigned_value(stmt)
    assert isinstance(value, ast.Call)   # `_creates_router` said so
    return found_path, found_tree, found_scope, name, value


def _creates_router(tree: ast.Module, stmt: ast.stmt) -> bool:
    """`APIRouter(...)`, `fastapi.APIRouter(...)`, or a call of the name the module imports
    it as (`from fastapi import APIRouter as Router`)."""
    value = assigned_value(stmt)
    if not isinstance(value, ast.Call):
        return False
    if is_call_to(value, "APIRouter"):
        return True
    if not isinstance(value.func, ast.Name):
        return False
    imported = binding(tree.body, value.func.id)
    return isinstance(imported, ast.ImportFrom) and imported.module in _ROUTER_MODULES and \
        any(a.name == "APIRouter" and a.asname == value.func.id for a in imported.names)


_ROUTER_MODULES = ("fastapi", "fastapi.routing")


Defined = tuple[str, ast.Module, Scope, str, ast.stmt]   # module path, tree, scope, name, stmt


def _defined(mods: Modules, path: str, tree: ast.Module, scope: Scope, expr: ast.expr,
             wanted: Callable[[ast.Module, ast.stmt], bool], depth: int) -> Defined | None:
    """Where `name` or `module.name` is bound by a statement `wanted` holds of: in `scope`,
    else the module, or followed through an import of the import root (5 deep at most).
    None for what an installed package defines, and for a binding of another kind. The one
    way a router and a middleware class are found."""
    if depth > 5:
        return None
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        # module-level code reads the name as bound above it
        at = getattr(expr, "lineno", None) if scope is tree else None
        origin = _origin(mods, path, tree, expr.value.id, scope, at)
        loaded = mods.load(origin[0]) if origin and origin[1] is None else None
        if origin is None or loaded is None:
            return None
        return _defined(mods, origin[0], loaded[1], loaded[1], ast.Name(expr.attr), wanted,
                        depth + 1)
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Attribute):
        module = _submodule(mods, tree, scope, expr.value)
        loaded = mods.load(module) if module is not None else None
        if module is None or loaded is None:
            return None
        return _defined(mods, module, loaded[1], loaded[1], ast.Name(expr.attr), wanted,
                        depth + 1)
    if not isinstance(expr, ast.Name):
        return None
    for body_scope in ([scope, tree] if scope is not tree else [tree]):
        stmt = binding(body_scope.body, expr.id)
        if stmt is None:
            continue
        if wanted(tree, stmt):
            return path, tree, body_scope, expr.id, stmt
        origin = mods.imported(path, stmt, expr.id) if isinstance(
            stmt, (ast.Import, ast.ImportFrom)) else None
        loaded = mods.load(origin[0]) if origin and origin[1] else None
        if origin and origin[1] and loaded:
            return _defined(mods, origin[0], loaded[1], loaded[1], ast.Name(origin[1]), wanted,
                            depth + 1)
        alias = assigned_value(stmt)   # `status_router = status.router`: the same object
        if isinstance(alias, (ast.Name, ast.Attribute)) and ast.unparse(alias) != expr.id:
            return _defined(mods, path, tree, scope, alias, wanted, depth + 1)
        return None
    return None


def _submodule(mods: Modules, tree: ast.Module, scope: Scope, expr: ast.Attribute) -> str | None:
    """The file of `routers.status`, where an `import routers...` binds `routers` and an
    import of the module loads the submodule (`import routers.status`, `from routers.status
    import helper`): what `routers.status.router` reads the router from."""
    dotted = dotted_name(expr)
    if dotted is None:
        return None
    top = dotted.split(".")[0]
    bodies = [scope.body, tree.body] if scope is not tree else [tree.body]
    stmt = next((found for body in bodies if (found := binding(body, top)) is not None), None)
    binds = isinstance(stmt, ast.Import) and any(
        alias.asname is None and alias.name.split(".")[0] == top for alias in stmt.names)
    loaded = {name for body in bodies for name in _modules_loaded(body)}
    return mods.path_of(dotted) if binds and dotted in loaded else None


def _modules_loaded(body: list[ast.stmt]) -> Iterator[str]:
    """The absolute modules the statements' imports load, packages above them included
    (`import a.b.c` loads `a`, `a.b` and `a.b.c`; `from a.b import c` may load `a.b.c`)."""
    for stmt in body:
        names = [a.name for a in stmt.names] if isinstance(stmt, ast.Import) else \
            [stmt.module, *(f"{stmt.module}.{a.name}" for a in stmt.names)] \
            if isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level else []
        for name in names:
            parts = name.split(".")
            yield from (".".join(parts[:count]) for count in range(1, len(parts) + 1))


def _unparsed_origin(mods: Modules, path: str, tree: ast.Module, scope: Scope,
                     router: ast.expr) -> str | None:
    """Why the module a router comes from cannot be read (`from app.routers import auth`,
    `auth.router`, where auth.py uses syntax newer than fixer's Python): its file and line,
    and what the compiler says; None where the module parses, or is no file of the root."""
    name = router.value.id if isinstance(router, ast.Attribute) and \
        isinstance(router.value, ast.Name) else router.id if isinstance(router, ast.Name) \
        else None
    origin = _origin(mods, path, tree, name, scope) if name is not None else None
    file = mods.read(origin[0]) if origin is not None else None
    problem = compile_problem(file) if file is not None else None
    if file is None or problem is None:
        return None
    return problem.unread(file.path, file.text)


def _origin(mods: Modules, path: str, tree: ast.Module, name: str,
            scope: Scope | None = None, at: int | None = None) -> tuple[str, str | None] | None:
    """Where an imported name comes from: the import binding it in `scope` (a factory that
    imports its routers inside, to break an import cycle), else in the module; as bound
    above the line `at` of module-level code that reads it, where given."""
    stmt = binding(scope.body, name) if scope is not None and scope is not tree else None
    stmt = stmt or (binding_before(tree.body, name, at) if at is not None else None) or \
        binding(tree.body, name)
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return mods.imported(path, stmt, name)
    return None
