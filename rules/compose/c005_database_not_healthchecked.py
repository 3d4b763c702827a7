"""An app service depends on a database or broker that has no healthcheck.

## What it does
Finds services of a known database or broker image (`postgres` and the images built
on it: `postgis/postgis`, `timescale/timescaledb`, `pgvector/pgvector`; `mysql`,
`mariadb`, `redis`, `valkey/valkey`, `mongo`, `rabbitmq`; registry prefixes, tags
and digests aside, a `${VAR}` tag read through `.env` or its default) that have no
compose `healthcheck`, when an app service (a FastAPI HTTP server) names them in
`depends_on`, or a one-shot job that an app service waits for with `condition:
service_completed_successfully` does (`migrations` running `alembic upgrade head`): the
job connects while the database initialises, exits 1, and the app's gate on it fails
`docker compose up`, so its entry is gated as an app's. A worker, a bot or a job no app
service waits for that depends on one is not reported: it is no app service. Nor is a
service every app awaits with
`service_completed_successfully` (`wait-for-db`, a `postgres` image looping on
`pg_isready -h db`): a job that exits, not a server to probe.
`healthcheck: {disable: true}`, `test: ["NONE"]` and a `healthcheck: !reset {}` in a
later file are a deliberate choice and are
left alone, and so is a service with `extends:`: the service it extends may carry the
healthcheck, and fixer does not follow `extends:`.
A database that a file of the app's stack brings in through the top-level `include:`
(`include: [infra/compose.yaml]`) is judged as its own file defines it: the probe goes
into that file, with the credentials of its environment as written there (`${VAR}` kept,
so Compose fills it from the included file's own `.env`, as it does for the server), and
the gate into the app's file. An entry with no condition counts as the condition another
file of the stack writes for it (the override file's `db: {condition: service_started}`
over the base's `- db`; Compose merges entries by name, the last file's winning): that
entry is kept as it is, never gated, and does not wait for the probe.

## Why is this bad?
Without a healthcheck, `depends_on` can only wait for the database's container to
start, not for the server in it to accept connections: the app's first connection
may find it not ready, and an app that connects at start-up without retrying may
crash (and restart until it wins the race). This is the most common start-up race
of a compose stack.

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
      test: ["CMD", "pg_isready", "-U", "${DB_USER}", "-d", "orders", "-h", "127.0.0.1"]
      interval: 10s
      timeout: 5s
      retries: 3
      start_period: 10s
```

## Fix safety
Safe: it adds the image's own probe, which its image ships and which passes as soon
as the server accepts connections, whatever the credentials: `pg_isready -U USER -d
DB -h 127.0.0.1` (`-p` when the command moves the port): over TCP, since the socket
answers already while the entrypoint creates the database and runs
`/docker-entrypoint-initdb.d` on a temporary server with `listen_addresses=''`, where a
migration let through fails to connect (unsafe when the command has the server listen on
another address only, `-c listen_addresses=10.0.0.5`); `mysqladmin ping -h 127.0.0.1
--protocol=tcp` (`mariadb-admin` on `mariadb` 10.5 and later, which dropped `mysqladmin`
in 11; `-P` when the command moves the port): over TCP, since the socket answers already
while the entrypoint initialises the database on a temporary server with
`--skip-networking`, and an app let through then finds no TCP port open (a server whose
own command has `--skip-networking` is probed on its socket, `--socket=` kept; one that
reads a configuration file mounted into `/etc/mysql/conf.d`, or that whole folder, is
unsafe: it may move the port or turn networking off; not one the repository holds that
sets none of `port` (but 3306), `skip-networking`, `bind-address` (but a wildcard or the
loopback) and `!include`);
`redis-cli ping` (`valkey-cli`; `-p` for a `--port`; the port read from compose's
`command:` and `entrypoint:`, a `sh -c` script included), `rabbitmq-diagnostics -q
ping`, `mongosh --quiet --eval "db.adminCommand('ping')"` (`mongo` before 6.0).
Unsafe, with the reason, where the database's `environment` reads a variable Compose may
substitute empty, as C003 judges a gate on a database that has its healthcheck (an empty
`POSTGRES_PASSWORD` stops the server at start-up: with the short form the app still
starts, a gate would stop it), or where the probe itself reads one (a port taken from
`--port ${REDIS_PORT}` that no `.env` sets and no default gives), or where the database
sets no password, or an empty one (`POSTGRES_PASSWORD=` in a template env file), nor says
to go without one (`POSTGRES_PASSWORD`, `MYSQL_ROOT_PASSWORD`,
their `_FILE` forms, `POSTGRES_HOST_AUTH_METHOD`, the `ALLOW_EMPTY`/`RANDOM` ones) and its
env files are all in the repository: the image stops at its first start, and a service
that waited for it would never start (a checkout may fill the password in first).
Display-only where compose itself makes the server stop at every start: a postgres image
from 18 on (`latest`, a tag with no version) with a volume mounted at
`/var/lib/postgresql/data`, where 17 and earlier kept their data (18 keeps it in
`/var/lib/postgresql/18/docker` and refuses the old mount), unless the service sets
PGDATA; the `mysql` image from 8.4 on given `--default-authentication-plugin`, which 8.4
removed: the probe would never pass, and a gate would keep the app from starting where it
starts now (C010 reports the database). Unsafe where the command
runs no server of the image's own (`mongos`, the sharding router, in a `mongo` image; a
script), or redis Sentinel (`redis-sentinel`, `--sentinel`), which listens on another
port: the probe is written for the server.
Display-only where redis binds only addresses other than the loopback (`bind redis_cache`
in the `redis.conf` the service mounts from the repository, or `--bind` on its command):
`redis-cli ping` on 127.0.0.1 never reaches it; and for PostgreSQL before 9.3
(`postgres:9.2`), whose image has no `pg_isready`.
User and database come from the service's `environment` as written, `${VAR}`
interpolations kept, so Compose substitutes them as it does for the server; a value
only the container knows (an `env_file` entry, a bare `- POSTGRES_USER`) is read
by the container's shell as `$$POSTGRES_USER`; where an `env_file` of the service
is not in the repository (each deployment supplies it), the shell reads
`$${POSTGRES_USER:-postgres}`, so the probe names the user that file sets (a probe
as `postgres` would pass, but log a failed login every 10 seconds); a user or database
the entrypoint reads from a file (`POSTGRES_USER_FILE`, a compose secret) is read there
too (`"$$(cat "$$POSTGRES_USER_FILE")"`); the image's defaults otherwise. Timings are
C004's (`interval: 10s`, `timeout: 5s`, `retries: 3`, `start_period: 10s`), the test in
the file's list style and quotes, except `start_period: 60s` for MySQL, MariaDB and
RabbitMQ: their first start (a data directory initialised on a temporary server, then a
restart; an Erlang node's boot) often takes longer than C004's ~40 s to the first
counted failure on a loaded CI runner, and a gate on a container marked unhealthy fails
`docker compose up`. Failures during the start period do not count and a probe that
passes ends it, so a fast start waits no longer. Every app service's entry for it with
no `condition` gets `condition: service_healthy`, and so does the entry of a job an app
waits for to complete (as C001 writes for a job it adds a database to); an explicit condition
(`service_started`, ...) is the author's choice and is kept. A `# fixer: ignore[C005]` comment
on such an entry (`- redis  # fixer: ignore[C005]`) says that service is not to wait for the
database: the fix leaves the entry as it is, and where it would then gate no entry, the
finding (reported at the database's `image:`) is suppressed. Unsafe, with the reason, where
C003 would gate the entry so left once the healthcheck is there (write `ignore[C003,C005]`);
a list another fix writes out in long form keeps the entry `service_started`.
A short list turned into the long form is converted once, every entry decided in
this fix (as C003 decides them): `service_healthy` for each entry whose healthcheck
can pass and each database this fix gives its probe too (the fix unsafe, with that
database's reason, where its probe is one C005's own fix for it offers as unsafe, or
where that fix is unsafe for what it reveals (a worker's list C003 then writes gating a
broker fixer cannot judge): a fix is no safer than the least safe gate it writes or
reveals; display-only where C005's own fix for that database is display-only, since its
healthcheck would make its other users' plain entries C003 findings this fix does not
settle; waiting where that fix waits), `service_started`, what
the short form meant, for a service no rule gives a healthcheck and for an entry
the user turned C003 off for (not run, `per-service-ignores`, a `# fixer:
ignore[C003]` comment on its line): gating it is C003's change. The title names
the entries it gates as C003 would. While an entry of
a list naming the database is an app service with no healthcheck (C004) or has a
healthcheck that cannot pass yet, the fix waits (display-only, naming what for):
a healthcheck alone would leave C003 an entry it cannot gate yet. `fixer fix`
applies C004 and D003 first, so the list is converted once they are in (the check counts
it as waiting only while those fixes are there and safe; an unsafe one, named in the
reason, or none leaves it a person's job; where its own probe, or that of another database
the lists it gates name, is already in doubt, it counts with the unsafe fixes, which
`fixer fix --unsafe-fixes` makes after them); display-only
for good when such an app service has `extends:` (C004 never gives it a healthcheck,
fixer does not follow `extends:`). Unsafe,
with the reason, when fixer cannot tell whether an entry's healthcheck passes,
when the server reads a configuration file that may move its port (or require TLS); not a
`redis.conf` a bind mount takes from the repository that sets none of `port` (but 6379),
`tls-port`, `requirepass`, `aclfile`, `user`, `include`, `rename-command` and `daemonize`; when
`redis-server` also takes TLS connections (`--tls-port`), which its clients may use while
the probe asks the plain port, when a service that
waits for it calls it on another port than its image's default and the probe names none
(`postgresql://app@db:6543/app`, with the server moved by an entrypoint script fixer does
not read; PostgreSQL's default is the `PGPORT` its environment sets, where both the
server and `pg_isready` listen and ask; not RabbitMQ, whose `rabbitmq-diagnostics ping`
never asks the AMQP port), or
fixer cannot resolve the image's tag where the probe depends on the version
(`mariadb`, `mongo`), or the tag comes from a variable there (`mongo:${MONGO_TAG:-4.4}`:
each checkout's `.env` may pick a version whose shell is the other one). Display-only
when the server takes TLS connections only (`redis-server --port 0 --tls-port 6379`,
`mongod --tlsMode requireTLS`): a plain probe cannot reach it, and one with `--tls`
needs the client's certificates, which only the author knows. Display-only when the
service or a `depends_on` to edit comes from a
YAML anchor other services share, when a
compose `healthcheck` sets timings with no test, and when every app service names it
with another condition than `service_healthy` (`service_started`): that choice is
kept, so a probe would make none of them wait (the reason names a worker whose plain
entry would, which C003 gates once a healthcheck is added by hand). Display-only too
when a `-f` overlay (not Compose's own override file) sets the database's `image`,
`build`, `command`, `entrypoint`, `environment` or `env_file`: the probe would follow the
merged stack, and the base file, which also runs without that overlay, would wait on
another server.
Display-only when a build script deploys the file of a short list to edit as a Swarm stack
(`docker stack deploy -c docker-compose.yml`): that schema takes `depends_on` only as a
list, and the long form would stop the deploy; the reason names the command and its line.
Unsafe where every URL of the database's kind an app service's environment holds names a
host outside the stack and none the database (`MONGO_URL=mongodb+srv://app@cluster0.ab1cd.
mongodb.net`): it may not call the service it names in `depends_on`, and a gate would hold
it back on a server it does not use.
Unsafe when an app service's list is written in a file that relies on the database
without defining it, and another compose file of its folder (or of the stack's base)
defines the database with no healthcheck that runs: `-f` with that file instead, Compose
stops at the gate this fix writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial

from fixer.core.wording import how_loaded, names
from fixer.facts.database.elsewhere import OutsideCall, called_elsewhere, outside_doubt
from fixer.core.derived import Memo
from fixer.core.edits import TextEdit
from fixer.facts.database.probes import DbProbe, stops_every_start
from fixer.facts.database.selfwait import waits_on_its_own
from fixer.facts.envvars.examples import documented_values
from fixer.facts.database.unchecked import (
    HealthcheckSite,
    Unchecked,
    definition_in,
    healthcheck_edit,
    healthcheck_site,
    image_named,
    unchecked,
)
from fixer.model.appservice import COMPLETED
from fixer.model.depends import (
    HEALTHY,
    Dependency,
    conditions_refused,
    decided_elsewhere,
    dependencies,
    entry_line,
    set_conditions,
)
from fixer.model.optout import commented, turned_off
from fixer.model.rule import Category, Fix, Location, Safety, Severity, Violation
from fixer.model.services import Service
from fixer.model.workspace import Workspace
from fixer.sources import compose_style
from fixer.sources.compose import ComposeDoc, Value, get, key_node, scalar
from fixer.sources.compose_edit import Unfixable, merge_inserts
from fixer.stackcheck.gate import rival_without_test

from . import depends_plan

CODE = "C005"
NAME = "database-not-healthchecked"
CATEGORY = Category.COMPOSE
SEVERITY = Severity.WARNING
APP_ONLY = True   # a database an app service waits for
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)
# After C004 and D003, which give the other entries of a short list the healthcheck they can
# be gated on; before C001 and C003, which convert lists too (depends_plan.py).
FIX_ORDER = 102


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: set[tuple[str, str]] = set()
    for stack in ws.stacks:
        targets = unchecked(ws, stack)
        for target in targets.values():
            found = image_named(target.service)
            if not target.apps or found is None or (found[0].path, target.service.name) in seen:
                continue
            if all(d.condition == COMPLETED for owner, d in target.dependents
                   if owner.name in target.apps):
                continue   # a job run to completion (a wait loop on another database)
            seen.add((found[0].path, target.service.name))
            yield _report(ws, target, targets)


# what a `-f` overlay may change about the database server the probe is written for: which
# server runs, on which port, with which credentials
_SERVER_KEYS = ("image", "build", "command", "entrypoint", "environment", "env_file")


class Waits(Unfixable):
    """A list naming the database waits for another fix, or for a person
    (depends_plan.py)."""

    def __init__(self, wait: depends_plan.Wait) -> None:
        super().__init__(wait.reason)
        self.wait = wait


# One part of the fix's edits, built only when the fix is applied.
Step = Callable[[], list[TextEdit]]


@dataclass
class Plan:
    """What the fix does: its edits, in order, each part built only when the fix is applied
    (judged here where it goes); the services it gives a healthcheck (with their probe), the
    app services it makes wait for them, and why each gate or probe it writes is in doubt;
    `follow_on`: why the fix of a list it plans but leaves as written (a worker's, which C003
    writes in long form once the database has a healthcheck) is."""

    steps: list[Step] = field(default_factory=list)
    checked: dict[str, DbProbe] = field(default_factory=dict)
    gated: set[str] = field(default_factory=set)
    healthy: set[str] = field(default_factory=set)   # what the gated lists wait for
    waits: dict[str, set[str]] = field(default_factory=dict)   # each gated list's, by owner
    # lists whose other entries it gates as C003 would, and those entries
    c003_owners: set[str] = field(default_factory=set)
    c003_gated: set[str] = field(default_factory=set)
    doubts: list[str] = field(default_factory=list)
    # per database, the gated services whose URLs call a server outside the stack instead
    outside: dict[str, list[OutsideCall]] = field(default_factory=dict)
    follow_on: str | None = None


def _held(shown: list[str], waiting: set[str], all_wait: bool) -> str:
    """What the missing healthcheck keeps the services `shown` from: waiting for the
    database, except those whose start script waits on its own (`waiting`), which only
    Compose cannot hold back."""
    if all_wait:
        return f"so Compose cannot hold {names(shown)} back until it accepts connections (a " \
            "start script waits on its own)"
    told = [name for name in shown if name in waiting]
    others = [name for name in shown if name not in waiting]
    if not told or not others:
        return f"so {names(shown)} cannot wait until it accepts connections"
    one = len(told) == 1
    return (f"so {names(others)} cannot wait until it accepts connections ({names(told)} "
            f"{'waits' if one else 'wait'} on {'its' if one else 'their'} own in "
            f"{'its start script' if one else 'their start scripts'})")


def _report(ws: Workspace, target: Unchecked, targets: dict[str, Unchecked]) -> Violation:
    db = target.service
    found = image_named(db)
    assert found is not None
    doc, image = found
    # the consumers a comment on their entry told not to wait are not named as waiting
    opted_out = {owner.name for owner, d in target.dependents if owner.name in target.apps
                 and commented(ws, "C005", d.doc.path, _line(d))}
    shown = sorted(set(target.apps) - opted_out) or sorted(target.apps)
    apps = names(shown)
    # an image merged from an `x-` anchor: the line of the service, not of the anchor
    where = definition_in(db, doc) if image.aliased else image
    owners = [o for o, _d in target.dependents if o.name in target.apps]
    # a start script that loops or runs a waiter does wait: only Compose cannot hold it back
    waiting = {o.name for o in owners
               if waits_on_its_own(ws, o, db.name, documented_values(ws, o.stack))}
    held = _held(shown, waiting, bool(owners) and waiting >= {o.name for o in owners})
    base = Violation(message=f"{db.name} ({scalar(image)}) has no healthcheck, {held}",
                  path=doc.path, line=doc.line(where.node), column=doc.column(where.node),
                  service=db.name, subject=f"healthcheck of {db.name}",
                  parts=_entries_to_gate(target))
    refused = _probe_refused(target)
    if refused is not None:
        return replace(base, reason=refused)
    stop = stops_every_start(ws, db, target.probe.family)
    if stop is not None:   # known, not in doubt: the gate would stop what starts now
        return replace(base, reason=f"{stop}: its probe would never pass, and a gate on it "
                                    f"would keep {apps} from starting; the database "
                                    "comes first")
    if not target.waiting:   # the author's `condition: service_started`, kept
        conditions = sorted({_chosen(owner, d) for owner, d in target.dependents
                             if owner.name in target.apps})
        written = f"`condition: {conditions[0]}`" if len(conditions) == 1 else \
            "conditions other than `service_healthy`"
        uses = "uses" if len(target.apps) == 1 else "use"
        # a worker's plain entry would wait for one (C003 gates it), but C005 gates apps
        plain = sorted({owner.name for owner, d in target.dependents
                        if owner.name not in target.apps and not _chosen(owner, d)})
        delayed = f"would delay no app service ({names(plain)} would wait for it, as C003 " \
            "gates a plain entry on a healthcheck: add one by hand for that)" if plain else \
            "would delay none of them"
        return replace(base, reason=f"{apps} {uses} {written} for {db.name}, which fixer keeps: "
                                    f"a healthcheck on {db.name} {delayed}")
    try:
        plan = _plan(ws, target, targets)
    except Waits as exc:
        # what stays in doubt once the fixes it waits for are in: the check counts it with
        # the unsafe fixes then, not as one that `fixer fix` makes after them
        then = exc.wait.then or _probes_doubt(ws, target, targets) or ""
        return replace(exc.wait, then=then).on(base)
    except Unfixable as exc:
        return replace(base, reason=str(exc))
    title = "Add " + names([f"a `{p.tool}` healthcheck to {n}"
                                         for n, p in plan.checked.items()]) + _gates_title(plan)
    title += depends_plan.c003_on_the_way(sorted(plan.c003_owners), sorted(plan.c003_gated))
    build = partial(_edits, tuple(plan.steps))
    base = replace(base, relies_on=tuple(sorted(plan.healthy)), settles=_settles(db, plan),
                   yields_to=_yields_to(target, plan, targets))
    # each risk once, though several lists share it: a fix is no safer than its least safe
    # gate. C003's fix of a list this one reveals is unsafe too, and `fixer fix` takes back a
    # safe fix that leaves a finding it may not fix (engine/verify.py); that fix names its
    # own risk once revealed, so it is said here only where nothing else is in doubt
    own = depends_plan.database_doubt(ws, target)
    # its own probe's doubt once, though a list another database's plan reads names it too
    said = depends_plan.its_probe_doubt(target.service.name, own) if own else None
    outside = [outside_doubt(name, calls) for name, calls in sorted(plan.outside.items())]
    doubt = "; ".join(dict.fromkeys([*filter(None, [own]),
                                     *(d for d in plan.doubts if d != said), *outside])) \
        or plan.follow_on
    if doubt:
        return replace(base, fix=Fix(f"{title} ({doubt})", Safety.UNSAFE, build), reason=doubt)
    return replace(base, fix=Fix(title, Safety.SAFE, build))


def _probes_doubt(ws: Workspace, target: Unchecked,
                  targets: dict[str, Unchecked]) -> str | None:
    """Why a probe the fix writes may not pass, as far as it is known while the fix waits:
    the database's own probe, or that of another database a list it gates names (the fix
    probes those too, `_probed_along`)."""
    own = depends_plan.database_doubt(ws, target)
    if own is not None:
        return own
    along = dict.fromkeys(d.name for owner, _d in target.dependents if owner.name in target.apps
                          for d in dependencies(owner)
                          if d.name in targets and d.name != target.service.name)
    return next((depends_plan.its_probe_doubt(name, doubt) for name in along
                 if (doubt := depends_plan.database_doubt(ws, targets[name])) is not None),
                None)


def _gates_title(plan: Plan) -> str:
    """` and make a and b wait for them to be healthy`; where the lists wait for different
    databases of the fix, who waits for which (` and make a and b wait for db, and b for mq,
    to be healthy`): the title says no gate the fix does not write."""
    if not plan.gated:
        return ""
    waits = {owner: plan.waits.get(owner, set()) & plan.checked.keys()
             for owner in sorted(plan.gated)}
    if all(len(dbs) == len(plan.checked) for dbs in waits.values()):
        them = "them" if len(plan.checked) > 1 else "it"
        return f" and make {names(sorted(plan.gated))} wait for {them} to be healthy"
    waiting = [(names([owner for owner, dbs in waits.items() if db in dbs]), db)
               for db in plan.checked if any(db in dbs for dbs in waits.values())]
    gates = [f"{owners} wait for {db}" if i == 0 else f"{owners} for {db}"
             for i, (owners, db) in enumerate(waiting)]
    if len(gates) == 1:
        return f" and make {gates[0]} to be healthy"
    # commas keep the groups apart: `b wait for db and a and b for mq` reads as one list
    return f" and make {', '.join(gates[:-1])}, and {gates[-1]}, to be healthy"


def _yields_to(target: Unchecked, plan: Plan,
               targets: dict[str, Unchecked]) -> tuple[tuple[str, str], ...]:
    """The C005 findings of the other databases this fix probes whose fixes come first (in
    file order) and probe this one too: after such a fix nothing is left for this one's."""
    place = _place(target)
    earlier = sorted((_place(targets[name]), name) for name in plan.checked
                     if name != target.service.name and name in targets)
    # the first in the file first: its fix is the one made, the others yield to it too
    return tuple(("C005", name) for at, name in earlier if at < place)


