"""The check and fix loops. The engine runs the rules it is handed; it never imports rules/.

Fixing is one fix at a time against an in-memory tree: apply its edits, build
the workspace again, run every rule again, and keep the fix only when its
finding is gone and nothing new appeared that fixer cannot fix in turn.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from fixer import suppress
from fixer.config import Config
from fixer.edits import Edit, EditConflict
from fixer.errors import InputError
from fixer.rule import REVEALS_SERVICE, Finding, Rule, Safety
from fixer.tree import Tree
from fixer.workspace import Workspace


@dataclass
class AppliedFix:
    finding: Finding
    edits: Sequence[Edit]
    before: Tree
    after: Tree


@dataclass
class FailedFix:
    finding: Finding
    reason: str


@dataclass
class FixResult:
    tree: Tree
    applied: list[AppliedFix] = field(default_factory=list)
    failed: list[FailedFix] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)   # did not converge, rule crashes


def _revealed(fixed: Finding, new: Finding, edits: Sequence[Edit]) -> bool:
    """A finding the fix revealed rather than caused: on the service the fix made
    visible, in a file the fix did not touch."""
    return bool(fixed.report.data.get(REVEALS_SERVICE)) and \
        new.report.service == fixed.report.service and new.path not in {e.path for e in edits}


def check(ws: Workspace, rules: Iterable[Rule]) -> list[Finding]:
    """Every rule over the workspace, findings in file order. A crashing rule is an error.
    Suppressed findings are left out (kept in ws.suppressed): they are neither shown nor fixed."""
    findings: list[Finding] = []
    for rule in rules:
        try:
            findings.extend(rule.detect(ws))
        except InputError as exc:
            ws.errors.append(exc)
    return suppress.apply(ws, sorted(findings, key=Finding.sort_key))


def allowed(finding: Finding, config: Config) -> bool:
    safety = finding.report.safety
    return safety is Safety.SAFE or (safety is Safety.UNSAFE and config.unsafe_fixes)


def fix(tree: Tree, rules: Sequence[Rule], config: Config) -> FixResult:
    ws = Workspace.load(tree, config)
    findings = check(ws, rules)
    result = FixResult(tree, errors=list(ws.errors))
    attempted: set[str] = set()
    applied_prints: set[str] = set()
    budget = 100 + 4 * len(findings)
    while budget > 0:
        candidate = min((f for f in findings if allowed(f, config)
                         and f.fingerprint not in attempted), key=Finding.fix_order, default=None)
        if candidate is None:
            break
        budget -= 1
        attempted.add(candidate.fingerprint)
        outcome = _try_fix(ws, findings, candidate, rules, config)
        if isinstance(outcome, FailedFix):
            result.failed.append(outcome)
            continue
        edits, new_ws, new_findings = outcome
        result.applied.append(AppliedFix(candidate, edits, ws.tree, new_ws.tree))
        applied_prints.add(candidate.fingerprint)
        ws, findings = new_ws, new_findings
    else:
        result.problems.append("fixes did not converge: stopped after the round limit")
    result.tree = ws.tree
    result.remaining = findings
    back = [f for f in findings if f.fingerprint in applied_prints and allowed(f, config)]
    if back:
        result.problems.append(
            "fixes did not converge: " + ", ".join(sorted({f"{f.code} {f.path}" for f in back}))
            + " came back after being fixed")
    return result


def _try_fix(ws: Workspace, findings: list[Finding], finding: Finding, rules: Sequence[Rule],
             config: Config) -> FailedFix | tuple[list[Edit], Workspace, list[Finding]]:
    try:
        edits = list(finding.rule.fix(ws, finding))
    except (InputError, EditConflict, ValueError, KeyError, IndexError) as exc:
        return FailedFix(finding, f"the rule could not build its fix: {exc}")
    if not edits:
        return FailedFix(finding, "the rule produced no edit")
    try:
        new_tree = ws.tree.with_edits(edits)
    except EditConflict as exc:
        return FailedFix(finding, str(exc))
    new_ws = Workspace.load(new_tree, config)
    new_findings = check(new_ws, rules)  # rules read files too: errors they meet count
    old_errors = {str(e) for e in ws.errors}
    new_errors = [e for e in new_ws.errors if str(e) not in old_errors]
    if new_errors:
        return FailedFix(finding, f"the fixed file does not parse: {new_errors[0]}")
    prints = {f.fingerprint for f in new_findings}
    if finding.fingerprint in prints:
        return FailedFix(finding, "the finding is still there after the fix")
    before = {f.fingerprint for f in findings}
    introduced = [f for f in new_findings if f.fingerprint not in before
                  and not allowed(f, config) and not _revealed(finding, f, edits)]
    if introduced:
        first = introduced[0]
        return FailedFix(finding, f"the fix would introduce {first.code} ({first.message})")
    return edits, new_ws, new_findings
