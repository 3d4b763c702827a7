"""The health route an app service serves, or the one H001 can add to it.

H001 adds a health route where the app has none, and C004 adds a compose
healthcheck; both must agree on which route counts, or C004 probes `/health`
on an app whose only health route is `/api/health` and the container never
turns healthy. `plan` is that single answer.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from enum import Enum
from typing import NamedTuple

from fixer.core.config import Config
from fixer.core.derived import Memo, Read
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.facts.health.healthchecks import compose_test, nearest_healthcheck
from fixer.facts.pydeps.python_syntax import first_unreadable
from fixer.model import appmodule
from fixer.model.image_paths import may_hold
from fixer.model.services import BuiltService, Service
from fixer.model.workspace import Workspace
from fixer.sources.fastapi_routes import UNKNOWN, AppRoutes, Route, app_routes, find_app, \
    join_paths, lets_health_through, routes_under_prefix
from fixer.sources.python import called_name, child_nodes, dotted_name, parse, statements
from fixer.sources.python_modules import Modules, OnPythonPath

_URL = lazy_compile(r"https?://[^\s/\"'?#]+(/[^\s\"'?#]*)?")
# safe as written in a curl or Python URL literal
_PROBEABLE = lazy_compile(r"/[\w.~/-]*", re.ASCII)
_PATH_LITERAL = lazy_compile(r"""["'](/[\w.~/{}-]*)["']""", re.ASCII)
_TEST_FILE = lazy_compile(r"(^|/)(tests?/|test_[^/]*\.py$|[^/]*_test\.py$|conftest\.py$)")
_LITERAL_SCAN_LIMIT = 500  # Python files read for a health path literal


class Source(str, Enum):
    """Where the health route a probe can call comes from."""

    SERVED = "served"            # the app's routes show it
    ADDED = "added"              # the app serves none: H001 adds it
    LITERAL = "literal"          # some routes are unreadable; the path is a literal in the code
    UNREADABLE = "unreadable"    # the app serves one fixer cannot read, or fixer cannot tell


@dataclass(frozen=True)
class HealthPlan:
    """The route a healthcheck of the service can probe, and how fixer knows it."""

    source: Source
    path: str | None   # None when UNREADABLE
    why: str = ""      # for LITERAL and UNREADABLE: what fixer could not read
    # for ADDED (and SERVED, see `doubt`): why a route on the app may not be served as
    # written (its class redefines `get`, or fixer cannot read it)
    noted: str = ""
    # for ADDED: the one route the app serves that reads as a health route though H001 does
    # not count it (`/api/v1/health-check/`): a probe can call it, and a second health route
    # beside it is one a maintainer would not take
    like: str | None = None
    # for ADDED: the routes that read as health routes when there are several (which one
    # is the health route is the author's call)
    several: tuple[str, ...] = ()
    # for ADDED: why a route added may be a second health route (`gated_health`)
    gated: str = ""
    # for ADDED: the routes with no leading `/` that would read as health routes with one
    # (`unanchored_health`): why the app serves none though its code seems to
    unanchored: tuple[str, ...] = ()
    # for ADDED where fixer could not read every route (`why`): a health path the code
    # names only as a router's prefix, as the message shows it
    names_like: str = ""
    # for SERVED: the route, whose handler is read when the doubt is asked (C004 asks for
    # the services it adds a healthcheck to; H001 plans every app and asks for none)
    served: Route | None = field(default=None, compare=False, repr=False)
    # for ADDED with `like`: why a probe of that route may fail (a middleware that may refuse
    # it, a route with path parameters registered before it that answers it first)
    like_noted: str = ""
    # for LITERAL: how the code names the path where not as written (`Literal.named`)
    named: str = ""
    # for SERVED: why a middleware may refuse a probe of the route, whatever adds it (an
    # included router's route too, which `noted` leaves to its router)
    refused: str = ""

    @cached_property
    def doubt(self) -> str:
        """Why a probe of the route may fail or be unwelcome: for SERVED, a plain GET it may
        refuse, a handler that writes, or what makes the app's routes uncertain (`noted`,
        for a route of the app itself); for ADDED, `noted`."""
        route = self.served
        if route is None:
            return self.noted
        return route_doubt(route) or (self.noted if route.direct else self.refused)


# each service's app and routes: H001, H002, C004, C003's gate and the stack check all
# ask, and reading routes parses the app's modules
_SERVED: Memo[dict[tuple[str, str], tuple[appmodule.AppModule, AppRoutes] | None]] = \
    Memo("served apps")


def served_app(ws: Workspace, service: Service) -> tuple[appmodule.AppModule, AppRoutes] | None:
    """The service's app module and the routes its app serves; None when no app is found,
    and where the app is another framework's (`other_framework`)."""
    found = ws.derived.get(_SERVED, dict)
    key = (service.stack.name, service.name)
    if key not in found:
        found[key] = _served_app(ws, service)
    return found[key]


def app_created_at(routes: AppRoutes) -> tuple[str, int]:
    """The file and line where the app is created (`app = FastAPI()`): where H001 reports
    that it serves no health route, so where a comment turns H001 off for it."""
    site = routes.sites[0]
    return site.path, site.created.lineno


def _served_app(ws: Workspace, service: Service) -> tuple[appmodule.AppModule,
                                                            AppRoutes] | None:
    module = appmodule.find(ws, service)
    if module is None or _guessed_over_the_command(service, module):
        return None
    routes = _module_routes(ws, module)
    return (module, routes) if routes is not None and not routes.foreign else None


def _module_routes(ws: Workspace, module: appmodule.AppModule) -> AppRoutes | None:
    key = (module.root, module.path, module.attr, module.python_path)
    return ws.tree.carried.remember(_ROUTES, key, ws.tree, lambda: _routes(ws.read, *key))


def other_framework(ws: Workspace, service: Service) -> str | None:
    """The class of another framework the service's app is built by (`flask.Flask`,
    `starlette.applications.Starlette`), where its module imports fastapi for a helper
    (`fastapi.encoders`): no FastAPI app, so no health route, probe or healthcheck of
    fixer's is about it."""
    if served_app(ws, service) is not None:
        return None
    module = appmodule.find(ws, service)
    routes = _module_routes(ws, module) if module is not None else None
    return routes.foreign if routes is not None else None


def _guessed_over_the_command(service: Service, module: appmodule.AppModule) -> bool:
    """The command names its module (`uvicorn src.app.main:app`), fixer did not find it
    where the image has it, and the file it guessed is no file of that name (`app/main.py`):
    not what the server imports, so its routes say nothing of the app that runs, and an
    edit there fixes none. A guess that is the named module's file (`app/main.py` for
    `app.main`, copied where fixer does not follow) is kept."""
    launch = service.app.listen.launch if isinstance(service, BuiltService) else None
    target = launch.target if launch is not None else None
    if module.from_command or not target or ":" not in target:
        return False
    named = target.removeprefix("-m ").split(":")[0].replace(".", "/")
    return not ("/" + module.path).endswith(("/" + named + ".py", "/" + named + "/__init__.py"))


# a module's app and routes, kept across the rounds of a fix run while its files are unchanged
_ROUTES: Memo[AppRoutes | None] = Memo("app routes")


def _routes(read: Read, root: str, path: str, attr: str | None,
            python_path: OnPythonPath) -> AppRoutes | None:
    mods = Modules(read, root, python_path)
    sites = find_app(mods, path, attr)
    return app_routes(mods, sites) if sites else None


def probe_paths(service: Service) -> list[str]:
    """The URL paths the service's healthchecks call: the merged compose test (an overlay
    that sets only `interval` keeps the base's), then the HEALTHCHECK the final stage has
    or inherits from the stage it is built FROM."""
    texts = [" ".join(compose_test(service) or [])]
    app = service.app
    check = nearest_healthcheck(app.dockerfile, app.stage) if app is not None else None
    if app is not None and check is not None:
        texts.append(app.dockerfile.text_of(check))
    return [m.group(1) or "/" for text in texts for m in _URL.finditer(text)]


# per workspace: app module path -> what the healthchecks of every service serving it probe
_PROBED: Memo[dict[str, list[str]]] = Memo("paths probed per app module")


def _probed_elsewhere(ws: Workspace, module: str) -> list[str]:
    """The paths the healthchecks of every service that serves the module probe, in every
    stack (`docker-compose.production.yml` probes `/api/v1/utils/health-check/` of the app
    the dev stack runs without a healthcheck): the app's health route, seen where its
    prefix cannot be read. Indexed once per workspace: asked per service, it is linear."""
    def index() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for other in ws.apps():
            own = appmodule.find(ws, other)
            if own is not None and own.from_command:
                found.setdefault(own.path, []).extend(probe_paths(other))
        return {path: list(dict.fromkeys(paths)) for path, paths in found.items()}
    return ws.derived.get(_PROBED, index).get(module, [])


def wanted_paths(config: Config, probes: list[str]) -> list[str]:
    """The paths a health route may have besides any ending in `/health`, in order of
    preference: `/health`, the configured alternatives, then what the healthchecks probe."""
    return list(dict.fromkeys(["/health", *config.health_paths, *probes]))


def health_route(routes: AppRoutes, wanted: list[str]) -> Route | None:
    """The app's GET health route, or None when it has none.

    A health route answers GET on a wanted path (`wanted_paths`) or on any path ending
    in `/health`. With several, the choice is deterministic: literal paths before those
    with a part fixer cannot read (they start with UNKNOWN), then in the order of
    `wanted`, then the rest by path.
    """
    normal = _normalized(wanted)
    found = [r for r in routes.routes if r.get and is_health(r.path, normal)]
    return min(found, key=lambda r: _preference(r.path, wanted)) if found else None


# the last part of a liveness route: the process answers, its dependencies unasked
_LIVENESS = ("live", "livez", "liveness")


def liveness_below(routes: AppRoutes, health: Route) -> Route | None:
    """The app's GET liveness route below its health route (`/api/v1/health/live` beside
    `/api/v1/health/`), where the app splits its checks as Kubernetes does: the health
    route asks the database, the cache or a cloud API, which may fail or outlast a probe's
    timeout, and the liveness route answers as long as the app does. A healthcheck probes
    that one (not where the service's own healthcheck probes the health route)."""
    base = health.path.rstrip("/")
    wanted = {f"{base}/{word}" for word in _LIVENESS}
    return next((r for r in routes.routes if r.get and r.path.rstrip("/") in wanted
                 and _PROBEABLE.fullmatch(r.path)), None)


def _normalized(wanted: list[str]) -> set[str]:
    """The wanted paths as `is_health` compares them: without a trailing slash."""
    return {p.rstrip("/") or "/" for p in wanted}


def is_health(path: str, normal: set[str]) -> bool:
    """A route at `path` is a health route: `normal` is `_normalized(wanted paths)`, made
    once for all the routes of an app."""
    known = path.lstrip(UNKNOWN).rstrip("/") or "/"
    if path.startswith(UNKNOWN):  # a prefix we cannot read: judge by the known tail alone;
        # `/` under `settings.API_PREFIX` is an index, and must not silence H001
        return known != "/" and any(w.endswith(known) or known.endswith(w) for w in normal
                                    if w != "/")
    return known in normal or known.endswith("/health")


def _like_doubt(routes: AppRoutes, like: str, opaque: str | None) -> str:
    """Why a probe of the app's own route `like` may fail: what may refuse it, or a route
    with path parameters registered before it that takes the request (`/{item_id}` answers
    `/ping` first, with a 422)."""
    earlier = routes.shadowing_before(like)
    return routes.doubt_for(like) or opaque or (
        f"its route `{earlier.path}` answers {like} first" if earlier is not None else "")


def _names_health(ws: Workspace, service: BuiltService, wanted: list[str]) -> bool:
    """The service's code names a health path, or one that reads as such, as a route's path
    or a prefix: a router fixer could not follow may serve it."""
    theirs = _theirs(ws, service)
    return health_literal(ws, service.app.folder, wanted, theirs) is not None or \
        health_like_literal(ws, service.app.folder, theirs) is not None


def plan(ws: Workspace, service: BuiltService) -> HealthPlan:
    """The health route of the service's app: served, to be added by H001, only named by
    a literal in the code (some routes could not be read), or unreadable."""
    found = served_app(ws, service)
    probes = probe_paths(service)
    others = _probed_elsewhere(ws, found[0].path) if found else []
    wanted = wanted_paths(ws.config, [*probes, *others])
    route = health_route(found[1], wanted) if found else None
    if found and route is not None and route.path not in probes:
        route = liveness_below(found[1], route) or route
    if found and route is not None and _PROBEABLE.fullmatch(route.path):
        return HealthPlan(Source.SERVED, route.path, noted=found[1].doubt_for(route.path) or "",
                          served=route, refused=found[1].refusal_for(route.path) or "")
    if route is not None:
        shown = route.path.replace(UNKNOWN, "…")
        prefix = " (its router's prefix is not a literal: a setting, or a name from " \
            "another module)" if route.path.startswith(UNKNOWN) else ""
        return HealthPlan(Source.UNREADABLE, None, f"its health route `{shown}` is not a path "
                          f"fixer can write in a probe{prefix}")
    broken = _uncompiled(ws, service) if found is None else None
    if broken is not None:   # no literal in the code stands in for routes of a broken app
        return HealthPlan(Source.UNREADABLE, None, f"{broken}, so fixer cannot read the app")
    added = probes[0] if probes else "/health"
    mount = found[1].mount_at(added) if found and probes else None
    if mount is not None:   # the probe's own path is a mount's: it is served, not added
        return HealthPlan(Source.UNREADABLE, None, f"its mount at `{mount}` serves {added}")
    opaque = found[1].opaque_over(added) if found else None
    if opaque is not None and probes:   # the probe may well be answered
        return HealthPlan(Source.UNREADABLE, None, opaque)
    answering = found[1].shadowing(added) if found and probes else None
    if answering is not None:   # `/health/{component}` answers a probe of `/health/db`
        return HealthPlan(Source.UNREADABLE, None, f"its route `{answering.path}` answers "
                                                   f"{added} if its handler takes the value")
    why = (appmodule.missing_module(ws, service) or appmodule.unfound_module(ws, service) or
           "fixer cannot find where the app object is created") if found is None else \
        found[1].unknown or opaque
    doubt = (found[1].doubt_for(added) or opaque or found[1].add_doubt or "") if found else ""
    like = health_like(found[1], wanted) if found else []
    if len(like) > 1:   # which of them is the one to probe is the author's call, whatever
        doubt = doubt or several_doubt(tuple(like[:3]))   # a route added later would meet
    shadow = found[1].shadowing(added) if found else None
    if shadow is not None:   # a route added after it would never answer
        doubt = doubt or f"its route `{shadow.path}` answers {added} first"
    some_runs = found[1].shadowing_on_some_runs(added) if found else None
    if some_runs is not None:   # as it, where the app adds it
        doubt = doubt or (f"its route `{some_runs[0]}`, added on some runs ({some_runs[1]}), "
                          f"answers {added} first on those")
    mounted = found[1].mounted_over(added) if found else None
    if mounted is not None:
        doubt = doubt or f"its mount at `{mounted}` answers {added} first"
    one_like = like[0] if len(like) == 1 else None
    several = tuple(like[:3]) if len(like) > 1 else ()
    gated = (gated_health(found[1], wanted) or health_not_get(found[1], added)) \
        if found else None
    unanchored = unanchored_health(found[1], wanted) if found else ()
    if found is not None and one_like is not None and why == found[1].unknown and \
            not found[1].unseen and not found[1].prefixed_may_answer(one_like):
        why = None   # only prefixes fixer cannot read, whose routes cannot answer `like`
    if found is not None and found[1].fenced and why == found[1].unknown and \
            not found[1].unseen and not found[1].prefixed_may_answer(added) and \
            not _names_health(ws, service, wanted):
        why = None   # routers it could not follow, each under a literal prefix, and unread
        # prefixes: none of their routes can answer the path added, and none may be the
        # health route the code names (`/health` in a router included under `/api`)
    if why is None:
        return HealthPlan(Source.ADDED, added, noted=doubt, like=one_like, several=several,
                          gated=gated or "", unanchored=unanchored,
                          like_noted=_like_doubt(found[1], one_like, opaque)
                          if found and one_like else "")
    theirs = _theirs(ws, service)
    # the module the command serves is not in the image: the app never starts, and a path
    # the folder's code names (another stack's app, or one H001 adds to it) is none of its
    missing = found is None and appmodule.missing_module(ws, service) is not None
    literal = None if missing else health_literal(ws, service.app.folder, wanted, theirs)
    prefixes = found[1].unfollowed_under if found else []
    if literal is not None and prefixes:   # the router that names it may be served below one
        shown = prefixes[0].replace(UNKNOWN, "…")
        return HealthPlan(Source.UNREADABLE, None, f"{why}, and it is included under the "
                                                   f"prefix `{shown}`: the health path its "
                                                   f"code names (`{literal.path}`) may be "
                                                   "served there")
    nesting = _nesting_prefix(ws, service.app.folder, theirs) \
        if literal is not None and _of_a_router(ws, literal.module) else None
    if literal is not None and nesting is not None and \
            not literal.path.startswith(nesting[0].rstrip("/") + "/"):
        return HealthPlan(Source.UNREADABLE, None, f"{why}, and {nesting[1]} includes routers "
                                                   f"in one with the prefix `{nesting[0]}`: the "
                                                   f"health path its code names "
                                                   f"(`{literal.path}`) may be served under it")
    if literal is not None:
        return HealthPlan(Source.LITERAL, literal.path, why, named=literal.named)
    mods = found[1].modules if found else None
    under = health_under_prefix(ws, service.app.folder, wanted, theirs, mods) if mods else None
    if under is not None:   # it serves one, at a path fixer cannot see
        return HealthPlan(Source.UNREADABLE, None, f"{why}, and its code has the health route "
                                                   f"`{under.replace(UNKNOWN, '…')}` under a "
                                                   "router's prefix, below a path fixer "
                                                   "cannot see")
    tail = _probed_tail(ws, service.app.folder, wanted, theirs)
    if tail is not None:   # `/status` of a router fixer cannot read, probed as `/api/status`
        return HealthPlan(Source.UNREADABLE, None, f"{why}, and its code has the path "
                                                   f"`{tail[1]}`, which a router's prefix may "
                                                   f"serve as the probed `{tail[0]}`")
    like_literal = health_like_literal(ws, service.app.folder, theirs)
    # `APIRouter(prefix="/healthcheck")` in a router fixer could not follow; a path H001
    # counts is named only as a prefix (`health_literal` did not take it)
    shown = "" if like_literal is None else f"`{like_literal}` as a router's prefix" \
        if is_health(like_literal, _normalized(wanted)) else f"`{like_literal}`"
    if shown and not doubt:
        doubt = (f"{why}, and its code names {shown}, which reads as a health route: "
                 "a second health route beside it is the author's call")
    catch_all = unread_catch_all(ws, service.app.folder, theirs, found[1]) if found else None
    if catch_all is not None and not doubt:
        doubt = (f"{why}, and {catch_all[1]} declares the GET route `{catch_all[0]}`, which "
                 f"answers {added} first unless a prefix fixer cannot see is in front of it")
    named = [r for r in found[1].unfollowed if "health" in r.lower()] if found else []
    if named:  # `from common.health import router`: it serves one, at a path fixer cannot see
        return HealthPlan(Source.UNREADABLE, None, f"the app includes the router {named[0]}, "
                                                   "which fixer cannot read")
    # the health-like path the code names (`/healthcheck`, or a health path named only as a
    # prefix): beside the doubt that names it, "the code names no /health path" reads false
    prefix = shown
    # routes fixer cannot read (`why`) may take a probe of the one it sees, as of any other
    return HealthPlan(Source.ADDED, added, why, doubt, one_like, several, gated=gated or "",
                      unanchored=unanchored, names_like=prefix,
                      like_noted=why if one_like and doubt else "") if found else \
        HealthPlan(Source.UNREADABLE, None, why)


# calls that queue work or write data: a probe every 10 s would do it every 10 s
_SIDE_EFFECTS = frozenset({"delay", "apply_async", "send_task", "commit", "publish",
                           "send_message", "produce", "insert_one", "put_item"})


def like_doubt(ws: Workspace, service: Service, path: str) -> str:
    """`route_doubt` of the app's GET route at `path` (one that reads as a health route):
    the first one there, which Starlette matches first."""
    route = _get_route(ws, service, path)
    return route_doubt(route) if route is not None else ""


def like_router_guard(ws: Workspace, service: Service, path: str) -> str:
    """Why every request to the app's GET route at `path` passes its router's dependencies
    first (`include_router(core, dependencies=[Depends(current_user)])`): a health route
    inside an API its authors guard as a whole, where a probe with no credentials never
    passes the usual guard. Not the route's own dependencies (a database session)."""
    route = _get_route(ws, service, path)
    return f"{route.path}: {route.guard}, which may refuse a probe" \
        if route is not None and route.guard else ""


def _get_route(ws: Workspace, service: Service, path: str) -> Route | None:
    """The app's first GET route at `path`, which Starlette matches first."""
    found = served_app(ws, service)
    return next((r for r in found[1].routes if r.path == path and r.get), None) \
        if found else None


def refused_probe(ws: Workspace, service: Service, route: Route) -> str:
    """Why the app's route refuses every request that carries no credentials, as a probe
    does (`route_auth.refusal`: a security scheme left to refuse, a required header); ""
    where fixer cannot show it."""
    found = served_app(ws, service)
    return found[1].refuses_anonymous(route) if found is not None else ""


def route_doubt(route: Route) -> str:
    """Why a probe of the route may fail or be unwelcome, whatever its name: a plain GET
    it may refuse (its own, its router's or its mounted app's `dependencies`), a handler
    that answers an error status of its own, one that writes (`side_effect`), or one that
    asks another service (`calls_out`)."""
    refusal = route.refusal() or route.error_answer()
    guard = f"{route.path}: {refusal}, which may refuse a probe" if refusal else ""
    return guard or side_effect(route) or calls_out(route)


def calls_out(route: Route) -> str:
    """Why a probe of the route ties the container's health to another service's: its
    handler makes an HTTP request (`await client.get(f"{url}/health")`, `requests.get(URL)`)
    or checks another service through its client (`await redis.ping()`,
    `es.cluster.health()`), which a slow or stopped service answers late or never, past the
    probe's timeout."""
    call = (_http_call(route.function) or _peer_check(route.function)) \
        if route.function is not None else None
    return (f"{route.path}: its handler calls `{call}()`, another service: the container's "
            "health then follows that service's, and a slow answer outlasts the probe's "
            "timeout") if call else ""


def _http_call(function: ast.AST) -> str | None:
    """The first HTTP request of the handler, as written: a client's or a library's verb
    (`client.get`, `session.post`, `httpx.get`) given a URL (an f-string, a literal with
    `://`, a name or attribute that says url)."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in _HTTP_VERBS and node.args and _url_like(node.args[0]):
            return ast.unparse(node.func)
    return None


def _peer_check(function: ast.AST) -> str | None:
    """The first check of another service's health the handler makes through its client,
    as written: a `ping` (redis's, Elasticsearch's `es.ping()`), Elasticsearch's or
    OpenSearch's `es.cluster.health()`, MongoDB's `client.admin.command("ping")`; not one
    on `self` (the handler's own class), nor one a `try` catches (the handler answers for
    it, `{"redis": false}`, and a stopped service's name fails to resolve at once)."""
    for node in _uncaught_calls(function):
        if not isinstance(node.func, ast.Attribute):
            continue
        receiver, name = node.func.value, node.func.attr
        root = receiver
        while isinstance(root, (ast.Attribute, ast.Call, ast.Await)):
            root = root.func if isinstance(root, ast.Call) else root.value
        if isinstance(root, ast.Name) and root.id in ("self", "cls"):
            continue
        if (name == "ping" and not node.args) or \
                (name == "health" and isinstance(receiver, ast.Attribute)
                 and receiver.attr == "cluster") or \
                (name == "command" and node.args and isinstance(node.args[0], ast.Constant)
                 and node.args[0].value == "ping"):
            return ast.unparse(node.func)
    return None


def _uncaught_calls(node: ast.AST) -> Iterator[ast.Call]:
    """The calls under the node that no `try` with an `except` around them catches."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Try, ast.TryStar)) and child.handlers:
            for part in (child.handlers, child.orelse, child.finalbody):
                for statement in part:
                    yield from _uncaught_calls(statement)
            continue
        if isinstance(child, ast.Call):
            yield child
        yield from _uncaught_calls(child)


_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "request", "stream"})


def _url_like(arg: ast.expr) -> bool:
    if isinstance(arg, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and isinstance(v.value, str) and
                   ("/" in v.value or "://" in v.value) for v in arg.values) or \
            any(isinstance(v, ast.FormattedValue) and "url" in ast.unparse(v.value).lower()
                for v in arg.values)
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return "://" in arg.value
    return isinstance(arg, (ast.Name, ast.Attribute)) and "url" in ast.unparse(arg).lower()


def side_effect(route: Route) -> str:
    """Why probing the route every few seconds is the author's call: its handler queues a
    task or writes (`ping_task.delay()`, `session.commit()`)."""
    written = _writes(route.function) if route.function is not None else None
    return (f"{route.path}: its handler calls `{written}()`, which a probe every 10 s would "
            "repeat") if written else ""


def _writes(function: ast.AST) -> str | None:
    """The first call of the function that queues work or writes (`ping.delay`, a file
    opened to append or write: `open(LOG, "a")`), as written."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr in _SIDE_EFFECTS or node.func.attr in _SENDS
                and "producer" in ast.unparse(node.func.value).lower()):
            return ast.unparse(node.func)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id == "open" and _opens_to_write(node):
            return "open"
    return None


def _opens_to_write(call: ast.Call) -> bool:
    """`open(path, "a")`, `open(path, mode="w")`: a mode that writes the file."""
    mode = call.args[1] if len(call.args) > 1 else \
        next((k.value for k in call.keywords if k.arg == "mode"), None)
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and \
        bool(set(mode.value) & set("aw+x"))


def middleware_side_effect(ws: Workspace, service: Service) -> str:
    """Why probing any route of the app every few seconds is the author's call: an
    `@app.middleware("http")` function of the module that creates the app queues work or
    writes on every request it does not let a health path through (a Kafka event per
    request, `session.commit()`)."""
    found = served_app(ws, service)
    if not found or not found[1].sites:
        return ""
    site = found[1].sites[0]
    for _top, stmt in statements(site.scope.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                isinstance(d, ast.Call) and dotted_name(d.func) == f"{site.var}.middleware"
                for d in stmt.decorator_list) and not lets_health_through(stmt, site.tree):
            written = _writes(stmt)
            if written:
                return (f"the middleware `{stmt.name}` calls `{written}()` on every request, "
                        "which a probe every 10 s would repeat")
    return ""


# a message producer's sends (aiokafka's `producer.send`, `send_and_wait`): as generic a name
# as `send` counts only on a receiver named a producer
_SENDS = frozenset({"send", "send_and_wait"})


def several_doubt(paths: tuple[str, ...]) -> str:
    """Why no probe or route is chosen beside several routes that read as health routes."""
    return f"the app serves GET {' and '.join(paths)}, which read as its health routes"


# A last path part that names a health route: `health` anywhere in it (`/health-check`), a
# heartbeat, or a probe's usual name as the whole part (`/ping`, `/is-alive`, `/ready-check`;
# not `/shipping`, nor what names something else by the word: `/not_ready`, `/ready_orders`,
# `/live_streams`)
_HEALTH_WORD = lazy_compile(r"health|heartbeat|^(?:is[-_])?(?:ping|alive|live|livez|liveness|"
                            r"ready|readyz|readiness)(?:[-_.](?:check|probe|status))?$", re.I)
# A probe's route under a `health` folder (`/health/live`, `/api/healthz/ready`); not what
# checks a dependency (`/health/db`), which ties the container's health to another's
_UNDER_HEALTH = lazy_compile(r"/_?health(?:z|check)?/(?:live|liveness|ready|readiness|startup|"
                             r"alive|ping)/?$", re.I)
# Any route under a `health` folder (`/device/health/check/`): the author's health route,
# likely, where routes fixer cannot read may serve it
_HEALTH_FOLDER = lazy_compile(r"/_?health(?:z|check)?/", re.I)
# A route at the app's root (or under `/api`, a version) that conventions use as the health
# route: `/up` (Rails), `/status`; deeper (`/jobs/status`) they name something else's state
_ROOT_PROBE = lazy_compile(r"(?:/api)?(?:/v\d+)?/(?:up|status)/?", re.I)


# A handler whose whole name says it is the health route, whatever its path (`def health()`
# on `/api/status`); not one that only contains a word (`def get_ready_orders()`)
_HEALTH_HANDLER = lazy_compile(r"(?:get_|api_|async_)?(?:health(?:z|check|_check)?|heartbeat|ping|"
                               r"liveness|readiness|alive|is_alive)(?:_check|_probe|_endpoint)?",
                               re.I)


def health_like(routes: AppRoutes, wanted: list[str]) -> list[str]:
    """The app's literal GET routes that read as health routes: those H001 counts, those
    whose last part names health (`/healthcheck/`, `/api/v1/health-check`, `/heartbeat`,
    `/ping`, `/alive`, `/live`, `/ready`), a probe's route under a `health` folder (`/health/live`,
    not `/health/db`), `/up` or `/status` at the root, and one whose handler is named for
    health (`def health()`)."""
    normal = _normalized(wanted)
    found = set()
    for route in routes.routes:
        path = route.path
        if not (route.get and not path.startswith(UNKNOWN) and _PROBEABLE.fullmatch(path)):
            continue
        handler = route.function.name if route.function is not None else ""
        named = _HEALTH_HANDLER.fullmatch(handler) and not _takes_a_dependency(route.function)
        if (_health_path(path, normal, route.function) or named or
                _described_as_health(route.function)) and not streams(route.function) and \
                not _always_raises(route.function):
            found.add(path)
    return sorted(found)


# a path's last part that says health itself: `/healthz`, `/health-check`, `/heartbeat`
_NAMES_HEALTH = lazy_compile(r"health|heartbeat", re.I)


def health_not_get(routes: AppRoutes, added: str) -> str | None:
    """Why a GET health route added beside the app's may be a second one: a route that reads
    as the health route (by its path, its handler's name, its tags or docstring) answers
    other methods only (`@app.post("/healthz")` with `def healthz()`), which a probe's GET
    gets 405 from: making it a GET route may be what its author meant. Not one at the path
    the GET route is `added` at (`@app.post("/health")`): that one answers beside it."""
    for route in routes.routes:
        path = route.path
        if route.get or path.startswith(UNKNOWN) or not _PROBEABLE.fullmatch(path) or \
                path.rstrip("/") == added.rstrip("/"):
            continue
        handler = route.function.name if route.function is not None else ""
        # stronger words than a GET route needs: a POST `/status` or `/ping` names
        # something else as often (`post_crawler_status`)
        if _NAMES_HEALTH.search(path.rstrip("/").rsplit("/", 1)[-1]) or \
                _HEALTH_HANDLER.fullmatch(handler) or _described_as_health(route.function):
            return (f"the app's `{handler or path}` at {path} reads as its health route but "
                    "answers no GET (a probe gets 405): making it a GET route may be what its "
                    "author meant")
    return None


def _always_raises(function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> bool:
    """The handler's first statement (past its docstring) raises (`def ping(): raise
    Exception`): every request gets 500, a route for testing error handling, no health
    route."""
    body = function.body if function is not None else []
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return bool(body) and isinstance(body[0], ast.Raise)


def _takes_a_dependency(function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> bool:
    """The handler takes a parameter from `Depends(...)` (`current_user: User =
    Depends(get_current_active_user)` on `/users/me`, whose handler is named `ping`): it
    serves a caller, not a probe, whatever its name says."""
    if function is None:
        return False
    arguments = function.args
    defaults = [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
    annotated = [a.annotation for a in [*arguments.args, *arguments.kwonlyargs]
                 if a.annotation is not None]
    return any(isinstance(node, ast.Call) and (dotted_name(node.func) or "").endswith(
        "Depends") for value in [*defaults, *annotated] for node in ast.walk(value))


# what the decorator's `tags`, its `summary` or the handler's docstring call a health check
# (`tags=["Health"]`, `summary="Health Check"`, `"""Health check endpoint"""`)
_HEALTH_TAG = lazy_compile(r"\s*health(?:[ _-]?checks?)?\s*", re.I)
_HEALTH_SUMMARY = lazy_compile(r"\bhealth[ _-]?checks?\b|^\s*health\s*$", re.I)


def _described_as_health(function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> bool:
    """The route's decorator tags or sums it up as the health check, or the first line of
    its handler's docstring does (a `GET /` whose handler is `root`)."""
    if function is None:
        return False
    doc = (ast.get_docstring(function) or "").strip()
    if doc and _HEALTH_SUMMARY.search(doc.splitlines()[0]):
        return True
    for call in (d for d in function.decorator_list if isinstance(d, ast.Call)):
        for keyword in call.keywords:
            texts = [n.value for n in ast.walk(keyword.value)
                     if isinstance(n, ast.Constant) and isinstance(n.value, str)]
            if keyword.arg == "tags" and any(_HEALTH_TAG.fullmatch(t) for t in texts) or \
                    keyword.arg == "summary" and any(_HEALTH_SUMMARY.search(t) for t in texts):
                return True
    return False


def unanchored_health(routes: AppRoutes, wanted: list[str]) -> tuple[str, ...]:
    """The app's GET routes whose literal path has no leading `/` (`@router.get("health")`)
    and would read as health routes with one: Starlette compiles such a path to a pattern
    that no request path (each starts with `/`) matches, so they serve nothing."""
    normal = _normalized(wanted)
    return tuple(sorted({r.path for r in routes.routes if r.get and r.path and
                         not r.path.startswith(("/", UNKNOWN)) and
                         _PROBEABLE.fullmatch("/" + r.path) and
                         _health_path("/" + r.path, normal)}))


def unanchored_doubt(paths: tuple[str, ...]) -> str | None:
    """Why a route added beside a health route that lacks its leading `/` is a second one:
    `/` before `auth/healthcheck` is the one-character change its author meant, and which
    of the two to keep is the author's call."""
    if not paths:
        return None
    shown = " and ".join(f"`{p}`" for p in paths)
    return (f"the app's {shown} never matches a request for want of a leading `/`, which "
            "may be all its author meant: a second health route beside it is the author's call")


def _health_path(path: str, normal: set[str],
                 function: ast.FunctionDef | ast.AsyncFunctionDef | None = None) -> bool:
    """A path that reads as a health route's, whatever its handler; `/status` or `/up` only
    where the handler asks the request for nothing (`def auth_status(phone: str, ...)` at
    `/api/v1/status` reports a user's state, and a probe without them gets 422)."""
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    return bool(is_health(path, normal) or _HEALTH_WORD.search(tail) or
                _UNDER_HEALTH.search(path) or
                _ROOT_PROBE.fullmatch(path) and not _asks_for_input(function))


# what FastAPI hands a handler itself, never a parameter of the request's query
_GIVEN = frozenset({"Request", "Response", "BackgroundTasks", "HTTPConnection"})


def _asks_for_input(function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> bool:
    """The handler takes a parameter with no default that FastAPI does not hand it itself (a
    required query parameter), or a dependency."""
    if function is None:
        return False
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    required = positional[:len(positional) - len(arguments.defaults)] + \
        [a for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is None]
    return _takes_a_dependency(function) or not all(_given(a) for a in required)


def _given(argument: ast.arg) -> bool:
    name = dotted_name(argument.annotation) if argument.annotation is not None else None
    return argument.arg == "self" or (name or "").rsplit(".", 1)[-1] in _GIVEN


def late_health(routes: AppRoutes, wanted: list[str]) -> str | None:
    """Why a health route added to the app may be a second one: a route reading as a health
    route that a router gets below the line including it (`AppRoutes.late`), served by the
    FastAPI releases that keep an included router, not by those that copied its routes
    when it was included."""
    normal = _normalized(wanted)
    found = next(((path, line) for path, line in routes.late
                  if _PROBEABLE.fullmatch(path) and _health_path(path, normal)), None)
    return None if found is None else (
        f"its router's GET {found[0]} is added below `include_router` (line {found[1]}): "
        "FastAPI releases that copy a router's routes when it is included do not serve it, "
        "later ones do; moving the include below the router's routes serves it on both")


def gated_health(routes: AppRoutes, wanted: list[str]) -> str | None:
    """Why a health route added to the app may be a second one: a GET route H001 would
    count as a health route that the app adds on some runs only (`if settings.PROBES:`, a
    `try` body: `AppRoutes.conditional`). It is no route to probe, and whether to serve
    one on every run beside it is the author's call."""
    normal = _normalized(wanted)
    found = next(((path, where) for path, where in routes.conditional
                  if _PROBEABLE.fullmatch(path) and is_health(path, normal)), None)
    return None if found is None else (
        f"its GET {found[0]} is added under a condition fixer cannot settle ({found[1]}), so "
        "it is served on some runs only; a second health route beside it is the author's call")


# responses that never end: a probe of them times out, whatever its tool
_STREAMING = frozenset({"EventSourceResponse", "StreamingResponse"})


def streams(function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> bool:
    """The handler answers with a stream (`EventSourceResponse(...)`, a server-sent events
    `/status`): `curl -f` on it never exits, so it is no route to probe."""
    if function is None:
        return False
    # a walk that stops at the first stream, with `child_nodes` (not `ast.walk`'s generator
    # per node): every gate of every app asks for its handler
    stack: list[ast.AST] = [function]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call) and called_name(node) in _STREAMING:
            return True
        stack += child_nodes(node)
    return False


def _uncompiled(ws: Workspace, service: BuiltService) -> str | None:
    """A module on the app's import path that fixer's compiler rejects (S004 reports it
    when the image's Python does too): why fixer may find no app object."""
    module = appmodule.find(ws, service)
    if module is None:
        return None
    found = first_unreadable(ws.read, appmodule.import_path(ws, module), service.app)
    return None if found is None else found.clause


class Literal(NamedTuple):
    """A health path the service's code names, and how it names it where not as written."""

    path: str
    named: str = ""   # ` (`/healthz` of a router with the prefix `/admin`)`
    module: str = ""  # the file that names it


def health_literal(ws: Workspace, folder: str, wanted: list[str],
                   theirs: frozenset[str] = frozenset()) -> Literal | None:
    """A health path written as a string literal in the service's Python files (tests
    left out, and `theirs`): when some routes cannot be read, it is likely one of them. A
    route path of a router the module creates with a prefix is served under it
    (`APIRouter(prefix="/admin")` and `@router.get("/healthz")`: `/admin/healthz`); under
    a prefix that is no literal, it is no path fixer can write."""
    normal = _normalized(wanted)
    found = _served_literals(ws, folder, theirs, prefixes=False)
    healthy = [p for p in found if is_health(p, normal)]
    best = min(healthy, key=lambda p: _preference(p, wanted)) if healthy else None
    return Literal(best, *found[best]) if best is not None else None


def _served_literals(ws: Workspace, folder: str, theirs: frozenset[str],
                     prefixes: bool) -> dict[str, tuple[str, str]]:
    """`_path_literals`, each with how the code names it (`Literal.named`) and the file that
    does: a route path of a router the module creates with a prefix joined to it, or left
    out where the prefix is no literal."""
    found: dict[str, tuple[str, str]] = {}
    for path in _service_files(ws, folder, theirs):
        file = ws.read(path)
        if file is None:
            continue
        routed = _prefixed_routes(file)
        for literal in _literals_of(file, prefixes):
            if literal not in routed:
                found.setdefault(literal, ("", path))
            elif (joined := routed[literal]) is not None:
                found.setdefault(joined, (f" (`{literal}` of a router with the prefix "
                                          f"`{joined[:len(joined) - len(literal)]}`)", path))
    return found


def _prefixed_routes(file: TextFile) -> dict[str, str | None]:
    """The route paths of the routers the module creates with a prefix, each joined to its
    prefix; None where the prefix is no literal (`prefix=settings.API_PREFIX`)."""
    if "Router(" not in file.text or "prefix" not in file.text:
        return {}
    tree = parse(file)
    if tree is None:
        return {}
    prefixes = _router_prefixes(tree)
    routes: dict[str, str | None] = {}
    for node in ast.walk(tree) if prefixes else ():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and node.func.attr in _ROUTE_CALLS \
                and node.func.value.id in prefixes:
            given = node.args[0] if node.args else \
                next((k.value for k in node.keywords if k.arg == "path"), None)
            if isinstance(given, ast.Constant) and isinstance(given.value, str):
                prefix = prefixes[node.func.value.id]
                routes[given.value] = join_paths(prefix, given.value) \
                    if prefix is not None else None
    return routes


def _router_prefixes(tree: ast.Module) -> dict[str, str | None]:
    """Name -> prefix of each router the module's top level creates with one
    (`router = APIRouter(prefix="/admin")`); None for a prefix that is no literal."""
    found: dict[str, str | None] = {}
    for _top, stmt in statements(tree.body):
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
            else stmt.target if isinstance(stmt, ast.AnnAssign) else None
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
        if not isinstance(target, ast.Name) or not isinstance(value, ast.Call) \
                or not (called_name(value) or "").endswith("Router"):
            continue
        given = value.args[0] if value.args else \
            next((k.value for k in value.keywords if k.arg == "prefix"), None)
        if given is not None:
            found[target.id] = given.value if isinstance(given, ast.Constant) and isinstance(
                given.value, str) and given.value else None
    return found


# a router's literal prefix (`prefix="/health"`)
_PREFIX_LITERAL = lazy_compile(r"""\bprefix\s*=\s*["'](/[\w.~/-]*)["']""", re.ASCII)


def health_under_prefix(ws: Workspace, folder: str, wanted: list[str], theirs: frozenset[str],
                        mods: Modules) -> str | None:
    """A GET health route of a router that the service's Python files (tests and `theirs`
    left out) give a literal prefix that is a health path, read through `mods` (the app's
    modules): `include_router(health.router, prefix="/health")` of a router with
    `@router.get("/")` serves `…/health/`. When some routes cannot be read, the app likely
    includes it, below a path fixer cannot see: the route starts with UNKNOWN. A prefix
    alone is no health route: the routes under it may be `/health/live` only, and a
    router fixer cannot read says nothing of them."""
    normal = _normalized(wanted)
    found: set[str] = set()
    for path in _service_files(ws, folder, theirs):
        file = ws.read(path)
        prefixes = {m.group(1) for m in _PREFIX_LITERAL.finditer(file.text)} \
            if file is not None else set()
        for prefix in sorted(p for p in prefixes if is_health(p, normal)):
            found.update(join_paths(UNKNOWN, route.path)
                         for route in routes_under_prefix(mods, path, prefix)
                         if route.get and is_health(route.path, normal))
    return min(found, key=lambda p: _preference(p, wanted)) if found else None


def _of_a_router(ws: Workspace, path: str) -> bool:
    """The module creates a router and no app: a path it names may be a route of that
    router, served wherever the router is included."""
    file = ws.read(path)
    return file is not None and "Router(" in file.text and "FastAPI(" not in file.text


def _nesting_prefix(ws: Workspace, folder: str,
                    theirs: frozenset[str]) -> tuple[str, str] | None:
    """(prefix, file) of a router that a service file creates with a literal prefix and
    includes other routers in (`router = APIRouter(prefix="/api/v1")`, then
    `router.include_router(system.router)`): the routes of those routers are served under
    it, whatever path their own module gives them."""
    for path in _service_files(ws, folder, theirs):
        file = ws.read(path)
        if file is None or ".include_router(" not in file.text or "Router(" not in file.text:
            continue
        tree = parse(file)
        prefixes = _router_prefixes(tree) if tree is not None else {}
        for node in ast.walk(tree) if tree is not None and prefixes else ():
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr == "include_router" and \
                    isinstance(node.func.value, ast.Name) and \
                    prefixes.get(node.func.value.id) not in (None, "", "/"):
                return str(prefixes[node.func.value.id]), path
    return None


def health_like_literal(ws: Workspace, folder: str,
                        theirs: frozenset[str] = frozenset()) -> str | None:
    """A path literal in the service's Python files that reads as a health route without
    being one H001 counts (`/healthcheck`, a router's prefix): when some routes cannot be
    read, the app likely serves it."""
    found = sorted(p for p in _served_literals(ws, folder, theirs, prefixes=True)
                   if _HEALTH_WORD.search(p.rstrip("/").rsplit("/", 1)[-1])
                   or _UNDER_HEALTH.search(p) or _HEALTH_FOLDER.search(p))
    return found[0] if found else None


# a GET route whose whole path is one parameter (`@router.get("/{item_id}")`): it takes any
# one-segment path, `/health` too, where nothing before it answers
_ROUTE_CALLS = frozenset({"get", "api_route", "add_api_route", "route", "add_route"})
_ONE_PARAMETER = lazy_compile(r"/\{[^}/]+\}")


def unread_catch_all(ws: Workspace, folder: str, theirs: frozenset[str],
                     routes: AppRoutes) -> tuple[str, str] | None:
    """(path, file) of a catch-all GET route in the service's Python files (tests and
    `theirs` left out) that fixer did not read as one of the app's routes: where some
    routes cannot be read, one of them may answer a route added after it."""
    read = {(module, text) for module, _line, _column, text in routes.read_literals}
    for path in _service_files(ws, folder, theirs):
        file = ws.read(path)
        if file is None or "FastAPI(" in file.text or _PREFIXED_ROUTER.search(file.text):
            continue   # another app's routes, or a router whose routes sit under a prefix
        for route in _catch_all_routes(file):
            if (path, route) not in read:
                return route, path
    return None


def _catch_all_routes(file: TextFile) -> list[str]:
    """The one-parameter paths (`/{item_id}`) the module's route calls declare, in line
    order: code only, so a route kept in a string or a comment is none (a module that does
    not parse has none either: fixer reads no routes of it)."""
    tree = parse(file)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _ROUTE_CALLS:
            given = node.args[0] if node.args else \
                next((k.value for k in node.keywords if k.arg == "path"), None)
            if isinstance(given, ast.Constant) and isinstance(given.value, str) \
                    and _ONE_PARAMETER.fullmatch(given.value):
                found.append((node.lineno, given.value))
    return [route for _line, route in sorted(found)]


# `APIRouter(prefix="/items")`: its `/{item_id}` is `/items/{item_id}`
_PREFIXED_ROUTER = lazy_compile(r"""APIRouter\([^)]*\bprefix\s*=\s*["']/[^"']""")


# `prefix="/health"`: the routes under it are `/health/live`, not `/health` itself
_PREFIX_BEFORE = lazy_compile(r"prefix\s*=\s*$")


def _probed_tail(ws: Workspace, folder: str, wanted: list[str],
                 theirs: frozenset[str]) -> tuple[str, str] | None:
    """(probed path, literal) where a path literal of the service's code is the probed path
    less its leading segments (`/status` for `/api/status`): a route of a router whose
    prefix fixer cannot read may serve the probe, and a route added beside it would never
    answer."""
    # a trailing slash on either side still meets (`/health-check/` probed as
    # `/api/v1/utils/health-check/`): FastAPI redirects the one to the other
    literals = {literal.rstrip("/"): literal
                for literal in _path_literals(ws, folder, theirs, prefixes=False)}
    for probed in wanted:
        parts = [p for p in probed.split("/") if p]
        for start in range(1, len(parts)):
            tail = "/" + "/".join(parts[start:])
            if tail in literals:
                return probed, literals[tail]
    return None


def _path_literals(ws: Workspace, folder: str, theirs: frozenset[str],
                   prefixes: bool = True) -> set[str]:
    """The probeable path literals (`"/health"`) of the service's Python files, tests and
    `theirs` left out; without a router's `prefix=` ones unless `prefixes`."""
    found: set[str] = set()
    for path in _service_files(ws, folder, theirs):
        file = ws.read(path)
        if file is not None:
            found.update(_literals_of(file, prefixes))
    return found


# `@router.websocket("/api/live")`: a WebSocket's path, which no HTTP probe is answered on
_WEBSOCKET_BEFORE = lazy_compile(
    r"(?:\.websocket|websocket_route|add_api_websocket_route|add_websocket_route)"
    r"\(\s*(?:path\s*=\s*)?$")


def _literals_of(file: TextFile, prefixes: bool) -> list[str]:
    """`_path_literals` of one file: a WebSocket route's path is none."""
    return [m.group(1) for m in _PATH_LITERAL.finditer(file.text)
            if _PROBEABLE.fullmatch(m.group(1)) and (prefixes or not
            _PREFIX_BEFORE.search(file.text, max(0, m.start() - 24), m.start())) and
            not _WEBSOCKET_BEFORE.search(file.text, max(0, m.start() - 40), m.start())]


def _service_files(ws: Workspace, folder: str, theirs: frozenset[str]) -> list[str]:
    """The service's Python files read for literals, in path order: tests and `theirs` left
    out, the first `_LITERAL_SCAN_LIMIT` of them."""
    prefix = folder + "/" if folder else ""
    paths = sorted(p for p in ws.tree.paths() if p.startswith(prefix) and p.endswith(".py")
                   and not _TEST_FILE.search(p[len(prefix):]) and p not in theirs)
    return paths[:_LITERAL_SCAN_LIMIT]


def _theirs(ws: Workspace, service: BuiltService) -> frozenset[str]:
    """The files only other apps built from the same folder import: a monorepo whose
    services all build from `.` keeps each app's routes in its own package, and the
    `/health` of one (or the one H001 adds to it) says nothing of the others'."""
    own = appmodule.find(ws, service)
    mine = set(appmodule.import_path(ws, own)) if own is not None else set()
    found: set[str] = set()
    for other in ws.apps():
        if other.app.folder != service.app.folder or \
                (other.stack.name, other.name) == (service.stack.name, service.name):
            continue
        module = appmodule.find(ws, other)
        if module is not None and module.path not in mine:
            found.update(appmodule.import_path(ws, module))
    return frozenset((found | _not_in_image(ws, service)) - mine)


def _not_in_image(ws: Workspace, service: BuiltService) -> set[str]:
    """The Python files of the build context that no COPY or ADD of the image takes: where
    the context is the repository's root, another service's code and a generator's
    templates (`tools/bootstrap.py` writing `@router.get("/healthz")`) are not the app's."""
    app = service.app
    prefix = app.folder + "/" if app.folder else ""
    return {path for path in ws.tree.paths() if path.startswith(prefix)
            and path.endswith(".py") and not may_hold(app.dockerfile, app.stage,
                                                      path[len(prefix):])}


def _preference(path: str, wanted: list[str]) -> tuple[bool, int, str]:
    known = path.rstrip("/") or "/"
    normal = [p.rstrip("/") or "/" for p in wanted]
    rank = normal.index(known) if known in normal else len(normal)
    return path.startswith(UNKNOWN), rank, path
