"""The PostgreSQL service C001 adds: credentials from the URLs, the plan, the edits.

Credentials come from the URL as written: `${VAR}` parts are referenced as the
same variables; a literal password is written only where the repository's
compose file already holds it, or referenced through a `.env` variable that
holds exactly that value. fixer never invents or moves a secret.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from fixer.core.edits import TextEdit
from fixer.core.envfile import interpolate, references, unset_names
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import has_stray_bytes
from fixer.facts.database import dburl, networks
from fixer.facts.database.dbusage import ENVIRONMENT, UrlUse, in_overlay, raw_environment
from fixer.facts.database.images import family, postgres_major
from fixer.facts.database.probes import PG_OVER_TCP
from fixer.model.depends import HEALTHY, append_refused, conditions_refused, set_conditions
from fixer.model.services import Service, Stack
from fixer.model.workspace import Workspace
from fixer.sources import compose_style
from fixer.sources.compose import ComposeDoc, Value, elements, get, key_node, scalar
from fixer.sources.compose_edit import (
    Unfixable,
    add_entry,
    after_line,
    block_append_point,
    insert_lines,
    merge_inserts,
    value_end,
    value_is_alias,
)
from fixer.sources.compose_style import Flow, Map, Seq, Style, is_flow

from . import depends_plan


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str | None      # None: the URL has none (or an empty one), so the server
                              # trusts local connections
    database: str | None
    port: str | None          # None: PostgreSQL's default 5432


def credentials(stack: Stack, uses: list[UrlUse]) -> Credentials:
    """What every URL for the host agrees on; Unfixable when they disagree or a part is missing."""
    parts = {}
    for part in ("user", "password", "database", "port"):
        values = {getattr(u.url, part) for u in uses}
        if part == "password":   # `app:@db`: libpq sends no password, as for `app@db`
            values = {v or None for v in values}
        if part == "port":
            values = {None if v in (None, dburl.DEFAULT_PORT) else v for v in values}
        if len(values) > 1:
            raise Unfixable(f"the URLs for this host disagree on the {part}; fixer creates one "
                            "database service, so a person must choose")
        parts[part] = values.pop()
    if not parts["user"]:
        raise Unfixable("the URL names no user, so the database user is unknown")
    for part in ("user", "password", "database", "port"):
        for use in uses:
            _check_reference(use, getattr(use.url, part))
    if any(has_stray_bytes(value or "") for value in parts.values()):
        raise Unfixable("the URL holds a byte that is not UTF-8 (its file is read as bytes); "
                        "fixer copies no such byte into a compose file")
    password = parts["password"]
    if password is not None and not dburl.has_interpolation(password):
        password = _literal_password(stack, uses, dburl.decoded(password))
    return Credentials(
        user=dburl.decoded(parts["user"]), password=password,
        database=dburl.decoded(parts["database"]) if parts["database"] else None,
        port=parts["port"],
    )


def _check_reference(use: UrlUse, part: str | None) -> None:
    """A `${VAR}` the env file defines for itself is not visible to another service."""
    local = [n for n in dburl.interpolations(part) if n in use.file_keys
             and n not in use.service.stack.dotenv]
    if local:
        raise Unfixable(f"the URL in {use.path} uses ${{{local[0]}}}, which only that file "
                        "defines; the new service could not read it")


def _literal_password(stack: Stack, uses: list[UrlUse], password: str) -> str:
    if any(u.origin == ENVIRONMENT for u in uses):
        return password  # the compose file already holds it
    names = sorted((n for n, v in stack.dotenv.items() if v == password),
                   key=lambda n: ("PASS" not in n.upper(), n))
    if names:
        return "${" + names[0] + "}"
    raise Unfixable(f"the password is written only in {uses[0].path}; fixer does not copy a "
                    "secret into a compose file (set POSTGRES_PASSWORD from a variable by hand)")


def data_path(image: str) -> str:
    """Where the volume goes: PostgreSQL 18 images keep their data below /var/lib/postgresql
    (and refuse a mount at .../data), older ones in /var/lib/postgresql/data. Where the tag
    names no version (`version_doubt`), /var/lib/postgresql: every version starts with it."""
    major = postgres_major(image)
    return "/var/lib/postgresql/data" if major is not None and major < 18 \
        else "/var/lib/postgresql"


def entrypoint_doubt(image: str) -> str | None:
    """Why the service may not start as written: the image (`--postgres-image`) is one whose
    entrypoint is not the official image's (`bitnami/postgresql` wants
    `POSTGRESQL_PASSWORD` or `ALLOW_EMPTY_PASSWORD`, keeps its data in /bitnami), and the
    service is written for the official one."""
    if family(image) == "postgres":   # the official image, and those built on it
        return None
    return (f"`{image}` does not start as the official postgres image does, and the service "
            "is written for that one (its POSTGRES_* variables, its data path): check them "
            "against the image's own")


def version_doubt(image: str) -> str | None:
    """Why the volume's path may be wrong: the tag names no PostgreSQL major version."""
    if postgres_major(image) is not None:
        return None
    return (f"fixer cannot read the PostgreSQL major version of `{image}`, and where its data "
            "lives depends on it (/var/lib/postgresql from 18, which refuses a volume at "
            ".../data; /var/lib/postgresql/data before): check the volume's path")


