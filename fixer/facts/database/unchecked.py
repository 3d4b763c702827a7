"""Database and broker services with no healthcheck that app services depend on: the
services C005 reports, and gives their image's own probe when an app would wait for it. An
app whose entry names another condition (`service_started`), or whose entry another file
of the stack writes with one, chose not to wait: for it alone, a probe would change nothing.
A database of a file that another stack brings in with `include:` counts that stack's
services among its dependents.

C005 fixes them; the `depends_on` planner (`fixer_rules.compose.depends_plan`) asks whether a service
will get its probe, so that a short list naming it waits for that fix instead of pinning
it to `service_started`, and whether that probe is in doubt, so that a fix giving it the
probe on the way is no safer than the database's own. Both ask here, so they cannot
disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fixer.core.derived import Memo
from fixer.core.edits import TextEdit
from fixer.core.lazyre import lazy_compile
from fixer.facts.database.probes import DbProbe, init_needs, probe, stops_uninitialised
from fixer.facts.health.healthchecks import Health, compose_health, healthcheck_fragment
from fixer.model.appservice import COMPLETED, is_app_service
from fixer.model.depends import (
    HEALTHY,
    Dependency,
    decided_elsewhere,
    dependencies,
    including_stacks,
    target_of,
)
from fixer.model.services import Service, Stack
from fixer.model.workspace import Workspace
from fixer.sources import compose_style
from fixer.sources.compose import ComposeDoc, Value, scalar
from fixer.sources.compose_edit import Unfixable, add_entry, entry_point


@dataclass
class Unchecked:
    """A database or broker service with no healthcheck, and the `depends_on` entries of the
    built services naming it."""

    service: Service
    probe: DbProbe
    partial: bool                                    # compose sets timings but no test
    dependents: list[tuple[Service, Dependency]] = field(default_factory=list)
    apps: set[str] = field(default_factory=set)      # dependents that are app services, or
                                                     # jobs apps await to completion: C005
                                                     # reports for them and gates their entries
    # those of them that would wait for it (`_waits_for_health`): with none, C005's probe
    # would change no start-up order
    waiting: set[str] = field(default_factory=set)
    writable: bool | None = None                     # the probe can be added (None: not tried)


# per workspace, the unchecked databases of each stack (stack name -> service name -> Unchecked)
_FOUND: Memo[dict[str, dict[str, Unchecked]]] = Memo("unchecked databases")


def unchecked(ws: Workspace, stack: Stack) -> dict[str, Unchecked]:
    """Image services of known databases with no compose healthcheck (timings only
    included), each with the built services' entries that name it."""
    per_stack = ws.derived.get(_FOUND, dict)
    if stack.name not in per_stack:  # one pass per stack: the planner asks per list entry
        per_stack[stack.name] = _find(ws, stack)
    return per_stack[stack.name]


def _find(ws: Workspace, stack: Stack) -> dict[str, Unchecked]:
    found: dict[str, Unchecked] = {}
    for name, service in stack.services.items():
        state = compose_health(service)
        # a service it extends may have one (not read); a `healthcheck: !reset {}` took
        # it away on purpose
        if service.app is not None or state not in (Health.NONE, Health.PARTIAL) or \
                service.get("extends") is not None or \
                service.reset_in("healthcheck") is not None:
            continue
        known = probe(ws, service)
        if known is not None:
            found[name] = Unchecked(service, known, state is Health.PARTIAL)
    if found:
        for owners in [stack, *including_stacks(ws, stack)]:  # `include:` brings them there
            _add_dependents(ws, owners, found)
    return found


def _add_dependents(ws: Workspace, stack: Stack, found: dict[str, Unchecked]) -> None:
    """The entries of the stack's built services that name one of `found`."""
    jobs: frozenset[str] | None = None   # asked for only when a non-app service names one
    for owner in stack.services.values():
        if owner.app is None:
            continue
        for dependency in dependencies(owner):
            target = found.get(dependency.name)
            if target is None or target_of(ws, owner, dependency.name) is not target.service:
                continue
            target.dependents.append((owner, dependency))
            if not is_app_service(ws, owner):
                jobs = _awaited_by_apps(ws, stack) if jobs is None else jobs
                if owner.name not in jobs:
                    continue
            target.apps.add(owner.name)
            if _waits_for_health(owner, dependency):
                target.waiting.add(owner.name)


def _awaited_by_apps(ws: Workspace, stack: Stack) -> frozenset[str]:
    """The one-shot jobs an app service waits for with `service_completed_successfully`
    (`migrations` running `alembic upgrade head`): a job that connects before its database
    accepts connections exits 1, and the app's gate on it fails `docker compose up`. C005
    gates such a job's entry as it gates an app's."""
    return frozenset(dependency.name for owner in stack.services.values()
                     if is_app_service(ws, owner) for dependency in dependencies(owner)
                     if dependency.condition == COMPLETED)


def _waits_for_health(owner: Service, dependency: Dependency) -> bool:
    """The entry waits for the service's healthcheck once it has one: `service_healthy`, or
    no condition, which C005 gates. Another explicit condition (`service_started`), here or
    in another file of the stack (`decided_elsewhere`), is the author's choice, kept: a
    healthcheck added for it would change no start-up order."""
    return dependency.condition in (None, HEALTHY) and \
        decided_elsewhere(owner, dependency) is None