def _place(target: Unchecked) -> tuple[str, int]:
    """Where the database's finding is reported: its image's file and line."""
    found = image_named(target.service)
    assert found is not None
    doc, image = found
    where = definition_in(target.service, doc) if image.aliased else image
    return doc.path, doc.line(where.node)


def _settles(db: Service, plan: Plan) -> tuple[tuple[str, str], ...]:
    """The other findings the fix settles: the C005 finding of each other database it
    probes, and the C003 findings of the lists whose other entries it gates as C003 would."""
    return (*(("C005", name) for name in plan.checked if name != db.name),
            *(("C003", owner) for owner in sorted(plan.c003_owners)))


def _chosen(owner: Service, dependency: Dependency) -> str:
    """The condition the author chose for the entry: its own, or another file's that Compose
    merges over it (`decided_elsewhere`)."""
    return (decided_elsewhere(owner, dependency) or dependency).condition or ""


def _probe_refused(target: Unchecked) -> str | None:
    """Why fixer writes no probe for the database, whoever waits for it."""
    db = target.service
    if target.partial:
        return ("its compose healthcheck sets timings but no test; add the test by hand "
                f"(`{' '.join(target.probe.test[1:])}`)")
    if target.probe.refused:
        return target.probe.refused
    overlay = db.overlay_setting(_SERVER_KEYS)
    if overlay is not None:
        return (f"{overlay[0].path}, {how_loaded(overlay[0].path)}, sets {db.name}'s "
                f"`{overlay[1]}`: the "
                "probe would follow it, while the stack also runs without that file, where "
                "the gate would wait on another server")
    return None


