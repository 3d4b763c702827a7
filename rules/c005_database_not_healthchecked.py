"""An app service depends on a database or broker that has no healthcheck.

## What it does
Finds services of a known database or broker image (`postgres` and the images built
on it: `postgis/postgis`, `timescale/timescaledb`, `pgvector/pgvector`; `mysql`,
`mariadb`, `redis`, `valkey/valkey`, `mongo`, `rabbitmq`; registry prefixes, tags
and digests aside, a `${VAR}` tag read through `.env` or its default) that have no
compose `healthcheck`, when an app service (a FastAPI HTTP server) names them in
`depends_on`. A worker, a bot or a one-shot job that depends on one is not
reported: it is no app service. `healthcheck: {disable: true}` and `test:
["NONE"]` are a deliberate choice and are left alone.

## Why is this bad?
Without a healthcheck, `depends_on` can only wait for the database's container to
start, not for the server in it to accept connections: the app's first connection
fails, and it crashes or restarts until it wins the race. This is the most common
start-up race of a compose stack.

## Example
```yaml
services:
  api:
    build: ./api
    depends_on:
      - db
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: ${DB_USER}
      POSTGRES_DB: orders
```

## Use instead
```yaml
services:
  api:
    build: ./api
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: ${DB_USER}
      POSTGRES_DB: orders
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "${DB_USER}", "-d", "orders"]
      interval: 10s
      timeout: 5s
      retries: 3
      start_period: 10s
```

## Fix safety
Safe: it adds the image's own probe, which its image ships and which passes as soon
as the server accepts connections, whatever the credentials: `pg_isready -U USER -d
DB` (`-p` when the command moves the port), `mysqladmin ping -h localhost`
(`mariadb-admin` on `mariadb` 10.5 and later, which dropped `mysqladmin` in 11),
`redis-cli ping` (`valkey-cli`; `-p` for a `--port`), `rabbitmq-diagnostics -q
ping`, `mongosh --quiet --eval "db.adminCommand('ping')"` (`mongo` before 6.0).
User and database come from the service's `environment` as written, `${VAR}`
interpolations kept, so Compose substitutes them as it does for the server; a value
only the container knows (an `env_file` entry, a bare `- POSTGRES_USER`) is read
by the container's shell as `$$POSTGRES_USER`; the image's defaults otherwise.
Timings are C004's (`interval: 10s`, `timeout: 5s`, `retries: 3`, `start_period:
10s`), the test in the file's list style and quotes. Every app service's entry for
it with no `condition` gets `condition: service_healthy`; an explicit condition
(`service_started`, ...) is the author's choice and is kept. A short list turned
into the long form gets `service_healthy` for every entry whose gate holds (a
database this fix gives a healthcheck too, in the same fix, or a service whose
healthcheck passes) and `service_started`, what the short form meant, for the
others; while another entry of it has a healthcheck fixer cannot show to pass, the
list is left as it is (C003 gates it once it can) and only the healthcheck is
added. Unsafe, with the reason, when the server reads a configuration file that
may move its port, or fixer cannot resolve the image's tag where the probe depends
on the version (`mariadb`, `mongo`). Display-only when the service or a
`depends_on` to edit comes from a YAML anchor other services share, and when a
compose `healthcheck` sets timings with no test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import yaml

from fixer import stackcheck
from fixer.appservice import is_app_service
from fixer.database.probes import TIMINGS, DbProbe, probe
from fixer.depends import HEALTHY, Dependency, dependencies, set_conditions
from fixer.edits import Edit, TextEdit
from fixer.health.healthchecks import Health, compose_health, has_healthcheck
from fixer.rule import Category, Finding, Report, Safety, Severity
from fixer.services import Service, Stack
from fixer.sources import compose_style
from fixer.sources.compose import ComposeDoc, Value, elements, get, scalar
from fixer.sources.compose_edit import Unfixable, add_entry, merge_inserts
from fixer.sources.compose_style import Flow, Map, Seq
from fixer.workspace import Workspace

CODE = "C005"
NAME = "database-not-healthchecked"
CATEGORY = Category.COMPOSE
SEVERITY = Severity.WARNING
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)
# Before C003: a short `depends_on` list C003 turns into the long form pins the entries it
# cannot gate yet (this database) to `service_started`, which C005 then has to keep.
FIX_ORDER = 90


@dataclass
class Target:
    """A database or broker service with no healthcheck, and the app entries naming it."""

    service: Service
    probe: DbProbe
    partial: bool                                    # compose sets timings but no test
    waiting: list[tuple[Service, Dependency]] = field(default_factory=list)


def detect(ws: Workspace) -> Iterator[Report]:
    seen: set[tuple[str, str]] = set()
    for stack in ws.stacks:
        targets = _targets(ws, stack)
        for target in targets.values():
            found = target.service.get("image")
            if not target.waiting or found is None or (found[0].path, target.service.name) in seen:
                continue
            seen.add((found[0].path, target.service.name))
            yield _report(ws, stack, target, targets)


def _targets(ws: Workspace, stack: Stack) -> dict[str, Target]:
    """Image services of known databases with no healthcheck, each with the `depends_on`
    entries of app services that name it."""
    targets: dict[str, Target] = {}
    for name, service in stack.services.items():
        state = compose_health(service)
        if service.app is not None or state not in (Health.NONE, Health.PARTIAL):
            continue
        found = probe(ws, service)
        if found is not None:
            targets[name] = Target(service, found, state is Health.PARTIAL)
    for app in stack.services.values():
        if app.app is not None and is_app_service(ws, app):
            for dependency in dependencies(app):
                if dependency.name in targets:
                    targets[dependency.name].waiting.append((app, dependency))
    return targets


@dataclass
class Plan:
    """What the fix does: its edits, the services it gives a healthcheck (with their probe),
    and the app services it makes wait for them."""

    edits: list[TextEdit] = field(default_factory=list)
    checked: dict[str, DbProbe] = field(default_factory=dict)
    gated: set[str] = field(default_factory=set)


def _report(ws: Workspace, stack: Stack, target: Target, targets: dict[str, Target]) -> Report:
    db = target.service
    found = db.get("image")
    assert found is not None
    doc, image = found
    apps = _names(sorted({app.name for app, _entry in target.waiting}))
    # an image merged from an `x-` anchor: the line of the service, not of the anchor
    where = _definition(db, doc) if image.aliased else image
    base = Report(message=f"{db.name} ({scalar(image)}) has no healthcheck, so {apps} cannot "
                          "wait until it accepts connections",
                  path=doc.path, line=doc.line(where.node), service=db.name,
                  subject=f"healthcheck of {db.name}")
    if target.partial:
        return replace(base, reason="its compose healthcheck sets timings but no test; add "
                                    f"the test by hand (`{' '.join(target.probe.test[1:])}`)")
    try:
        plan = _plan(ws, stack, target, targets)
    except Unfixable as exc:
        return replace(base, reason=str(exc))
    title = "Add " + _names([f"a `{p.tool}` healthcheck to {n}" for n, p in plan.checked.items()])
    if plan.gated:
        title += f" and make {_names(sorted(plan.gated))} wait for it to be healthy"
    edits = merge_inserts(plan.edits)
    if target.probe.doubt:
        return replace(base, safety=Safety.UNSAFE, fix_title=f"{title} ({target.probe.doubt})",
                       reason=target.probe.doubt, data={"edits": edits})
    return replace(base, safety=Safety.SAFE, fix_title=title, data={"edits": edits})


def _plan(ws: Workspace, stack: Stack, target: Target, targets: dict[str, Target]) -> Plan:
    """The healthcheck, and `service_healthy` on each app entry with no condition."""
    plan = Plan()
    _add_healthcheck(ws, plan, target)
    for app, dependency in target.waiting:
        if dependency.condition is not None:
            continue  # the author's choice
        wanted = _wanted(ws, stack, plan, dependency, targets)
        if wanted is not None:
            doc = dependency.doc
            plan.edits += set_conditions(doc, dependency.definition, wanted,
                                         compose_style.detect(doc))
            plan.gated.add(app.name)
    return plan


def _wanted(ws: Workspace, stack: Stack, plan: Plan, dependency: Dependency,
            targets: dict[str, Target]) -> dict[str, str] | None:
    """The conditions to write: this entry's, and in a short list every sibling whose gate
    holds (a database given its healthcheck here too, or a service whose healthcheck
    passes); the others become `service_started`, what the short form meant. None while a
    sibling's healthcheck cannot be shown to pass: converting would pin it to
    `service_started` for good, so the list waits for C003, which gates it when it can."""
    wanted = {dependency.name: HEALTHY}
    for name in _short_siblings(dependency):
        sibling, other = targets.get(name), stack.services.get(name)
        if sibling is not None and not sibling.partial and sibling.probe.doubt is None:
            try:
                _add_healthcheck(ws, plan, sibling)
            except Unfixable:
                continue  # it keeps no healthcheck: `service_started` is all it can have
            wanted[name] = HEALTHY
        elif other is not None and has_healthcheck(other):
            if stackcheck.can_pass(ws, other)[0] is not stackcheck.Verdict.HOLDS:
                return None
            wanted[name] = HEALTHY
    return wanted


def _add_healthcheck(ws: Workspace, plan: Plan, target: Target) -> None:
    if target.service.name not in plan.checked:
        plan.edits.append(_healthcheck(ws, target.service, target.probe))
        plan.checked[target.service.name] = target.probe


def _healthcheck(ws: Workspace, service: Service, found: DbProbe) -> TextEdit:
    """`healthcheck:` added to the definition that names the image, in the file's style."""
    image = service.get("image")
    assert image is not None
    doc = image[0]
    definition = _definition(service, doc)
    if definition.aliased:
        raise Unfixable(f"{service.name} is defined through a YAML alias")
    style = compose_style.detect(doc)
    test = Flow(found.test) if style.flow_tests else Seq(found.test)
    edit = add_entry(doc, definition.node, "healthcheck", Map((("test", test), *TIMINGS)), style)
    shared = ws.shared_anchor([edit])
    if shared is not None:
        raise Unfixable(f"{service.name} is the YAML anchor &{shared}, which other services "
                        "merge; a healthcheck added there reaches them too")
    return edit


def _definition(service: Service, doc: ComposeDoc) -> Value:
    """The service's mapping in one of its files."""
    return next(value for each, value in service.definitions if each is doc)


def _short_siblings(dependency: Dependency) -> list[str]:
    """The other entries of the short list the entry is in: the long form it becomes writes
    a condition for each of them."""
    value = get(dependency.definition, "depends_on")
    if value is None or not isinstance(value.node, yaml.SequenceNode):
        return []
    return [n for n in (scalar(e) for e in elements(value)) if n and n != dependency.name]


def _names(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def fix(ws: Workspace, finding: Finding) -> list[Edit]:
    return list(finding.report.data.get("edits", []))
