"""Verifying fixes against the workspace rebuilt after them.

A fix passes when the changed files parse, its finding is gone, and every finding
that was not there before is one fixer can fix in turn (or one that waits for
another fix of the run), and the stack check (`fixer.stackcheck`) finds nothing on the
stacks the round changed that held before and fails after. Fixes applied together in
one round touch disjoint text, so each problem found afterwards is traced to the fixes
that own its file or service; a problem no fix owns makes every fix of the round suspect.
(A service with several fixes in the round has its later ones taken back before any such
verdict: engine/run.py.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fixer import stackcheck
from fixer.core.config import Config
from fixer.core.edits import Edit
from fixer.core.errors import InputError, RuleCrash
from fixer.model.rule import Finding, Safety
from fixer.model.workspace import Workspace

if TYPE_CHECKING:
    from fixer.engine import CheckResult


@dataclass(frozen=True)
class Planned:
    """A fix computed on the round's workspace: the finding and its edits."""

    finding: Finding
    edits: Sequence[Edit]

    @property
    def paths(self) -> set[str]:
        return {e.path for e in self.edits}

    def owns(self, path: str, service: str | None) -> bool:
        return path in self.paths or (service is not None and
                                      service == self.finding.service)


def allowed(finding: Finding, config: Config) -> bool:
    safety = finding.safety
    return safety is Safety.SAFE or (safety is Safety.UNSAFE and config.unsafe_fixes)


def problems(before_ws: Workspace, before: CheckResult, after_ws: Workspace,
             after: CheckResult, batch: Sequence[Planned],
             config: Config) -> dict[int, str]:
    """Index in `batch` -> why that fix fails. Unowned problems blame every fix."""
    blamed: dict[int, str] = {}
    for error in _new_errors(before.errors, after.errors):
        what = "a rule crashed on the fixed files" if isinstance(error, RuleCrash) \
            else "the fixed file does not parse"
        _blame(blamed, batch, error.path, (), f"{what}: {error}")
    prints = {f.fingerprint for f in after.findings}
    for index, plan in enumerate(batch):
        if plan.finding.fingerprint in prints:
            blamed.setdefault(index, "the finding is still there after the fix")
    known = {f.fingerprint for f in before.findings}
    for new in after.findings:
        if new.fingerprint in known or allowed(new, config) or new.violation.waits or \
                new.violation.blocked or \
                new.violation.held or \
                _unveiled(new, batch):   # held by a start-up finding the fix did not make
            continue
        _blame(blamed, batch, new.path, (new.service,),
               f"the fix would introduce {new.code} ({new.message})")
    _stack_check(blamed, before_ws, after_ws, batch)
    return blamed


def _unveiled(new: Finding, batch: Sequence[Planned]) -> bool:
    """A finding of the service a fix of the batch makes buildable (`Violation.unveils`),
    outside the files that fix writes: there before, where no rule could see it."""
    return any(plan.finding.violation.unveils and plan.finding.service == new.service and
               new.path not in plan.paths for plan in batch)


def _new_errors(before: Sequence[InputError], after: Sequence[InputError]) -> list[InputError]:
    """The errors after the fixes that were not there before. An error is known by its file
    and its message, not its line: a fix that adds lines above an error the file already had
    (a build context outside the repository) moves it, and did not make it."""
    seen = Counter((e.path, e.message) for e in before)
    new: list[InputError] = []
    for error in after:
        key = (error.path, error.message)
        if seen[key] > 0:
            seen[key] -= 1
        else:
            new.append(error)
    return new


def _stack_check(blamed: dict[int, str], before_ws: Workspace, after_ws: Workspace,
                 batch: Sequence[Planned]) -> None:
    """Only on the stacks the round changed: `fixer check` never pays for it, and a round
    that edits one service of a large repository pays for that stack alone."""
    paths = {path for plan in batch for path in plan.paths}
    try:
        stacks = stackcheck.changed_stacks(before_ws, paths) | \
            stackcheck.changed_stacks(after_ws, paths)
        found = stackcheck.regressions(before_ws, after_ws, stacks, paths)
    except Exception as exc:  # a bug in the check must neither stop the run nor pass a fix
        _blame(blamed, batch, "", (), f"the stack check could not run ({type(exc).__name__}: "
                                      f"{exc})")
        return
    for breakage in found:
        # A gate breaks through the service waited on or the one waiting: either may own it.
        _blame(blamed, batch, breakage.path, breakage.services, breakage.message)


def _blame(blamed: dict[int, str], batch: Sequence[Planned], path: str,
           services: Sequence[str | None], reason: str) -> None:
    owners = [i for i, p in enumerate(batch) if any(p.owns(path, s) for s in (None, *services))
              ] or range(len(batch))
    for index in owners:
        blamed.setdefault(index, reason)
