"""A PostgreSQL URL points at a host that no service of the stack provides.

## What it does
Reads every service's environment as Compose builds it (`env_file` files, then
`environment` in map or list form, bare and wholly `${VAR}` entries through the
stack's `.env`) and parses PostgreSQL URLs (`postgres://`, `postgresql://`,
`postgresql+asyncpg://`, `postgresql+psycopg://`, ...). A URL whose host is no
service, `container_name`, network alias (as Compose interpolates it:
`db_${STAGE:-dev}`), `extra_hosts` or link alias of the stack, nor a service of a sibling compose file, is reported once per host. A URL
whose query names the host (`?host=/cloudsql/...`, `hostaddr=`) connects there, not to
the host before it (libpq, SQLAlchemy), and is left alone.

## Why is this bad?
The service starts, fails to resolve the host and exits, or fails every request
that needs the database (with `restart:` set, a crash restarts it in a loop): the
stack cannot run with `docker compose up`.

## Example
```yaml
services:
  api:
    build: ./api
    environment:
      DATABASE_URL: postgresql://app:app@db:5432/app
    networks: [backend]

networks:
  backend:
```

## Use instead
```yaml
services:
  api:
    build: ./api
    environment:
      DATABASE_URL: postgresql://app:app@db:5432/app
    networks: [backend]
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:17-alpine
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: app
      POSTGRES_DB: app
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "app", "-d", "app", "-h", "127.0.0.1"]
      interval: 5s
      timeout: 5s
      retries: 5
      start_period: 10s
    volumes:
      - db_data:/var/lib/postgresql/data
    networks: [backend]

networks:
  backend:

volumes:
  db_data:
```

## Fix safety
Safe: it adds a service and a volume, and makes the services that use the URL
wait for it (`depends_on` with `condition: service_healthy`; a short list is
turned into the long form, each other entry decided as C003 decides it:
`service_healthy` where its healthcheck can pass, `service_started`, what the
short form meant, where it has none that a rule adds or where the user turned C003
off for the entry (not run, `per-service-ignores`, a `# fixer: ignore[C003]`
comment on its line); an image's service keeps `service_started` on every other
entry). The title names the entries it gates as C003 would. It waits (display-only
until the other fixes of the run are in, with `--unsafe-fixes` too) while another
entry of such a list cannot be decided yet (an app service C004 may give a
healthcheck, a database C005 probes), since the long form would pin it to
`service_started`: `fixer fix` applies C004 and C005 first, and this fix follows. The
check counts it as waiting only while those fixes are there and safe; an unsafe one (the
reason names it) or none leaves it a person's job.
Display-only when such an app service has `extends:`: its healthcheck may come from the
service it extends, which fixer does not follow, and C004 never adds one, so that wait
would never end. Display-only too where a build script deploys the file as a Swarm stack
(`docker stack deploy -c docker-compose.yml`): the schema it reads takes `depends_on` only
as a list, so the wait would stop the deploy (and a stack often reaches a database run
elsewhere).
Unsafe, with the reason, when fixer cannot tell whether a sibling's healthcheck
passes.
The database joins every network its users (and the
services that depend on it by name) are on, written as they write theirs; none
when they are all on the default network; a user that `extends` a service of its file
joins that one's networks too. Display-only where a user extends a service of another
file, which fixer does not follow. It goes in the base stack (the base
file, or the override file that holds the URL), never in a `-f` overlay. Credentials come
from the URL; `${VAR}` parts are referenced
as the same variables; a literal dollar, percent-encoded (`%24`) or escaped (`$$`), is
written `$$`, so Compose reads no variable in it; a password written only in an env file
is referenced through a `.env` variable holding that value, never copied. A URL with no
password, or an empty one (`app:@db`), gets `POSTGRES_HOST_AUTH_METHOD: trust`. A
non-default port gets a server listening there. The volume goes where the image's
PostgreSQL major version keeps its data, read from the tag (`17`, `16.4-bookworm`,
`pg18`, `0.8.0-pg17`, `latest-pg18`): /var/lib/postgresql from 18 (which refuses a
volume at .../data), /var/lib/postgresql/data before. The healthcheck asks over TCP (`-h
127.0.0.1`), as C005's does: the socket answers already while the image's entrypoint
creates the database and runs `/docker-entrypoint-initdb.d` on a temporary server that
listens on no TCP port, and a service let through then fails to connect. Unsafe when
only metrics exporters use the URL (a `postgres-exporter`'s `DATA_SOURCE_NAME`): the
database an exporter watches is often one outside the stack, and an empty one beside it
is no fix. Unsafe when every variable that names the host is named for a deployment
(`PROD_DATABASE_URL`, `DATABASE_URL_STAGING`): it sits beside what a local run uses (a
`LOCAL_RUN=1` switch to SQLite), the app may never read it, and the database may be one
that deployment provides. Unsafe when no file of the app services given the URL names
its variable (their build context, Dockerfile, command; in any case, with `.` or `-`
between its words, or its last words where settings are read under a prefix): a
`LEGACY_DB_URL` left beside the `DATABASE_URL` the code reads connects nothing to the
database (not `DATABASE_URL` itself, which libraries read unnamed, nor nested settings'
`DB__URL`, nor where a bind mount brings code from elsewhere). Unsafe too when the
users need an extension the database's image does not ship (pgvector, PostGIS,
TimescaleDB), as a user's requirement (`pgvector`, `langchain-postgres`, `geoalchemy2`), a
`CREATE EXTENSION` in its code or the host name (`pgvector`, `postgis`) says: `CREATE
EXTENSION` fails on the official image and the app stops. A `postgres-image` that has it
(`pgvector/pgvector:pg17`) keeps the fix safe.
Unsafe when a URL demands SSL (`sslmode=require`, `verify-ca`, `verify-full`; asyncpg's
`ssl=require`, `ssl=true`): the image's server offers none, so the users stop with "server
does not support SSL", and such a URL most often names a managed database. Unsafe when
the host is a variable (`${DB_HOST}`, `.env` giving `db`): each deployment may point it at
its own database, and the reason names the variable. Unsafe when the URL has no password
but its user reads one from a file or libpq's variables (`DATABASE_PASSWORD_FILE:
/run/secrets/db_password`, `PGPASSWORD`): the database should get that password
(`POSTGRES_PASSWORD_FILE` with the same secret), not `trust`. Unsafe when the tag of
`postgres-image` names no PostgreSQL major version (`timescale/timescaledb:latest`, a
digest alone): the volume then goes to /var/lib/postgresql, where every version starts,
but an older one keeps its data in an anonymous volume below it.
Unsafe as well when the URL's password reads a variable no `.env` sets and no default
covers (`postgresql://app:${DB_PASSWORD}@db/app`): where the shell running Compose does
not set it either, `POSTGRES_PASSWORD` is empty and the image refuses to initialise.
When every user runs only under compose `profiles`, the database gets all of theirs
(`docker compose up` without them starts no database nobody uses).
Display-only when the host is no name a service can answer to
(over DNS's limits), when the URLs disagree (user, password,
database or port), name no user, hold a password fixer would have to copy out
of an env file, when `depends_on` comes from a YAML anchor, when a user runs
with `network_mode` or is on a network the receiving file cannot name
(declared only in a file loaded after it) or on an `external` network (other stacks'
containers join it: the database may be one of them, and one added under its name
would answer beside it), and when only an overlay names the
URL (an incident drill or CI file loaded with `-f`: the base stack runs
without that database). Display-only too when the stack already runs a PostgreSQL
image under another name that no URL names (`postgres` beside a URL to `db`; the
official image and those built on it, `bitnami/postgresql`, `supabase/postgres`,
`timescale/timescaledb-ha`, or a service that builds FROM one of them): the
host is probably meant to be it, and a second, empty database would take the app's
data elsewhere while `docker compose up` succeeds; the same when another URL names a
running PostgreSQL service with the very user, password and database this URL gives. And
when a compose file that `include:`s this stack's file also loads another file whose
services use the same host: a service added to each would conflict in that project
("conflicts with imported resource"), so it is defined once, by hand. The running
databases and volume names of the files one project includes count as the stack's own
(the added volume is not named like an included file's). A `localhost`
URL in a compose file is reported (the container itself runs no database) with
no fix; `localhost` in `.env` files is left alone, and in a test suite's variable
(`TEST_DATABASE_URL`, `DATABASE_URL_TEST`), as are MySQL/SQLite URLs,
wholly `${VAR}` URLs and hosts with a domain.

## Options
`postgres-image`: the image of the database it adds. When not set, the image the stack's
other PostgreSQL services run, tag and all (`postgres:16-alpine`), when they all run the
same one of the official image's family, so that the stack runs one server version; else
`postgres:17-alpine`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import replace
from functools import partial

from fixer.core.wording import names
from fixer.core.config import DEFAULT_POSTGRES_IMAGE
from fixer.core.envfile import interpolate
from fixer.core.lazyre import lazy_compile
from fixer.facts.database import dburl, dbusage
from fixer.facts.database import extensions
from fixer.facts.database.images import family, runs_postgres
from fixer.facts.envvars.codereads import unread_by_app
from fixer.facts.image.images import base_image
from fixer.model.rule import Category, Fix, Safety, Severity, Violation
from fixer.model.services import Service, Stack
from fixer.model.workspace import Workspace
from fixer.sources.compose_edit import Unfixable
from fixer.sources.compose import ComposeDoc

from . import pgservice

CODE = "C001"
NAME = "missing-database-service"
CATEGORY = Category.COMPOSE
SEVERITY = Severity.ERROR
READS_APP_CODE = True   # its healthcheck gates ask which routes each app serves
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)
# After C004 and C005, which give the other entries of a user's short `depends_on` list the
# healthcheck they can be gated on: the list is converted once (depends_plan.py).
FIX_ORDER = 105


def detect(ws: Workspace) -> Iterator[Violation]:
    repository = dbusage.repository_names(ws)
    for stack in ws.stacks:
        for host, uses in dbusage.missing_hosts(ws, stack, repository).items():
            yield _missing(ws, stack, host, uses)
        yield from _loopback(ws, stack)


def _named(users: list[str]) -> str:
    return ", ".join(users[:4]) + (f" and {len(users) - 4} more" if len(users) > 4 else "")


def _missing(ws: Workspace, stack: Stack, host: str, uses: list[dbusage.UrlUse]) -> Violation:
    first = uses[0]
    by_variable: dict[str, set[str]] = {}
    for use in uses:
        by_variable.setdefault(use.variable, set()).add(use.service.name)
    said = [f"{variable} of {_named(sorted(users))}" for variable, users in by_variable.items()]
    files = names([doc.path for doc in stack.docs], 3)   # each file Compose loads
    message = (f"{' and '.join(said)} {'points' if len(said) == 1 else 'point'} at PostgreSQL "
               f"host `{host}`, which no service of {files} provides")
    base = Violation(message=message, path=first.path, line=first.line, service=first.service.name,
                  subject=f"host {host} in {stack.name}")
    if not _service_name(host):
        return replace(base, reason=f"`{host[:40]}...` is no name a service can answer to "
                                    "(a DNS name is at most 253 characters, 63 a label)")
    running = _unused_postgres(ws, stack) or _same_credentials(ws, stack, uses)
    if running:
        return replace(base, reason=f"the stack already runs PostgreSQL as {running}: `{host}` "
                                    "is probably meant to be it, and a second, empty database "
                                    "beside it is no fix; point the URL at it, or give it the "
                                    "network alias, by hand")
    together = _included_together(ws, stack, host)
    if together:
        return replace(base, reason=together)
    overridden = dbusage.base_uses(ws, stack, uses)
    overlays = dbusage.overlay_sources(stack, uses, overridden)
    if overlays:
        return replace(base, reason=f"only {' and '.join(overlays)} names it, an overlay loaded "
                                    "with `-f`; fixer does not add a service that the base stack "
                                    "does not need")
    try:
        plan = pgservice.plan(ws, stack, host, uses, _image(ws, stack), overridden)
    except Unfixable as exc:
        return replace(base, reason=str(exc))
    if plan.waits:   # not yet: another fix of the run gives the list's entry its healthcheck
        return plan.waits.on(base)
    waiting = list(dict.fromkeys(gate.owner for gate in plan.gates if gate.owner))
    who = f"make {names(waiting, 3 if len(waiting) > 4 else None)} wait" \
        if waiting else "wait"
    title = f"Add a `{host}` postgres service and {who} for it to be healthy" + \
        plan.c003_on_the_way
    build = partial(pgservice.render, plan)  # the edits, only when the fix is applied
    base = replace(base, relies_on=plan.waits_for)
    doubt = _ssl_doubt(stack, uses) or _chosen_host(stack, uses) or plan.doubt or \
        _only_exporters(uses) or _other_environment(uses) or _unread(ws, uses) or \
        _extension_doubt(ws, stack, host, uses)
    if doubt:
        return replace(base, fix=Fix(f"{title} ({doubt})", Safety.UNSAFE, build),
                       reason=doubt)
    return replace(base, fix=Fix(title, Safety.SAFE, build))


def _ssl_doubt(stack: Stack, uses: list[dbusage.UrlUse]) -> str | None:
    """Why the added database may refuse its users: a URL demands SSL (`sslmode=require`,
    `verify-ca`, `verify-full`; asyncpg's `ssl=require`, `ssl=true`), which the image's
    server does not offer (libpq: "server does not support SSL"); such a URL most often
    names a managed database, not one the stack should run."""
    for use in uses:
        for key in ("sslmode", "ssl"):
            written = use.url.param(key)
            value = interpolate(written, stack.dotenv) if written and "$" in written \
                else written
            if value is not None and value.lower() in _SSL_REQUIRED:
                return (f"{use.variable} of {use.service.name} demands SSL (`{key}={written}`), "
                        "which the added server does not offer (\"server does not support "
                        "SSL\"): the URL likely names a managed database")
    return None


# the `sslmode` (libpq) and `ssl` (asyncpg) values that refuse a server without SSL
_SSL_REQUIRED = frozenset({"require", "verify-ca", "verify-full", "true", "1"})


def _chosen_host(stack: Stack, uses: list[dbusage.UrlUse]) -> str | None:
    """Why the database may not be the stack's to run: the URL's host is a variable
    (`${DB_HOST}`), which `.env` sets for a local run and each deployment may set to its
    own database (a managed one): an added service would serve only where it is not."""
    written = next((use.url.host for use in uses if "$" in use.url.host), None)
    if written is None:
        return None
    names = dburl.interpolations(written)
    variable = names[0] if names else written
    return (f"the host is `{written}`, chosen per deployment (`{variable}`, which "
            f"{stack.dotenv_path} or the shell running Compose sets): the database "
            "may be one each deployment provides")


def _extension_doubt(ws: Workspace, stack: Stack, host: str,
                     uses: list[dbusage.UrlUse]) -> str | None:
    """Why the added database may stop its users: they need an extension (pgvector, PostGIS)
    that its image does not ship, and `CREATE EXTENSION` fails there."""
    image = _image(ws, stack)
    found = extensions.needed(ws, host, [use.service for use in uses])
    if found is None or extensions.image_has(image, found[0]):
        return None
    extension, why = found
    return (f"{why} says the database needs {extension.name}, which {image} does not ship: "
            f"use an image that has it (`postgres-image = \"{extension.image}\"`)")


def _only_exporters(uses: list[dbusage.UrlUse]) -> str | None:
    """Why an added database may be no fix: only metrics exporters name the host (a
    `postgres-exporter`'s `DATA_SOURCE_NAME`). The database an exporter watches is often
    one outside the stack: an empty one beside it would be watched instead."""
    if not uses or any(not _EXPORTER.search(use.service.scalar("image") or "")
                       for use in uses):
        return None
    names = sorted({use.service.name for use in uses})
    return (f"only {_named(names)}, a metrics exporter, "
            f"{'names' if len(names) == 1 else 'name'} it: the database it watches may live "
            "outside the stack, and an empty one is no fix")


def _other_environment(uses: list[dbusage.UrlUse]) -> str | None:
    """Why an added database may be no fix: every variable that names the host is named for
    a deployment (`PROD_DATABASE_URL`, `DATABASE_URL_STAGING`), kept beside what a local run
    uses (a `LOCAL_RUN=1` switch to SQLite): the app may never read it here, and an empty
    database beside it would only make the services wait for it."""
    variables = sorted({use.variable for use in uses})
    if not variables or not all(_DEPLOYMENT_VARIABLE.search(v) for v in variables):
        return None
    return (f"{names([f'`{v}`' for v in variables], 3)} "
            f"{'is' if len(variables) == 1 else 'are'} named for a deployment: the app may "
            "not read it in this stack, and the database may be one that deployment provides")


def _unread(ws: Workspace, uses: list[dbusage.UrlUse]) -> str | None:
    """Why an added database may be no fix: no file of the app services that are given the
    URL names its variable (`LEGACY_DB_URL` left beside the `DATABASE_URL` the settings
    read): nothing may connect to the database, and the services would only wait for it."""
    if not uses or not all(unread_by_app(ws, use.service, use.variable) for use in uses):
        return None
    variables = names([f"`{v}`" for v in sorted({use.variable for use in uses})], 3)
    services = _named(sorted({use.service.name for use in uses}))
    return (f"nothing in the build context, Dockerfile or command of {services} names "
            f"{variables}: the app may not read it, and an empty database for it would only "
            "make the services wait")


_DEPLOYMENT_VARIABLE = lazy_compile(r"(?:^|_)(?:PROD|PRODUCTION|STAGING|STAGE)(?:_|$)", re.I)


# `prometheuscommunity/postgres-exporter`, `wrouesnel/postgres_exporter`
_EXPORTER = lazy_compile(r"exporter[^/]*$", re.I)


def _unused_postgres(ws: Workspace, stack: Stack) -> str:
    """The services of the stack (and of the files one project includes with it) that run
    a PostgreSQL image and that no PostgreSQL URL names, as the reason names them: a URL's
    missing host is probably one of them (a service another URL names serves that one; the
    missing host is another database)."""
    stacks = [stack, *(other for _includer, other in _included_beside(ws, stack))]
    named = {use.host for each in stacks for use in dbusage.postgres_uses(ws, each)}
    found = [f"`{name}` ({image})" for each in stacks for name, service in each.services.items()
             if name not in named and service.names().isdisjoint(named)
             and (image := _postgres_image(service))]
    return " and ".join(found)


def _image(ws: Workspace, stack: Stack) -> str:
    """The image of the database to add: `postgres-image` when configured; else the one
    every other PostgreSQL service of the stack runs (`postgres:16-alpine`), so that the
    stack runs one server version; else the default. Only a literal image of the official
    family: another's entrypoint (`bitnami/postgresql`) would not start as the service
    fixer writes."""
    if ws.config.postgres_image is not None:
        return ws.config.postgres_image
    running = {image for service in stack.services.values()
               if (image := _postgres_image(service)) is not None}
    if len(running) == 1:
        [image] = running
        if family(image) == "postgres" and "$" not in image:
            return image
    return DEFAULT_POSTGRES_IMAGE


def _postgres_image(service: Service) -> str | None:
    """The PostgreSQL image the service runs (`postgres:16`, `bitnami/postgresql:16`), or
    builds FROM (`FROM postgres:16` with an init script): None when it runs another."""
    app = service.app
    image = base_image(app.dockerfile, app.stage, service.build_args()) if app is not None \
        else service.scalar("image")
    return image if image and runs_postgres(image) else None


def _included_together(ws: Workspace, stack: Stack, host: str) -> str:
    """Why no service is added here: a compose file that `include:`s this stack's file also
    loads another file whose services use the host, and a `postgres` service added to each
    would conflict in that project ("conflicts with imported resource")."""
    for includer, other in _included_beside(ws, stack):
        if any(use.host == host for use in dbusage.postgres_uses(ws, other)):
            return (f"{includer.path} includes {stack.docs[0].path} and {other.docs[0].path}, "
                    f"which both use `{host}`: a service added to each would conflict there; "
                    "define it once, by hand")
    return ""


def _included_beside(ws: Workspace, stack: Stack) -> Iterator[tuple[ComposeDoc, Stack]]:
    """(includer, stack) for each other stack one project loads with this one: through a
    compose file that `include:`s this stack's file, or one this stack's files include."""
    loaded = ws.loaded_with(doc.path for doc in stack.docs)
    for other in (s for s in ws.stacks if s is not stack):
        includer = next((root for root, doc in loaded if any(d is doc for d in other.docs)),
                        None)
        if includer is not None:
            yield includer, other


def _same_credentials(ws: Workspace, stack: Stack, uses: list[dbusage.UrlUse]) -> str:
    """The stack's PostgreSQL services that other URLs name with the very user, password and
    database the missing host's URLs give, as the reason names them: the same credentials
    say it is meant to be that database, and a second, empty one would take its writes."""
    wanted = {(u.url.user, u.url.password, u.url.database) for u in uses}
    if (None, None, None) in wanted:
        return ""
    stacks = [stack, *(other for _includer, other in _included_beside(ws, stack))]
    services = {name: service for each in stacks for name, service in each.services.items()}
    found = sorted({f"`{use.host}` ({image})" for each in stacks
                    for use in dbusage.postgres_uses(ws, each)
                    if (use.url.user, use.url.password, use.url.database) in wanted
                    and (service := services.get(use.host)) is not None
                    and (image := _postgres_image(service))})
    return " and ".join(found)


def _service_name(host: str) -> bool:
    """Docker's DNS answers a service's name only within DNS's limits."""
    return len(host) <= 253 and all(0 < len(label) <= 63 for label in host.split("."))


def _loopback(ws: Workspace, stack: Stack) -> Iterator[Violation]:
    """`localhost` in a compose-given URL is the app's own container, where no database runs."""
    for use in dbusage.postgres_uses(ws, stack):
        if not use.url.host_is_loopback or posixpath.basename(use.path) == ".env":
            continue
        if use.for_tests:
            continue  # a test suite's database, which tests run on the host reach there
        if use.service.get("network_mode") is not None:
            continue  # `host` or another container's network: localhost may well answer
        if _postgres_image(use.service):
            continue  # the server itself, loading the app's env_file: it runs there
        yield Violation(
            message=f"{use.variable} of {use.service.name} points at `{use.url.host}`, the "
                    "service's own container, where no database runs",
            path=use.path, line=use.line, service=use.service.name,
            subject=f"loopback {use.variable}",
            reason=_loopback_advice(stack))


def _loopback_advice(stack: Stack) -> str:
    """What to put in place of `localhost`: the stack's PostgreSQL service, where it has one;
    else a database it does not run, on the host (port 54320 of a developer's machine)."""
    databases = sorted(f"`{name}`" for name, service in stack.services.items()
                       if _postgres_image(service))
    if databases:
        return f"use the database service's name ({' or '.join(databases)}) as the host"
    return ("the stack runs no PostgreSQL service: add one, or reach a database on the host "
            "as `host.docker.internal` (on Linux with `extra_hosts: "
            "[\"host.docker.internal:host-gateway\"]`)")

