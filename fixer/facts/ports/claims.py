"""Container ports a stack claims for a service:
`ports` targets (short and long syntax), `expose`, healthcheck URLs on the local host,
traefik `loadbalancer.server.port` labels, nginx-proxy's `VIRTUAL_PORT`, and
`scheme://<service>:N` URLs in other services' compose values.
`fixer.facts.ports.references` adds what lies outside compose (`.env` files, `env_file`s,
proxy configuration) and caches the whole index per workspace.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, replace
from typing import NamedTuple

import yaml

from fixer.core.envfile import interpolate
from fixer.core.lazyre import lazy_compile
from fixer.core.numbers import number
from fixer.sources.shortports import body, parse_short
from fixer.facts.ports.urls import LOCAL_HOSTS, find_urls
from fixer.model.services import Service
from fixer.sources.compose import (
    ComposeDoc,
    Value,
    elements,
    get,
    items,
    mapping_or_list,
    scalar,
)
from fixer.sources.portsites import Site

_LOCAL = "|".join(map(re.escape, LOCAL_HOSTS))
LOCAL_URL = lazy_compile(
    rf"(?<![\w.-])(?:https?://)?(?:{_LOCAL})(?::(?P<port>\d+))?(?=[/\s'\"?#)]|$)")
# any local host in a text, found in one call (no generator over LOCAL_HOSTS per scalar)
_ANY_LOCAL = lazy_compile(_LOCAL)
_INTERPOLATION = lazy_compile(r"\$\{[^}]*\}")


@dataclass(frozen=True)
class ContainerPort:
    port: int | None        # the literal target as written; None: interpolated or not a number
    kind: str               # "ports", "expose", "healthcheck", "traefik", "peer", "proxy";
    # "run": a `docker run -p` of the image, only ever the evidence a side is chosen by
    path: str
    line: int
    site: Site | None       # where the target digits are written
    aliased: bool = False   # reached through a YAML alias: never edited
    raw: str = ""
    udp: bool = False
    column: int = 1
    resolved: int | None = None  # an interpolated target's value with the stack's .env
    interpolated: bool = False   # written inside a `${VAR:-...}` default: read, never edited
    http: bool = True            # False: a `grpc://`-like URL or a TCP route, another listener
    # `http://api`, `proxy_pass http://api;`, `server api;`: no port written, the scheme's
    # (80) called; evidence only where the app listens there (`heard`), never edited
    implicit: bool = False
    inline: bool = False   # written in a Compose config's `content:`: read, never edited
    # an `environment` value a later file of the stack sets again: the merged stack never
    # reads it (no evidence of a port), while a run without that later file does (edited)
    replaced: bool = False

    @property
    def effective(self) -> int | None:
        """The port compose would use: the literal, else the interpolated value."""
        return self.port if self.port is not None else self.resolved


def heard(claims: list[ContainerPort], listen: int | None) -> list[ContainerPort]:
    """The claims, less those that call a scheme's port with none written (`http://api`) when
    the app does not listen there: such a URL is often joined to a port elsewhere
    (`API_HOST=http://api` beside `API_PORT=8000`), and says only that port 80 is in use
    where the app listens on it."""
    return [p for p in claims if not p.implicit or p.effective == listen]


def container_ports(service: Service) -> list[ContainerPort]:
    """Every container port the service's compose stack claims for it, read from compose
    alone and uncached: for callers without a workspace (rules use
    `references.service_claims`, which also reads `.env` files and proxy configuration)."""
    names = service.names()
    peers = [port for other in service.stack.services.values() if other is not service
             for _host, port in compose_urls(other, names)]
    return own_ports(service) + sorted(peers, key=_order)


def own_ports(service: Service) -> list[ContainerPort]:
    """What the service's own definition claims: `ports` targets, `expose`, its healthcheck
    and traefik labels, nginx-proxy's `VIRTUAL_PORT`; port ranges are not judged."""
    found: list[ContainerPort] = []
    dotenv = service.stack.dotenv
    for doc, value in service.all("ports"):
        found.extend(_port_entry(doc, item, dotenv) for item in elements(value))
    for doc, value in service.all("expose"):
        found.extend(_target(doc, item, "expose", dotenv) for item in elements(value))
    found.extend(healthcheck_ports(service))
    found.extend(traefik_ports(service))
    found.extend(virtual_ports(service))
    return [p for p in found if not _is_range(p)]


class PortRange(NamedTuple):
    """A range of container ports a `ports` or `expose` entry maps, and where it is
    written."""

    span: range
    kind: str      # "ports" or "expose"
    raw: str       # the entry as written: `8000-8001:8000-8001`
    path: str
    line: int
    column: int
    udp: bool


