"""Healthchecks that call another service of the stack (`curl http://proxy/api/health`).

Such a healthcheck passes only once the service it calls runs. When that service is the
one that would wait for the checked service to be healthy, or starts only after it, a
`condition: service_healthy` gate is a cycle: neither ever starts.
"""

from __future__ import annotations


from fixer.core.lazyre import lazy_compile
from fixer.facts.health.healthchecks import compose_test, nearest_healthcheck
from fixer.model.depends import dependencies
from fixer.model.services import Service

# the host of a URL in a healthcheck's words (curl, wget, a Python `urlopen(...)` one-liner)
_URL_HOST = lazy_compile(r"\b(?:https?|wss?)://([A-Za-z0-9_.-]+)")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "0.0.0.0"})


def probed_hosts(service: Service) -> set[str]:
    """The hosts the URLs of the service's healthcheck name: compose's test, else its
    image's HEALTHCHECK."""
    test = compose_test(service)
    app = service.app
    if test is None and app is not None:
        check = nearest_healthcheck(app.dockerfile, app.stage)
        test = list(check.value) if check is not None else None
    return {m.group(1).lower() for word in test or [] for m in _URL_HOST.finditer(word)}


def health_cycle(waiting: Service, target: Service) -> str | None:
    """Why `waiting` must not wait for `target` to be healthy: the healthcheck of `target`
    calls `waiting`, or a service that starts only after `waiting` (its `depends_on`, any
    condition, followed through); None when it calls no such service."""
    services = target.stack.services
    for host in sorted(probed_hosts(target) - _LOOPBACK):
        called = next((s for s in services.values()
                       if host in {n.lower() for n in s.names()}), None)
        if called is None or called is target:
            continue
        if called is waiting or waiting.name in _started_before(called):
            after = "" if called is waiting else f" starts only after {waiting.name}, which"
            return (f"the healthcheck of {target.name} calls {host}, which{after} would wait "
                    f"for {target.name} to be healthy: a cycle, neither would ever start")
    return None


def _started_before(service: Service) -> set[str]:
    """The services Compose starts before `service`: its `depends_on`, followed through."""
    services = service.stack.services
    found: set[str] = set()
    todo = [service]
    while todo:
        for dependency in dependencies(todo.pop()):
            if dependency.name not in found and dependency.name in services:
                found.add(dependency.name)
                todo.append(services[dependency.name])
    return found
