"""The healthcheck probes a path the FastAPI app does not serve.

## What it does
Reads the healthcheck that runs for an app service (the compose `healthcheck.test`,
else the final stage's `HEALTHCHECK`) and the `http(s)://localhost:PORT/PATH` URLs
it calls on the container itself (`127.0.0.1` and `0.0.0.0` too), and the routes
the app serves: decorators on the app, `add_api_route`, `api_route` with GET, and
the routes of every router it includes, prefixes joined (as H001 reads them), and
FastAPI's own pages (`/openapi.json`, `/docs`, `/docs/oauth2-redirect`, `/redoc`) at
the URLs the constructor gives them (`docs_url=None` turns one off; a URL fixer cannot
settle, such as `None if PROD else "/docs"`, leaves a probe of it unjudged; so does a
route added on some runs only, under `if DEBUG:`, in a `try` body). A
probe whose path no GET route answers is reported; a route `/health/` serves a
`/health` probe and the other way round (FastAPI redirects, and curl, wget and
urllib follow or accept the redirect), and a route with a path parameter answers what
it matches (`/health/{component}` a probe of `/health/db`, if its handler takes the
value). A probe of another port than the one the app listens on asks another listener
(a second server the command starts), or is P001's: no H002 finding. Nothing is
reported when fixer cannot read all of it: a URL whose port or path is a `${VAR}`, an app whose routes fixer cannot
all see (a router it cannot follow, a path or prefix that is not a literal, a
mounted app other than a FastAPI app of the import root, whose routes it reads under
the mount's path, that may hold the path (static files or an app mounted at a literal
path serve nothing outside it: `app.mount("/assets", ...)` and a probe of `/health/live`
is a finding), an exporter's endpoint such as `Instrumentator().expose(app)`'s
`/metrics`, `register(app)`), or an app whose code names the path in a literal that
fixer did not read as a route's path or a prefix (middleware may answer it; the
`"/health"` of `@router.get("/health")` under `include_router(router,
prefix="/api/v1")` is the route `/api/v1/health`); `fixer report` lists H002 as not checked
for such a service, with why, and leaves it out of the Health Endpoints score. A probe that
sends HEAD (`curl -I`, GNU wget's `--spider`) of a path the app serves with GET routes only
(`@app.get`, which FastAPI answers 405 for HEAD) is reported too, display-only: the probe
is the author's to rewrite as a GET. A route that takes HEAD (`@app.head`, HEAD in
`methods=`, a Starlette `app.route`) serves such a probe.

## Why is this bad?
The probe asks for a path the app does not serve: each try that reaches the app gets
404, the container never becomes healthy, every
service that waits for it with `condition: service_healthy` never starts, and
`docker compose up --wait` fails. An orchestrator restarts the container forever.

## Example
```yaml
services:
  api:
    build: ./api   # its app serves GET /api/v1/health
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
```

## Use instead
```yaml
services:
  api:
    build: ./api
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/api/v1/health"]
```

## Fix safety
Display-only where a route answers the probe's path first: a parameter route (a typed
parameter, `/{item_id}` with `item_id: int`, answers `/health` with 422; a convertor,
`{item_id:int}`, does not take it at all), or a FastAPI app mounted over the path
(`app.mount("/api", api)` and a probe of `/api/health`: add the route to the mounted app).
Safe otherwise. When the app serves exactly one health-like GET route (a path H001 counts as
a health route, or one whose last part names health: `/healthcheck/`,
`/api/v1/health`, `/heartbeat`, `/ping`; not one it adds on some runs only, such as
`/debug/ping` under `if DEBUG:`), or, of several, exactly one whose path ends with the
probe's (`/api/v1/health/live` beside `/api/v1/health/ready` for a probe of
`/health/live`), or exactly one the probe's path ends with (`/health` beside `/ready` and
`/live` for a probe of `/api/health`, a proxy's prefix the probe inside the container does
not pass), the probe's path is rewritten to it, in place:
only the path's characters change, in the compose file or the Dockerfile that holds the probe.
Otherwise (none, or several to choose from), the app gets a `GET PATH` route
returning `{"status": "ok"}`, added as H001 adds one (after the app's last route,
inside the factory when one builds the app, in the file's style). Where the probe
cannot be edited (its URL is inside a `${VAR:-...}` default, or in a YAML anchor
other services share, or in a Dockerfile another service builds too), the route is
added instead. A probe of one of FastAPI's own pages that the app turns off gets no
such route (it would fake the page): display-only. So is a probe that sends HEAD (`curl
-I`, GNU wget's `--spider`): a route added with `@app.get` answers it 405. So is a probe
written in exec form with shell syntax in its URL argument (`["CMD", "curl", "-f",
"http://localhost:8000/health || exit 1"]`): no shell runs it, the tool gets the words as
one URL and fails whatever the path. Display-only too when that one
health route may refuse a plain GET (`dependencies=[Depends(require_api_key)]` on the
route or on the `include_router` that adds it), or its handler answers an error status of
its own (`response.status_code = 503` until a model loads): a probe moved there fails all
the same, or for longer than the healthcheck waits.
Display-only when the probe's path is the root path the server is given (`uvicorn
--root-path /orders`, or `UVICORN_ROOT_PATH=/orders` in its environment, which the uvicorn
CLI reads the same; a proxy's prefix) before a route the app serves (a probe
of `/orders/health`, the app serving `/health`): whether the server takes the root path
off a request differs by uvicorn and Starlette release, and a route repeating the prefix is
not one a maintainer takes; probing `/health` is the fix.
Display-only when fixer cannot read the port the app listens on (`uvicorn.run(port=
settings.run.port)`): the probe's port may miss the app too, and a path fixed alone would
leave it failing. Display-only when fixer cannot
vouch that a route added with `@app.get` works or that the app's routes are served
as written (its class redefines `get` or another route-adding method, or fixer
cannot read its class; see H001).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import partial

from fixer.core.edits import Edit, TextEdit
from fixer.facts.health.addroute import addable, code_python, route_edits
from fixer.facts.health.healthroute import health_like, served_app, wanted_paths
from fixer.facts.health.probes import shell_in_argument
from fixer.facts.health.serverflags import root_path
from fixer.model.appservice import app_services
from fixer.stackcheck.gate import head_option, health_command, path_verdict
from fixer.stackcheck.verdicts import Verdict
from fixer.model.rule import Category, Fix, Location, Safety, Severity, Violation
from fixer.model.services import Service
from fixer.model.workspace import Workspace
from fixer.sources.fastapi_routes import BUILTIN_PAGES, AppRoutes, typed_rejection

from .unserved import (WRITABLE, ProbeSite, answers_head, listened_probe_sites, probe_sites,
                       unserved_probes)

CODE = "H002"
NAME = "health-probe-not-served"
CATEGORY = Category.HEALTH
SEVERITY = Severity.ERROR
READS_APP_CODE = True   # the app's routes
SAFETY = (Safety.SAFE, Safety.DISPLAY)
# After the port rules (the probe's port is theirs), before H001: where the probe asks for a
# path the app lacks, H001 would add a route at that very path even when the app serves
# its health route under another name.
FIX_ORDER = 40

def detect(ws: Workspace) -> Iterator[Violation]:
    for service in app_services(ws):
        unserved = unserved_probes(ws, service)
        found = served_app(ws, service) if unserved else None
        if found is not None:
            yield from (_report(ws, service, found[1], sites) for sites in unserved
                        if not found[1].under_root_path(sites[0].path))
        elif not unserved:
            head = _head_probe(service)
            refused = _refused_head(ws, service, head) if head is not None else None
            if refused is not None:
                yield refused


def undecided(ws: Workspace, service: Service) -> str | None:
    """Why fixer cannot tell whether the app serves what its healthcheck probes (a router
    under a prefix it cannot read, a path written with a variable); None where it can, or
    where nothing is probed: silence there is no pass."""
    found = served_app(ws, service)
    routes = found[1].routes if found is not None else []
    # a path a GET route of the app has is served: whether the probe passes there (a
    # handler's 503 until a model loads) is the healthcheck's, not H002's question
    served = {r.path.rstrip("/") or "/" for r in routes if r.get}
    paths = dict.fromkeys(s.path for s in listened_probe_sites(service)
                          if (s.path.rstrip("/") or "/") not in served)
    verdicts = (path_verdict(ws, service, path) for path in paths)
    return next((why for verdict, why in verdicts if verdict is Verdict.UNKNOWN), None)


def _refused_head(ws: Workspace, service: Service, head: str) -> Violation | None:
    """A probe that sends HEAD (`wget --spider`, `curl -I`) to a path no route of the app
    takes HEAD at (`@app.get` answers it 405), on whatever port (P001's): the probe fails
    there, and a GET route added for it would not change that. Display-only: the probe is
    the author's to rewrite as a GET (`wget -q -O /dev/null`, `curl -f`)."""
    found = served_app(ws, service)
    sites = probe_sites(service)
    if found is None or not sites:
        return None
    routes = found[1]
    wanted = sites[0].path.rstrip("/") or "/"
    if any((r.path.rstrip("/") or "/") == wanted and r.path != sites[0].path
           for r in routes.routes):
        return None   # `/health/` against a route `/health`: a 307 curl and wget accept
    if answers_head(routes, wanted) or \
            routes.doubt or routes.unknown or routes.opaque_over(wanted) or \
            wanted in routes.unsure or routes.names_unread(wanted) and \
            not any((r.path.rstrip("/") or "/") == wanted for r in routes.routes):
        return None
    site, app = sites[0], routes.sites[0]
    return Violation(
        message=f"the healthcheck of {service.name} sends HEAD to {site.path} (`{head}`), and "
                f"no route of the app `{app.var}` in {app.path} takes HEAD there (FastAPI "
                "answers HEAD to `@app.get` with 405): the container never becomes healthy",
        path=site.file, line=site.line, column=site.column, service=service.name,
        subject=f"probe {site.path}", causes=_causes(routes, sites),
        reason="probe with a GET (`curl -f …`, `wget -q -O /dev/null …`)")


def _past_root_path(ws: Workspace, service: Service, routes: AppRoutes,
                    path: str) -> tuple[str, str] | None:
    """The app's GET route a probe of `path` asks for under the root path the server is
    given (`--root-path /orders`, or uvicorn's `UVICORN_ROOT_PATH=/orders`, and a probe of
    `/orders/health`, the app serving `/health`), and how it is given; None otherwise."""
    found = root_path(ws, service)
    if found is None or not path.startswith(found[0] + "/"):
        return None
    inner = path[len(found[0]):]
    wanted = inner.rstrip("/") or "/"
    return (inner, found[1]) if any(r.get and (r.path.rstrip("/") or "/") == wanted
                                    for r in routes.routes) else None


def _report(ws: Workspace, service: Service, routes: AppRoutes,
            sites: list[ProbeSite]) -> Violation:
    site = sites[0]
    app = routes.sites[0]
    base = Violation(
        message=f"the healthcheck of {service.name} asks for {site.path}, which the app "
                f"`{app.var}` in {app.path} does not serve: the container never becomes healthy",
        path=site.file, line=site.line, column=site.column, service=service.name,
        subject=f"probe {site.path}", causes=_causes(routes, sites))
    if routes.doubt:
        return replace(base, reason=f"fixer cannot vouch for the app's routes: {routes.doubt}")
    listen = service.app.listen if service.app is not None else None
    if listen is not None and listen.port is None:   # a fixed path may still miss the app
        return replace(base, reason=f"fixer cannot read the port {service.name} listens on "
                                    f"({listen.reason or 'unread'}): whether the probe's port "
                                    "reaches the app is unknown, and a path fixed alone may "
                                    "leave the healthcheck failing")
    head = _head_probe(service)
    if head is not None:
        return replace(base, reason=f"`{head}` sends HEAD, which FastAPI answers 405 on a "
                                    "route added with `@app.get`: probe with a GET")
    found = health_command(service)
    spaced = shell_in_argument(found.test) if found is not None else None
    if spaced is not None:   # a served path would not make that probe pass
        return replace(base, reason=f"the probe fails whatever its path: {spaced}")
    past = _past_root_path(ws, service, routes, site.path)
    if past is not None:   # a route repeating the proxy's prefix: probe the app's own
        inner, given = past
        return replace(base, reason=f"{site.path} is the server's root path (`{given}`) "
                                    f"before the app's route {inner}: "
                                    "whether the server takes the root path off a request "
                                    "differs by uvicorn and Starlette release, and a route "
                                    f"repeating a proxy's prefix is no fix; probe {inner}")
    served = _probed_one(health_like(routes, wanted_paths(ws.config, [])), site.path)
    refused = _refusal(routes, served[0]) if len(served) == 1 else ""
    if refused:
        return replace(base, reason=f"the app's health route {served[0]} may refuse a probe "
                                    f"too: {refused}")
    if len(served) == 1 and _rewritable(ws, service, sites):
        return replace(base, fix=Fix(f"Probe {served[0]}, the app's health route, instead of "
                                     f"{site.path}", Safety.SAFE,
                                     partial(_rewrite, sites, served[0])))
    shadow = routes.shadowing(site.path)
    if shadow is not None:   # a route added after it would never answer the probe
        rejected = typed_rejection(shadow, site.path)
        why = f" ({rejected})" if rejected else ""
        return replace(base, reason=f"its route `{shadow.path}` answers {site.path} first"
                                    f"{why}: probe a path the app serves")
    mounted = routes.mounted_over(site.path)
    if mounted is not None:   # Starlette matches in order: the mounted app answers first
        return replace(base, reason=f"its mount at `{mounted}` answers {site.path} before a "
                                    "route added to the app: add the route to the mounted "
                                    "app, or probe a path the app serves")
    if site.path.rstrip("/") in BUILTIN_PAGES:   # the app turned that page off
        return replace(base, reason=f"{site.path} is FastAPI's own page, which the app turns "
                                    "off; a route answering {\"status\": \"ok\"} there is no "
                                    "such page: probe a health route")
    added = addable(ws, service, site.path) if WRITABLE.fullmatch(site.path) else None
    if added is None:
        return replace(base, reason=f"probe a path the app serves, or add GET {site.path} to it")
    return replace(base, fix=Fix(f"Add a GET {site.path} route for the probe", Safety.SAFE,
                                 partial(route_edits, added, site.path,
                                         code_python(ws, service))))


def _probed_one(served: list[str], probed: str) -> list[str]:
    """The app's health routes, or, of several, the one whose path ends with the probe's
    (`/api/v1/health/live` beside `/api/v1/health/ready` for a probe of `/health/live`):
    the route the probe meant, under a prefix it left out; else the one the probe's path
    ends with (`/health` beside `/ready` and `/live` for a probe of `/api/health`): the
    route it meant, under a proxy's prefix a probe inside the container does not pass."""
    if len(served) <= 1:
        return served
    tail = "/" + probed.strip("/")
    ending = [path for path in served if (path.rstrip("/") or "/").endswith(tail)]
    if len(ending) == 1:
        return ending
    ended = [path for path in served if path.rstrip("/") and
             tail.endswith("/" + path.strip("/"))]
    return ended if len(ended) == 1 else served


def _head_probe(service: Service) -> str | None:
    """The HEAD option of the healthcheck that runs (`curl -I`, GNU wget's `--spider`)."""
    found = health_command(service)
    return head_option(service, found.test) if found is not None else None


def _refusal(routes: AppRoutes, path: str) -> str:
    """Why a GET of the app's route at `path` may be refused before its handler answers
    (its own or its router's dependencies), or answered with an error status of its
    handler's own (503 until a model loads: fixer cannot show that state ends, as C003
    says of a gate); "" when one route there answers plainly."""
    wanted = path.rstrip("/") or "/"
    found = [r.refusal() or r.error_answer() for r in routes.routes
             if r.get and (r.path.rstrip("/") or "/") == wanted]
    return "" if not found or not all(found) else found[0]


def _causes(routes: AppRoutes, sites: list[ProbeSite]) -> tuple[Location, ...]:
    """The probe's other sites, and the modules where the app is created, whole (a route
    removed or renamed anywhere in them can leave the probe unserved)."""
    found = [Location(s.file, s.line) for s in sites[1:]]
    found += [Location(app.path) for app in routes.sites]
    return tuple(dict.fromkeys(found))


def _rewritable(ws: Workspace, service: Service, sites: list[ProbeSite]) -> bool:
    """The probe's path can be replaced where it is written: no site is inside a `${VAR}`
    default, reached through an alias or inside a YAML anchor other services share, and no
    Dockerfile holds it that another service builds too (its app may serve another path: a
    route added to this app breaks nobody)."""
    others = {s.name for s in ws.apps() if s.name != service.name and s.app is not None
              and any(site.file == s.app.dockerfile.path for site in sites)}
    return not others and all(
        s.editable and ws.shared_anchor_at(s.file, s.start, s.end) is None for s in sites)


def _rewrite(sites: list[ProbeSite], path: str) -> list[Edit]:
    """The probe's path replaced at each of its sites, as `_rewritable` judged them."""
    return [TextEdit(s.file, s.start, s.end, path) for s in sites]