def _entries_to_gate(target: Unchecked) -> tuple[Location, ...]:
    """The parts of the finding, which a `# fixer: ignore[C005]` comment on its line takes
    out: the entries the fix would gate (an app's, or a job's an app awaits, with no
    condition); where none waits for a healthcheck, the entries whose conditions it keeps
    (as a list another fix converted writes one it was asked not to gate)."""
    entries = [(owner, d) for owner, d in target.dependents if owner.name in target.apps]
    if target.waiting:
        entries = [(owner, d) for owner, d in entries if not _chosen(owner, d)]
    return tuple(Location(d.doc.path, _line(d)) for _owner, d in entries)


def _line(dependency: Dependency) -> int:
    """Where a comment on the entry goes: the line of `- redis`, or of the key `redis:` in
    the long form, which keeps the comment of a short entry written out so (`entry_line`
    gives its value's line)."""
    listed = get(dependency.definition, "depends_on")
    key = key_node(listed, dependency.name) if listed is not None and not listed.aliased \
        else None
    return dependency.doc.line(key) if key is not None else \
        entry_line(dependency.doc, dependency.definition, dependency.node)


def _edits(steps: tuple[Step, ...]) -> list[TextEdit]:
    """The plan's edits; insertions at one point joined in the plan's order."""
    return merge_inserts(edit for step in steps for edit in step())


