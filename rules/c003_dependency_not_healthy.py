"""A service waits only for a dependency to start, though the dependency has a healthcheck.

## What it does
Finds `depends_on` entries (short list `- db`, flow list `[db]`, or long form
without a condition or with `condition: service_started`) whose service has a
healthcheck: a compose `healthcheck` with a test, or a `HEALTHCHECK` in the
final stage of the Dockerfile it builds.

## Why is this bad?
Compose starts the dependent service as soon as the dependency's container
starts, before it accepts connections; the first requests fail, or the app
crashes at start-up and restarts until it wins the race. The healthcheck is
already there to say when the dependency is ready.

## Example
```yaml
services:
  gateway:
    depends_on:
      - auth
  auth:
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8001/health"]
```

## Use instead
```yaml
services:
  gateway:
    depends_on:
      auth:
        condition: service_healthy
```

## Fix safety
Safe: the dependency's healthcheck says when it can serve. A short list is
turned into the long form; other entries get `condition: service_started`,
which is what the short form meant, and keep their comments.
`service_completed_successfully` is left alone. Display-only when `depends_on`
comes from a YAML anchor shared through an alias (the finding names it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from fixer.depends import HEALTHY, STARTED, Dependency, dependencies, set_conditions
from fixer.edits import Edit
from fixer.health.healthchecks import has_healthcheck
from fixer.rule import Category, Finding, Report, Safety
from fixer.services import Service
from fixer.sources import compose_style
from fixer.sources.compose import key_node
from fixer.sources.compose_edit import Unfixable, merge_inserts
from fixer.workspace import Workspace

CODE = "C003"
NAME = "dependency-not-healthy"
CATEGORY = Category.COMPOSE
SAFETY = (Safety.SAFE, Safety.DISPLAY)


def detect(ws: Workspace) -> Iterator[Report]:
    for service in ws.services():
        for dependency in dependencies(service):
            target = service.stack.services.get(dependency.name)
            if target is None or dependency.condition not in (None, STARTED):
                continue
            if has_healthcheck(target):
                yield _report(service, dependency)


def _report(service: Service, dependency: Dependency) -> Report:
    doc = dependency.doc
    waits = "only for it to start" if dependency.condition is None else "with service_started"
    base = Report(
        message=f"{service.name} depends on {dependency.name} {waits}, though "
                f"{dependency.name} has a healthcheck",
        path=doc.path, line=_line(dependency), service=service.name,
        subject=f"depends_on {dependency.name}",
    )
    try:
        edits = set_conditions(doc, dependency.definition, {dependency.name: HEALTHY},
                               compose_style.detect(doc))
    except Unfixable as exc:
        return replace(base, reason=str(exc))
    return replace(base, safety=Safety.SAFE,
                   fix_title=f"Wait for {dependency.name} to be healthy",
                   data={"edits": merge_inserts(edits)})


def _line(dependency: Dependency) -> int:
    """The entry's line; for an entry written at an anchor, the line of this `depends_on`."""
    doc = dependency.doc
    key = key_node(dependency.definition, "depends_on")
    if dependency.node.aliased and key is not None:
        return doc.line(key)
    return doc.line(dependency.node.node)


def fix(ws: Workspace, finding: Finding) -> list[Edit]:
    return list(finding.report.data.get("edits", []))
