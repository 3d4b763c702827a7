"""The stack check: what a fix round must not break, so that a safe fix keeps the stack up.

Four properties are judged on a workspace, each subject as holding, broken or unknown, one
module each:
1. `gate`: a `depends_on` with `condition: service_healthy` waits on a service whose
   healthcheck can pass (its tool is in the final stage, it probes the port the service
   listens on, an HTTP probe asks for a path the app serves);
2. `references`: a published port, an `expose`, a URL or a proxy target reaches the port
   its service listens on;
3. `network`: a service shares a network with every service that names it;
4. `imports`: the Python files on an app service's import path compile, and their relative
   imports resolve.
`regressions` compares the facts before and after a round on the stacks the round changed:
only a subject that was not broken before (or did not exist) and is broken after is a
regression. Where fixer cannot tell, the verdict is unknown, never broken: a fix is
refused only for what fixer can show.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection
from dataclasses import dataclass

from fixer.core.derived import Memo
from fixer.model.services import Stack, env_file_paths
from fixer.model.workspace import Workspace
from fixer.stackcheck.gate import (
    can_pass, can_pass_in, doubt_once_repaired, gate_facts, health_command, repaired_by,
    unset_in_probe)
from fixer.stackcheck.imports import COMPILER_ERRORS, import_facts
from fixer.stackcheck.network import network_facts
from fixer.stackcheck.references import reference_facts
from fixer.stackcheck.verdicts import GATE, IMPORT, NETWORK, REFERENCE, Fact, StackFacts, Verdict

__all__ = ["GATE", "IMPORT", "NETWORK", "REFERENCE", "Breakage", "Fact", "StackFacts",
           "Verdict", "app_facts", "can_pass", "can_pass_in", "changed_stacks",
           "doubt_once_repaired", "facts", "give", "health_command", "regressions",
           "repaired_by", "unset_in_probe"]


@dataclass(frozen=True)
class Breakage:
    """A property that held before a round and fails after it."""

    prop: str
    subject: str
    path: str
    line: int
    services: tuple[str, ...]
    why: str

    @property
    def service(self) -> str:
        return self.services[0]

    @property
    def message(self) -> str:
        return f"breaks the stack check ({self.prop}): {self.path}:{self.line} " \
               f"{self.subject} {self.why}"


def regressions(before_ws: Workspace, after_ws: Workspace, stacks: Collection[str],
                paths: Collection[str] = ()) -> list[Breakage]:
    """What the round broke on `stacks` (and in the reference files of `paths`)."""
    before = facts(before_ws, stacks, paths)
    found: list[Breakage] = []
    for key, fact in facts(after_ws, stacks, paths).items():
        old = before.get(key)
        if _untouched_compile_error(fact, paths):
            continue
        if fact.verdict is Verdict.BROKEN and (old is None or old.verdict is not Verdict.BROKEN):
            found.append(Breakage(fact.prop, fact.subject, fact.path, fact.line, fact.services,
                                  fact.why if old is not None else _first_judged(fact.why)))
    return found


# A subject the round brought (S001's Dockerfile makes a service an app, whose modules are
# judged for the first time): it did not stop working, it does not work
_FIRST_JUDGED = {"no longer imports": "does not import", "no longer reaches": "does not reach"}


def _first_judged(why: str) -> str:
    for said, first in _FIRST_JUDGED.items():
        if why.startswith(said):
            return first + why[len(said):]
    return why


def _untouched_compile_error(fact: Fact, paths: Collection[str]) -> bool:
    """A file the round did not edit that does not compile: no fix made it so. It is only
    judged anew (S001 wrote the Dockerfile that makes its service an app), and judged by the
    Python fixer runs on, which an image's newer Python may not agree with; S004 reports
    what no Python 3 accepts."""
    return fact.prop == IMPORT and fact.path not in paths and \
        fact.why.removeprefix("no longer imports: ").startswith(COMPILER_ERRORS)


def changed_stacks(ws: Workspace, paths: Collection[str]) -> set[str]:
    """The stacks whose compose files, .env files, env_files or build contexts hold a path."""
    return {stack.name for stack in ws.stacks if any(_touches(stack, p) for p in paths)}


def _touches(stack: Stack, path: str) -> bool:
    if path in {doc.path for doc in stack.docs} or \
            path == posixpath.join(stack.folder, ".env"):
        return True
    for service in stack.services.values():
        if service.app is not None and (path == service.app.build.dockerfile or
                                        _inside(path, service.app.folder)):
            return True
        if any(path in env_file_paths(doc, value, stack.dotenv, stack.folder)
               for doc, value in service.all("env_file")):
            return True
    return False


def _inside(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder + "/")


# per workspace, the facts of each stack: the engine asks again for the same workspace (a round's
# "after" is the next round's "before")
_FACTS: Memo[dict[str, StackFacts]] = Memo("stack check facts")
# per workspace, the gate and import facts of stacks that another process of the run worked
# out (engine/partner.py): the two properties that read the apps' code
_GIVEN: Memo[dict[str, tuple[list[Fact], list[Fact]]]] = Memo("stack check facts given")


def facts(ws: Workspace, stacks: Collection[str], paths: Collection[str] = ()) -> StackFacts:
    """Every subject of the four properties on the named stacks."""
    cached = ws.derived.get(_FACTS, dict)
    given = ws.derived.get(_GIVEN, dict)
    out: StackFacts = {}
    for stack in ws.stacks:
        if stack.name not in stacks:
            continue
        if stack.name not in cached:
            gates, imports = given[stack.name] if stack.name in given else \
                _app_facts(ws, stack)
            found = [*gates, *network_facts(ws, stack), *imports]
            cached[stack.name] = {f.key: f for f in found}
        out.update(cached[stack.name])
    out.update((f.key, f) for f in reference_facts(ws, stacks, paths))
    return out


def app_facts(ws: Workspace, stacks: Collection[str]) -> dict[str, tuple[list[Fact], list[Fact]]]:
    """The gate facts and the import facts of the named stacks: what reads the apps' code."""
    return {stack.name: _app_facts(ws, stack) for stack in ws.stacks if stack.name in stacks}


def give(ws: Workspace, stack: str, gates: list[Fact], imports: list[Fact]) -> None:
    """The gate and import facts of `stack` on `ws`, as `app_facts` gave them in another
    process that holds the same workspace: `facts` takes them instead of working them out."""
    ws.derived.get(_GIVEN, dict)[stack] = (gates, imports)


def _app_facts(ws: Workspace, stack: Stack) -> tuple[list[Fact], list[Fact]]:
    return list(gate_facts(ws, stack)), list(import_facts(ws, stack))
