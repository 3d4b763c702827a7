"""The stack as a Mermaid flowchart: services, their ports, `depends_on`, and databases.

Every label is quoted and escaped, every id is `[A-Za-z0-9_]` behind a prefix (so no
id is a Mermaid keyword such as `end`), so the diagram renders on GitHub whatever the
service names are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from fixer import dbusage
from fixer.depends import HEALTHY, dependencies
from fixer.services import Service, Stack
from fixer.sources.compose import elements, get, scalar
from fixer.workspace import Workspace

_POSTGRES_IMAGE = re.compile(r"(^|/)(postgres|postgis|postgresql)[^/]*(:|@|$)", re.IGNORECASE)
_ESCAPES = {'"': "#quot;", "<": "#lt;", ">": "#gt;"}
HOST_ID = "host"
CLASS_DEFS = ("classDef missing stroke:#d00,stroke-width:2px,stroke-dasharray:5 5",
              "classDef database fill:#eef")


def label(*lines: str) -> str:
    """A quoted Mermaid label; lines are joined with <br/>, which GitHub renders."""
    return '"' + "<br/>".join("".join(_ESCAPES.get(c, c) for c in line) for line in lines) + '"'


@dataclass
class _Ids:
    """Stable ids: prefix + the name with other characters as `_`, numbered on collision."""

    taken: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def get(self, prefix: str, scope: str, name: str) -> str:
        key = (prefix, scope, name)
        if key not in self.taken:
            base = f"{prefix}_{re.sub(r'[^A-Za-z0-9_]', '_', name)}"
            used = set(self.taken.values())
            candidate, number = base, 2
            while candidate in used:
                candidate, number = f"{base}_{number}", number + 1
            self.taken[key] = candidate
        return self.taken[key]


def stack_diagram(ws: Workspace) -> str:
    """The flowchart text (without the ``` fence)."""
    ids = _Ids()
    lines = ["flowchart TB", f"  {HOST_ID}([{label('host')}])"]
    several = len(ws.stacks) > 1
    for number, stack in enumerate(ws.stacks, 1):
        body = list(_stack_lines(ws, stack, ids))
        if several:
            lines.append(f"  subgraph stack_{number}[{label(stack.name)}]")
            lines += ["  " + line for line in body] + ["  end"]
        else:
            lines += body
    lines += [f"  {line}" for line in CLASS_DEFS]
    return "\n".join(lines) + "\n"


def _stack_lines(ws: Workspace, stack: Stack, ids: _Ids) -> Iterator[str]:
    scope = stack.name
    databases = _database_targets(stack)
    for service in stack.services.values():
        node_id = ids.get("svc", scope, service.name)
        shape = "[(%s)]" if service.name in databases or _is_postgres(service) else "[%s]"
        css = ":::database" if "(" in shape else ""
        yield f"  {node_id}{shape % label(service.name, *_details(service))}{css}"
        for published in _published(service):
            yield f"  {HOST_ID} -->|{label(published)}| {node_id}"
    for service in stack.services.values():
        yield from _dependency_lines(stack, service, ids)
    yield from _database_lines(ws, stack, ids)


def _details(service: Service) -> list[str]:
    image = service.scalar("image")
    if service.app is not None:
        port = service.app.listen.port
        first = f"listens on {port}" if port is not None else "listen port unknown"
    elif service.get("build") is not None:
        first = "no Dockerfile"
    else:
        first = f"image {image}" if image else "no image"
    exposed = [scalar(e) or "" for _d, v in service.all("expose") for e in elements(v)]
    return [first] + ([f"expose {', '.join(exposed)}"] if exposed else [])


def _published(service: Service) -> list[str]:
    """`ports` entries as written (short syntax) or as `published:target` (long syntax)."""
    found = []
    for _doc, value in service.all("ports"):
        for item in elements(value):
            raw = scalar(item)
            if raw is None:
                target, published = scalar(get(item, "target")), scalar(get(item, "published"))
                raw = f"{published}:{target}" if published else str(target)
            found.append(raw)
    return found


def _dependency_lines(stack: Stack, service: Service, ids: _Ids) -> Iterator[str]:
    source = ids.get("svc", stack.name, service.name)
    for dependency in dependencies(service):
        target = ids.get("svc", stack.name, dependency.name)
        if dependency.name not in stack.services:
            yield f"  {target}[{label(dependency.name, 'not defined')}]:::missing"
        text = "depends_on (healthy)" if dependency.condition == HEALTHY else "depends_on"
        yield f"  {source} -.->|{label(text)}| {target}"


def _database_targets(stack: Stack) -> dict[str, str]:
    """Name a container may call -> the service that answers to it."""
    return {alias: service.name for service in stack.services.values()
            for alias in service.names()}


def _database_lines(ws: Workspace, stack: Stack, ids: _Ids) -> Iterator[str]:
    answering = _database_targets(stack)
    missing = dbusage.missing_hosts(ws, stack)
    drawn: set[str] = set()
    for use in dbusage.postgres_uses(ws, stack):
        if use.url.host_is_loopback or not use.host:
            continue
        source = ids.get("svc", stack.name, use.service.name)
        if use.host in answering:
            target = ids.get("svc", stack.name, answering[use.host])
        else:
            target = ids.get("db", stack.name, use.host)
            if target not in drawn:
                drawn.add(target)
                state = "missing: no service" if use.host in missing else "outside the stack"
                css = "missing" if use.host in missing else "database"
                yield f"  {target}[({label(use.host, 'PostgreSQL', state)})]:::{css}"
        yield f"  {source} -->|{label(use.variable)}| {target}"


def _is_postgres(service: Service) -> bool:
    image = service.scalar("image")
    return bool(image and _POSTGRES_IMAGE.search(image))
