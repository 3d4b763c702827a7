"""The healthcheck probes a path the FastAPI app does not serve.

## What it does
Reads the healthcheck that runs for an app service (the compose `healthcheck.test`,
else the final stage's `HEALTHCHECK`) and the `http(s)://localhost:PORT/PATH` URLs
it calls on the container itself (`127.0.0.1` and `0.0.0.0` too), and the routes
the app serves: decorators on the app, `add_api_route`, `api_route` with GET, and
the routes of every router it includes, prefixes joined (as H001 reads them). A
probe whose path no GET route answers is reported; a route `/health/` serves a
`/health` probe and the other way round (FastAPI redirects, and curl, wget and
urllib follow or accept the redirect). Nothing is reported when fixer cannot read
all of it: a URL whose port or path is a `${VAR}`, an app whose routes fixer cannot
all see (a router it cannot follow, a path or prefix that is not a literal, a
mounted app, `register(app)`), or an app whose code names the path in a literal
somewhere (middleware may answer it).

## Why is this bad?
The probe gets 404 on every try: the container never becomes healthy, every
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
Safe. When the app serves exactly one health-like GET route (a path H001 counts as
a health route, or one whose last part names health: `/healthcheck/`,
`/api/v1/health`), the probe's path is rewritten to it, in place: only the path's
characters change, in the compose file or the Dockerfile that holds the probe.
Otherwise (none, or several to choose from), the app gets a `GET PATH` route
returning `{"status": "ok"}`, added as H001 adds one (after the app's last route,
inside the factory when one builds the app, in the file's style). Where the probe
cannot be edited (its URL is inside a `${VAR:-...}` default, or in a YAML anchor
other services share, or in a Dockerfile another service builds too), the route is
added instead. Display-only when fixer cannot
vouch that a route added with `@app.get` works or that the app's routes are served
as written (its class redefines `get` or another route-adding method, or fixer
cannot read its class; see H001).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import yaml

from fixer.appservice import app_services
from fixer.edits import Edit, TextEdit
from fixer.health.addroute import route_edit
from fixer.health.healthchecks import Health, compose_health, health, nearest_healthcheck
from fixer.health.healthroute import is_health, served_app, wanted_paths
from fixer.ports.urls import LOCAL_HOSTS, URL
from fixer.rule import Category, Finding, Report, Safety, Severity
from fixer.services import Service
from fixer.sources.compose import ComposeDoc, Value, elements, get
from fixer.sources.fastapi_routes import UNKNOWN, AppRoutes
# The stack check's own judgement of a probed path (RULES.md "Trust" 1): H002 reports
# exactly the probes the check calls broken.
from fixer.stackcheck.gate import _path_verdict as path_verdict
from fixer.stackcheck.verdicts import Verdict
from fixer.workspace import Workspace

CODE = "H002"
NAME = "health-probe-not-served"
CATEGORY = Category.HEALTH
SEVERITY = Severity.ERROR
SAFETY = (Safety.SAFE, Safety.DISPLAY)
# After the port rules (the probe's port is theirs), before H001: where the probe asks for a
# path the app lacks, H001 would add a route at that very path even when the app serves
# its health route under another name.
FIX_ORDER = 40

_PATH = re.compile(r"/[^\s\"'?#,;)}\\]*")   # ends where a quote, a `${...}` or a query does
_WRITABLE = re.compile(r"/[\w.~/-]*", re.ASCII)  # a path as a URL and a Python literal hold it
_INTERPOLATION = re.compile(r"\$\{[^}]*\}")
_HEALTH_WORD = re.compile(r"health", re.I)


@dataclass(frozen=True)
class ProbeSite:
    """A local probe URL's path, where the healthcheck writes it: text[start:end] of `file`."""

    path: str
    file: str
    start: int
    end: int
    line: int
    column: int
    editable: bool    # not inside a `${VAR:-...}` default, not reached through an alias


def detect(ws: Workspace) -> Iterator[Report]:
    for service in app_services(ws):
        sites = probe_sites(service)
        found = served_app(ws, service) if sites else None
        if found is None:
            continue
        for path in dict.fromkeys(s.path for s in sites):
            if path_verdict(ws, service, path)[0] is Verdict.BROKEN:
                yield _report(ws, service, found[1], [s for s in sites if s.path == path])