def will_probe(ws: Workspace, service: Service) -> Unchecked | None:
    """The service, when C005 will give it its probe: an app service waits for it, its
    compose healthcheck is not a timings-only one, and the probe can be written."""
    found = unchecked(ws, service.stack).get(service.name)
    if found is None or not found.waiting or found.partial or found.probe.refused:
        return None
    if found.writable is None:  # asked once per list entry naming it: judged once
        try:
            healthcheck_site(found)
            found.writable = True
        except Unfixable:
            found.writable = False
    return found if found.writable else None


def probe_doubt(ws: Workspace, target: Unchecked) -> str | None:
    """Why fixer cannot vouch that the database's probe passes: the probe's own doubt, or
    a service that waits for it calls it on another port than its image's default
    (`postgresql://app@db:6543/app`) while the probe names none: the server may listen
    there, moved where fixer does not read (an entrypoint script, a configuration file)."""
    if target.probe.doubt is not None:
        return target.probe.doubt
    uninitialised = stops_uninitialised(ws, target.service, target.probe.family)
    if uninitialised is not None:
        return uninitialised
    default = _asked_port(ws, target)
    if default is None or _PORT_NAMED.search(" ".join(target.probe.test[1:])):
        return None
    name = re.escape(target.service.name)
    # the host after the credentials: `postgres:1974@localhost` is a user and a password
    called = re.compile(rf"://(?:[^/@\s]*@)?{name}:(\d+)(?![\d@])")
    for owner, _dependency in target.dependents:
        for value in owner.environment(ws.tree).values():
            match = called.search(value or "")
            if match is not None and match.group(1) != default:
                return (f"{owner.name} calls {target.service.name} on port {match.group(1)}, "
                        f"and the probe asks {default}: the server may listen where fixer "
                        "does not read")
    return None


def password_names(target: Unchecked) -> tuple[str, ...]:
    """The settings one of which the image's entrypoint needs before it creates its database
    (`POSTGRES_PASSWORD` and its alternatives); none for an image that needs none."""
    return init_needs(target.probe.family)


def _asked_port(ws: Workspace, target: Unchecked) -> str | None:
    """The port the probe asks when it names none: the family's default, but PostgreSQL's
    `PGPORT` where the container's environment sets it (the server listens there, and
    `pg_isready` reads it too)."""
    default = _DEFAULT_PORTS.get(target.probe.family)
    if target.probe.family != "postgres":
        return default
    given = target.service.environment(ws.tree).get("PGPORT") or ""
    return given if given.isdigit() else default


# the port each family listens on unless told another, and the probe options that name one.
# Not rabbitmq: `rabbitmq-diagnostics ping` asks the node through the CLI tools' own channel,
# never the AMQP port, so an AMQP listener moved to 5673 leaves the probe as good.
_DEFAULT_PORTS = {"postgres": "5432", "mysql": "3306", "mariadb": "3306", "redis": "6379",
                  "valkey": "6379", "mongo": "27017"}
_PORT_NAMED = lazy_compile(r"(?:^|\s)(?:-p|-P|--port)\b")


@dataclass(frozen=True)
class HealthcheckSite:
    """Where a database's `healthcheck:` goes: its definition in the file naming its image."""

    doc: ComposeDoc
    definition: Value


def image_named(service: Service) -> tuple[ComposeDoc, Value] | None:
    """Where the service's image is named: the first file that names the image it runs (an
    override file that repeats the base's `image:` changes nothing), so that a probe written
    there is in every stack of those files, the base file run alone included."""
    named = service.all("image")
    if not named:
        return None
    runs = scalar(named[-1][1])
    return next((found for found in named if scalar(found[1]) == runs), named[-1])


def healthcheck_site(target: Unchecked) -> HealthcheckSite:
    """The definition that names the image (`image_named`), judged where `add_entry` will
    put the entry. Unfixable when it is reached through an alias, when no entry can go
    there, or when it would land in a YAML anchor other services share."""
    service = target.service
    image = image_named(service)
    assert image is not None
    doc = image[0]
    definition = definition_in(service, doc)
    if definition.aliased:
        raise Unfixable(f"{service.name} is defined through a YAML alias")
    at = entry_point(doc, definition.node)
    shared = doc.shared_anchor_at(at, at)
    if shared is not None:
        raise Unfixable(f"{service.name} is the YAML anchor &{shared}, which other services "
                        "merge; a healthcheck added there reaches them too")
    return HealthcheckSite(doc, definition)


def healthcheck_edit(target: Unchecked, site: HealthcheckSite) -> TextEdit:
    """`healthcheck:` with the image's probe added at a site `healthcheck_site` accepted,
    in the file's style."""
    style = compose_style.detect_for(site.doc, site.definition.node)
    return add_entry(site.doc, site.definition.node, "healthcheck",
                     healthcheck_fragment(target.probe.test, style,
                                          target.probe.start_period), style)


def definition_in(service: Service, doc: ComposeDoc) -> Value:
    """The service's mapping in one of its files."""
    return next(value for each, value in service.definitions if each is doc)
