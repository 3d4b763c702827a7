"""The stack as a Mermaid flowchart: services, their ports, `depends_on`, and databases.

Every label is quoted and escaped, every id is `[A-Za-z0-9_]` behind a prefix (so no
id is a Mermaid keyword such as `end`), so the diagram renders on GitHub whatever the
service names are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from fixer.core.errors import InputError
from fixer.core.lazyre import lazy_compile
from fixer.facts.database import dbusage
from fixer.facts.builds.runs import unread_build
from fixer.model.depends import HEALTHY, dependencies, included_services
from fixer.model.services import App, Service, Stack, locate_build
from fixer.model.workspace import Workspace
from fixer.sources.compose import elements, get, scalar

_POSTGRES_IMAGE = lazy_compile(r"(^|/)(postgres|postgis|postgresql)[^/]*(:|@|$)", re.IGNORECASE)
_ESCAPES = {'"': "#quot;", "<": "#lt;", ">": "#gt;"}
HOST_ID = "host"
_EDGE = lazy_compile(r" (?:-->|-\.->)\|")
# GitHub renders a Mermaid diagram of at most 500 edges and 50,000 characters; a diagram
# of more than 100 services is unreadable anyway.
GITHUB_EDGES, GITHUB_TEXT = 500, 50_000
MAX_SERVICES, MAX_EDGES, MAX_TEXT = 100, 450, 45_000
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


@dataclass(frozen=True)
class Diagram:
    text: str                  # the flowchart (without the ``` fence)
    note: str | None = None    # set when the diagram is collapsed: why, in a sentence


def stack_diagram(ws: Workspace) -> str:
    """The flowchart text (without the ``` fence)."""
    return diagram(ws).text


def diagram(ws: Workspace) -> Diagram:
    """One node per service; past what GitHub renders well (more than `MAX_SERVICES`
    services, or near its edge and text limits), one node per stack with counts."""
    count = sum(len(stack.services) for stack in ws.stacks)
    if count > MAX_SERVICES:
        why = f"{count} services, more than the {MAX_SERVICES} a readable diagram holds"
    else:
        text = _full(ws)
        edges = sum(1 for line in text.splitlines() if _EDGE.search(line))
        if edges <= MAX_EDGES and len(text) <= MAX_TEXT:
            return Diagram(text)
        why = (f"{edges} edges, near the {GITHUB_EDGES} GitHub renders" if edges > MAX_EDGES
               else f"{len(text)} characters, near the {GITHUB_TEXT} GitHub renders")
    return Diagram(_collapsed(ws), f"The stack has {why}: the diagram shows one node per "
                                   "stack, with counts.")


def _flowchart(body: list[str]) -> str:
    lines = ["flowchart TB", f"  {HOST_ID}([{label('host')}])", *body]
    return "\n".join(lines + [f"  {line}" for line in CLASS_DEFS]) + "\n"


def _full(ws: Workspace) -> str:
    ids, lines = _Ids(), []
    several = len(ws.stacks) > 1
    # edges to a service another stack draws (one an `include:` brings in): after every
    # subgraph, since Mermaid puts a node in the subgraph that first names it
    across: list[str] = []
    for number, stack in enumerate(ws.stacks, 1):
        body = list(_stack_lines(ws, stack, ids, across))
        if several:
            lines.append(f"  subgraph stack_{number}[{label(stack.name)}]")
            lines += ["  " + line for line in body] + ["  end"]
        else:
            lines += body
    return _flowchart(lines + across)


def _collapsed(ws: Workspace) -> str:
    ids = _Ids()
    return _flowchart([line for stack in ws.stacks for line in _stack_summary(ws, stack, ids)])


def _stack_summary(ws: Workspace, stack: Stack, ids: _Ids) -> Iterator[str]:
    """One node for the stack: how many services, ports, dependencies and database URLs;
    a node per PostgreSQL host that no service provides, as the full diagram has."""
    view = _StackView.of(ws, stack)
    services = list(stack.services.values())
    built = sum(1 for s in services if s.get("build") is not None)
    published = sum(len(_published(s)) for s in services)
    waits = [d for s in services for d in {d.name: d for d in dependencies(s)}.values()]
    healthy = sum(1 for d in waits if d.condition == HEALTHY)
    node = ids.get("stack", stack.name, stack.name)
    text = label(stack.name,
                 f"{len(services)} services: {built} built, {len(services) - built} from images",
                 f"{len(waits)} depends_on ({healthy} healthy)", f"{len(view.uses)} database URLs",
                 "one node per stack")
    yield f"  {node}[{text}]"
    if published:
        yield f"  {HOST_ID} -->|{label(f'{published} published ports')}| {node}"
    for host in sorted(view.missing):
        users = {u.service.name for u in view.uses if u.host == host}
        target = ids.get("db", stack.name, host)
        yield f"  {target}[({label(host, 'PostgreSQL', 'missing: no service')})]:::missing"
        yield f"  {node} -->|{label(f'{len(users)} services')}| {target}"


@dataclass(frozen=True)
class _StackView:
    """What the diagram needs to know about one stack's databases."""

    stack: Stack
    uses: list[dbusage.UrlUse]
    # a name containers may call -> the service answering to it: the stack's own, or one a
    # file of its `include:` brings into the project (drawn in that file's stack)
    answering: dict[str, Service]
    missing: set[str]             # PostgreSQL hosts no service answers to

    @classmethod
    def of(cls, ws: Workspace, stack: Stack) -> _StackView:
        brought = list(included_services(ws, stack).values())
        answering = {alias: service for service in [*brought, *stack.services.values()]
                     for alias in service.names()}
        uses = [u for u in dbusage.postgres_uses(ws, stack)
                if u.host and not u.url.host_is_loopback]
        return cls(stack, uses, answering, set(dbusage.missing_hosts(ws, stack)))

    def databases(self) -> set[str]:
        """Services of the stack that are PostgreSQL: by image, or because a URL points at
        them."""
        found = {s.name for s in self.stack.services.values() if _is_postgres(s)}
        return found | {self.answering[u.host].name for u in self.uses
                        if u.host in self.answering
                        and self.answering[u.host].stack is self.stack}

    def node(self, ids: _Ids, service: Service) -> str:
        return ids.get("svc", service.stack.name, service.name)


def _stack_lines(ws: Workspace, stack: Stack, ids: _Ids, across: list[str]) -> Iterator[str]:
    view = _StackView.of(ws, stack)
    databases = view.databases()
    for service in stack.services.values():
        node_id = ids.get("svc", stack.name, service.name)
        text = label(service.name, *_details(ws, service))
        if service.name in databases:
            yield f"  {node_id}[({text})]:::database"
        else:
            yield f"  {node_id}[{text}]"
        for published in _published(service):
            yield f"  {HOST_ID} -->|{label(published)}| {node_id}"
    drawn: set[str] = set()
    yield from _database_lines(view, ids, drawn, across)
    for service in stack.services.values():
        yield from _dependency_lines(view, service, ids, drawn, across)


def _dockerfile_there(ws: Workspace, service: Service) -> bool:
    """The Dockerfile the build names exists, though fixer built no app from it (its
    `build.target` is no stage of it, or it cannot be read: input errors)."""
    try:
        build = locate_build(ws.tree, service)
    except InputError:
        return False
    return build is not None and ws.tree.exists(build.dockerfile)


def _details(ws: Workspace, service: Service) -> list[str]:
    image = service.scalar("image")
    if service.app is not None:
        port = service.app.listen.port
        first = f"listens on {port}" if port is not None else _unread_port(service.app)
    elif service.get("build") is not None:
        # a template's folder or a remote context may hold the Dockerfile, or compose
        # itself: fixer does not read it to tell
        first = "build not read" if unread_build(ws, service) else \
            "Dockerfile not read" if _dockerfile_there(ws, service) else "no Dockerfile"
    else:
        first = f"image {image}" if image else "no image"
    # Compose merges what each file lists: an entry two files repeat is one
    exposed = list(dict.fromkeys(scalar(e) or "" for _d, v in service.all("expose")
                                 for e in elements(v)))
    return [first] + ([f"expose {', '.join(exposed)}"] if exposed else [])


def _unread_port(app: App) -> str:
    """Where fixer reads no server of the image (nginx, Flask): what its final stage's
    EXPOSE declares, which is no port fixer judged."""
    declared = [word for ins in app.stage.find("EXPOSE") for word in ins.value]
    return f"listen port not read (EXPOSE {' '.join(declared)})" if declared else \
        "listen port unknown"


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
    return list(dict.fromkeys(found))   # one entry per mapping, as Compose merges them


def _dependency_lines(view: _StackView, service: Service, ids: _Ids, drawn: set[str],
                      across: list[str]) -> Iterator[str]:
    """The service's `depends_on` edges; those to a service another stack draws go to
    `across`."""
    scope = view.stack.name
    source = ids.get("svc", scope, service.name)
    # Compose merges the files' entries by name, the last file's condition winning
    merged = {d.name: d for d in dependencies(service)}
    for dependency in merged.values():
        name = dependency.name
        text = "depends_on (healthy)" if dependency.condition == HEALTHY else "depends_on"
        brought = view.answering.get(name) if name not in view.stack.services else None
        if brought is not None and brought.stack is not view.stack:
            # brought in by `include:`: drawn in its file's stack
            across.append(f"  {source} -.->|{label(text)}| {view.node(ids, brought)}")
            continue
        if name in view.stack.services:
            target = ids.get("svc", scope, name)
        elif name in view.missing:  # the database host C001 would add
            target = ids.get("db", scope, name)
            yield from _missing_database(view, name, target, drawn)
        else:
            target = ids.get("svc", scope, name)
            if target not in drawn:
                drawn.add(target)
                yield f"  {target}[{label(name, 'not defined')}]:::missing"
        yield f"  {source} -.->|{label(text)}| {target}"


def _database_lines(view: _StackView, ids: _Ids, drawn: set[str],
                    across: list[str]) -> Iterator[str]:
    scope = view.stack.name
    for use in view.uses:
        answering = view.answering.get(use.host)
        if answering is not None and answering.stack is view.stack and \
                answering.name == use.service.name:
            continue   # the database's own env_file, shared with its users: no edge
        source = ids.get("svc", scope, use.service.name)
        if use.host in view.answering and view.answering[use.host].stack is not view.stack:
            target = view.node(ids, view.answering[use.host])
            across.append(f"  {source} -->|{label(use.variable)}| {target}")
            continue
        if use.host in view.answering:
            target = view.node(ids, view.answering[use.host])
        else:
            target = ids.get("db", scope, use.host)
            yield from _missing_database(view, use.host, target, drawn)
        yield f"  {source} -->|{label(use.variable)}| {target}"


def _missing_database(view: _StackView, host: str, node_id: str,
                      drawn: set[str]) -> Iterator[str]:
    """The node of a database host no service provides (or one outside the stack), once."""
    if node_id in drawn:
        return
    drawn.add(node_id)
    if host in view.missing:
        yield f"  {node_id}[({label(host, 'PostgreSQL', 'missing: no service')})]:::missing"
    else:
        yield f"  {node_id}[({label(host, 'PostgreSQL', 'outside the stack')})]:::database"


def _is_postgres(service: Service) -> bool:
    image = service.scalar("image")
    return bool(image and _POSTGRES_IMAGE.search(image))
