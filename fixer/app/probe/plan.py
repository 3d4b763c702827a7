"""What to probe (pure): per app service of a stack, its published port and health route,
or the reason the host cannot reach it. Nothing here touches the network."""

from __future__ import annotations

from dataclasses import dataclass

from fixer.core.envfile import interpolate
from fixer.facts.health.healthroute import Source, plan, probe_paths
from fixer.sources.shortports import parse_short
from fixer.model.appservice import app_services
from fixer.model.services import BuiltService, Service, Stack
from fixer.model.stacks import CANONICAL
from fixer.model.workspace import Workspace
from fixer.sources.compose import Value, elements, get, scalar

DEFAULT_HOST = "127.0.0.1"
# bind addresses that mean "every interface" or the loopback one: the default host reaches them
_ANY_ADDRESS = ("", "0.0.0.0", "::", "[::]", "127.0.0.1", "localhost")


class ProbeError(Exception):
    """Nothing can be probed: no stack, an unknown --stack, no app service."""


@dataclass(frozen=True)
class Target:
    """One app service: where its health route answers on the host, or why it cannot."""

    service: str
    path: str                # the health route to call
    route: str               # where the path comes from: "served", "healthcheck", "default"
    port: int | None = None  # the published host port; None: not reachable from the host
    bind: str | None = None  # the address compose publishes on, when it is a specific one
    reason: str = ""         # why it is not reachable from the host
    note: str = ""           # what the verdict should mention (the app serves no such route)

    @property
    def reachable(self) -> bool:
        return self.port is not None

    def url(self, host: str | None) -> str:
        """The URL on `host` (given by the user), else on the bind address, else loopback."""
        return f"http://{host or self.bind or DEFAULT_HOST}:{self.port}{self.path}"


@dataclass(frozen=True)
class _Mapping:
    """One `ports` entry, short or long syntax, as written, with the target resolved."""

    published: str
    target: int | None
    host_ip: str
    udp: bool


def choose_stack(ws: Workspace, stack_file: str | None) -> Stack:
    """The stack `--stack` names (any of its files), else the one `docker compose up` in
    the root folder loads, else the only one."""
    if not ws.stacks:
        raise ProbeError("no compose stack found")
    names = ", ".join(s.name for s in ws.stacks)
    if stack_file is not None:
        for stack in ws.stacks:
            if any(doc.path == stack_file for doc in stack.docs):
                return stack
        raise ProbeError(f"{stack_file}: not a compose file of any stack (stacks: {names})")
    # what `docker compose up` in the root folder loads: compose.yaml and its override
    canonical = [s for s in ws.stacks if s.name in CANONICAL]
    if canonical:  # Compose takes the first name of its list that exists
        return min(canonical, key=lambda s: CANONICAL.index(s.name))
    if len(ws.stacks) == 1:
        return ws.stacks[0]
    raise ProbeError(f"several stacks ({names}): choose one with --stack")


def targets(ws: Workspace, stack: Stack) -> list[Target]:
    """One target per app service of the stack, in file order."""
    services = [s for s in app_services(ws) if s.stack is stack]
    if not services:
        raise ProbeError(f"{stack.name}: no app service (a FastAPI server) to probe")
    return [_target(ws, s) for s in services]


def _target(ws: Workspace, service: BuiltService) -> Target:
    path, route, note = _route(ws, service)
    listen = service.app.listen.port
    if service.scalar("network_mode") == "host" and listen is not None:
        return Target(service.name, path, route, listen, note=note)
    port, bind, reason = _published(service, listen)
    return Target(service.name, path, route, port, bind, reason, note)


def _route(ws: Workspace, service: BuiltService) -> tuple[str, str, str]:
    """(path, where it comes from, note): the route the app serves, else the one its
    healthcheck probes, else `/health`."""
    health = plan(ws, service)
    if health.path is not None and health.source in (Source.SERVED, Source.LITERAL):
        return health.path, "served", ""
    note = "the app serves no health route (H001)" if health.source is Source.ADDED else ""
    probes = probe_paths(service)
    return (probes[0], "healthcheck", note) if probes else ("/health", "default", note)


def _published(service: Service, listen: int | None) -> tuple[int | None, str | None, str]:
    """(host port, bind address, reason): the `ports` entry whose target is the listen port
    (the only TCP one when fixer cannot tell the listen port)."""
    dotenv = service.stack.dotenv
    tcp = [m for _doc, value in service.all("ports") for item in elements(value)
           if not (m := _mapping(item, dotenv)).udp]
    if not tcp:
        return None, None, _unpublished(service)
    shown = ", ".join(sorted({str(m.target) for m in tcp if m.target is not None}))
    if listen is None and len(tcp) > 1:
        return None, None, (f"fixer cannot tell its listen port, and it publishes several "
                            f"container ports ({shown})")
    found = [m for m in tcp if listen is None or m.target == listen]
    if not found:
        return None, None, (f"its `ports` publish container port {shown or '?'}, not its "
                            f"listen port {listen} (P001)")
    return _host_port(service.name, found[0], dotenv)


def _mapping(item: Value, dotenv: dict[str, str]) -> _Mapping:
    if get(item, "target") is not None or get(item, "published") is not None:  # long syntax
        published = scalar(get(item, "published")) or ""
        target = scalar(get(item, "target")) or ""
        host_ip = scalar(get(item, "host_ip")) or ""
        udp = (scalar(get(item, "protocol")) or "tcp").lower() == "udp"
        return _Mapping(published, _number(target, dotenv), interpolate(host_ip, dotenv), udp)
    short = parse_short(scalar(item) or "")
    return _Mapping(short.published or "", _number(short.target, dotenv),
                    interpolate(short.host_ip or "", dotenv), short.protocol == "udp")


def _number(written: str, dotenv: dict[str, str]) -> int | None:
    value = interpolate(written, dotenv) if "$" in written else written
    return int(value) if value.isdigit() else None


def _host_port(name: str, mapping: _Mapping, dotenv: dict[str, str]
               ) -> tuple[int | None, str | None, str]:
    written = mapping.published
    value = interpolate(written, dotenv) if "$" in written else written
    bind = None if mapping.host_ip in _ANY_ADDRESS else _url_host(mapping.host_ip)
    if value.isdigit():
        return int(value), bind, ""
    if not written:
        return None, None, (f"container port {mapping.target} is published on a random host "
                            f"port (`docker compose port {name} {mapping.target}` shows it)")
    if "$" in written and not value:
        return None, None, (f"its published port `{written}` is interpolated with no default, "
                            f"and the stack's .env does not set it")
    return None, None, f"its published port `{written}` is not one port fixer can call"


def _url_host(address: str) -> str:
    """An IPv6 address in brackets, as a URL writes it."""
    return f"[{address}]" if ":" in address and not address.startswith("[") else address


def _unpublished(service: Service) -> str:
    exposed = [scalar(item) or "" for _doc, value in service.all("expose")
               for item in elements(value)]
    if exposed:
        return (f"only `expose` ({', '.join(exposed)}): other containers reach it, "
                f"the host does not")
    return "it publishes no port (no `ports`)"
