"""Container ports a stack claims for a service (RULES.md, "Container ports in compose"):
`ports` targets (short and long syntax), `expose`, healthcheck URLs on the local host,
and `http://<service>:N` URLs in other services' environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from fixer.envfile import interpolate
from fixer.ports.portsites import Site
from fixer.services import Service, Stack
from fixer.sources.compose import ComposeDoc, Value, elements, get, mapping_or_list, scalar

LOCAL_URL = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(?P<port>\d+))?"
    r"(?=[/\s'\"?#)]|$)")
_INTERPOLATION = re.compile(r"\$\{[^}]*\}")


@dataclass(frozen=True)
class ContainerPort:
    port: int | None        # the literal target as written; None: interpolated or not a number
    kind: str               # "ports", "expose", "healthcheck", "peer"
    path: str
    line: int
    site: Site | None       # where the target digits are written
    aliased: bool = False   # reached through a YAML alias: never edited
    raw: str = ""
    udp: bool = False
    column: int = 1
    resolved: int | None = None  # an interpolated target's value with the stack's .env
    interpolated: bool = False   # written inside a `${VAR:-...}` default: read, never edited

    @property
    def effective(self) -> int | None:
        """The port compose would use: the literal, else the interpolated value."""
        return self.port if self.port is not None else self.resolved


@dataclass(frozen=True)
class ShortPort:
    """`[host_ip:][published:]target[/protocol]`, each part as written."""

    host_ip: str | None
    published: str | None
    target: str
    protocol: str


def parse_short(raw: str) -> ShortPort:
    """Split the short `ports` syntax; `${...}` and `[ipv6]` may hold colons."""
    body = _body(raw)
    protocol = raw[len(body) + 1:].lower() or "tcp"
    parts = _split_colons(body)
    target = parts[-1]
    published = parts[-2] if len(parts) >= 2 else None
    host_ip = ":".join(parts[:-2]) if len(parts) >= 3 else None
    return ShortPort(host_ip, published, target, protocol)


def _body(raw: str) -> str:
    """The mapping without its `/protocol` suffix."""
    head, slash, tail = raw.rpartition("/")
    return head if slash and tail.lower() in ("tcp", "udp", "sctp") else raw


def _split_colons(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "{["
        depth -= char in "}]"
        if char == ":" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def container_ports(service: Service) -> list[ContainerPort]:
    """Every container port compose claims for the service; port ranges are not judged."""
    found: list[ContainerPort] = []
    dotenv = service.stack.dotenv
    for doc, value in service.all("ports"):
        found.extend(_port_entry(doc, item, dotenv) for item in elements(value))
    for doc, value in service.all("expose"):
        found.extend(_target(doc, item, "expose", dotenv) for item in elements(value))
    found.extend(healthcheck_ports(service))
    found.extend(peer_ports(service))
    return [p for p in found if not _is_range(p)]


def _is_range(port: ContainerPort) -> bool:
    """`8000-8010`: a range of container ports, which this model does not judge."""
    if port.kind not in ("ports", "expose") or port.port is not None or "$" in port.raw:
        return False
    return "-" in parse_short(port.raw).target


def _port_entry(doc: ComposeDoc, item: Value, dotenv: dict[str, str]) -> ContainerPort:
    if isinstance(item.node, yaml.MappingNode):  # long syntax
        target = get(item, "target")
        udp = (scalar(get(item, "protocol")) or "tcp").lower() == "udp"
        if target is None:
            return ContainerPort(None, "ports", doc.path, doc.line(item.node), None, item.aliased,
                                 column=doc.column(item.node), udp=udp)
        entry = _target(doc, Value(target.node, item.aliased or target.aliased), "ports", dotenv)
        return ContainerPort(entry.port, "ports", entry.path, entry.line, entry.site,
                             entry.aliased, entry.raw, udp, entry.column, entry.resolved)
    raw = scalar(item) or ""
    short = parse_short(raw)
    udp = short.protocol == "udp"
    if not short.target.isdigit():
        value = parse_short(interpolate(raw, dotenv)).target if "${" in raw else ""
        resolved = int(value) if value.isdigit() else None
        return ContainerPort(None, "ports", doc.path, doc.line(item.node), None, item.aliased,
                             raw, udp, doc.column(item.node), resolved)
    site = _site(doc, item.node, raw, len(_body(raw)) - len(short.target), short.target)
    return _claim(doc, item.node, int(short.target), "ports", site, item.aliased, raw, udp)


def _target(doc: ComposeDoc, item: Value, kind: str, dotenv: dict[str, str]) -> ContainerPort:
    """A lone port: an `expose` item or a long-syntax `target:`."""
    raw = scalar(item) or ""
    number, _, protocol = raw.partition("/")
    udp = protocol.lower() == "udp"
    if not number.isdigit():
        value = interpolate(number, dotenv) if "$" in number else ""
        resolved = int(value) if value.isdigit() else None
        return ContainerPort(None, kind, doc.path, doc.line(item.node), None, item.aliased, raw,
                             udp, doc.column(item.node), resolved)
    site = _site(doc, item.node, raw, 0, number)
    return _claim(doc, item.node, int(number), kind, site, item.aliased, raw, udp)


def _content(doc: ComposeDoc, node: yaml.Node, raw: str) -> int:
    """Offset of the scalar's value in the text, or -1 when it is not written verbatim."""
    source = doc.source(node)
    quoted = source[:1] in ("'", '"')
    inner = source[1:-1] if quoted else source
    return node.start_mark.index + (1 if quoted else 0) if inner == raw else -1


