"""The health route an app service already serves, if any.

H001 adds a health route where the app has none, and C004 adds a compose
healthcheck; both must agree on which route counts, or C004 probes `/health`
on an app whose only health route is `/api/health` and the container never
turns healthy. `health_route` is that single answer.
"""

from __future__ import annotations

import re

from fixer import appmodule
from fixer.services import Service
from fixer.sources.compose import get, string_list
from fixer.sources.fastapi_routes import UNKNOWN, AppRoutes, app_routes, find_app
from fixer.sources.python_modules import Modules
from fixer.workspace import Workspace

HEALTH_PATHS = ("/health", "/healthz", "/livez", "/readyz")  # in order of preference
_URL = re.compile(r"https?://[^\s/\"'?#]+(/[^\s\"'?#]*)?")
_PROBEABLE = re.compile(r"/[\w.~/-]*", re.ASCII)  # safe as written in a curl or Python URL literal


def served_app(ws: Workspace, service: Service) -> tuple[appmodule.AppModule, AppRoutes] | None:
    """The service's app module and the routes its app serves; None when no app is found."""
    module = appmodule.find(ws, service)
    if module is None:
        return None
    mods = Modules(ws.read, module.root)
    sites = find_app(mods, module.path, module.attr)
    return (module, app_routes(mods, sites)) if sites else None


def probe_paths(service: Service) -> list[str]:
    """The URL paths the service's healthchecks call (compose first, then the Dockerfile)."""
    texts: list[str] = []
    found = service.get("healthcheck")
    if found is not None:
        texts.append(" ".join(string_list(get(found[1], "test")) or []))
    if service.app is not None:
        texts.extend(service.app.dockerfile.text_of(i) for i in service.app.stage.find("HEALTHCHECK"))
    return [m.group(1) or "/" for text in texts for m in _URL.finditer(text)]


def health_route(routes: AppRoutes, probes: list[str]) -> str | None:
    """The path of the app's GET health route, or None when it has none.

    A health route answers GET on `/health`, `/healthz`, `/livez`, `/readyz`,
    a path the service's healthcheck probes, or any path ending in `/health`.
    With several, the choice is deterministic: literal paths before those with
    a part fixer cannot read (they start with UNKNOWN), then `/health`, then
    `/healthz`, `/livez`, `/readyz`, then the rest by path.
    """
    found = [r.path for r in routes.routes if r.get and is_health(r.path, probes)]
    return min(found, key=_preference) if found else None


def existing_health_route(ws: Workspace, service: Service) -> str | None:
    """The literal path of the service's existing GET health route, one a probe can call;
    None when the app has none, or fixer cannot read it (a non-literal part, `{param}`)."""
    found = served_app(ws, service)
    path = health_route(found[1], probe_paths(service)) if found else None
    return path if path is not None and _PROBEABLE.fullmatch(path) else None


def is_health(path: str, probes: list[str]) -> bool:
    known = path.lstrip(UNKNOWN).rstrip("/") or "/"
    wanted = {p.rstrip("/") or "/" for p in (*HEALTH_PATHS, *probes)}
    if path.startswith(UNKNOWN):  # a prefix we cannot read: judge by the known tail
        return known == "/" or any(w.endswith(known) or known.endswith(w) for w in wanted
                                   if w != "/")
    return known in wanted or known.endswith("/health")


def _preference(path: str) -> tuple[bool, int, str]:
    known = path.rstrip("/") or "/"
    rank = HEALTH_PATHS.index(known) if known in HEALTH_PATHS else len(HEALTH_PATHS)
    return path.startswith(UNKNOWN), rank, path
