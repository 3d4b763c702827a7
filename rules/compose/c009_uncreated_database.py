"""A PostgreSQL URL names a database that the stack's PostgreSQL server never creates.

## What it does
Reads every PostgreSQL URL the stack's services are given (as C001 reads them: compose
`environment`, `env_file` entries and the stack's `.env`) whose host is a service of the
stack running the official `postgres` image or one built on it (`postgis/postgis`,
`timescale/timescaledb`, `pgvector/pgvector`), and reports a URL whose database is none
that server creates on a fresh volume: the image's entrypoint creates `POSTGRES_DB`, or
`POSTGRES_USER` when that is unset, or `postgres`; and `postgres`, `template0` and
`template1` always exist. The variables are read as Compose reads them (`${DB_NAME:-app}`
through the stack's `.env`). The finding names a service that connects with the URL: not
a database or broker image that loads the same env file (the server itself, a RabbitMQ
beside it), which reads other variables of it.

Left alone, because the database may be created where fixer does not look: a server whose
image is built (`build:`) or is another PostgreSQL image (`bitnami/postgresql` reads other
variables), one with its own `entrypoint` or a `command` that is not the server's, one whose
data folder is a bind mount of the repository's files or an `external` volume (a database
initialised before), one with an `env_file` the repository does not hold or a `*_FILE`
variable for its database or user, and any repository that creates databases itself or
hands the image's entrypoint a script: a file (code, scripts, SQL, compose files, docs) that
says `CREATE DATABASE`, `createdb`, `create_database`, `database_exists`,
`POSTGRES_MULTIPLE_DATABASES` or `docker-entrypoint-initdb` (a mount under
`/docker-entrypoint-initdb.d` names it), or runs a tool that creates a missing database
(`prisma migrate deploy`, `prisma db push`, `rails db:create`, `mix ecto.create`). A URL
with no database (the driver then asks for the user's), or one whose database, host or the
server's variables read a variable that neither `.env` nor a default sets, is left alone
too, as is a test suite's variable (`TEST_DATABASE_URL`, `DATABASE_TEST_URL`) or a
service that runs the tests (`pytest` in its command, a `test` build target): the tests may
create their database; and a variable no file of the app service names (`LEGACY_DB_URL`,
as C001 reads it; not `DATABASE_URL`, which libraries read unnamed): nothing may connect
with it.

## Why is this bad?
The server answers every connection to it with `FATAL: database "…" does not exist`:
the app stops at start-up where it connects then (a migration, `create_all`, a pool that
connects first), or answers 500 to every request that needs the database.

## Example
```yaml
services:
  orders:
    build: ./orders
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/orders
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: secret
```

## Use instead
```yaml
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: secret
      POSTGRES_DB: orders
```
Several services with a database each: an init script under `/docker-entrypoint-initdb.d`
that creates each of them.

## Fix safety
Display-only: whether the server should create the database or the URL should name
another, and which of several, needs a person. While it is reported, a fix that makes
services wait for the service to be healthy (C003's `condition: service_healthy`) is held:
fixer cannot show that it ever is.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from fixer.core.derived import Memo
from fixer.core.envfile import resolved
from fixer.core.lazyre import lazy_compile
from fixer.core.wording import names
from fixer.facts.database import dbusage, dburl
from fixer.facts.database.images import family, runs_postgres
from fixer.facts.database.probes import resolved_image, written_environment
from fixer.facts.envvars.codereads import unread_by_app
from fixer.model.rule import Category, Safety, Severity, Violation
from fixer.model.services import Service, bind_mounts
from fixer.model.workspace import Workspace
from fixer.sources.compose import Value, elements, get, scalar

CODE = "C009"
NAME = "uncreated-database"
CATEGORY = Category.COMPOSE
SEVERITY = Severity.ERROR
SAFETY = (Safety.DISPLAY,)
# An app that connects at start-up (a migration, `create_all`) stops there, and one that
# connects later answers its healthcheck only where that asks no query: fixer cannot show
# that it becomes healthy, so a fix that waits for it to be is held.
STOPS_START = True
STOP_WORDING = "may stop at start-up, or never be healthy"

# what every PostgreSQL server holds once initdb has run
ALWAYS = frozenset({"postgres", "template0", "template1"})
INIT_FOLDER = "/docker-entrypoint-initdb.d"
DATA_FOLDER = "/var/lib/postgresql"
# text that creates databases, or hands the image's entrypoint a script that may
# (and the tools that create the database they are given when it is missing: Prisma's
# `migrate deploy`, `migrate dev`, `migrate reset` and `db push`; Rails' and sequelize-cli's
# `db:create`, `db:setup`, `db:prepare`; Ecto's `ecto.create`, `ecto.setup`)
_CREATES = lazy_compile(r"create\s+database|\bcreatedb\b|create_database|database_exists|"
                        r"POSTGRES_MULTIPLE_DATABASES|docker-entrypoint-initdb|"
                        r"\bprisma\s+(?:migrate\s+(?:deploy|dev|reset)|db\s+push)\b|"
                        r"\bdb:(?:create|setup|prepare)\b|\becto\.(?:create|setup)\b",
                        re.IGNORECASE)
# the files such text lives in: code, scripts, SQL, configuration and docs
_SEARCHED = (".py", ".sh", ".bash", ".sql", ".psql", ".yml", ".yaml", ".toml", ".ini", ".cfg",
             ".env", ".js", ".ts", ".mjs", ".go", ".rb", ".md", ".rst", ".txt", ".json")
_SEARCHED_NAMES = ("Makefile", "Dockerfile", "Justfile", "justfile", "Taskfile")


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: set[tuple[str, int]] = set()
    for stack in ws.stacks:
        for use in dbusage.postgres_uses(ws, stack):
            server = stack.services.get(use.host)
            if server is None or (use.path, use.line) in seen or use.for_tests or \
                    _runs_tests(use.service) or _a_server(use.service) or \
                    unread_by_app(ws, use.service, use.variable):
                continue
            wanted = _database(use)
            created = _created(ws, server) if wanted is not None else None
            if wanted is None or created is None or wanted in created or \
                    wanted in ALWAYS or _created_elsewhere(ws):
                continue
            seen.add((use.path, use.line))
            yield _violation(use, wanted, created)


def _a_server(service: Service) -> bool:
    """The service runs a database or broker image (the PostgreSQL server itself, a
    RabbitMQ beside it) that loads the env file holding the URL: it connects nowhere with
    it, and is never the client to name."""
    image = resolved_image(service) if service.get("build") is None else None
    return image is not None and (family(image) is not None or runs_postgres(image))


def _runs_tests(service: Service) -> bool:
    """The service runs a test suite (`pytest` in its command or entrypoint, a `test` build
    target): the tests may create their database, or never connect to the URL."""
    words = [word for found in (service.entrypoint(), service.command()) if found
             for part in found[2] or [] for word in part.split()]
    build = service.get("build")
    target = scalar(get(build[1], "target")) if build is not None else None
    return any(w.rsplit("/", 1)[-1] in ("pytest", "py.test") for w in words) or \
        (target or "").lower() in ("test", "tests", "testing")


def _violation(use: dbusage.UrlUse, wanted: str, created: frozenset[str]) -> Violation:
    made = names([f"`{name}`" for name in sorted(created - ALWAYS)] or ["`postgres`"])
    return Violation(
        message=(f"{use.service.name}'s {use.variable} names the database `{wanted}` on "
                 f"{use.host}, which creates only {made} on a fresh volume, and nothing in "
                 f"the repository creates `{wanted}`: the server refuses a connection to it "
                 f"(database \"{wanted}\" does not exist)"),
        path=use.path, line=use.line, service=use.service.name,
        subject=f"database {wanted} on {use.host} ({use.variable})",
        reason=("whether the server should create it (POSTGRES_DB, or an init script under "
                f"{INIT_FOLDER} for several) or the URL should name another needs a person"))


def _database(use: dbusage.UrlUse) -> str | None:
    """The database the URL asks for, its variables read through `.env`; None when it
    names none or reads a variable nothing sets."""
    written = use.url.database
    if not written:
        return None
    return resolved(dburl.decoded(written), use.service.stack.dotenv) or None


def _created(ws: Workspace, server: Service) -> frozenset[str] | None:
    """The databases the server's entrypoint creates on a fresh volume, beside `ALWAYS`;
    None when it is no official-entrypoint PostgreSQL server or may create others."""
    image = resolved_image(server)
    if image is None or family(image) != "postgres" or server.get("build") is not None or \
            server.get("entrypoint") is not None or not _runs_server(server) or \
            _initialised_elsewhere(server) or written_environment(ws, server).unseen:
        return None
    env = _environment(ws, server)
    if any(key in env for key in ("POSTGRES_DB_FILE", "POSTGRES_USER_FILE")):
        return None
    chosen = []
    for key in ("POSTGRES_DB", "POSTGRES_USER"):
        if key not in env:
            continue
        written = env[key]
        value = None if written is None else resolved(written, server.stack.dotenv)
        if value is None:
            return None   # decided where fixer cannot read it
        chosen.append(value)
    created = next((value for value in chosen if value), "postgres")
    return ALWAYS | {created}


def _environment(ws: Workspace, server: Service) -> dict[str, str | None]:
    """Variable -> its value as written (`${DB_NAME:-app}` kept), from compose's
    `environment` over the `env_file` entries' values; None where only the shell running
    Compose gives it. An empty value is left out: the entrypoint reads it as unset."""
    from_files = dbusage.raw_environment(ws, server)
    written = written_environment(ws, server).values
    return {key: written.get(key) or (raw.value if raw is not None else None)
            for key in {*from_files, *written}
            if (raw := from_files.get(key)) is None or raw.value or written.get(key)}


def _runs_server(server: Service) -> bool:
    """No command, or one that starts the server (`postgres -c max_connections=200`,
    `-c shared_buffers=256MB`): the entrypoint initialises the data folder first."""
    if server.get("command") is None:
        return True
    found = server.command()
    words = found[2][0].split() if found is not None and len(found[2]) == 1 else \
        found[2] if found is not None else None
    return words is not None and (not words or words[0] == "postgres"
                                  or words[0].startswith("-"))


def _initialised_elsewhere(server: Service) -> bool:
    """A data folder that holds a database already: the repository's files, or an external
    volume. (A mount under the init folder names it in the compose file, which
    `_created_elsewhere` reads.)"""
    if any(_under(target, DATA_FOLDER) for _path, target in bind_mounts(server)):
        return True
    return any(_under(target, DATA_FOLDER) and _external(server, name)
               for name, target in _named_volumes(server))


def _named_volumes(server: Service) -> list[tuple[str, str]]:
    """(volume name, container path) of each named volume the service mounts."""
    found = []
    for _doc, volumes in server.all("volumes"):
        for entry in elements(volumes):
            text = scalar(entry)
            if text is not None:
                source, _, rest = text.partition(":")
                if rest and not source.startswith((".", "/", "~", "$")):
                    found.append((source, rest.split(":", 1)[0]))
            elif (scalar(get(entry, "type")) or "") == "volume":
                found.append((scalar(get(entry, "source")) or "",
                              scalar(get(entry, "target")) or ""))
    return found


def _external(server: Service, name: str) -> bool:
    for doc in server.stack.docs:
        definition = get(get(Value(doc.root), "volumes"), name)
        external = get(definition, "external")
        if external is not None and scalar(external) not in ("false", "False"):
            return True
    return False


def _under(target: str, folder: str) -> bool:
    path = posixpath.normpath(target) if target else ""
    return path == folder or path.startswith(folder + "/")


_ELSEWHERE: Memo[bool] = Memo("a repository file creates databases")


def _created_elsewhere(ws: Workspace) -> bool:
    """Some file of the repository creates databases, or hands the image a script that may
    (read once per workspace, and only when a URL asks for a database not created)."""
    return ws.derived.get(_ELSEWHERE, lambda: any(
        _CREATES.search(file.text) for file in map(ws.scan, filter(_searched, ws.tree.paths()))
        if file is not None))


def _searched(path: str) -> bool:
    name = posixpath.basename(path)
    return name.endswith(_SEARCHED) or name.startswith(_SEARCHED_NAMES) or \
        name.startswith(".env")