def fragment(creds: Credentials, image: str, volume: str, style: Style,
             networks: compose_style.Fragment | None = None,
             profiles: tuple[str, ...] = ()) -> Map:
    env = [("POSTGRES_USER", creds.user)]
    if creds.password is None:
        env.append(("POSTGRES_HOST_AUTH_METHOD", "trust"))
    else:
        env.append(("POSTGRES_PASSWORD", creds.password))
    if creds.database:
        env.append(("POSTGRES_DB", creds.database))
    # over TCP, as C005's probe: the socket answers while the init server runs
    test = ["CMD", "pg_isready", "-U", creds.user, "-d", creds.database or creds.user,
            *PG_OVER_TCP]
    if creds.port:
        test += ["-p", creds.port]
    environment: compose_style.Fragment = Seq(tuple(f"{k}={v}" for k, v in env)) \
        if style.env_list else Map(tuple(env))
    pairs: list[tuple[str, compose_style.Fragment]] = [("image", image)]
    if profiles:
        pairs.append(("profiles", Flow(profiles)))
    if creds.port:
        pairs.append(("command", Flow(("postgres", "-p", creds.port))))
    pairs += [
        ("environment", environment),
        ("healthcheck", Map((("test", Flow(tuple(test)) if style.flow_tests else Seq(tuple(test))),
                             ("interval", "5s"), ("timeout", "5s"), ("retries", 5),
                             ("start_period", "10s")))),
        ("volumes", Seq((f"{volume}:{data_path(image)}",))),
    ]
    if networks is not None:
        pairs.append(("networks", networks))
    return Map(tuple(pairs))


def volume_name(doc: ComposeDoc, host: str, elsewhere: frozenset[str] = frozenset()) -> str:
    """A name for the database's volume in the file's style, that neither the file nor
    the files one project loads with it (`elsewhere`: `include:`) gives a volume already."""
    own = _volume_names(doc)
    taken = own | elsewhere
    names = own or {host}  # the file's volume names, else the host's own: `orders-db-data`
    sep = "-" if any("-" in t for t in names) and not any("_" in t for t in names) else "_"
    for candidate in (f"{host}{sep}data", f"{host}{sep}pgdata"):
        if candidate not in taken:
            return candidate
    number = 2
    while f"{host}{sep}data{sep}{number}" in taken:
        number += 1
    return f"{host}{sep}data{sep}{number}"


def _volume_names(doc: ComposeDoc) -> set[str]:
    volumes = get(Value(doc.root), "volumes")
    return {str(k.value) for k, _v in volumes.node.value} \
        if volumes is not None and isinstance(volumes.node, yaml.MappingNode) else set()


