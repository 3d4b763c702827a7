"""What the four properties of the stack check share: a verdict per subject, and the facts
that carry them from one workspace to the comparison of two."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from fixer.model.services import Service

GATE, REFERENCE, NETWORK, IMPORT = "healthcheck gate", "reference", "network", "import"


class Verdict(str, Enum):
    HOLDS = "holds"
    BROKEN = "broken"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Fact:
    """One subject of one property, judged on one workspace."""

    prop: str
    key: tuple[str | int, ...]   # identity across before/after (no line numbers)
    path: str
    line: int
    services: tuple[str, ...]    # the services involved, the one it is about first
    subject: str                 # as shown: the reference's text, "web waits for api"
    verdict: Verdict
    why: str = ""                # what fails, when broken


StackFacts = dict[tuple[str | int, ...], Fact]


def worst(verdicts: Iterable[tuple[Verdict, str]]) -> tuple[Verdict, str]:
    """Broken when one part is, holding when all parts hold, else unknown."""
    judged = list(verdicts)
    broken = [why for verdict, why in judged if verdict is Verdict.BROKEN]
    if broken:
        return Verdict.BROKEN, "; ".join(broken)
    if all(verdict is Verdict.HOLDS for verdict, _why in judged):
        return Verdict.HOLDS, ""
    return Verdict.UNKNOWN, "; ".join(why for verdict, why in judged
                                      if verdict is Verdict.UNKNOWN and why)


def listen_port(service: Service | None) -> int | None:
    """The port a built service listens on; None when fixer does not know it."""
    return service.app.listen.port if service is not None and service.app is not None else None
