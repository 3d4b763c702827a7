"""Property 2 of the stack check: a published port, an `expose`, a URL or a proxy target
reaches the port its service listens on."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from fixer.facts.ports.references import references
from fixer.model.services import Service
from fixer.model.workspace import Workspace
from fixer.stackcheck.verdicts import REFERENCE, Fact, Verdict, listen_port


def reference_facts(ws: Workspace, stacks: Collection[str],
                    paths: Collection[str]) -> Iterator[Fact]:
    """References are told apart by file, kind, target and their order among those: fixes
    rewrite a reference's text and shift its line, never the order."""
    counts: dict[tuple[str, str, str, str], int] = {}
    for ref in sorted(references(ws), key=lambda r: (r.path, r.line)):
        group = (ref.path, ref.kind, ref.stack, ref.service)
        ordinal = counts[group] = counts.get(group, -1) + 1
        if ref.stack not in stacks and ref.path not in paths:
            continue
        listen = listen_port(_service(ws, ref.stack, ref.service))
        verdict = Verdict.UNKNOWN if listen is None else \
            Verdict.HOLDS if listen == ref.port else Verdict.BROKEN
        yield Fact(REFERENCE, (REFERENCE, *group, ordinal), ref.path, ref.line, (ref.service,),
                   ref.text, verdict, f"no longer reaches a port {ref.service} listens on "
                                      f"({ref.service} listens on {listen})")


def _service(ws: Workspace, stack_name: str, name: str) -> Service | None:
    stack = next((s for s in ws.stacks if s.name == stack_name), None)
    return stack.services.get(name) if stack is not None else None