def _project_volumes(ws: Workspace, doc: ComposeDoc) -> frozenset[str]:
    """The volume names of the other files one project loads with `doc` (`include:`)."""
    return frozenset(name for _root, other in ws.loaded_with([doc.path])
                     for name in _volume_names(other))


def _depends_site(stack: Stack, use: UrlUse) -> tuple[ComposeDoc, Value]:
    """The file that gets the service's `depends_on`: the compose file holding its URL (an
    override that adds the URL adds the dependency too), else its first definition. Never an
    overlay: the database goes in the base stack, which must be valid on its own."""
    base = [(d, v) for d, v in use.service.definitions if not in_overlay(stack, d.path)]
    for doc, value in base:
        if use.origin == ENVIRONMENT and doc.path == use.path:
            return doc, value
    return (base or use.service.definitions)[0]


@dataclass(frozen=True)
class Gate:
    """A user's `depends_on` that gets the database: the definition the edit goes in, and
    the condition of every entry it writes (`depends_plan`), accepted by `conditions_refused`."""

    doc: ComposeDoc
    definition: Value
    conditions: dict[str, str]
    owner: str = ""                    # the service whose list it is
    for_c003: tuple[str, ...] = ()     # entries gated as C003 would (`ListPlan.for_c003`)


@dataclass(frozen=True)
class DatabasePlan:
    """The database fix as `detect` judges it, from the parsed files and with no text yet:
    what goes where, and why it is unsafe (None: safe). `render` writes it."""

    host: str
    creds: Credentials
    image: str
    doc: ComposeDoc                   # the file that gets the service and its volume
    volume: str
    networks: tuple[str, ...]         # () when every user is on the default network
    members: tuple[Service, ...]      # the services that reach it: their `networks` style
    gates: tuple[Gate, ...]
    doubt: str | None
    profiles: tuple[str, ...] = ()    # its users' when every one runs only under profiles
    # what a user's short `depends_on` list waits for (C004 or C005 may give an entry its
    # healthcheck): converted now, it would pin that entry to `service_started`
    waits: depends_plan.Wait | None = None

    @property
    def c003_on_the_way(self) -> str:
        """What the title adds when the users' lists, written out, gate entries as C003
        would."""
        owners = [gate.owner for gate in self.gates if gate.for_c003]
        gated = sorted({name for gate in self.gates for name in gate.for_c003})
        return depends_plan.c003_on_the_way(owners, gated)

    @property
    def waits_for(self) -> tuple[str, ...]:
        """The existing services the users' lists will wait for to be healthy."""
        return tuple(sorted({name for gate in self.gates for name, condition
                             in gate.conditions.items()
                             if condition == HEALTHY and name != self.host}))


def plan(ws: Workspace, stack: Stack, host: str, uses: list[UrlUse], image: str,
         overridden: Sequence[UrlUse] = ()) -> DatabasePlan:
    """The service, its volume and every user's `depends_on`; Unfixable with the reason.
    `overridden`: the base stack's URLs that overlays override; they must agree too.

    The service goes in the earliest file (in load order) that needs it, so a
    base file that uses the URL stays valid when loaded without its override; it
    joins every network of the services that reach it."""
    creds = credentials(stack, [*uses, *overridden])
    sites: dict[str, tuple[Service, ComposeDoc, Value]] = {}
    for use in uses:
        sites.setdefault(use.service.name, (use.service, *_depends_site(stack, use)))
    gates, doubt, waits = _gates(ws, host, list(sites.values()))
    doubt = doubt or entrypoint_doubt(image) or _empty_password(stack, creds.password) or \
        version_doubt(image) or _password_elsewhere(ws, creds, uses)
    order = [d.path for d in stack.docs]
    doc = min((d for _s, d, _v in sites.values()), key=lambda d: order.index(d.path))
    members = networks.users(stack, host, list({u.service.name: u.service for u in uses}.values()))
    joined = networks.joined(stack, doc, members)
    refused = append_refused(doc, _services(doc).node) or _volume_refused(doc)
    if refused:
        raise Unfixable(refused)
    volume = volume_name(doc, host, _project_volumes(ws, doc))
    return DatabasePlan(host, creds, image, doc, volume, tuple(joined),
                        tuple(members), gates, doubt,
                        profiles(list({u.service.name: u.service for u in uses}.values())),
                        waits)


