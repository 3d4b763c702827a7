"""Property 3 of the stack check: a service shares a network with every service that names
it (in `depends_on`, or as the host of a URL in its environment)."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.facts.database.networks import service_networks
from fixer.facts.ports.urls import URL
from fixer.model.depends import dependencies
from fixer.model.services import Service, Stack
from fixer.model.workspace import Workspace
from fixer.sources.compose_edit import Unfixable
from fixer.stackcheck.verdicts import NETWORK, Fact, Verdict


def network_facts(ws: Workspace, stack: Stack) -> Iterator[Fact]:
    by_name = {n: s.name for s in stack.services.values() for n in s.names()}
    for user in stack.services.values():
        for name in sorted({by_name[n] for n in _named(ws, user) if n in by_name} - {user.name}):
            target = stack.services[name]
            verdict, why = _shared(user, target)
            path, line = _definition(target)
            yield Fact(NETWORK, (NETWORK, stack.name, name, user.name), path, line,
                       (name, user.name), name, verdict, why)


def _named(ws: Workspace, service: Service) -> set[str]:
    """The hosts a service calls: its `depends_on` and the hosts of URLs in its environment."""
    names = {dep.name for dep in dependencies(service)}
    for value in service.environment(ws.tree).values():
        names.update(m.group("host") for m in URL.finditer(value))
    return names


def _shared(user: Service, target: Service) -> tuple[Verdict, str]:
    try:
        mine, theirs = set(service_networks(user)), set(service_networks(target))
    except Unfixable:  # host or container networking: fixer cannot tell who resolves whom
        return Verdict.UNKNOWN, ""
    if mine & theirs:
        return Verdict.HOLDS, ""
    return Verdict.BROKEN, (f"shares no network with {user.name}, which names it "
                            f"({user.name}: {', '.join(sorted(mine))}; "
                            f"{target.name}: {', '.join(sorted(theirs))})")


def _definition(service: Service) -> tuple[str, int]:
    """Where the service is first defined: its key's line."""
    doc, key = service.key()
    return doc.path, doc.line(key)