def _site(doc: ComposeDoc, node: yaml.Node, raw: str, at: int, digits: str) -> Site | None:
    content = _content(doc, node, raw)
    if content < 0 or at < 0:
        return None
    return Site(doc.path, content + at, content + at + len(digits))


def _claim(doc: ComposeDoc, node: yaml.Node, port: int, kind: str, site: Site | None,
           aliased: bool, raw: str, udp: bool) -> ContainerPort:
    relative = site.start - node.start_mark.index if site else 0
    line, column = _position(node, doc.source(node), relative)
    return ContainerPort(port, kind, doc.path, line, site, aliased, raw, udp, column)


def healthcheck_ports(service: Service) -> list[ContainerPort]:
    """Local URLs in the healthcheck `test` compose uses (the last file that sets one)."""
    for doc, value in reversed(service.all("healthcheck")):
        test = get(value, "test")
        if test is None:
            continue  # an overlay that sets only `interval`: the base's test applies
        nodes = elements(test) or [test]
        return [p for node in nodes for p in _urls(doc, node, LOCAL_URL, "healthcheck")]
    return []


def _urls(doc: ComposeDoc, item: Value, pattern: re.Pattern[str], kind: str) -> list[ContainerPort]:
    """The port of each URL the pattern finds (its group `port`)."""
    if not isinstance(item.node, yaml.ScalarNode):
        return []
    text = doc.source(item.node)
    locked = [m.span() for m in _INTERPOLATION.finditer(text)]
    out = []
    for match in pattern.finditer(text):
        digits = match.group("port")
        if digits is None:
            continue
        relative = match.start("port")
        start = item.node.start_mark.index + relative
        line, column = _position(item.node, text, relative)
        # a URL inside `${VAR:-...}` is read, never edited
        inside = any(a <= relative < b for a, b in locked)
        out.append(ContainerPort(int(digits), kind, doc.path, line,
                                 Site(doc.path, start, start + len(digits)), item.aliased,
                                 match.group(0), column=column, interpolated=inside))
    return out


def _position(node: yaml.Node, text: str, relative: int) -> tuple[int, int]:
    """1-based line and column of text[relative], where text is the node's source; from the
    node's mark, so a large file is never rescanned from its start."""
    before = text[:relative]
    newlines = before.count("\n")
    if not newlines:
        return int(node.start_mark.line) + 1, int(node.start_mark.column) + relative + 1
    return int(node.start_mark.line) + 1 + newlines, relative - before.rfind("\n")


_PEER_URL = re.compile(
    r"\b(?:https?|wss?|grpc)://(?P<host>[\w.-]+)(?::(?P<port>\d+))?(?=[/\s'\"?#}]|$)")
_PEERS: dict[int, tuple[Stack, dict[str, list[tuple[Service, ContainerPort]]]]] = {}


def peer_ports(service: Service) -> list[ContainerPort]:
    """`http://<name>:N` in the environment of the stack's other services."""
    index = _peer_index(service.stack)
    found = [port for name in service.names() for owner, port in index.get(name, [])
             if owner is not service]
    return sorted(found, key=lambda p: (p.path, p.site.start if p.site else 0))


def _peer_index(stack: Stack) -> dict[str, list[tuple[Service, ContainerPort]]]:
    """host -> the URL ports naming it, over every service's environment: built once per
    stack, so a thousand services cost one pass, not a million."""
    cached = _PEERS.get(id(stack))
    if cached is not None and cached[0] is stack:
        return cached[1]
    index: dict[str, list[tuple[Service, ContainerPort]]] = {}
    for owner in stack.services.values():
        for doc, value in owner.all("environment"):
            for _key, _val, node in mapping_or_list(value):
                for port in _urls(doc, node, _PEER_URL, "peer"):
                    host = _PEER_URL.match(port.raw)
                    if host is not None:
                        index.setdefault(host.group("host"), []).append((owner, port))
    if len(_PEERS) > 64:  # the fix loop builds a new stack after every fix
        _PEERS.clear()
    _PEERS[id(stack)] = (stack, index)
    return index