def _plan(ws: Workspace, target: Unchecked, targets: dict[str, Unchecked],
          planning: frozenset[str] = frozenset()) -> Plan:
    """The healthcheck, and `service_healthy` on each app entry with no condition. Every
    short list that names the database is planned, a worker's too: once the database has a
    healthcheck, C003 reports each such entry, and converts the list as planned here.
    `planning`: the databases whose plans this one is part of."""
    planning = planning | {target.service.name}
    plan = Plan()
    _add_healthcheck(plan, target)
    planned: set[tuple[str, int]] = set()
    users_planned: set[str] = set()
    # a database a list gets its probe along with this one (`mq` beside `db`) is waited for
    # by its other users too, as its own fix would make them: the fix that settles its
    # finding does all of its work (with C003 off, nothing else would gate them)
    while (name := next((n for n in plan.checked if n not in users_planned), None)):
        users_planned.add(name)
        _plan_users(ws, plan, targets.get(name, target), targets, planning, planned)
    return plan


def _plan_users(ws: Workspace, plan: Plan, target: Unchecked, targets: dict[str, Unchecked],
                planning: frozenset[str], planned: set[tuple[str, int]]) -> None:
    """The gates on `target` of each list that names it, a list once (`planned`: by file and
    service mapping) whichever of the fix's databases it was planned for."""
    for owner, dependency in target.dependents:
        # an explicit condition is the author's choice, in this file or another of the stack
        if _chosen(owner, dependency):
            continue
        gate = owner.name in target.apps
        if gate and depends_plan.no_wait_asked(ws, dependency.doc, _line(dependency)):
            plan.doubts += filter(None, [_left_to_c003(ws, owner, dependency)])
            continue   # left as it is
        key = (dependency.doc.path, id(dependency.definition.node))
        if key not in planned:
            planned.add(key)
            _plan_entry(ws, plan, targets, owner, dependency, gate, planning)


