"""Whether a service calls the database it names in `depends_on`, or one outside the stack.

A service whose every connection URL of the database's kind names a host outside the stack
(a managed server: `mongodb+srv://app@cluster0.ab1cd.mongodb.net`,
`postgresql://app@orders.c1x2.eu-west-1.rds.amazonaws.com/orders`) and none the database's
service does not call that service: its `depends_on` entry is a leftover or a choice for
local runs. A gate on it would hold the service back on a server it does not use, and stop
it for good when that server never turns healthy: no fix fixer can vouch for.

Nor where anything else fixer reads of the service names the database as a host (its code's
`HOST = "db"`, a URL in a file its build context holds): it may call that one too.
Only a host fixer can read counts: an interpolated one (`${DB_HOST}`) may be the service, a
loopback one or a single-word name (`db`, `postgres`) may be reached otherwise (a network
alias, `network_mode`); a dotted name that is none of the service's names is outside, but
for the Docker host (`host.docker.internal`) at a port the database publishes: that URL
reaches the database through the host.
"""

from __future__ import annotations

from typing import NamedTuple

from fixer.core.lazyre import lazy_compile
from fixer.core.wording import names
from fixer.facts.database.dburl import LOOPBACK, split_host_port, split_netloc
from fixer.facts.database.dbusage import raw_environment
from fixer.facts.database.naming import names_dependency
from fixer.model.services import Service
from fixer.model.workspace import Workspace
from fixer.sources.compose import elements, get, scalar
from fixer.sources.shortports import parse_short

# the URL schemes a client of each server kind connects with (a driver after `+`:
# `postgresql+asyncpg`, `mysql+aiomysql`; `mongodb+srv` names a DNS seed list)
_SCHEMES: dict[str, frozenset[str]] = {
    "postgres": frozenset({"postgres", "postgresql"}),
    "mysql": frozenset({"mysql", "mariadb"}),
    "mariadb": frozenset({"mysql", "mariadb"}),
    "mongo": frozenset({"mongodb"}),
    "redis": frozenset({"redis", "rediss"}),
    "valkey": frozenset({"redis", "rediss", "valkey"}),
    "rabbitmq": frozenset({"amqp", "amqps"}),
}
# `scheme://`: the scheme a URL starts with
_SCHEME = lazy_compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_IPV4 = lazy_compile(r"^\d+(?:\.\d+){3}$")


class OutsideCall(NamedTuple):
    """A service's URL that names a server outside the stack instead of the database."""

    service: str
    variable: str
    host: str


def called_elsewhere(ws: Workspace, service: Service, database: Service,
                     kind: str) -> OutsideCall | None:
    """Where `service` may not use `database` (a server of `kind`, `family()`'s word):
    every URL of that kind its environment holds names a host outside the stack (the first
    one); None where one names the database, fixer cannot read a host, or no such URL is
    there."""
    schemes = _SCHEMES.get(kind)
    if schemes is None:
        return None
    called: list[tuple[str, str]] = []
    for variable, raw in raw_environment(ws, service).items():
        value = raw.value.strip() if raw is not None else ""
        match = _SCHEME.match(value)
        if match is None or match.group(1).lower().split("+")[0] not in schemes:
            continue
        # the credentials end at the last `@` of the authority, as dburl reads them
        authority, _rest = split_netloc(value[match.end():])
        for hostport in authority.rpartition("@")[2].split(","):
            host, port = split_host_port(hostport)
            if not host or "$" in host:
                return None   # a host each deployment decides may be the database
            if _through_docker_host(host, port, database):
                return None   # the database, through the port it publishes on the host
            called.append((variable, host))
    if not called or not all(_outside(host, database) for _variable, host in called):
        return None
    if names_dependency(ws, service, database.name):
        return None   # its code or a file it reads names the database: it may call both
    return OutsideCall(service.name, *called[0])


def outside_doubt(database: str, calls: list[OutsideCall]) -> str:
    """`api's MONGO_URL calls cluster0.ab1cd.mongodb.net, outside the stack, not db: ...`,
    one sentence for every service that does."""
    first = calls[0]
    others = f" (and so do those of {names([c.service for c in calls[1:]])})" \
        if len(calls) > 1 else ""
    who = names([call.service for call in calls])
    them, they = ("them", "they do") if len(calls) > 1 else ("it", "it does")
    return (f"{first.service}'s {first.variable} calls {first.host}, outside the stack, not "
            f"{database}{others}: {who} may not use {database}, and a gate would hold {them} "
            f"back on a server {they} not call")


# the names a container calls the Docker host by (Docker Desktop's; on Linux, what an
# `extra_hosts` entry `host.docker.internal:host-gateway` adds)
_DOCKER_HOST = frozenset({"host.docker.internal", "gateway.docker.internal"})


def _through_docker_host(host: str, port: str | None, database: Service) -> bool:
    """`host.docker.internal:5433` where the database publishes `5433:5432`: the service
    reaches the database through the Docker host."""
    return host.lower() in _DOCKER_HOST and port is not None and port in _host_ports(database)


def _host_ports(service: Service) -> set[str]:
    """The host ports the service's `ports` publish, as written (short or long syntax)."""
    found: set[str] = set()
    for _doc, value in service.all("ports"):
        for item in elements(value):
            published = scalar(get(item, "published")) if get(item, "target") is not None \
                else parse_short(scalar(item) or "").published
            if published:
                found.add(published)
    return found


def _outside(host: str, database: Service) -> bool:
    """A DNS name of more than one label that none of the database's names is."""
    lowered = host.lower()
    return "." in lowered and lowered not in LOOPBACK and not _IPV4.match(lowered) \
        and lowered not in {name.lower() for name in database.names()}
