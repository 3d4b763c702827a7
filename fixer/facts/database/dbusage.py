"""Which services of a stack use a PostgreSQL URL, and whose host the stack lacks.

A service's environment is what Compose gives the container: `env_file`
entries, then `environment` over them; a bare `KEY` or a wholly `${KEY}` value
comes from the stack's `.env`. Values are kept raw (not interpolated) so a fix
can reference the same variables the URL does.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from fixer.core.derived import Memo
from fixer.core.envfile import interpolate, parse_env
from fixer.core.lazyre import lazy_compile
from fixer.facts.database import dburl
from fixer.model.services import Service, Stack, env_file_paths, name_forms
from fixer.model.stacks import included_paths
from fixer.model.workspace import Workspace
from fixer.sources.compose import (
    ComposeDoc,
    Value,
    get,
    items,
    mapping_or_list,
    scalar,
    string_list,
)

ENVIRONMENT, ENV_FILE, DOTENV = "environment", "env_file", ".env"
_NAME = lazy_compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")  # a service name; a dot means a domain


@dataclass(frozen=True)
class UrlUse:
    service: Service
    variable: str
    url: dburl.DbUrl
    host: str                 # interpolations resolved through the stack's .env
    path: str                 # the file the URL is written in
    line: int
    origin: str               # ENVIRONMENT, ENV_FILE or DOTENV
    source: str               # the compose file whose `environment`/`env_file` gives it
    file_keys: frozenset[str] = frozenset()  # keys the env file itself defines

    @property
    def for_tests(self) -> bool:
        """A test suite's database (`TEST_DATABASE_URL`, `DATABASE_TEST_URL`): tests may run
        on the host, or create it themselves; the service itself need not connect to it."""
        return _TEST_VARIABLE.match(self.variable) is not None


_TEST_VARIABLE = lazy_compile(r"(?:TEST_|.*_TEST(?:_|$))")


@dataclass(frozen=True)
class _Raw:
    value: str
    path: str
    line: int
    origin: str
    source: str
    file_keys: frozenset[str] = frozenset()


def _env_lines(text: str) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        for key, value in parse_env(line).items():
            found[key] = (value, number)
    return found


def raw_environment(ws: Workspace, service: Service) -> dict[str, _Raw | None]:
    """Variable -> where its raw value is written; None when the value is decided elsewhere."""
    stack = service.stack
    dotenv_file = stack.dotenv_path
    env: dict[str, _Raw | None] = {}
    for doc, value in service.all("env_file"):
        for path in env_file_paths(doc, value, stack.dotenv, stack.folder):
            file = ws.read(path)
            if file is None:
                continue
            lines = _env_lines(file.text)
            origin = DOTENV if path == dotenv_file else ENV_FILE
            for key, (written, number) in lines.items():
                env[key] = _Raw(written, path, number, origin, doc.path, frozenset(lines))
    for doc, value in service.all("environment"):
        for key, raw, node in mapping_or_list(value):
            if raw is None:  # `- KEY` / `KEY:`: passed through from the shell or .env
                env[key] = _from_dotenv(ws, stack, key, doc.path)
            elif dburl.wholly_interpolated(raw):
                env[key] = _from_dotenv(ws, stack, dburl.interpolations(raw)[0], doc.path)
            else:
                env[key] = _Raw(raw, doc.path, doc.line(node.node), ENVIRONMENT, doc.path)
    return env


def _from_dotenv(ws: Workspace, stack: Stack, name: str, source: str) -> _Raw | None:
    file = ws.read(stack.dotenv_path)
    found = _env_lines(file.text).get(name) if file else None
    return None if found is None else _Raw(found[0], stack.dotenv_path, found[1], DOTENV, source)


# stack -> its services' PostgreSQL URLs: C001 asks twice per stack, the report again
_USES: Memo[dict[Stack, list[UrlUse]]] = Memo("PostgreSQL URLs per stack")


def postgres_uses(ws: Workspace, stack: Stack) -> list[UrlUse]:
    """Every PostgreSQL URL the stack's services are given, read once per workspace; a new
    list each time: callers may change theirs."""
    known = ws.derived.get(_USES, dict)
    if stack not in known:
        known[stack] = [use for service in stack.services.values()
                        for use in service_uses(ws, service)]
    return list(known[stack])


def service_uses(ws: Workspace, service: Service) -> list[UrlUse]:
    stack = service.stack
    uses: list[UrlUse] = []
    for variable, raw in raw_environment(ws, service).items():
        if raw is None or not dburl.is_postgres_url(raw.value):
            continue
        url = dburl.parse(raw.value)
        if url is None or url.param("host") is not None or url.param("hostaddr") is not None:
            continue   # a `host=` parameter (a Cloud SQL socket folder) replaces the URL's host
        host = interpolate(url.host, stack.dotenv) if "$" in url.host else url.host
        uses.append(UrlUse(service, variable, url, host, raw.path, raw.line, raw.origin,
                           raw.source, raw.file_keys))
    return uses


def overlay_sources(stack: Stack, uses: list[UrlUse], overridden: list[UrlUse]) -> list[str]:
    """The overlay files that give the URL when no file of the base stack names its host
    (`overridden`: base_uses); [] otherwise. The base stack is what `docker compose up`
    loads: the base file and its override file. An overlay is loaded only with `-f` (an
    incident drill, a CI variant)."""
    sources = sorted({use.source for use in uses})
    if all(in_overlay(stack, path) for path in sources) and not overridden:
        return sources
    return []


def base_uses(ws: Workspace, stack: Stack, uses: list[UrlUse]) -> list[UrlUse]:
    """For each use an overlay gives, the URLs for the same host that the base stack gives
    the service: the values the overlay overrides, which the database must serve too."""
    found: list[UrlUse] = []
    for use in uses:
        if in_overlay(stack, use.source):
            base = [(d, v) for d, v in use.service.definitions if not in_overlay(stack, d.path)]
            view = Service(use.service.name, stack, base)
            found += [u for u in service_uses(ws, view) if u.host == use.host]
    return found


def in_overlay(stack: Stack, path: str) -> bool:
    """The file is one of the stack's `-f` overlays (neither its base file nor the override)."""
    return any(doc.path == path for doc in stack.overlays())