def _left_to_c003(ws: Workspace, owner: Service, dependency: Dependency) -> str | None:
    """Why the entry a comment takes out of the fix cannot stay as it is: with the
    healthcheck, C003 gates it (in the same `fixer fix`), unless C003 is off there too, as
    C003 reads it (at `entry_line`, where it reports)."""
    line = entry_line(dependency.doc, dependency.definition, dependency.node)
    if turned_off(ws, "C003", owner.name, dependency.doc.path, line):
        return None
    return (f"the `# fixer: ignore[C005]` on the depends_on entry of {owner.name} for "
            f"{dependency.name} keeps it out of this fix, but once {dependency.name} has a "
            f"healthcheck C003 makes {owner.name} wait for it: write `ignore[C003,C005]` there "
            "to keep it as it is")


def _plan_entry(ws: Workspace, plan: Plan, targets: dict[str, Unchecked], owner: Service,
                dependency: Dependency, gate: bool, planning: frozenset[str]) -> None:
    """Unfixable while the list must wait: a healthcheck alone would leave C003 a finding it
    cannot fix yet on this entry."""
    doc = dependency.doc
    listed = depends_plan.plan(ws, owner, doc, dependency.definition,
                               {dependency.name: HEALTHY}, probes=True)
    if listed.refused:
        raise Unfixable(f"the depends_on of {owner.name} stays as written: {listed.refused}")
    if listed.waits:
        raise Waits(listed.waits.of_fix(owner.name) if gate else
                    listed.waits.of_c003(owner.name, dependency.name))
    # a list the fix does not edit (a worker's, planned for C003) writes no gate, but the
    # probes it asks for are written all the same
    judged = [name for name in listed.healthy if name != dependency.name] if gate else \
        list(listed.probes)
    plan.doubts += _entry_doubts(ws, owner, dependency, listed, judged)
    if not gate and listed.doubt and plan.follow_on is None:
        plan.follow_on = (f"once {dependency.name} has a healthcheck, C003 writes the "
                          f"depends_on of {owner.name} in long form, and {listed.doubt}")
    for name in listed.probes:
        if name not in targets:   # a database an included file defines: its own fix's
            raise Unfixable(f"the depends_on of {owner.name} also names {name}, which "
                            "another compose file of the project defines (through `include:`): "
                            "fixer does not write both probes in one fix")
        plan.doubts += [why for why in _probed_along(ws, targets, name, planning, owner)
                        if why not in plan.doubts]
        _add_healthcheck(plan, targets[name])
    if gate:
        refused = conditions_refused(doc, dependency.definition, listed.conditions)
        if refused:
            raise Unfixable(refused)
        plan.steps.append(partial(_conditions, doc, dependency.definition, listed.conditions))
        plan.doubts += _rivals(ws, dependency, listed, targets)
        database = targets.get(dependency.name)
        outside = called_elsewhere(ws, owner, database.service, database.probe.family) \
            if database is not None else None
        if outside is not None:
            plan.outside.setdefault(dependency.name, []).append(outside)
        plan.gated.add(owner.name)
        plan.healthy.update(listed.healthy)
        plan.waits.setdefault(owner.name, set()).update(listed.healthy)
        if listed.for_c003:
            plan.c003_owners.add(owner.name)
            plan.c003_gated.update(listed.for_c003)


