"""Which stacks a finding is about: the gates match findings by service, and a dev and a prod
compose file may each define a service of one name.

A finding names its service by name only. Where one stack of the repository defines that
name, that stack is the finding's; where several do, the stacks whose compose files hold the
finding's file, else those whose build of the service reads it (its build folder, or its
Dockerfile), else all of them (a Dockerfile two stacks build is both stacks'). Two findings
are about one service when their service names are equal and their stacks meet
(`engine/gates.py`).
"""

from __future__ import annotations

from collections.abc import Callable

from fixer.model.rule import Finding
from fixer.model.services import Service
from fixer.model.workspace import Workspace

Scope = Callable[[Finding], frozenset[str]]


def stack_scope(ws: Workspace) -> Scope:
    """The stacks of each finding with a service, kept per (service, file): the gates ask
    of the same finding many times, and of the copies they make of it."""
    by_name: dict[str, list[Service]] = {}
    for service in ws.services():
        by_name.setdefault(service.name, []).append(service)
    known: dict[tuple[str, str], frozenset[str]] = {}

    def scope(finding: Finding) -> frozenset[str]:
        if finding.service is None:
            return frozenset()
        key = (finding.service, finding.path)
        if key not in known:
            known[key] = _stacks(by_name.get(finding.service, []), finding.path)
        return known[key]
    return scope


def _stacks(services: list[Service], path: str) -> frozenset[str]:
    named = frozenset(s.stack.name for s in services)
    if len(named) <= 1:
        return named
    holding = frozenset(s.stack.name for s in services
                        if any(doc.path == path for doc in s.stack.docs))
    if holding:
        return holding
    building = frozenset(s.stack.name for s in services if s.app is not None and
                         (path == s.app.dockerfile.path or not s.app.folder or
                          path.startswith(s.app.folder + "/")))
    return building or named


def meet(scope: Scope, one: Finding, other: Finding) -> bool:
    """Whether two findings may be about one stack's service: their stacks meet (a finding
    with no service has none, and meets any)."""
    mine, theirs = scope(one), scope(other)
    return not mine or not theirs or bool(mine & theirs)


def same_build(ws: Workspace) -> Callable[[str], frozenset[str]]:
    """The names of the services that build what a service of that name builds (its folder
    and Dockerfile), in any stack, its own included: a finding that one stops at start-up
    (S003, S004), reported under the first of them, is in the files they all build."""
    groups: dict[tuple[str, str], set[str]] = {}
    for service in ws.apps():
        key = (service.app.folder, service.app.dockerfile.path)
        groups.setdefault(key, set()).add(service.name)
    names: dict[str, set[str]] = {}
    for group in groups.values():
        for name in group:
            names.setdefault(name, set()).update(group)
    return lambda name: frozenset(names.get(name, {name}))
