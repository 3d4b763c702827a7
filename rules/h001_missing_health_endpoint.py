"""The FastAPI app serves no health route.

## What it does
Finds the app the command serves (`app.main:app`, `main:api`, a factory) and
reads the routes its code shows: decorators on the app, `add_api_route`,
`api_route` with GET, and the routes of every router the app includes, with the
prefixes of `APIRouter(prefix=...)` and `include_router(prefix=...)`, routers
imported from the service's own modules included. The app has a health route
when it answers GET on `/health`, on the path the service's own healthcheck
probes (compose `healthcheck.test` or Dockerfile `HEALTHCHECK`), on `/healthz`,
`/livez` or `/readyz`, or on any path ending in `/health`.

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
existing one (`health_check`, `health_1`, ... when `health` is taken); style
follows the file: `async def` when its routes are async, its indentation, quotes
and line endings. No finding when the code adds routes fixer cannot follow
(a router from another package, a non-literal path, `register(app)`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from fixer.edits import Edit, TextEdit
from fixer.health.healthroute import health_route, probe_paths, served_app
from fixer.rule import Category, Finding, Report, Safety
from fixer.sources.fastapi_routes import AppRoutes
from fixer.sources.python import LineIndex, bound_names, indent_unit, quote_char
from fixer.workspace import Workspace
from fixer.appservice import app_services

CODE = "H001"
NAME = "missing-health-endpoint"
CATEGORY = Category.HEALTH
SAFETY = (Safety.SAFE,)


def detect(ws: Workspace) -> Iterator[Report]:
    seen: set[tuple[str, str | None]] = set()
    for service in app_services(ws):
        found = served_app(ws, service)
        if found is None or (found[0].path, found[0].attr) in seen:
            continue
        module, routes = found
        seen.add((module.path, module.attr))
        probes = probe_paths(service)
        if routes.unknown or health_route(routes, probes) is not None:
            continue
        site = routes.sites[0]
        path = probes[0] if probes else "/health"
        yield Report(
            message=f"the app `{site.var}` in {site.path} serves no health route "
                    f"(GET {' or '.join(dict.fromkeys([path, '/health']))})",
            path=site.path, line=site.created.lineno, service=service.name,
            subject=f"{module.path}:{module.attr or site.var}", safety=Safety.SAFE,
            fix_title=f"Add a GET {path} route", data={"route": path},
        )


def fix(ws: Workspace, finding: Finding) -> list[Edit]:
    found = next((f for s in app_services(ws) if s.name == finding.report.service
                  for f in [served_app(ws, s)] if f is not None
                  and f"{f[0].path}:{f[0].attr or f[1].sites[0].var}" == finding.report.subject),
                 None)
    if found is None:
        return []
    routes = found[1]
    site = routes.sites[0]
    anchor = max([site.created, *routes.anchors], key=lambda s: s.end_lineno or s.lineno)
    index = LineIndex(site.file.text)
    indent = index.line_text(anchor.lineno)[:anchor.col_offset]
    block = _render(site.file.text, indent, site.var, str(finding.report.data["route"]),
                    _free_name(routes), routes)
    return [_insert(site.path, site.file.text, site.file.newline, index,
                    anchor.end_lineno or anchor.lineno, block, site.scope is site.tree)]


def _free_name(routes: AppRoutes) -> str:
    site = routes.sites[0]
    taken = bound_names(site.tree.body)
    if not isinstance(site.scope, ast.Module):
        taken |= bound_names(site.scope.body) | {a.arg for a in site.scope.args.args}
    candidates = ["health", "health_check"] + [f"health_{i}" for i in range(1, 100)]
    return next(name for name in candidates if name not in taken)


def _render(text: str, indent: str, var: str, path: str, name: str,
            routes: AppRoutes) -> list[str]:
    functions = [r.function for r in routes.routes if r.function is not None]
    is_async = sum(isinstance(f, ast.AsyncFunctionDef) for f in functions) * 2 > len(functions)
    typed = sum(f.returns is not None for f in functions) * 2 > len(functions)
    q, unit = quote_char(text), indent_unit(text)
    return [
        f"{indent}@{var}.get({q}{path}{q})",
        f"{indent}{'async ' if is_async else ''}def {name}(){' -> dict[str, str]' if typed else ''}:",
        f"{indent}{unit}return {{{q}status{q}: {q}ok{q}}}",
    ]


def _insert(path: str, text: str, newline: str, index: LineIndex, after_line: int,
            block: list[str], module_level: bool) -> TextEdit:
    """The block after a line, with blank lines around it as the scope wants (PEP 8)."""
    blanks = newline * (2 if module_level else 1)
    position = index.line_end(after_line)
    body = newline.join(block)
    if position == len(text) and not text.endswith("\n"):
        return TextEdit(path, position, position, newline + blanks + body)  # no final newline
    following = text[position:].split("\n", 1)[0]
    separator = "" if position == len(text) or not following.strip() else blanks
    return TextEdit(path, position, position, blanks + body + newline + separator)