def target_ranges(service: Service) -> list[PortRange]:
    """The container port ranges of the service's `ports` and `expose` entries
    (`8000-8001:8000-8001`, `expose: ["8000-8003"]`); one written with a variable is left
    out (its bounds are the checkout's)."""
    found: list[PortRange] = []
    for key in ("ports", "expose"):
        for doc, value in service.all(key):
            for item in elements(value):
                raw = scalar(item) or ""
                target = parse_short(raw).target if key == "ports" else body(raw)
                low, dash, high = target.partition("-")
                first, last = number(low), number(high)
                if dash and "$" not in raw and first is not None and last is not None:
                    udp = raw[len(body(raw)) + 1:].lower() == "udp"
                    found.append(PortRange(range(first, last + 1), key, raw, doc.path,
                                           doc.line(item.node), doc.column(item.node), udp))
    return found


def _order(port: ContainerPort) -> tuple[str, int]:
    return port.path, port.site.start if port.site else 0


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
    container = number(short.target)
    if container is None:
        value = parse_short(interpolate(raw, dotenv)).target if "${" in raw else ""
        return ContainerPort(None, "ports", doc.path, doc.line(item.node), None, item.aliased,
                             raw, udp, doc.column(item.node), number(value))
    site = _site(doc, item.node, raw, len(body(raw)) - len(short.target), short.target)
    return _claim(doc, item.node, container, "ports", site, item.aliased, raw, udp)


def _target(doc: ComposeDoc, item: Value, kind: str, dotenv: dict[str, str]) -> ContainerPort:
    """A lone port: an `expose` item or a long-syntax `target:`."""
    raw = scalar(item) or ""
    written, _, protocol = raw.partition("/")
    udp = protocol.lower() == "udp"
    port = number(written)
    if port is None:
        value = interpolate(written, dotenv) if "$" in written else ""
        return ContainerPort(None, kind, doc.path, doc.line(item.node), None, item.aliased, raw,
                             udp, doc.column(item.node), number(value))
    site = _site(doc, item.node, raw, 0, written)
    return _claim(doc, item.node, port, kind, site, item.aliased, raw, udp)


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
        return [p for node in nodes for p in _local_urls(doc, node)]
    return []


def _local_urls(doc: ComposeDoc, item: Value) -> list[ContainerPort]:
    """The port of each local URL (the container itself) in a healthcheck scalar."""
    if not isinstance(item.node, yaml.ScalarNode):
        return []
    text = doc.source(item.node)
    if _ANY_LOCAL.search(text) is None:   # the pattern needs one; far cheaper
        return []
    locked = [m.span() for m in _INTERPOLATION.finditer(text)]
    out = []
    for match in LOCAL_URL.finditer(text):
        digits = match.group("port")
        if digits is not None and number(digits) is not None:
            # a URL inside `${VAR:-...}` is read, never edited
            inside = any(a <= match.start("port") < b for a, b in locked)
            out.append(_at(doc, item, match.start("port"), digits, "healthcheck",
                           match.group(0), inside, True))
    return out


def _at(doc: ComposeDoc, item: Value, relative: int, digits: str, kind: str, raw: str,
        interpolated: bool, http: bool) -> ContainerPort:
    """A claim whose digits start `relative` characters into the scalar's source."""
    start = item.node.start_mark.index + relative
    line, column = _position(item.node, doc.source(item.node), relative)
    return ContainerPort(number(digits), kind, doc.path, line,
                         Site(doc.path, start, start + len(digits)), item.aliased, raw,
                         column=column, interpolated=interpolated, http=http)


def _position(node: yaml.Node, text: str, relative: int) -> tuple[int, int]:
    """1-based line and column of text[relative], where text is the node's source; from the
    node's mark, so a large file is never rescanned from its start."""
    before = text[:relative]
    newlines = before.count("\n")
    if not newlines:
        return int(node.start_mark.line) + 1, int(node.start_mark.column) + relative + 1
    return int(node.start_mark.line) + 1 + newlines, relative - before.rfind("\n")


def compose_urls(service: Service, hosts: Container[str]) -> list[tuple[str, ContainerPort]]:
    """(host, claim) for each `scheme://host:N` in any compose value of the service
    (environment, command, labels, healthcheck, build args...) whose host is one of `hosts`:
    what it calls of them. Callers judge only URLs to their services: a claim for any
    other host (a database, `localhost`) would be built to be dropped."""
    out: list[tuple[str, ContainerPort]] = []
    replaced = _replaced_variables(service)
    for doc, value in service.definitions:
        text = doc.file.text
        for item in _url_scalars(value, text):
            dead = id(item.node) in replaced
            start, end = item.node.start_mark.index, item.node.end_mark.index
            for url in find_urls(text[start:end], implicit=True,
                                 variables=service.stack.dotenv, hosts=hosts):
                claim = _at(doc, item, url.start, str(url.port), "peer", url.text,
                            url.interpolated, url.http)
                if url.implicit:
                    claim = replace(claim, site=None, implicit=True)
                elif url.variable:   # `${PORT:-8080}`: a value, no digits to edit
                    claim = replace(claim, port=None, resolved=url.port, site=None)
                out.append((url.host, replace(claim, replaced=True) if dead else claim))
    return out