def probe_sites(service: Service) -> list[ProbeSite]:
    """The local probes of the healthcheck that runs: compose's test, else the image's."""
    if health(service) is not Health.CHECKED:
        return []
    if compose_health(service) is Health.CHECKED:
        for doc, value in reversed(service.all("healthcheck")):
            test = get(value, "test")
            if test is not None:  # an overlay that sets only `interval` keeps the base's test
                return [s for item in (elements(test) or [test]) for s in _compose_sites(doc, item)]
    app = service.app
    check = nearest_healthcheck(app.dockerfile, app.stage) if app is not None else None
    if app is None or check is None:
        return []
    text = app.dockerfile.file.text
    return _sites(app.dockerfile.path, text, check.start, check.end, check.line, True)


def _compose_sites(doc: ComposeDoc, item: Value) -> list[ProbeSite]:
    node = item.node
    if not isinstance(node, yaml.ScalarNode):
        return []
    return _sites(doc.path, doc.file.text, int(node.start_mark.index), int(node.end_mark.index),
                  doc.line(node), not item.aliased)


def _sites(file: str, text: str, start: int, end: int, line: int,
           editable: bool) -> list[ProbeSite]:
    """Local HTTP URLs in text[start:end], the first line of which is `line`."""
    locked = [m.span() for m in _INTERPOLATION.finditer(text, start, end)]
    found: list[ProbeSite] = []
    for url in URL.finditer(text, start, end):
        if url.group("host") not in LOCAL_HOSTS or url.group("scheme").lower() not in (
                "http", "https"):
            continue
        match = _PATH.match(text, url.end(), end)
        at, stop = (match.start(), match.end()) if match else (url.end(), url.end())
        path = match.group(0) if match else "/"
        if "$" in path:
            continue  # `/$HEALTH_PATH`: a path fixer cannot read
        inside = any(a <= at < b for a, b in locked)
        found.append(ProbeSite(path, file, at, stop, line + text.count("\n", start, at),
                               at - text.rfind("\n", 0, at),
                               editable and not inside and _WRITABLE.fullmatch(path) is not None))
    return found


def health_like(routes: AppRoutes, wanted: list[str]) -> list[str]:
    """The app's literal GET routes that read as health routes: those H001 counts, and those
    whose last part names health (`/healthcheck/`, `/api/v1/health-check`)."""
    paths = [r.path for r in routes.routes if r.get and not r.path.startswith(UNKNOWN)
             and _WRITABLE.fullmatch(r.path)]
    last = [p.rstrip("/").rsplit("/", 1)[-1] for p in paths]
    return sorted({p for p, tail in zip(paths, last)
                   if is_health(p, wanted) or _HEALTH_WORD.search(tail)})


def _report(ws: Workspace, service: Service, routes: AppRoutes,
            sites: list[ProbeSite]) -> Report:
    site = sites[0]
    app = routes.sites[0]
    base = Report(
        message=f"the healthcheck of {service.name} asks for {site.path}, which the app "
                f"`{app.var}` in {app.path} does not serve: the container never becomes healthy",
        path=site.file, line=site.line, column=site.column, service=service.name,
        subject=f"probe {site.path}")
    if routes.doubt:
        return replace(base, reason=f"fixer cannot vouch for the app's routes: {routes.doubt}")
    served = health_like(routes, wanted_paths(ws.config, []))
    edits = _rewrite(ws, service, sites, served[0]) if len(served) == 1 else None
    if edits:
        return replace(base, safety=Safety.SAFE, data={"edits": edits},
                       fix_title=f"Probe {served[0]}, the app's health route, instead of "
                                 f"{site.path}")
    edit = route_edit(ws, service, site.path) if _WRITABLE.fullmatch(site.path) else None
    if edit is None:
        return replace(base, reason=f"probe a path the app serves, or add GET {site.path} to it")
    return replace(base, safety=Safety.SAFE, data={"edits": [edit]},
                   fix_title=f"Add a GET {site.path} route for the probe")


def _rewrite(ws: Workspace, service: Service, sites: list[ProbeSite],
             path: str) -> list[Edit] | None:
    """The probe's path replaced where it is written; None where one cannot be edited, or
    where a Dockerfile holds it that another service builds too (its app may serve another
    path: a route added to this app breaks nobody)."""
    others = {s.name for s in ws.apps() if s.name != service.name and s.app is not None
              and any(site.file == s.app.dockerfile.path for site in sites)}
    if others or not all(s.editable for s in sites):
        return None
    edits: list[Edit] = [TextEdit(s.file, s.start, s.end, path) for s in sites]
    return None if ws.shared_anchor(edits) is not None else edits


def fix(ws: Workspace, finding: Finding) -> list[Edit]:
    return list(finding.report.data.get("edits", []))
