"""Container ports a stack claims for a service (RULES.md, "Container ports in compose"):
`ports` targets (short and long syntax), `expose`, healthcheck URLs on the local host,
and `http://<service>:N` URLs in other services' environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from fixer.listen import Site
from fixer.services import Service
from fixer.sources.compose import ComposeDoc, Value, elements, get, mapping_or_list, scalar

LOCAL_URL = re.compile(r"(?:https?://)?(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::(\d+))?(?=[/\s'\"]|$)")


@dataclass(frozen=True)
class ContainerPort:
    port: int | None        # None: interpolated, a range, or not a number
    kind: str               # "ports", "expose", "healthcheck", "peer"
    path: str
    line: int
    site: Site | None       # where the target digits are written
    aliased: bool = False   # reached through a YAML alias: never edited
    raw: str = ""
    udp: bool = False


def container_ports(service: Service) -> list[ContainerPort]:
    found: list[ContainerPort] = []
    for doc, value in service.all("ports"):
        for item in elements(value):
            found.append(_port_entry(doc, item))
    for doc, value in service.all("expose"):
        for item in elements(value):
            found.append(_plain(doc, item, "expose"))
    found.extend(healthcheck_ports(service))
    found.extend(peer_ports(service))
    return found


def _port_entry(doc: ComposeDoc, item: Value) -> ContainerPort:
    if isinstance(item.node, yaml.MappingNode):  # long syntax
        target = get(item, "target")
        protocol = scalar(get(item, "protocol")) or "tcp"
        if target is None:
            return ContainerPort(None, "ports", doc.path, doc.line(item.node), None, item.aliased)
        entry = _plain(doc, target, "ports")
        return ContainerPort(entry.port, "ports", entry.path, entry.line, entry.site,
                             item.aliased or target.aliased, entry.raw, protocol == "udp")
    raw = scalar(item) or ""
    body, _, protocol = raw.partition("/")
    target = _split_colons(body)[-1] if body else ""
    port = int(target) if target.isdigit() else None
    site = None
    if port is not None:
        text = doc.source(item.node)
        offset = text.rfind(target, 0, len(text) - (len(protocol) + 1 if protocol else 0))
        start = item.node.start_mark.index + offset
        site = Site(doc.path, start, start + len(target))
    return ContainerPort(port, "ports", doc.path, doc.line(item.node), site, item.aliased, raw,
                         protocol == "udp")


def _split_colons(text: str) -> list[str]:
    """`[ip:][published:]target`, where `${...}` and `[ipv6]` may hold colons."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        if char == ":" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def _plain(doc: ComposeDoc, item: Value, kind: str) -> ContainerPort:
    raw = (scalar(item) or "").split("/")[0]
    port = int(raw) if raw.isdigit() else None
    site = None
    if port is not None:
        text = doc.source(item.node)
        start = item.node.start_mark.index + text.find(raw)
        site = Site(doc.path, start, start + len(raw))
    return ContainerPort(port, kind, doc.path, doc.line(item.node), site, item.aliased, raw)


def healthcheck_ports(service: Service) -> list[ContainerPort]:
    found = service.get("healthcheck")
    if found is None:
        return []
    doc, value = found
    test = get(value, "test")
    if test is None:
        return []
    nodes = elements(test) or [test]
    return [p for node in nodes for p in _urls(doc, node, LOCAL_URL, "healthcheck")]


def _urls(doc: ComposeDoc, item: Value, pattern: re.Pattern[str], kind: str) -> list[ContainerPort]:
    if not isinstance(item.node, yaml.ScalarNode):
        return []
    text = doc.source(item.node)
    out = []
    for match in pattern.finditer(text):
        digits = match.group(1)
        if digits is None:
            continue
        start = item.node.start_mark.index + match.start(1)
        out.append(ContainerPort(int(digits), kind, doc.path, doc.file.line_of(start),
                                 Site(doc.path, start, start + len(digits)), item.aliased,
                                 match.group(0)))
    return out


def peer_ports(service: Service) -> list[ContainerPort]:
    """`http://<name>:N` in the environment of the stack's other services."""
    names = "|".join(re.escape(n) for n in sorted(service.names()))
    pattern = re.compile(rf"\b(?:https?|wss?|grpc)://(?:{names})(?::(\d+))?(?=[/\s'\"]|$)")
    out: list[ContainerPort] = []
    for other in service.stack.services.values():
        if other is service:
            continue
        for doc, value in other.all("environment"):
            for _key, _val, node in mapping_or_list(value):
                out.extend(_urls(doc, node, pattern, "peer"))
    return out
