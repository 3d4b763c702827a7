"""The check and fix loops. The engine runs the rules it is handed; it never imports rules/.

Fixing goes in rounds against an in-memory tree. Each round takes the fixable
findings in fix order, computes their fixes on one workspace and keeps those whose edits
touch text no earlier fix of the round touches; they are applied, the workspace is built
again, every rule runs again, and each fix is kept only when its finding is gone, nothing
new appeared that fixer cannot fix in turn, and the stack check (`fixer.stackcheck`) finds
nothing broken on the stacks the round changed that was not broken before. A fix that fails
inside a round is tried again alone, so its verdict is its own.

Several fixes of one service may share a round (a port in the Dockerfile's CMD, a curl
layer above it, a stray copy deleted): a chain of one fix per service per round made a
thousand-service fleet pay a full check per link. Each was computed without the others, so
the round must show they did not meet: when anything new appears on such a service, or one
of its fixes fails, its later fixes are taken back before any verdict, and that service
goes one fix per round from then on, as every service did before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from fixer.core.collector import no_cyclic_collection
from fixer.core.config import Config
from fixer.core.edits import Edit, EditConflict, check_applicable
from fixer.core.errors import InputError, RuleCrash
from fixer.core.tree import Tree
from fixer.engine import fanout, gates, suppress, writable
from fixer.engine.scopes import same_build, stack_scope
from fixer.engine.ahead import ahead_of
from fixer.engine.budget import Budget
from fixer.engine.claims import Claims
from fixer.engine.history import FileChanges, History, Round
from fixer.engine.partner import FIRST, Partner
from fixer.engine.verify import Planned, allowed, problems
from fixer.model.rule import Finding, Rule
from fixer.model.workspace import Workspace

__all__ = ["AppliedFix", "CheckResult", "FailedFix", "FixResult", "allowed", "check", "fix"]


@dataclass(frozen=True)
class CheckResult:
    """What one check of a workspace found."""

    findings: list[Finding]          # shown (and fixable), in file order
    suppressed: list[Finding]        # by `# fixer: ignore[...]` comments
    input_errors: list[InputError]   # files fixer could not read or make sense of
    crashes: list[RuleCrash]         # bugs in fixer: a rule's detect raised

    @property
    def errors(self) -> list[InputError]:
        return [*self.input_errors, *self.crashes]


@dataclass(eq=False)
class AppliedFix:
    finding: Finding
    edits: Sequence[Edit]          # offsets into the files of `planned_on`
    # the workspace the fix was computed on: the tree before its round, which differs from
    # `before` only by the earlier fixes of the round (text the fix's own edits do not touch)
    planned_on: Workspace
    history: History = field(repr=False)
    index: int = 0                 # in the run's order of applied fixes

    @property
    def files(self) -> FileChanges:
        """The files it changed, just before and just after it (rebuilt on demand)."""
        return self.history.files(self.index)

    @property
    def before(self) -> Tree:
        """The tree just before this fix (rebuilt on demand)."""
        return self.history.tree_at(self.index)

    @property
    def after(self) -> Tree:
        """The tree just after this fix (rebuilt on demand)."""
        return self.history.tree_at(self.index + 1)


@dataclass
class FailedFix:
    finding: Finding
    reason: str


@dataclass
class FixResult:
    tree: Tree
    # the findings of the first check, on the tree the run started from: a fix whose finding
    # is not among them is for a finding an earlier fix revealed
    initial: list[Finding] = field(default_factory=list)
    applied: list[AppliedFix] = field(default_factory=list)
    failed: list[FailedFix] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)   # rule crashes (RuleCrash) too
    problems: list[str] = field(default_factory=list)   # did not converge
    # the names of the services the stacks of the tree the run started from define
    services: frozenset[str] = frozenset()
    # the findings a later round's check had that the first did not, each with the number
    # of fixes applied when it appeared, without their fixes (which hold the round's
    # workspace): what a later fix may settle besides the first check's findings (a list
    # entry another fix's healthcheck revealed, which C003's fix of the list writes too)
    appeared: list[tuple[int, Finding]] = field(default_factory=list)


def check(ws: Workspace, rules: Sequence[Rule], tick: Callable[[], None] = lambda: None,
          fork: bool = False, partner: Partner | None = None, token: int = FIRST,
          fixing: bool = False) -> CheckResult:
    """Every rule over the workspace, findings in file order. A crashing rule is a fixer
    bug (a RuleCrash) and the other rules still run. Suppressed findings are set apart:
    they are neither shown nor fixed. The input errors are the workspace's own (files it
    could not load, or that a rule could not read) and those a rule raised. The modules are
    compiled on another core meanwhile, when there are many (`compile_ahead`). With `fork`,
    a check of many services runs the rules that read app code in a second process
    (`fanout`); `tick` is called as each rule ends (a progress bar). With a `partner` (a
    fix run's), its rules run there on the workspace of `token`, which is `ws`. `fixing`:
    a fix run's check, whose fixes are built anyway (`writable.hold` reads their edits)."""
    with no_cyclic_collection():
        if partner is not None:
            return _check(ws, partner.check_runs(ws, token, tick), fixing)
        return _check(ws, fanout.run_rules(
            ws, rules, tick, lambda: ahead_of(ws), fork), fixing)


def _check(ws: Workspace, runs: Iterable[fanout.RuleRun], fixing: bool = False) -> CheckResult:
    findings: list[Finding] = []
    raised: list[InputError] = []
    crashes: list[RuleCrash] = []
    for run in runs:
        findings.extend(run.findings)
        if isinstance(run.raised, RuleCrash):
            crashes.append(run.raised)
        elif isinstance(run.raised, InputError):
            raised.append(run.raised)
        elif run.raised is not None:   # one broken rule must not take the others down
            crashes.append(RuleCrash(run.rule.code, "detect", run.raised))
    shown, suppressed = suppress.apply(ws, sorted(findings, key=Finding.sort_key))
    # first: a fix held by a link has no fix, and the gates judge what is left
    # a suppressed start-up finding: no hold
    shown = gates.hold(writable.hold(ws, shown, fixing), ws.config.unsafe_fixes,
                       stack_scope(ws), same_build(ws))
    input_errors = list({str(e): e for e in [*ws.errors, *raised]}.values())
    return CheckResult(shown, suppressed, input_errors, crashes)


@dataclass
class _Run:
    rules: Sequence[Rule]
    config: Config
    ws: Workspace
    checked: CheckResult   # of `ws`
    result: FixResult
    history: History
    partner: Partner | None = None   # runs the app-code rules in a second process
    token: int = FIRST               # of `ws`, for the partner
    attempted: set[str] = field(default_factory=set)
    alone: set[str] = field(default_factory=set)   # failed in a round: next time on its own
    serial: set[str] = field(default_factory=set)  # services back to one fix per round
    retried: set[str] = field(default_factory=set)  # fixed, brought back, fixed again
    seen: set[str] = field(default_factory=set)     # the fingerprints any round's check had


def fix(tree: Tree, rules: Sequence[Rule], config: Config) -> FixResult:
    with no_cyclic_collection():
        return _fix(tree, rules, config)


def _fix(tree: Tree, rules: Sequence[Rule], config: Config) -> FixResult:
    budget = Budget(config)   # the whole run counts, its first check included
    ws = Workspace.load(tree, config)
    partner = Partner.start(ws, rules)
    try:
        return _rounds(tree, rules, config, budget, ws, partner)
    finally:
        if partner is not None:
            partner.close()


def _rounds(tree: Tree, rules: Sequence[Rule], config: Config, budget: Budget, ws: Workspace,
            partner: Partner | None) -> FixResult:
    checked = check(ws, rules, partner=partner, fixing=True)
    run = _Run(rules, config, ws, checked,
               FixResult(tree, initial=list(checked.findings), errors=checked.errors,
                         services=frozenset(s.name for s in ws.services())),
               History(ws.tree), partner, seen={f.fingerprint for f in checked.findings})
    for rounds in range(50 + 2 * len(checked.findings)):
        budget.check(rounds, [partner.pid] if partner is not None else [])
        pending = sorted((f for f in run.checked.findings if allowed(f, config)
                          and f.fingerprint not in run.attempted), key=Finding.fix_order)
        if not pending:
            break
        _round_of(run, pending)
    else:
        run.result.problems.append("fixes did not converge: stopped after the round limit")
    return _finish(run)


def _finish(run: _Run) -> FixResult:
    result = run.result
    result.tree = run.ws.tree
    result.remaining = gates.after_failures(run.checked.findings,
                                            [f.finding for f in result.failed])
    fixed = {a.finding.fingerprint for a in result.applied}
    back = [f for f in run.checked.findings if f.fingerprint in fixed and allowed(f, run.config)]
    if back:
        result.problems.append(
            "fixes did not converge: " + ", ".join(sorted({f"{f.code} {f.path}" for f in back}))
            + " came back after being fixed")
    return result


def _round_of(run: _Run, pending: list[Finding]) -> None:
    alone = [f for f in pending if f.fingerprint in run.alone]
    batch = _plan(run, alone[:1] or pending, single=bool(alone))
    while batch:
        round_, new_ws, token = _apply(run, batch)
        new_checked = check(new_ws, run.rules, partner=run.partner, token=token, fixing=True)
        if run.partner is not None:
            run.partner.give_facts(token, run.ws, new_ws)
        blamed = problems(run.ws, run.checked, new_ws, new_checked, batch, run.config)
        later = _met(batch, blamed, run.checked, new_checked)
        if later:   # not a verdict: they go to a later round, computed after the first
            run.serial |= {batch[i].finding.service or "" for i in later}
            batch = [p for i, p in enumerate(batch) if i not in later]
            continue
        if not blamed:
            _accept(run, batch, round_, new_ws, token, new_checked)
            return
        if len(batch) == 1:
            _fail(run, batch[0].finding, blamed[0])
            return
        run.alone |= {batch[i].finding.fingerprint for i in blamed}
        batch = [p for i, p in enumerate(batch) if i not in blamed]


def _plan(run: _Run, pending: list[Finding], single: bool) -> list[Planned]:
    """Fixes for the round: each touches text no earlier one touches. A service whose fix
    cannot join keeps its later fixes back too (they may build on that one), and so does a
    service that goes one fix per round. A fix that edits a Dockerfile makes every other
    service built from it wait for the next round: what their fixes choose (a healthcheck's
    tool, a port) may build on it."""
    batch: list[Planned] = []
    claims = Claims()
    waiting: set[str] = set()
    taken: set[str] = set()
    built_from = run.ws.builders()
    for finding in pending:
        service = finding.service
        if service in waiting or (single and batch) or (service in run.serial and
                                                         service in taken):
            continue
        edits = _edits(run, finding)
        if edits is None:
            continue
        if not claims.admits(edits):
            if service is not None:
                waiting.add(service)
            continue
        batch.append(Planned(finding, edits))
        claims.take(edits)
        waiting.update(name for e in edits for name in built_from.get(e.path, ())
                       if name != service)
        if service is not None:
            taken.add(service)
    return batch


def _met(batch: list[Planned], blamed: dict[int, str], before: CheckResult,
         after: CheckResult) -> set[int]:
    """The later fixes of each service that took several this round and shows anything
    new: a finding the round's first check did not have, or a failed fix. They were
    computed without each other, so either may have been the other's undoing."""
    shared: dict[str, list[int]] = {}
    for index, plan in enumerate(batch):
        if plan.finding.service is not None:
            shared.setdefault(plan.finding.service, []).append(index)
    known = {f.fingerprint for f in before.findings}
    touched = {f.service for f in after.findings if f.fingerprint not in known}
    return {index for service, indices in shared.items() if len(indices) > 1 and
            (service in touched or any(i in blamed for i in indices))
            for index in indices[1:]}


def _edits(run: _Run, finding: Finding) -> list[Edit] | None:
    try:
        edits = list(finding.edits())
    except Exception as exc:  # a fix that cannot be built fails alone; the others go on
        crash = RuleCrash(finding.code, "fix", exc)
        if all(str(e) != str(crash) for e in run.result.errors):
            run.result.errors.append(crash)
        _fail(run, finding, f"the rule could not build its fix ({crash.exception})")
        return None
    if not edits:
        _fail(run, finding, "the rule produced no edit")
        return None
    shared = run.ws.shared_anchor(edits)
    if shared is not None:
        # Rules make such findings display-only; this is the engine's backstop.
        _fail(run, finding, f"the fix would edit the YAML anchor &{shared}, which other "
                            "services share; change it by hand")
        return None
    try:   # overlapping edits of its own, a file to create that exists, ...
        check_applicable(_texts(run.ws.tree, {e.path for e in edits}), edits)
    except EditConflict as exc:
        _fail(run, finding, str(exc))
        return None
    except InputError as exc:   # a file it writes that is not text: the rule read past it
        _fail(run, finding, f"it would write {exc.path}, which fixer cannot read ({exc.message})")
        return None
    return edits


def _texts(tree: Tree, paths: set[str]) -> dict[str, str | None]:
    return {path: tree.read(path).text if tree.exists(path) else None for path in paths}


def _apply(run: _Run, batch: list[Planned]) -> tuple[Round, Workspace, int]:
    """The batch's fixes as one round, the workspace after them all, and its token for the
    partner (which builds the same workspace meanwhile). Each file is spliced once, however
    many fixes edit it: they touch disjoint text of the round's first tree, and each fix's
    own edits were checked when it was planned."""
    tree = run.ws.tree
    paths = {path for plan in batch for path in plan.paths}
    base = {path: tree.read(path) if tree.exists(path) else None for path in sorted(paths)}
    round_ = Round(base, [plan.edits for plan in batch])
    files = round_.files_after(len(batch))
    token = run.partner.submit(run.token, files) if run.partner is not None else FIRST
    return round_, Workspace.load(tree.with_files(files), run.config), token


def _accept(run: _Run, batch: list[Planned], round_: Round, new_ws: Workspace, token: int,
            new_checked: CheckResult) -> None:
    for position, plan in enumerate(batch):
        index = run.history.record(round_, position)
        run.result.applied.append(AppliedFix(plan.finding, plan.edits, run.ws, run.history,
                                             index))
        run.attempted.add(plan.finding.fingerprint)
    # A finding fixed in an earlier round that this one brings back (a C004 curl healthcheck
    # on a Dockerfile whose D003 fix installed only wget) is fixable in turn: it is tried
    # again, once, so fixes that undo each other still end as "did not converge".
    before = {f.fingerprint for f in run.checked.findings}
    fixed = {a.finding.fingerprint for a in run.result.applied}
    back = {f.fingerprint for f in new_checked.findings
            if f.fingerprint not in before and f.fingerprint in fixed} - run.retried
    run.attempted -= back
    run.retried |= back
    for finding in new_checked.findings:
        if finding.fingerprint not in run.seen:
            run.seen.add(finding.fingerprint)
            run.result.appeared.append((len(run.result.applied), Finding(
                finding.rule, replace(finding.violation, fix=None))))
    run.ws, run.token, run.checked = new_ws, token, new_checked


def _fail(run: _Run, finding: Finding, reason: str) -> None:
    run.attempted.add(finding.fingerprint)
    run.result.failed.append(FailedFix(finding, reason))