def _empty_password(stack: Stack, password: str | None) -> str | None:
    """Why the database may get an empty POSTGRES_PASSWORD, which the official image refuses
    to initialise with: the URL's password reads a variable no `.env` sets (`${DB_PASSWORD}`,
    or one whose default is empty, `${DB_PASSWORD:-}`). A required one (`:?`) stops Compose
    itself first, and is none of the fix's doing."""
    if not password or "$" not in password:
        return None
    required = {r.name for r in references(password) if "?" in (r.operator or "")}
    unset = [n for n in unset_names(password, stack.dotenv) if n not in required]
    if unset:
        return (f"the password reads ${{{unset[0]}}}, which no .env sets: where the shell does "
                "not set it either, POSTGRES_PASSWORD is empty and the database refuses to start")
    if not required and interpolate(password, stack.dotenv) == "":
        return (f"the password `{password}` is empty unless the shell running Compose sets "
                "it, and the database refuses to start with an empty POSTGRES_PASSWORD")
    return None


def _password_elsewhere(ws: Workspace, creds: Credentials, uses: list[UrlUse]) -> str | None:
    """Why a URL with no password may not mean a database without one: its user reads the
    password from elsewhere (`DATABASE_PASSWORD_FILE: /run/secrets/db_password`, libpq's
    `PGPASSWORD`, `PGPASSFILE`), and a maintainer wants that password on the server
    (`POSTGRES_PASSWORD_FILE` with the same secret), not `trust`."""
    if creds.password is not None:
        return None
    for use in uses:
        found = next((name for name in raw_environment(ws, use.service)
                      if _PASSWORD_ELSEWHERE.fullmatch(name)), None)
        if found is not None:
            return (f"the URL has no password, but {use.service.name} reads one from "
                    f"`{found}`: give the database that password (`POSTGRES_PASSWORD_FILE` "
                    "with the same secret) instead of `POSTGRES_HOST_AUTH_METHOD: trust`")
    return None


# a password the app sends without the URL: a database password file's path (not a Redis
# one beside it: `DB_PASSWORD_FILE`, `DATABASE_PASSWORD_FILE`), or libpq's own variables
_PASSWORD_ELSEWHERE = lazy_compile(
    r"(?=(?:\w*_)?(?:DB|DATABASE|PG|POSTGRES(?:QL)?)_)\w*PASS\w*_FILE|PGPASSWORD|PGPASSFILE",
    re.I)


def profiles(users: Sequence[Service]) -> tuple[str, ...]:
    """The profiles the database runs under: every profile of its users when each of them
    runs only under some (`profiles: [full]`), so that `docker compose up` without them
    starts no database nobody uses; none when one user always runs. Unfixable when one is
    interpolated (which profile it names is only known at run time)."""
    found: dict[str, None] = {}
    for user in users:
        value = user.get("profiles")
        names = [scalar(item) for item in elements(value[1])] if value else []
        if not names:
            return ()
        for name in names:
            if name is None or "$" in name:
                raise Unfixable(f"{user.name}'s `profiles` are not literal names: which "
                                "profiles the database should run under is the author's call")
            found[name] = None
    return tuple(found)


def _gates(ws: Workspace, host: str, sites: list[tuple[Service, ComposeDoc, Value]]
           ) -> tuple[tuple[Gate, ...], str | None, depends_plan.Wait | None]:
    """`condition: service_healthy` on the database in every user's `depends_on`, why a
    gate is in doubt, and what the fix waits for. A short list becomes the long form, each
    other entry decided as C003 decides it; while one of them cannot be decided yet (C004
    may give it a healthcheck), converting would pin it to `service_started`: the fix then
    waits, and `fixer fix` applies it after those (with `--unsafe-fixes` too)."""
    gates: list[Gate] = []
    doubt: str | None = None
    waits: list[depends_plan.Wait] = []
    for owner, doc, definition in sites:
        listed = depends_plan.plan(ws, owner, doc, definition, {host: HEALTHY})
        if listed.refused:
            raise Unfixable(f"{owner.name} cannot be made to wait for {host}: {listed.refused}")
        if listed.waits:
            waits.append(listed.waits.of_fix(owner.name))
        doubt = doubt or listed.doubt
        refused = conditions_refused(doc, definition, listed.conditions)
        if refused:
            raise Unfixable(refused)
        gates.append(Gate(doc, definition, listed.conditions, owner.name, listed.for_c003))
    return tuple(gates), doubt, depends_plan.Wait.joined(waits)


