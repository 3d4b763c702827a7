"""A built service waits only for a dependency to start, though the dependency has a healthcheck.

## What it does
Finds `depends_on` entries of built services (short list `- db`, flow list
`[db]`, or long form with no `condition`) whose service has a healthcheck: a
compose `healthcheck` with a test, or a `HEALTHCHECK` in the final stage of the
Dockerfile it builds. An explicit `condition` (`service_started`,
`service_completed_successfully`, ...) is the author's choice and never a
finding, and neither is the `depends_on` of a service that runs an image
(a `prometheus` or `nginx` waiting for the apps it watches or fronts). Nor an entry whose
only healthcheck is the image's `HEALTHCHECK` while compose runs another command that
serves no app (`command: alembic upgrade head`, a celery worker built from the API's
image): it probes a server that never starts there, so that service is never healthy;
a list converted for another entry gives it `service_started`.
Compose merges the `depends_on` entries of a stack's files by name, the last file's
winning: an entry with no condition is no finding when another file of the stack writes
the same entry with one (`db: {condition: service_started, restart: true}` in the
override file over the base's `- db`), that file being a later one, or an earlier one
whose condition is not `service_healthy`: that condition is the author's choice, and a gate
written beside it would change nothing in the merged stack or overrule it. A list
converted for another entry gives such an entry `service_started`. An entry may name a
service that a file of the stack's top-level `include:` brings into the project
(`include: [infra/compose.yaml]`): that service is judged as the included file defines it,
from its own folder and `.env`, as Compose loads it; only the waiting file is edited. An
included file fixer reads as part of a stack of more files (its folder's override file)
is not judged, nor is a service the including stack's own files also define.
Nor is a short list in a compose file that a build script deploys as a Swarm stack (a
Makefile, shell script or CI line runs `docker stack deploy -c docker-compose.yml`; with
`-c $(STACK_FILE)`, any compose file): the schema `docker stack deploy` reads takes
`depends_on` only as a list of names, so the long form would stop the deploy, and Swarm
ignores `depends_on` anyway.

## Why is this bad?
Compose starts the dependent service as soon as the dependency's container
starts, before it accepts connections: its first calls to the dependency may fail,
and a service that connects at start-up without retrying may crash (and restart
until it wins the race). The healthcheck is already there to say when the
dependency is ready.

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
has, on the port it listens on, for a path it serves. A compose healthcheck that
reads a variable with no default that no `.env` sets (`pg_isready -U ${POSTGRES_USER}`
with the user only in an `env_file`, which Compose never substitutes from) is one fixer
cannot vouch for: Compose may run `pg_isready -U `. Not so a quoted user or database
(`pg_isready -U "$POSTGRES_USER"`, `-d "$POSTGRES_DB"`) or one that is a whole argument of
the exec form: empty, it stays one argument, and pg_isready passes whatever the user and
database once the server accepts connections. Nor one the project's `.env` is sure to set:
the repository holds none, a service of the stack loads that very file as a required
`env_file` (Compose refuses to run without it), and its template (`.env.example`) sets it.
Unsafe too when the service's compose `environment`, in any file of the stack that defines
it, reads a variable with no default (`DATABASE_URL: ${DATABASE_URL}`, `$VAR`; not
`${VAR:-x}`, `${VAR-x}`, `${VAR:?msg}` or `$$VAR`) that no `.env` or example file defines,
as C006 judges it (an env_file of the service that sets it counts for C006, not here:
Compose never interpolates from it, and the entry sets the key empty over the env_file's
value), that the example file documents with no value
(`DATABASE_URL=`, the line C006's fix writes: a `.env` copied from it sets it empty), or
that the stack's `.env` sets empty (a committed template's `DB_PASS=`) where no build script
or workflow writes it there:
Compose substitutes an empty string, and an app that reads it at start-up
(`create_engine(os.getenv("DATABASE_URL"))` at import) or a database image that needs its
password stops there; with the short form the waiting service still starts, a gate would
stop it. Not a `postgres` image's `POSTGRES_USER` or `POSTGRES_DB`: its entrypoint gives an
empty one the default, as an unset one (`postgres`, the user's name).
Unsafe too when the service is a PostgreSQL, MySQL or MariaDB image whose env files, all in
the repository, and `environment` set no password, or an empty one (`POSTGRES_PASSWORD=`
in a template env file), nor say to go without one (`POSTGRES_HOST_AUTH_METHOD`, the
`_FILE` and `ALLOW_EMPTY` forms), as C005 judges its own probe: the image stops at its
first start (until a checkout fills the password in), and its healthcheck never passes.
So is a gate on an app that depends on such a database: it stops or waits with it, its
healthcheck failing. Display-only where what compose itself sets stops it at every start
(a postgres image from 18 on with a volume at the old `/var/lib/postgresql/data`, the
`mysql` image from 8.4 on given `--default-authentication-plugin`; C010 reports both):
its healthcheck cannot pass, and the gate would keep the waiting service from starting.
Unsafe too when the service is a database or broker and every URL of its kind the
waiting service's environment holds names a host outside the stack and none the service
(`DATABASE_URL=postgresql://app@orders.c1x2ab.eu-west-1.rds.amazonaws.com/orders`): it
may not call the service it names, and a gate would hold it back for nothing.
Unsafe too when the waiting file relies on the service without defining it and another
compose file of its folder (or of its stack's base) defines a service of that name with no
healthcheck that runs (a prod file's `db`, a proxy to a managed database, beside the dev
file's postgres): run with that file instead, Compose stops at the gate.
Unsafe (the reason is given) when fixer cannot tell: an image it does not know, a probe it cannot
read (a port written as `${VAR}`), an app whose port or routes it cannot see, a
health route that may refuse a plain GET (its own or its router's `dependencies`, those
of the FastAPI app mounted with it, a middleware that answers an error first or redirects
to https, `HTTPSRedirectMiddleware`; the reason names it) or whose handler answers an
error status of its own (`/health` answering 503 until a model loads on the first request,
or when a check it makes fails: fixer cannot show that state ends), an app whose server
binds an IPv6 address (`--host ::`, `--bind [::]:8000`: whether it takes the probe's IPv4
connection differs by server and worker count), an app whose start-up function queries a
model's table (`db.execute(select(User)...)`, `db.query(User)`, outside a `try` that
handles errors) while it waits for a SQL database of its stack and nothing fixer sees
creates the tables (no `create_all` in the service's code, no migration in the stack's
compose files, the image's start or a shell script of its build context: on a new database
the query raises and the app stops before it listens), an
app that loads a model on its import path (`from_pretrained`, a `transformers`
pipeline, a `SentenceTransformer`, a file fetched from S3 with `s3.download_file`, the
ffmpeg binaries `static_ffmpeg.add_paths()` fetches on its first run), which may be
downloaded for minutes before the
app listens, longer than its healthcheck waits, or one whose command sleeps 10 s or more
before the server starts (`sleep 60 && uvicorn ...`, or its ENTRYPOINT script before
`exec "$@"`) or installs packages or a model first (`pip install ... && uvicorn ...`,
or that script's `pip install` or `from_pretrained`). Unsafe too when the healthcheck
first runs more than 30 s (Docker's default interval) after its container starts
(`interval: 5m`, without a `start_interval` in a `start_period`): the dependent
would wait that long at every start. Display-only when the
healthcheck cannot pass (the app raises at start-up: it builds
`StaticFiles(directory="static")`, a literal or module constant, or a folder beside
the module's file (`Path(__file__).parent / "static"`, `os.path.join(os.path.dirname(
__file__), "media")`), at import or in its factory, without `check_dir=False`, and the
image has no such folder, nor may a volume, a `RUN`, an `ADD` or another stage put one
there, nor the code make it as the app starts (`os.makedirs("static")` at import or in the
factory, before the StaticFiles); a call in a route's handler makes it too late, and one
elsewhere, or a folder a setting or a variable names, makes the gate unsafe instead; or
it imports at start-up a module of its own package that no file provides, or calls a name
its module never binds to make the app, or its command runs a script the image holds
without execute permission, as C004 judges it); it probes a path the app does
not serve, another port, or the loopback where the app's server binds one address of its
network alone (`--host web`, `--bind api:8000`: a probe of localhost is refused), or runs
`python -m pkg.health` where the image's working
directory holds the repository's package `pkg` (its `__init__.py`) and no such module
(Python looks for it in that package only); or runs a tool the image lacks (for a
service without `build:` that runs the image another service of the stack builds, that
build's final stage: D003 reports it there, and this finding does not wait for that fix);
it is written `["CMD-SHELL", "curl", "-f", URL]`, which Docker runs as `sh -c curl -f URL`:
the script is the bare `curl`, the words after it the shell's `$0`, `$1`... (so
`["CMD-SHELL", "pg_isready", "-U", "${POSTGRES_USER}"]` runs a bare `pg_isready`, whose
user no unset variable can empty); it is written `["CMD", "pg_isready -U app"]`, whose
program item is a whole command line: Docker looks for a program of that name, spaces and
all; it runs curl or wget on an image that has neither (`rabbitmq:3-management`, the
known images of D003, for a pulled image too); BusyBox's wget, Alpine's unless the
image installs GNU wget, asks for `localhost` of a server bound to `0.0.0.0` or
`127.0.0.1`: BusyBox tries
`::1` only, where an IPv4 bind does not listen; it probes the container over HTTP while
the service runs a queue worker or cron, `celery ... worker` in compose (also on the app's
image run without `build:`) or as a stage's CMD that inherits the app's `HEALTHCHECK`; a
database image's probe its version no longer ships, `mysqladmin` on `mariadb` 11 or
`mongo` on `mongo` 6, `pg_isready` on 5432 of a
server its command moves to another port, and `redis-cli ping`, a TCP `mysqladmin ping -h
127.0.0.1` or `mongosh` on the default port of a server moved by `--port`, read through a
`sh -c` wrapper, compose's `entrypoint:` or a built image's own CMD): fix the healthcheck
first. When only its tool, the port it probes or its path stands in the way, and D003,
P001 or H002 reports that with a safe fix, the finding waits for those fixes (the check
counts it as such, and `fixer fix` writes the gate once they are in); with those rules
off, their findings suppressed or their fixes unsafe (the reason says so) it is a
person's job. Display-only too for a service whose command (compose's, or its stage's CMD) runs a
migration and exits
(`alembic upgrade head`, `python -m app.migrate`): no healthcheck of it ever passes; wait
for it with `condition: service_completed_successfully`. Unsafe when the server's port
is a variable (`--port $${REDIS_PORT:-6380}`) the probe does not name, and when the
service bind-mounts a file the repository does not hold (`./rabbitmq.conf:/etc/rabbitmq/
rabbitmq.conf`): where a checkout lacks it, Docker mounts an empty folder there, and
whether the server starts then fixer cannot tell. Display-only
too while the service it would wait for stops at start-up (its server package is
missing, or a module on its import path does not compile or import: S003, S004,
I001, I003): the short form lets the waiting service start, a gate would not. C005
and C001 hold their gates the same way.

A short list is turned into the long form once, every entry decided in the
same fix, because each condition written reads from then on as the author's
choice: `condition: service_healthy` for every entry with a healthcheck that
can pass (unsafe, with the reason, when fixer cannot tell whether one passes),
and `condition: service_started`, which is what the short form meant, for a
service with no healthcheck that no rule gives one (an app service the user turned C004
off for: `# fixer: ignore[C004]` at its key, or an `ignore` of the configuration), and for
an entry a `# fixer: ignore[C003]` comment covers; all keep their comments.
While an entry of the list is an app service with no healthcheck (C004 may add
one), a database C005 gives its probe, or a service whose healthcheck cannot
pass yet (D003, P001 or H002 may repair it), the list is left as it is
(display-only, naming what it waits for): `fixer fix` applies this fix after
those, and converts the list once they are in. The check counts it as waiting only
while each fix it waits for is there and safe (or waits in turn); where one is unsafe
(the reason names it), missing, or no rule repairs the healthcheck (`redis-cli ping` on a
server moved to another port), the list is a person's job. Display-only for good when such
an app service has `extends:`: fixer does not follow it, and C004 never gives it
a healthcheck, so a wait would never end.
Display-only when `depends_on` comes from a YAML anchor shared through an
alias (the finding names it), and when the dependency's healthcheck test is set
only in another compose file than the one holding the entry, and not in the
stack's base file: a `compose.prod.yml` loaded with `-f`, or the override file,
which `docker compose -f compose.yml up` leaves out. Run without that file, Compose
stops at the gate ("no healthcheck configured"). In a list converted to the long
form, such an entry gets `condition: service_started`, what the short form meant.
Display-only too when the dependency's healthcheck calls the waiting service
(`curl http://proxy/api/health` while `proxy` depends on the app), or one that starts
only after it: the gate would be a cycle in which neither ever starts; a list converted
to the long form gives such an entry `condition: service_started`.
A gate written in a `-f` overlay is judged on the stack that file runs in: Compose loads
its own override file only when no `-f` is given (`docker compose -f compose.yaml -f
compose.prod.yaml up` runs without it). Where the override changes the dependency's listen
port or its healthcheck (a dev `command` on 8001, and `compose.prod.yaml` probing 8001),
the fix is display-only when the healthcheck cannot pass without the override, and unsafe
when it can: a `-f` run may name the override file too.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from fixer import stackcheck
from fixer.core.wording import names
from fixer.core.edits import TextEdit
from fixer.facts.health.cycles import health_cycle
from fixer.facts.image.swarmstack import list_only
from fixer.facts.health.healthchecks import (
    borrowed_healthcheck,
    has_healthcheck,
    healthcheck_elsewhere,
    nearest_healthcheck,
    slow_first_probe,
)
from fixer.model.depends import (
    HEALTHY,
    Dependency,
    conditions_refused,
    decided_elsewhere,
    dependencies,
    entry_position,
    set_conditions,
    target_of,
)
from fixer.model.rule import Category, Fix, Location, Safety, Severity, Violation
from fixer.model.services import Service
from fixer.model.workspace import Workspace
from fixer.sources import compose_style
from fixer.sources.compose import ComposeDoc, Value
from fixer.sources.compose_edit import merge_inserts

from . import depends_plan

CODE = "C003"
NAME = "dependency-not-healthy"
CATEGORY = Category.COMPOSE
SEVERITY = Severity.WARNING
READS_APP_CODE = True   # its healthcheck gates ask which routes each app serves
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)
# After the rules that add or repair healthchecks (C004, C005, D003, P001, H002): a short list
# is converted once, when every entry of it can be decided (depends_plan.py).
FIX_ORDER = 110

Verdict = stackcheck.Verdict


def detect(ws: Workspace) -> Iterator[Violation]:
    for service in ws.services():
        if service.app is None:  # an image's service (prometheus, nginx): its author's wiring
            continue
        for dependency in dependencies(service):
            target = target_of(ws, service, dependency.name)
            # an explicit condition is the author's choice, in this file or another of the
            # stack (Compose merges the entries by name)
            if target is None or dependency.condition is not None or \
                    decided_elsewhere(service, dependency) is not None:
                continue
            if dependency.listed and list_only(ws, dependency.doc.path):
                continue   # a Swarm stack's list: no other form deploys, and Swarm ignores it
            if has_healthcheck(target) and not borrowed_healthcheck(ws, target):
                yield _report(ws, service, dependency, target,
                              *stackcheck.can_pass_in(ws, target, dependency.doc))


def _report(ws: Workspace, service: Service, dependency: Dependency, target: Service,
            verdict: Verdict, why: str) -> Violation:
    doc = dependency.doc
    line, column = entry_position(dependency.doc, dependency.definition, dependency.node)
    # the finding as every outcome reports it, built once with the outcome's own fields
    # (a `replace` of a built finding costs as much again)
    found = partial(
        Violation,
        message=f"{service.name} depends on {dependency.name} only for it to start, though "
                f"{dependency.name} has a healthcheck",
        path=doc.path, line=line, column=column, service=service.name,
        subject=f"depends_on {dependency.name}",
        causes=_healthchecks(target),
    )
    if verdict is Verdict.BROKEN:
        reason, follows = _broken(ws, target, service, dependency, why)
        then = stackcheck.doubt_once_repaired(ws, target, dependency.doc)
        # once it is repaired, the fix writes the whole short list out: it waits for the
        # other entries' repairs too, and is no safer than the least safe gate it writes
        listed = depends_plan.plan(ws, service, doc, dependency.definition,
                                   {dependency.name: HEALTHY})
        if listed.refused:
            return found(reason=listed.refused)
        if listed.waits is not None:
            follows = tuple(dict.fromkeys(follows + listed.waits.follows))
        then = then or (listed.waits.then if listed.waits is not None else "") or \
            listed.doubt or ""
        return found(reason=reason, follows=follows, then_doubt=then)
    elsewhere = healthcheck_elsewhere(target, doc)
    if elsewhere is not None:
        return found(reason=elsewhere)
    cycle = health_cycle(service, target)
    if cycle is not None:
        return found(reason=cycle)
    listed = depends_plan.plan(ws, service, doc, dependency.definition,
                               {dependency.name: HEALTHY})
    if listed.refused:
        return found(reason=listed.refused)
    if listed.waits:
        return listed.waits.on(found())
    refused = conditions_refused(doc, dependency.definition, listed.conditions)
    if refused:
        return found(reason=refused)
    title = f"Wait for {names(listed.healthy)} to be healthy"
    # this entry's own service first: when it stops at start-up, the hold names it
    relies_on = tuple(sorted(listed.healthy, key=lambda name: name != dependency.name))
    build = partial(_edits, doc, dependency.definition, listed.conditions)
    # a short list is written out whole: the findings of its other entries go with this one
    settles = (("C003", service.name),) if len(listed.conditions) > 1 else ()
    doubt = (why if verdict is Verdict.UNKNOWN else listed.doubt) or \
        slow_first_probe(target) or depends_plan.called_outside(ws, service, target)
    if doubt:
        return found(relies_on=relies_on, settles=settles,
                     fix=Fix(f"{title} ({doubt})", Safety.UNSAFE, build), reason=doubt)
    return found(relies_on=relies_on, settles=settles, fix=Fix(title, Safety.SAFE, build))


def _broken(ws: Workspace, target: Service, service: Service, dependency: Dependency,
            why: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The reason of an entry whose healthcheck cannot pass, and the findings whose fixes
    repair it, when nothing else stands in its way: the gate follows them (the engine says
    so in the reason when this run makes them, `engine/gates.py`)."""
    repairs = stackcheck.repaired_by(ws, target, dependency.doc)
    return (f"{why}; waiting for it would keep {service.name} from starting",
            tuple((code, target.name) for code in repairs))


def _edits(doc: ComposeDoc, definition: Value, conditions: dict[str, str]) -> list[TextEdit]:
    """The conditions written, when the fix is applied (`conditions_refused` accepted them)."""
    return merge_inserts(set_conditions(doc, definition, conditions,
                                       compose_style.detect_for(doc, definition.node)))


def _healthchecks(target: Service) -> tuple[Location, ...]:
    """The target's healthchecks (compose, else the image's HEALTHCHECK): giving it one is
    what makes a plain `depends_on` entry a finding."""
    found = [Location.of_node(doc, value.node) for doc, value in target.all("healthcheck")]
    app = target.app
    check = nearest_healthcheck(app.dockerfile, app.stage) if app is not None else None
    if app is not None and check is not None:
        found.append(Location(app.dockerfile.path, check.line, check.end_line))
    return tuple(found)