def service_names(doc: ComposeDoc, name: str, value: Value) -> set[str]:
    """A service's name, container_name and network aliases, as written in one file."""
    found = {name}
    container = scalar(get(value, "container_name"))
    if container:
        found |= name_forms(container, {})
    networks = get(value, "networks")
    if networks is not None:
        for _net, net in items(networks):
            for alias in string_list(get(net, "aliases")) or []:
                found |= name_forms(alias, {})
    return found


def repository_names(ws: Workspace) -> set[str]:
    """Every name any compose file of the repository gives a service (split stacks count)."""
    found: set[str] = set()
    for doc in ws.compose_docs.values():
        for name, value in doc.services.items():
            found |= service_names(doc, name, value)
    return found


def included_names(ws: Workspace, stack: Stack) -> set[str] | None:
    """The services the files of the stack's top-level `include:` define (Compose loads
    them into the project); None when one cannot be read: then what the stack lacks is
    unknown."""
    found: set[str] = set()
    for path in (p for doc in stack.docs for p in included_paths(doc)):
        doc = ws.compose_docs.get(path) if path is not None else None
        if doc is None:
            return None
        found |= {name for service, value in doc.services.items()
                  for name in service_names(doc, service, value)}
    return found


# per workspace: each stack's reachable_names; C001 and C002 both ask missing_hosts, C005 asks
# for each service that may wait on its own, and the walk reads every service's `extra_hosts`
# and links
_REACHABLE: Memo[dict[Stack, set[str]]] = Memo("names a stack's containers resolve")


def reachable(ws: Workspace, stack: Stack) -> set[str]:
    """reachable_names, found once per stack; callers do not change the set."""
    return ws.derived.keyed(_REACHABLE, stack, lambda: reachable_names(stack))


def reachable_names(stack: Stack) -> set[str]:
    """Names a container of the stack can resolve: services, container names, aliases,
    `extra_hosts` entries and `links`/`external_links` aliases."""
    found = stack.all_names()
    for service in stack.services.values():
        for _doc, value in service.all("extra_hosts"):
            for key, _val, _node in mapping_or_list(value):
                found.add(re.split(r"[:=]", key, maxsplit=1)[0].strip())
        for link_key in ("links", "external_links"):
            for _doc, value in service.all(link_key):
                for link in string_list(value) or []:
                    found.add(link.rsplit(":", 1)[-1])
    return found


def is_service_like(host: str) -> bool:
    """A bare name a compose service could carry; not an IP, not a domain, not loopback."""
    return bool(_NAME.match(host)) and host.lower() not in dburl.LOOPBACK


def missing_hosts(ws: Workspace, stack: Stack, repository: set[str] | None = None,
                  ) -> dict[str, list[UrlUse]]:
    """Hosts of PostgreSQL URLs that nothing in the repository answers to, with their uses.
    `repository`: repository_names(ws), when the caller loops over many stacks."""
    included = included_names(ws, stack)
    if included is None:   # an included file fixer cannot read may well define the host
        return {}
    known = reachable(ws, stack) | included | \
        (repository_names(ws) if repository is None else repository)
    found: dict[str, list[UrlUse]] = {}
    for use in postgres_uses(ws, stack):
        if use.host and is_service_like(use.host) and use.host not in known:
            found.setdefault(use.host, []).append(use)
    return found