def _replaced_variables(service: Service) -> set[int]:
    """The nodes of the `environment` values a later file of the stack sets again (an
    override's `API_URL` over the base file's): Compose merges `environment` variable by
    variable, so those never reach the container."""
    definitions = service.definitions
    if len(definitions) < 2:   # one file defines it: nothing is replaced
        return set()
    later: set[str] = set()
    replaced: set[int] = set()
    for _doc, value in reversed(definitions):
        environment = get(value, "environment")
        entries = mapping_or_list(environment)
        replaced |= {id(node.node) for key, _raw, node in entries if key in later}
        later |= {key for key, _raw, _node in entries}
    return replaced


def _url_scalars(value: Value, text: str) -> list[Value]:
    """Every scalar under a node whose source holds `://`, merge keys expanded (an anchor's
    values are the service's), in document order."""
    found: list[Value] = []
    _collect_url_scalars(value, text, found)
    return found


def _collect_url_scalars(value: Value, text: str, found: list[Value]) -> None:
    """Appends rather than yields: nested generators resume once per level for each scalar,
    and compose_urls walks every service of the stack. A collection whose source holds
    neither `://` nor `*` is skipped whole: what lies under it is written inside it, as
    only an alias could bring in text from elsewhere (a `build:` or `ports:` mapping)."""
    node = value.node
    start, end = node.start_mark.index, node.end_mark.index
    if isinstance(node, yaml.ScalarNode):
        if text.find("://", start, end) >= 0:
            found.append(value)
    elif text.find("://", start, end) < 0 and text.find("*", start, end) < 0:
        return
    elif isinstance(node, yaml.SequenceNode):
        for item in elements(value):
            _collect_url_scalars(item, text, found)
    elif isinstance(node, yaml.MappingNode):
        for _key, item in items(value):
            _collect_url_scalars(item, text, found)


# the service's name may be interpolated, with words in its message:
# `traefik.http.services.${STACK_NAME?Variable not set}-backend.loadbalancer.server.port`
_TRAEFIK = lazy_compile(r"traefik\.(?P<proto>http|tcp|udp)\.services\."
                        r"(?:\$\{[^}\n]*\}|[^.=\s$]|\$(?!\{))+"
                        r"\.loadbalancer\.server\.port")


def traefik_ports(service: Service) -> list[ContainerPort]:
    """`traefik.<proto>.services.X.loadbalancer.server.port` labels: where traefik sends the
    service's traffic (label keys in a mapping, or `key=value` items of a list), in the
    service's `labels:` and in `deploy.labels:` (what Traefik reads from a Swarm stack)."""
    out: list[ContainerPort] = []
    deployed = [(doc, labels) for doc, deploy in service.all("deploy")
                if (labels := get(deploy, "labels")) is not None]
    for doc, value in [*service.all("labels"), *deployed]:
        for key, val, item in mapping_or_list(value):
            match = _TRAEFIK.fullmatch(key)
            if match is None or val is None:
                continue
            proto = match.group("proto")
            claim = _label_port(doc, item, val.strip(), service.stack.dotenv, "traefik")
            if claim is not None:
                out.append(ContainerPort(claim.port, "traefik", claim.path, claim.line,
                                         claim.site, claim.aliased, f"{key}={val}",
                                         proto == "udp", claim.column, claim.resolved,
                                         http=proto == "http"))
    return out


def virtual_ports(service: Service) -> list[ContainerPort]:
    """nginx-proxy's `VIRTUAL_PORT` in the service's `environment:`: the port the proxy
    (`nginxproxy/nginx-proxy`, `jwilder/nginx-proxy`, in this stack or a shared one)
    routes the service's `VIRTUAL_HOST` to."""
    out: list[ContainerPort] = []
    for doc, value in service.all("environment"):
        for key, val, item in mapping_or_list(value):
            claim = _label_port(doc, item, val.strip(), service.stack.dotenv, "proxy") \
                if key == "VIRTUAL_PORT" and val else None
            if claim is not None:
                out.append(replace(claim, raw=f"VIRTUAL_PORT={val}"))
    return out


def _label_port(doc: ComposeDoc, item: Value, val: str, dotenv: dict[str, str],
                kind: str) -> ContainerPort | None:
    """The port of a `KEY=8000` list item or a `KEY: 8000` mapping value (a label, an
    environment variable)."""
    port = number(val)
    if port is None:
        resolved = number(interpolate(val, dotenv) if "$" in val else "")
        if resolved is None:
            return None
        return ContainerPort(None, kind, doc.path, doc.line(item.node), None,
                             item.aliased, val, column=doc.column(item.node),
                             resolved=resolved)
    raw = scalar(item) or ""
    # a list item `key=8000` holds the key too; a mapping value is the number alone
    at = raw.rfind(val) if raw != val else 0
    site = _site(doc, item.node, raw, at, val)
    return _claim(doc, item.node, port, kind, site, item.aliased, val, False)
