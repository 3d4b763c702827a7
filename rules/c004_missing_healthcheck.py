"""An app service has no healthcheck, in compose or in its Dockerfile.

## What it does
Reports app services (a `build:` whose Dockerfile exists) that have neither a
compose `healthcheck` with a test nor a `HEALTHCHECK` in the final stage of
their Dockerfile. `healthcheck: {disable: true}` and `HEALTHCHECK NONE` are a
deliberate choice and are left alone, as are services that run no web server.
The healthcheck it adds probes the app's own GET health route when its code
shows one (the route H001 accepts: `/api/health` behind a router prefix,
`/healthz`, ...; `/health` first when there are several), else `/health`.

## Why is this bad?
Without a healthcheck Docker cannot tell a hung app from a working one,
`depends_on: condition: service_healthy` cannot wait for it, and orchestrators
route traffic to containers that do not answer.

## Example
```yaml
services:
  api:
    build: ./api        # uvicorn app.main:app --port 8000
```

## Use instead
```yaml
services:
  api:
    build: ./api
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
      interval: 30s
      timeout: 5s
      retries: 3
      start_period: 10s
```

## Fix safety
Safe: a healthcheck at the app's listen port that probes the app's own GET
health route, the one H001 finds (`/api/health`, `/healthz`, ...), so it does
not probe a path the app lacks; when the code shows none it probes `/health`,
which H001 adds. Timings follow the file's other healthchecks. With
`healthcheck-strategy = "install"` the test runs curl (D003 then installs curl
in the image when the final stage lacks it); with `"python"` it is a Python
urllib one-liner, which needs nothing installed. Display-only when the listen
port is unknown, or when a compose `healthcheck` sets timings with no test.

## Options
`healthcheck-strategy = "install" | "python"`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

from fixer.edits import Edit
from fixer.health.healthchecks import Health, health
from fixer.health.healthroute import existing_health_route
from fixer.rule import Category, Finding, Report, Safety
from fixer.services import Service
from fixer.sources import compose_style
from fixer.sources.compose import ComposeDoc, get, scalar
from fixer.sources.compose_edit import Unfixable, add_entry
from fixer.sources.compose_style import Flow, Fragment, Map, Seq
from fixer.workspace import Workspace
from fixer.appservice import app_services

CODE = "C004"
NAME = "missing-healthcheck"
CATEGORY = Category.COMPOSE
SAFETY = (Safety.SAFE, Safety.DISPLAY)
TIMINGS = (("interval", "30s"), ("timeout", "5s"), ("retries", 3), ("start_period", "10s"))


def detect(ws: Workspace) -> Iterator[Report]:
    for service in app_services(ws):
        state = health(service)
        app = service.app
        assert app is not None
        if state in (Health.CHECKED, Health.DISABLED) or app.listen.origin == "none":
            continue  # no web server in the command: nothing serves /health
        doc = app.build.doc
        base = Report(message=f"{service.name} has no healthcheck (compose or Dockerfile)",
                      path=doc.path, line=doc.line(app.build.node.node), service=service.name,
                      subject="healthcheck")
        if state is Health.PARTIAL:
            yield replace(base, reason="its compose healthcheck sets timings but no test; "
                                       "add the test by hand")
        elif app.listen.port is None:
            yield replace(base, reason=f"the listen port is unknown: {app.listen.reason}")
        else:
            yield _fixable(ws, service, doc, app.listen.port, base)


def _fixable(ws: Workspace, service: Service, doc: ComposeDoc, port: int,
             base: Report) -> Report:
    definition = doc.services.get(service.name)
    if definition is None or definition.aliased:
        return replace(base, reason="the service is defined through a YAML alias")
    style = compose_style.detect(doc)
    route = existing_health_route(ws, service) or "/health"  # H001 adds /health where none is
    test = _test(ws.config.healthcheck_strategy, port, route)
    value = Map((("test", Flow(test) if style.flow_tests else Seq(test)), *_timings(doc)))
    try:
        edit = add_entry(doc, definition.node, "healthcheck", value, style)
    except Unfixable as exc:
        return replace(base, reason=str(exc))
    shared = ws.shared_anchor([edit])
    if shared is not None:  # `api: &api` merged into another service: it would get it too
        return replace(base, reason=f"{service.name} is the YAML anchor &{shared}, which other "
                                    "services merge; a healthcheck added there reaches them too")
    return replace(base, safety=Safety.SAFE,
                   fix_title=f"Add a healthcheck on http://localhost:{port}{route}",
                   data={"edits": [edit]})


def _test(strategy: str, port: int, route: str) -> tuple[str, ...]:
    url = f"http://localhost:{port}{route}"
    if strategy == "python":
        return ("CMD", "python", "-c",
                f"import urllib.request; urllib.request.urlopen('{url}', timeout=3)")
    return ("CMD", "curl", "-f", url)


def _timings(doc: ComposeDoc) -> list[tuple[str, Fragment]]:
    """Each timing as most of the file's healthchecks write it, else a common default."""
    checks = [get(s, "healthcheck") for s in doc.services.values()]
    out: list[tuple[str, Fragment]] = []
    for name, default in TIMINGS:
        seen = Counter(v for c in checks if (v := scalar(get(c, name))) is not None)
        value = seen.most_common(1)[0][0] if seen else default
        out.append((name, int(value) if str(value).isdigit() else value))
    return out


def fix(ws: Workspace, finding: Finding) -> list[Edit]:
    return list(finding.report.data.get("edits", []))