def _entry_doubts(ws: Workspace, owner: Service, dependency: Dependency,
                  listed: depends_plan.ListPlan, judged: list[str]) -> list[str]:
    """Why the gates or probes the list's plan writes for the `judged` entries may not pass.
    The planner gives the first entry's reason only (`ListPlan.doubt`), so each is judged
    again alone, the others written as planned."""
    if listed.doubt is None:   # no entry in doubt
        return []
    alone = (depends_plan.plan(ws, owner, dependency.doc, dependency.definition,
                               {other: condition for other, condition
                                in listed.conditions.items() if other != name},
                               probes=True).doubt for name in judged)
    return [doubt for doubt in alone if doubt]


def _rivals(ws: Workspace, dependency: Dependency, listed: depends_plan.ListPlan,
            targets: dict[str, Unchecked]) -> list[str]:
    """For each database the list is gated on with a probe this fix writes: a file that may
    run in place of the list's own, defining it with no healthcheck (a prod file's `db`
    beside the dev file's)."""
    probed = (targets[name].service for name in (dependency.name, *listed.probes))
    return [why for db in probed if (why := rival_without_test(ws, db, dependency.doc))]


def _probed_along(ws: Workspace, targets: dict[str, Unchecked], name: str,
                  planning: frozenset[str], owner: Service) -> list[str]:
    """Another database the list of `owner` names gets its probe in the same edit: only
    where its own fix would write it. Its healthcheck makes every plain entry on it a C003
    finding, its other users' too, which its own fix gates and this one does not; where that
    fix cannot be made (a list in an anchor aliases share), this one leaves a finding no fix
    settles, and where it waits, this one waits with it. Returns why its own fix is in
    doubts (a worker's list C003 then writes waits for a broker fixer cannot judge), each
    once: C003's fix of those entries, revealed by this one, is no safer, and this fix is no
    safer than what it reveals. One that compose stops at every start (`stops_every_start`)
    gets no probe: the list stays as written, display-only."""
    if name in planning:
        return []
    refused = _probe_refused(targets[name])
    if refused is None:   # a probe that cannot pass: its gate would stop what starts now
        stop = stops_every_start(ws, targets[name].service, targets[name].probe.family)
        refused = f"{stop}: its probe would never pass" if stop is not None else None
    other: Plan | None = None
    try:
        if refused is None:
            other = _planned(ws, targets[name], targets, planning)
    except Waits:
        raise
    except Unfixable as exc:
        refused = str(exc)
    if refused is not None:
        raise Unfixable(f"the depends_on of {owner.name} also names {name}, whose healthcheck "
                        f"fixer does not add ({refused}): its long form would pin {name} to "
                        "service_started")
    if other is None:
        return []
    return list(dict.fromkeys(other.doubts)) or ([other.follow_on] if other.follow_on else [])


