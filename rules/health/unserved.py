"""The healthcheck probes of an app service that ask for a path its app does not serve.

H002 reports them and H001 leaves such a service to H002: one defect, one finding. The
verdict is the stack check's own (`fixer.stackcheck.gate`: a healthcheck must probe a path
the app serves), so H002 reports exactly the probes the check calls broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.facts.health.healthchecks import Health, compose_health, health, nearest_healthcheck
from fixer.facts.health.healthroute import served_app
from fixer.model.services import Service
from fixer.model.workspace import Workspace
from fixer.sources.compose import ComposeDoc, Value, elements, get
from fixer.sources.fastapi_routes import AppRoutes
from fixer.stackcheck.gate import head_option, health_command, local_probes, path_verdict
from fixer.stackcheck.verdicts import Verdict

WRITABLE = lazy_compile(r"/[\w.~/-]*", re.ASCII)  # a path as a URL and a Python literal hold it
_INTERPOLATION = lazy_compile(r"\$\{[^}]*\}")


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
    port: int = 0     # the port the URL names (0: not read)


# per workspace, each (stack, service)'s unserved probes: H001 and H002 both ask for every
# app service
_UNSERVED: Memo[dict[tuple[str, str], list[list[ProbeSite]]]] = Memo("unserved probes")


def unserved_probes(ws: Workspace, service: Service) -> list[list[ProbeSite]]:
    """The sites of each probed path the app does not serve, one list per path, in the
    healthcheck's order; none when fixer finds no app or cannot tell. The value is shared:
    callers read it."""
    return ws.derived.keyed(_UNSERVED, (service.stack.name, service.name),
                            lambda: _unserved_probes(ws, service))


def _unserved_probes(ws: Workspace, service: Service) -> list[list[ProbeSite]]:
    sites = listened_probe_sites(service)
    found = served_app(ws, service)
    if not sites or found is None:
        return []
    found_head = health_command(service)
    head = head_option(service, found_head.test) if found_head is not None else None
    return [[s for s in sites if s.path == path] for path in dict.fromkeys(s.path for s in sites)
            if path_verdict(ws, service, path)[0] is Verdict.BROKEN
            and not (head and answers_head(found[1], path)) and not _routed(found[1], path)]


def _routed(routes: AppRoutes, path: str) -> bool:
    """A GET route of the app is at `path`: served, though it may refuse a probe (a
    dependency that demands credentials), which C004 and the stack check say; not H002's
    "does not serve"."""
    wanted = path.rstrip("/") or "/"
    return any(r.get and (r.path.rstrip("/") or "/") == wanted for r in routes.routes)


def answers_head(routes: AppRoutes, path: str) -> bool:
    """A route at `path` answers HEAD (`@app.head`): a HEAD probe of it is served."""
    wanted = path.rstrip("/") or "/"
    return any(r.head and (r.path.rstrip("/") or "/") == wanted for r in routes.routes)


def listened_probe_sites(service: Service) -> list[ProbeSite]:
    """The local probes of the port the app listens on (or of no port written): a probe of
    another port asks another listener (a second server the command starts), or is P001's."""
    listen = service.app.listen.port if service.app is not None else None
    return [s for s in probe_sites(service) if listen is None or s.port in (0, listen)]


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
    for probe in local_probes(text, start, end):
        at = probe.start
        writable = editable and WRITABLE.fullmatch(probe.path) is not None and \
            not any(a <= at < b for a, b in locked)
        found.append(ProbeSite(probe.path, file, at, probe.end,
                               line + text.count("\n", start, at), at - text.rfind("\n", 0, at),
                               writable, probe.port))
    return found
