"""The FastAPI app serves no health route.

## What it does
Finds the app the command serves (`app.main:app`, `main:api`, a factory, an
instance of a `FastAPI` subclass such as `class Api(FastAPI)`, or the module a script
the command runs names in `uvicorn.run("app.main:app")`, imported from the script's
folder) and reads the
routes its code shows: decorators on the app, `add_api_route`, `api_route` with
GET, and the routes of every router the app includes, with the prefixes of
`APIRouter(prefix=...)` and `include_router(prefix=...)` joined as FastAPI joins them
(`@router.get("")` is the prefix itself, under a prefix fixer cannot read too),
routers imported from the service's own modules included, the routes of a module the
app's module imports after creating the app that imports the app back (`import routes`,
`importlib.import_module("app.routes")`), and the routers a loop over a
literal tuple or list
includes (`for module in (users, health): app.include_router(module.router)`), as if
included one by one. A route added on some runs only (under `if DEBUG:` or in its
`else`, in a `try` body or handler, unless the block also creates the app) is not
counted: it is neither served nor missing. The app has a health route when it answers
GET on `/health`, on the path the service's own healthcheck probes (compose
`healthcheck.test` or Dockerfile `HEALTHCHECK`), on a configured alternative
(`/healthz`, `/livez` or `/readyz` unless `health-paths` says otherwise), or on
any path ending in `/health`. A path built from the module's own constants alone
(`f"{API}/_ping"`, `API + "/items"`, each constant bound once at the top level) is read as
the text it builds; a route whose path is no such literal
(`@app.get(app.swagger_ui_oauth2_redirect_url)`) is skipped. A path with no leading
`/` (`@router.get("auth/healthcheck")`) matches no request (Starlette compiles it to a
pattern no request path matches): it is no health route, and the message names it when it
would read as one with a `/`. Where the code adds
routes fixer cannot follow (a router imported from another package, a
non-literal path or prefix, `register(app)`, a module imported by a name built at run
time: `import_module(f"app.routers.{name}")`), a health path written as a string
literal in the service's Python files (tests left out, and the files only another
app built from the same folder imports) counts as served, and so does a router included
under a health prefix (`include_router(health, prefix="/health")`) that serves its prefix
itself (`@router.get("/")`), and so does a probed path whose tail is such a literal (a
healthcheck of `/api/status` beside a `@router.get("/status")` under a prefix fixer cannot
read: a route added beside it would never answer). Modules are found through the
image's `PYTHONPATH` too, where fixer can map it to the repository through WORKDIR and
COPY (`fastapi run app/api/main.py` with `ENV PYTHONPATH=/code` imports
`app.api.router`). A FastAPI app mounted on
this one (`app.mount("/v1", v1)`, created here or in a module of the import root)
serves its routes under the mount's path. Any other mounted app (a Flask app through
`WSGIMiddleware`, `make_asgi_app()`, a sub-app fixer cannot follow) and an exporter's
endpoint (`Instrumentator().expose(app)`, `/metrics` unless `endpoint=` says otherwise)
may serve any path under theirs: a probe of such a path is no finding, and `/health`
under one is display-only (a route added before the mount would hide the mounted
app's, one added after it would never be reached).
Flask, Django, workers, bots and one-shot jobs are not app services and are
never reported. Attribute assignments after the app is created (`app.state.db =
db`, `app.logger = log`) do not hide it. Routes the app's class adds to itself in
`__init__` (`self.add_api_route(...)`) count, so do the routes a function of the
repository adds to the app it is handed (`register_routers(app)` including a router
with `/health`; what else it may add stays unknown), and the paths a middleware of the
module answers itself (`if request.url.path == "/healthz": return PlainTextResponse("ok")`,
`in PROBES`, `request.scope["path"]`, beside `request.method == "GET"`; registered with
`@app.middleware("http")`, `app.middleware("http")(fn)` or `add_middleware` of a
`BaseHTTPMiddleware` class); a `.startswith("/health")` it answers may serve any path
under it.

An app that serves a route that reads as its health route (`/healthcheck`), run by a
service whose healthcheck runs a command naming no URL fixer reads (`test:
/healthchecks/request.py`, a script), is no finding: that healthcheck may well probe it.
A service whose healthcheck asks for a path the app does not serve is H002's
finding, not this one's (one defect, one finding): H002's fix rewrites the probe
to the app's health route or adds the route it asks for.

An app built by another framework's class (`Flask(__name__)`, a `Starlette` subclass,
`WsgiToAsgi(flask_app)`, Django, Quart, Litestar, ...) is no FastAPI app, even where its
module imports a FastAPI helper (`from fastapi.encoders import jsonable_encoder`): no
finding here, nor a C004 healthcheck for its service.

## Why is this bad?
Compose and orchestrators decide that a container is healthy by calling it. With
no health route the probe gets 404, the container never turns healthy, and every
service that waits for it (`condition: service_healthy`) never starts.

## Example
```python
app = FastAPI()


@app.get("/items")
def items():
    return []
```

## Use instead
```python
app = FastAPI()


@app.get("/items")
def items():
    return []


@app.get("/health")
def health():
    return {"status": "ok"}
```

## Fix safety
Safe: it only adds a route (on the path the healthcheck probes, else `/health`),
right after the app's last route or its creation, inside the factory function
when a factory builds the app. The function's name never clashes with an
existing one (`health_check`, `health_1`, ... when `health` is taken: bound, or read
anywhere in the module, where a `from m import *` or a `for` may bind it); style follows the
file: `async def` when its routes are async, its indentation, quotes (its routes' paths,
else most of its strings, and on a tie the strings of its calls on the app,
`@app.on_event('startup')`) and line endings, a docstring where its handlers have one; where
the project's linters and formatter decide (ruff, black, blue, flake8, their pre-commit
hooks), it follows them: their quotes, two blank lines around it, a docstring where ruff
selects D103, a return annotation where it selects ANN201; its return annotation is
`dict[str, str]` only where the image's Python and the oldest one the project states
(`requires-python`, Poetry's `python`) take it, else `dict` (3.8 raises TypeError importing
`dict[str, str]`), or, where mypy requires type parameters (`disallow_any_generics`,
`strict`, with no `disable_error_code` of `type-arg`), `Dict[str, str]` through the module's
own import of `typing`: unsafe where it imports neither `typing` nor its `Dict` (a bare
`dict` fails that type check). No finding when fixer cannot find where the app object is
created (a factory that returns `FastAPI()` unnamed). Unsafe where the app gets routes fixer
cannot see (a function or an object
handed the app: `serve = GraphServe(app=app)` then `serve.bind_api()`) and the route would
go on the path the service's own healthcheck probes: those routes may serve it, and the
route added before them would answer the probe in their place. Unsafe where the app's
module hands the app to an MCP server (fastapi-mcp's
`FastApiMCP(app)`, `FastMCP.from_fastapi(app)`): its routes are the server's tools, and the
route added would be one more for every client (C004's fix, which adds it, too). Unsafe
where the service has no healthcheck and compose
also names a published image beside its build (`image: acme/api:latest`, not bind-mounting
the code): C004's healthcheck on the route is unsafe there (a pulled image predates it),
and the two go together, so that a later run does not take the route for an old one.
Display-only where a route added with `@app.get` may be refused before its handler runs:
dependencies on the app (`FastAPI(dependencies=[...])`,
`app.router.dependencies.append(Depends(auth))`; not FastAPI's security schemes with
`auto_error=False`, which refuse nothing), any middleware of the app that answers an error
status before it passes the request on (inline, or through a function or method it calls:
`return reject(400)`), or raises there where nothing but a missing header or credential
guards the raise (a 500; one for another method or path, or on input a probe does not
bring, is none), and where a route answers the path first, on every run or on those
where the app adds it (a parameter route such as `/{item_id}`, a catch-all under `if
os.path.isdir("static"):`; where some routers cannot be read, a catch-all GET route fixer
did not read in the service's code, outside modules that build another app and routers
with a literal `prefix=`).

Unsafe, with the reason, when the app serves exactly one route whose last part
names health though H001 does not count it (`/api/v1/health-check/`,
`/healthcheck`, `/heartbeat`, the word `ping`, `alive`, `live`, `ready`, `liveness`,
`readiness` as the whole last part, `is-` before it or `-check` after it allowed (not
`/orders/not_ready` or `/live_streams`, which name something else), or such a route under
a `health` folder: `/health/live`; `/up` or
`/status` at the app's root), or whose
handler is named for health whatever its path (`def health()` on `/api/status`), or that
its decorator tags or sums up as the health check, or its docstring's first line calls one
(`@app.get("/", tags=["Health"], summary="Health Check")`, a docstring "Health check
endpoint"): a
second health route beside it is the user's call (C004 probes
that one; `health-paths` in the configuration makes H001 count it). While C004 has a
fix for the service, that fix goes first and H001's waits: the healthcheck then probes
the route, which counts, and nothing is left to fix (`--unsafe-fixes` added a second
route beside the one the new healthcheck probes); not where that route's router is
included with `dependencies=` (an API guarded as a whole, where a probe with no
credentials may never pass): C004 probes none there, and this fix adds the route it then
probes. Display-only beside several such routes: which one is the health route is the
author's call. Unsafe too when a router gets such a
route below the line that includes it in the app (`app.include_router(router)`, then
`@router.get("/health")`): FastAPI releases that copy a router's routes when it is
included do not serve it, and later ones do; moving the include down is the smaller
change (C004's healthcheck with the added route is unsafe for the same reason). Unsafe
too, with the condition's file and line, when the app adds a health route only on some
runs (`if settings.PROBES:` or a `try` body around `@app.get("/healthz")`): a second
one served on every run beside it is the author's call (so is C004's probe of it). So
when a route that reads as the health route answers other methods only
(`@app.post("/healthz", tags=["Health"])` with `def healthz()`): a probe's GET gets 405
from it, and making it a GET route may be what its author meant. So too when one lacks
its leading `/` (`@router.get("auth/healthcheck")`): Starlette matches no request to it,
as the message says, and the missing `/` may be all its author meant.

Display-only when `@app.get` may not work on the app: its class, or a class it
derives from before `FastAPI`, redefines `get`, `api_route`, `add_api_route`,
`route`, `router` or `__getattribute__` (in its body, or on `self`: a `def
get(self, **kwargs)` makes the added decorator a TypeError at import, and the app
never starts), or fixer cannot read the class or factory that builds the app (an
installed package, a base built by a call). An `__init__` of its own is no reason:
it leaves FastAPI's `get` as it is. Display-only too when the app is built with
`FastAPI(dependencies=[...])`, which run before every route, the added one too (an
API-key check answers a probe 403), with a `default_response_class` other than a JSON
one (`PlainTextResponse` answers 500 for the dict the route returns; given to the
constructor, in a dict spread into it, by a subclass's `super().__init__` or set on
`app.router`), with `**keywords` fixer cannot read (`FastAPI(**settings.kwargs)`), with
`app.router.route_class = KeyedRoute` (a route class may check a key before any
handler runs), with a `generate_unique_id_function` that reads the route's tags
(`f"{route.tags[0]}-{route.name}"`, as the full-stack template's does: a route added
with none raises IndexError at import) or one fixer cannot read, when the server runs
the app wrapped in a class fixer does not know to pass a plain GET on (`app = SignedRequestMiddleware(api)`; the route goes on the FastAPI
app it wraps, and compression, CORS, proxy headers, Sentry, OpenTelemetry and socket.io's
`ASGIApp(sio, other_asgi_app=api)` pass the probe on), or with middleware that may refuse a probe
(`TrustedHostMiddleware` leaving out localhost, `HTTPSRedirectMiddleware`, which answers
every plain-HTTP probe with a redirect to https, slowapi's `SlowAPIMiddleware` with a
limiter's `default_limits`, which limit every route, a middleware class named for auth
(unless its `dispatch` hands every request on, a branch only a request with a cookie takes,
`if token:` after `token = request.cookies.get("session")`, left aside), an
`@app.middleware("http")` function or a middleware class answering an error status (however
it is registered: `add_middleware(Cls)`, `FastAPI(middleware=[Middleware(Cls)])`,
`add_middleware(BaseHTTPMiddleware, dispatch=fn)`, `app.middleware("http")(fn)`; a function
built by a call, `app.middleware("http")(make_guard(...))`, is one fixer does not read, and
so is a `middleware=` list it cannot read, `FastAPI(middleware=make_middleware())` or a list
imported from settings; one the module binds, `middleware=middleware`, is read)
outside its `except` blocks, or a redirect to https (`RedirectResponse(request.url.replace(
scheme="https"))`): a tenant header's 400, an API key's 401 or 403 (not a
placeholder that `response = await call_next(request)` replaces before anything returns, as
in the session middleware of FastAPI's SQL tutorial, nor a `status_code = 500` it only logs,
nor one under a test that holds for other methods than a probe's GET only, `if
request.method not in self._SAFE_METHODS:` with the class's `{"GET", "HEAD"}`, nor one
under a test that holds only where the request has a query string, which a
probe's URL never has: `if "%00" in request.url.query:`, or a header a probe never sends:
`if header.startswith("Bearer "):` with `header = request.headers.get("Authorization",
"")`), unless it first lets the health path through, `if request.url.path in EXEMPT:
return await call_next(request)` with the paths written there or in a collection the
module or its class assigns (`not path.startswith(PROTECTED_PREFIXES)` too), or matched
by a regular expression (`any(p.match(path) for p in PUBLIC)` over `re.compile` patterns),
also through a one-line predicate of the class or the module
(`if self._is_public(path):`, or a name bound to its answer above the test), or keeps
what refuses under a test of the path, itself or through such a predicate (`if API_KEY and
needs_key(request.url.path):`, `needs_key` returning `path not in PUBLIC_PATHS`); or a
function the app is passed to, `mount(app)` or `mw.setup(app)`, that adds middleware, or
one fixer cannot read whose name speaks of access control, `setup_auth(app)`), when a
route with path parameters or a mount (`app.mount("/", StaticFiles(...))`) answers the path
first (Starlette matches in order), when a factory may return before its last statement
that adds routes (`if DEBUG: return app`): a route added after it is never registered on
that path, and when some
routes cannot be read (`route.include_routers(app)`) and the service's code names a path
that reads as a health route (`APIRouter(prefix="/healthcheck")`, or any path under a
`health` folder: `/device/health/check/`); a WebSocket route's path
(`@router.websocket("/api/live")`) is none, as no HTTP probe is answered there.

## Options
`health-paths` (default `["/healthz", "/livez", "/readyz"]`): the paths besides
`/health` that count as a health route, in order of preference; `health-paths =
["/ping"]` makes an app that serves `GET /ping` compliant (by default `/ping` is no
health route, and H001 adds `/health` beside it). `/health`, the path the service's
healthcheck probes and any path ending in `/health` always count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import partial

from fixer.facts.health.addroute import (
    annotation_doubt,
    code_python,
    route_edits,
    served_as_tools,
)
from fixer.facts.health.healthchecks import Health
from fixer.facts.health.healthchecks import health as health_state
from fixer.facts.health.pulled import pulled_without_route
from fixer.facts.health.healthroute import Source, app_created_at, late_health, \
    like_router_guard, plan, probe_paths, served_app, several_doubt, unanchored_doubt
from fixer.core.wording import names
from fixer.model.appservice import app_services
from fixer.model.rule import Category, Fix, Safety, Severity, Violation
from fixer.model.services import BuiltService
from fixer.model.workspace import Workspace

from .unserved import WRITABLE, unserved_probes

CODE = "H001"
NAME = "missing-health-endpoint"
CATEGORY = Category.HEALTH
SEVERITY = Severity.WARNING
READS_APP_CODE = True   # the app's routes
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)
# Before C004 (and after P001): C004 then probes the route this fix has just added.
FIX_ORDER = 50


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: set[tuple[str, str | None]] = set()
    created: set[tuple[str, int]] = set()   # where the apps are created: where routes go
    apps = [(service, served_app(ws, service)) for service in app_services(ws)]
    # the services that run each app: a route added to it is theirs
    runners: dict[tuple[str, str | None], list[BuiltService]] = {}
    for service, found in apps:
        if found is not None:
            runners.setdefault((found[0].path, found[0].attr), []).append(service)
    for service, found in apps:
        if found is None or (found[0].path, found[0].attr) in seen or \
                unserved_probes(ws, service):  # H002's finding: one defect, one finding
            continue
        module, routes = found
        seen.add((module.path, module.attr))
        health = plan(ws, service)
        # A probe's path that no URL and no Python literal can hold as written (`/$PATH`,
        # `/live}` read from `${URL:-http://localhost:8000/live}`) is never a route to add.
        if health.source is not Source.ADDED or health.path is None or \
                not WRITABLE.fullmatch(health.path):
            continue
        site = routes.sites[0]
        path, line = app_created_at(routes)
        if (path, line) in created:   # one factory builds the apps of two modules: one
            continue                  # route there serves both, and one finding says so
        created.add((path, line))
        named = f"{health.names_like}, no {health.path} route" if health.names_like else \
            f"no {health.path} path"
        unread = f" ({health.why}; the service's code names {named})" if health.why else ""
        running = runners[(module.path, module.attr)]
        added = f"Add a GET {health.path} route{_run_by([s.name for s in running])}"
        violation = Violation(
            message=f"the app `{site.var}` in {site.path} serves no health route "
                    f"(GET {' or '.join(dict.fromkeys([health.path, '/health']))})"
                    f"{_unanchored(health.unanchored)}{unread}",
            path=path, line=line, service=service.name,
            subject=f"{module.path}:{module.attr or site.var}",
        )
        doubt = late_health(routes, [health.path])
        if doubt is not None:   # the fix serves it on every release; moving the include is
            # the author's smaller change
            build = partial(route_edits, routes, health.path, code_python(ws, service))
            yield replace(violation, message=f"{violation.message} on every FastAPI release",
                          reason=doubt, fix=Fix(f"{added} ({doubt})",
                                                Safety.UNSAFE, build))
        elif health.several and health.doubt == several_doubt(health.several):
            yield replace(violation, message=violation.message + _looks_like(*health.several),
                          reason="which of them is the health route is the author's call "
                                 "(`health-paths` in the configuration counts a path as one)")
        elif health.doubt:
            served = _looks_like(health.like) if health.like is not None else ""
            yield replace(violation, message=violation.message + served,
                          reason=f"fixer cannot vouch that a route added with "
                                 f"`@{site.var}.get` works: {health.doubt}")
        elif health.gated:   # served on some runs only: a second one beside it is the author's
            build = partial(route_edits, routes, health.path, code_python(ws, service))
            yield replace(violation, reason=health.gated,
                          fix=Fix(f"{added} ({health.gated})",
                                  Safety.UNSAFE, build))
        elif health.like is not None and _probe_unread(service):
            continue   # its healthcheck runs what fixer cannot read (a script), which may
            # well probe the route that reads as the health route
        elif health.like is not None:   # a second health route beside it: the user's call
            build = partial(route_edits, routes, health.path, code_python(ws, service))
            doubt = f"the app serves GET {health.like}, which reads as its health route"
            # C004's healthcheck probes that route, which then counts as the health route:
            # while C004 has a fix for a service running the app (not one whose C004 only
            # reports: a service of a YAML anchor), this one waits for it and is gone after
            # it; not where a plain GET of it may be refused (C004 probes none there, and
            # waits for this one)
            guarded = like_router_guard(ws, service, health.like)
            violation = replace(violation, message=violation.message + (
                f"; it serves GET {health.like}, which looks like one, but {guarded}: no "
                "healthcheck should probe it" if guarded else _looks_like(health.like)))
            yield replace(violation, reason=f"{doubt}; a second health route beside it is "
                                            "the user's call (`health-paths` in the "
                                            "configuration counts a path as one)",
                          fix=Fix(f"{added} ({doubt})", Safety.UNSAFE,
                                  build),
                          yields_to=() if guarded else tuple(("C004", each.name)
                                                              for each in running))
        else:
            # no doubt about the app's class: `addable` holds, and the route renders on it
            python = code_python(ws, service)
            build = partial(route_edits, routes, health.path, python)
            # any service that runs the app: the prod stack's beside the dev stack's
            doubt = next((why for each in running if (why := pulled_without_route(ws, each))),
                         None) or _probed_past_unseen(service, health.path, health.why) or \
                served_as_tools(routes) or annotation_doubt(routes, python) or \
                unanchored_doubt(health.unanchored)
            yield replace(violation, reason=doubt,
                          fix=Fix(f"{added} ({doubt})" if doubt else added,
                                  Safety.UNSAFE if doubt else Safety.SAFE, build))


def _probed_past_unseen(service: BuiltService, path: str, unseen: str | None) -> str | None:
    """Why a route at the path the service's own healthcheck probes may be a second one:
    the app gets routes fixer cannot see (`unseen`), which may well serve the path its
    authors probe (a library's app mounted by `serve.bind_api()`); the route added, before
    them, would answer the probe in their place."""
    if not unseen or path not in probe_paths(service):
        return None
    return (f"{unseen}: the healthcheck's {path} may be served by those routes, and a route "
            "added before them would answer it in their place")


def _probe_unread(service: BuiltService) -> bool:
    """The service has a healthcheck whose command names no URL fixer reads
    (`test: /healthchecks/request.py`, a script): what it probes is unknown."""
    return health_state(service) is Health.CHECKED and not probe_paths(service)


def _looks_like(*paths: str) -> str:
    """`; it serves GET /heartbeat, which looks like one ...`: a route that reads as the
    health route counts once a healthcheck of the service probes it, as C004's then does
    (where it serves one such route; of several, which to probe is the author's call)."""
    if len(paths) == 1:
        return (f"; it serves GET {paths[0]}, which looks like one: fixer counts it once "
                "the service's healthcheck probes it")
    return (f"; it serves GET {' and '.join(paths)}, which look like health routes: fixer "
            "counts one once the service's healthcheck probes it")


def _run_by(services: list[str]) -> str:
    """` to the app that api and admin run`, where several services run the app the route goes
    into: the commit names them all (one service: its name follows the title anyway)."""
    distinct = list(dict.fromkeys(services))   # one name in two stacks runs it once
    return f" to the app that {names(distinct)} run" if len(distinct) > 1 else ""


def _unanchored(paths: tuple[str, ...]) -> str:
    """Why a route that reads as the app's health route is none: the maintainer sees it in
    the code and would think fixer missed it."""
    if not paths:
        return ""
    shown = " and ".join(f"`{p}`" for p in paths)
    return f"; its route {shown} has no leading `/` and never matches a request" \
        if len(paths) == 1 else f"; its routes {shown} have no leading `/` and never match " \
                                "a request"