def _planned(ws: Workspace, target: Unchecked, targets: dict[str, Unchecked],
             planning: frozenset[str]) -> Plan:
    """`_plan`, once per workspace for each database and the plans it is part of: every
    list naming the database being fixed asks for the plan of the other database it names,
    and a hundred services on one `db` and one `redis` asked a hundred times, each plan
    judging a hundred lists."""
    key = (target.service.stack.name, target.service.name, planning)
    outcome = ws.derived.keyed(_PLANS, key, lambda: _plan_or_why_not(ws, target, targets,
                                                                     planning))
    if isinstance(outcome, Unfixable):
        raise outcome
    return outcome


def _plan_or_why_not(ws: Workspace, target: Unchecked, targets: dict[str, Unchecked],
                     planning: frozenset[str]) -> Plan | Unfixable:
    try:
        return _plan(ws, target, targets, planning)
    except Unfixable as exc:   # Waits too: kept, and raised to each that asks
        return exc


# per workspace: the plan of each database (stack, service) within the plans it is part of
_PLANS: Memo[dict[tuple[str, str, frozenset[str]], Plan | Unfixable]] = Memo("database plans")


def _add_healthcheck(plan: Plan, target: Unchecked) -> None:
    if target.service.name not in plan.checked:
        plan.steps.append(partial(_healthcheck, target, healthcheck_site(target)))
        plan.checked[target.service.name] = target.probe


def _healthcheck(target: Unchecked, site: HealthcheckSite) -> list[TextEdit]:
    return [healthcheck_edit(target, site)]


def _conditions(doc: ComposeDoc, definition: Value, wanted: dict[str, str]) -> list[TextEdit]:
    return set_conditions(doc, definition, wanted,
                          compose_style.detect_for(doc, definition.node))