def _services(doc: ComposeDoc) -> Value:
    """The file's own `services` mapping, which gets the database; Unfixable without one."""
    services = get(Value(doc.root), "services")
    services_key = key_node(Value(doc.root), "services")
    if services is None or services_key is None or value_is_alias(doc.file.text, services_key):
        raise Unfixable(f"{doc.path} has no services mapping to add the database to")
    return services


def _volume_refused(doc: ComposeDoc) -> str | None:
    """Why the named volume cannot go in the file's top-level `volumes:`, or None."""
    volumes = get(Value(doc.root), "volumes")
    if volumes is None:
        return None  # a new `volumes:` goes after the services
    key = key_node(Value(doc.root), "volumes")
    if volumes.aliased or key is None or value_is_alias(doc.file.text, key):
        return "the top-level volumes come from a YAML alias"
    node = volumes.node
    if isinstance(node, yaml.ScalarNode):
        return "the top-level `volumes` is not a mapping" if node.value else None
    if not isinstance(node, yaml.MappingNode):
        return "the top-level `volumes` is not a mapping"
    return append_refused(doc, node)


# -- the edits, built only when the fix is applied ---------------------------------------------

def render(plan: DatabasePlan) -> list[TextEdit]:
    """The edits of a plan that `plan` returned: every user's `depends_on`, the service, its
    volume. Each place they go was judged there, so nothing here refuses."""
    edits = [edit for gate in plan.gates for edit in set_conditions(
        gate.doc, gate.definition, gate.conditions,
        compose_style.detect_for(gate.doc, gate.definition.node))]
    doc = plan.doc
    services = _services(doc).node
    style = compose_style.detect(doc)
    joined = networks.fragment(list(plan.networks), list(plan.members)) if plan.networks \
        else None
    new_service = add_entry(doc, services, plan.host,
                            fragment(plan.creds, plan.image, plan.volume, style, joined,
                                     plan.profiles), style,
                            blank_before=style.blank_between and not is_flow(services))
    edits.append(new_service)
    edits.append(_volume_edit(doc, plan.volume, style, None if is_flow(services)
                              else new_service.start))
    return merge_inserts(edits)


def _volume_edit(doc: ComposeDoc, volume: str, style: Style, point: int | None) -> TextEdit:
    """The named volume in top-level `volumes:` (`_volume_refused` accepted it), created after
    the services when missing."""
    text = doc.file.text
    services = _services(doc).node
    column = style.unit
    if isinstance(services, yaml.MappingNode) and services.value and not is_flow(services):
        column = int(services.value[0][0].start_mark.column)
    volumes = get(Value(doc.root), "volumes")
    if volumes is None:
        offset = len(text) if point is None else point
        return insert_lines(doc, offset, ["volumes:", f"{' ' * column}{volume}:"], blank_before=True)
    node = volumes.node
    if isinstance(node, yaml.ScalarNode):  # `volumes:` with nothing after it
        key = key_node(Value(doc.root), "volumes")
        assert key is not None
        return insert_lines(doc, after_line(text, value_end(text, key, node)),
                            [f"{' ' * column}{volume}:"])
    if not is_flow(node) and node.value:
        return insert_lines(doc, block_append_point(text, node),
                            [f"{' ' * int(node.value[0][0].start_mark.column)}{volume}:"])
    return add_entry(doc, node, volume, Map(()), style)
