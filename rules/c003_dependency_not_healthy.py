"""A built service waits only for a dependency to start, though the dependency has a healthcheck.

## What it does
Finds `depends_on` entries of built services (short list `- db`, flow list
`[db]`, or long form with no `condition`) whose service has a healthcheck: a
compose `healthcheck` with a test, or a `HEALTHCHECK` in the final stage of the
Dockerfile it builds. An explicit `condition` (`service_started`,
`service_completed_successfully`, ...) is the author's choice and never a
finding, and neither is the `depends_on` of a service that runs an image
(a `prometheus` or `nginx` waiting for the apps it watches or fronts).

## Why is this bad?
Compose starts the dependent service as soon as the dependency's container
starts, before it accepts connections; the first requests fail, or the app
crashes at start-up and restarts until it wins the race. The healthcheck is
already there to say when the dependency is ready.

## Example
```yaml
services:
  api:
    build: ./api
    depends_on:
      - db
  db:
    image: postgres:17-alpine
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U app"]
```

## Use instead
```yaml
services:
  api:
    build: ./api
    depends_on:
      db:
        condition: service_healthy
```

## Fix safety
A gate is only as good as the healthcheck behind it: if the healthcheck never
passes, `docker compose up` stops with "dependency failed to start". The fix is
safe when fixer can show the healthcheck passes: a database or broker image
running its own probe (`pg_isready` in `postgres`, `redis-cli` in `redis`, ...),
or a FastAPI app probed over HTTP on `localhost` with a tool its final stage
has, on the port it listens on, for a path it serves. Unsafe (the reason is
given) when fixer cannot tell: an image it does not know, a probe it cannot
read (a port written as `${VAR}`), an app whose port or routes it cannot see. Display-only when the
healthcheck cannot pass (it probes a path the app does not serve, another
port, or runs a tool the image lacks): fix the healthcheck first. A short list
is turned into the long form: every entry of it whose gate is safe gets
`condition: service_healthy` in the same fix, the others
`condition: service_started`, which is what the short form meant (from then on
they read as the author's choice), and all keep their comments. While another
entry of the same short list cannot pass yet (other rules may fix its
healthcheck in the same run), the list is left as it is (display-only).
Display-only when `depends_on` comes from a YAML anchor shared through an
alias (the finding names it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import yaml

from fixer import stackcheck
from fixer.depends import HEALTHY, Dependency, dependencies, set_conditions
from fixer.edits import Edit
from fixer.health.healthchecks import has_healthcheck
from fixer.rule import Category, Finding, Report, Safety, Severity
from fixer.services import Service
from fixer.sources import compose_style
from fixer.sources.compose import get, key_node
from fixer.sources.compose_edit import Unfixable, merge_inserts
from fixer.workspace import Workspace

CODE = "C003"
NAME = "dependency-not-healthy"
CATEGORY = Category.COMPOSE
SEVERITY = Severity.WARNING
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)

Verdict = stackcheck.Verdict
_Flagged = tuple[Dependency, Verdict, str]  # an entry, whether its gate can pass, why not


def detect(ws: Workspace) -> Iterator[Report]:
    for service in ws.services():
        if service.app is None:  # an image's service (prometheus, nginx): its author's wiring
            continue
        flagged: list[_Flagged] = []
        for dependency in dependencies(service):
            target = service.stack.services.get(dependency.name)
            if target is None or dependency.condition is not None:
                continue  # an explicit condition is the author's choice
            if has_healthcheck(target):
                flagged.append((dependency, *stackcheck.can_pass(ws, target)))
        for entry in flagged:
            yield _report(service, entry, flagged)


def _report(service: Service, entry: _Flagged, flagged: list[_Flagged]) -> Report:
    dependency, verdict, why = entry
    doc = dependency.doc
    base = Report(
        message=f"{service.name} depends on {dependency.name} only for it to start, though "
                f"{dependency.name} has a healthcheck",
        path=doc.path, line=_line(dependency), service=service.name,
        subject=f"depends_on {dependency.name}",
    )
    if verdict is Verdict.BROKEN:
        return replace(base, reason=f"{why}; waiting for it would keep {service.name} from "
                                    "starting")
    waiting = _broken_siblings(dependency, flagged)
    if waiting:
        return replace(base, reason=f"{waiting[0]}'s healthcheck, in the same list, cannot pass "
                                    "yet; the long form would pin it to service_started, so "
                                    "fix that healthcheck first")
    names = [dependency.name] + _safe_siblings(dependency, flagged)
    try:
        edits = set_conditions(doc, dependency.definition, dict.fromkeys(names, HEALTHY),
                               compose_style.detect(doc))
    except Unfixable as exc:
        return replace(base, reason=str(exc))
    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    title = f"Wait for {listed} to be healthy"
    if verdict is Verdict.UNKNOWN:
        return replace(base, safety=Safety.UNSAFE, fix_title=f"{title} ({why})", reason=why,
                       data={"edits": merge_inserts(edits)})
    return replace(base, safety=Safety.SAFE, fix_title=title, data={"edits": merge_inserts(edits)})


def _siblings(dependency: Dependency, flagged: list[_Flagged], verdict: Verdict) -> list[str]:
    """The other flagged entries of the same `depends_on` whose gate has this verdict."""
    return [other.name for other, judged, _why in flagged
            if judged is verdict and other.name != dependency.name
            and other.doc is dependency.doc and other.definition.node is dependency.definition.node]


def _safe_siblings(dependency: Dependency, flagged: list[_Flagged]) -> list[str]:
    """Setting one condition turns a short list into the long form, every other entry saying
    `service_started`: an entry this rule gates safely gets its gate in the same edit, or that
    explicit condition would hide it from the next round."""
    return _siblings(dependency, flagged, Verdict.HOLDS)


def _broken_siblings(dependency: Dependency, flagged: list[_Flagged]) -> list[str]:
    """Entries of the same short list whose healthcheck cannot pass yet (curl missing, a stale
    port: other rules may fix it in this very run). Converting the list now would pin them to
    `service_started` for good; the gate waits until they can be gated too."""
    value = get(dependency.definition, "depends_on")
    if value is None or not isinstance(value.node, yaml.SequenceNode):
        return []
    return _siblings(dependency, flagged, Verdict.BROKEN)


def _line(dependency: Dependency) -> int:
    """The entry's line; for an entry written at an anchor, the line of this `depends_on`."""
    doc = dependency.doc
    key = key_node(dependency.definition, "depends_on")
    if dependency.node.aliased and key is not None:
        return doc.line(key)
    return doc.line(dependency.node.node)


def fix(ws: Workspace, finding: Finding) -> list[Edit]:
    return list(finding.report.data.get("edits", []))
