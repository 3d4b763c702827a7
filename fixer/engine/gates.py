"""Fixes that make services wait for another to be healthy are held while that one stops at
start-up.

A `condition: service_healthy` on a service whose app cannot start (its server package is
missing, a module on its import path does not compile or import) keeps every service that
waits from starting at all, where the short form let them start. Rules judge their fixes
one by one; whether another rule reports that the service stops is known only once every
rule has run, so the check holds such fixes here: display-only, with the start-up finding
as the reason, and waiting for it when fixer can fix it in turn. So is a healthcheck added
to a service that stops (C004's): it never passes, and a service that waits for this one with
a plain entry is then a C003 finding that is held in turn.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import replace

from fixer.engine.scopes import Scope, meet
from fixer.model.rule import Finding, Safety


def hold(findings: list[Finding], unsafe: bool = False,
         scope: Scope = lambda _finding: frozenset(),
         same_build: Callable[[str], frozenset[str]] = lambda name: frozenset({name})
         ) -> list[Finding]:
    """The findings, each fix that relies on a stopped service's health held, each fix
    that writes a port a finding disputes without a safe fix of its own, and each fix
    another fix of the run leaves nothing to do for (`unsafe`: the run makes unsafe fixes).
    A finding is matched with those about a service of its stack (`scope`: the stacks of a
    finding, `engine/scopes.py`), not with another stack's service of the same name; one
    that stops a service stops every service that builds the same (`same_build`)."""
    stopped: dict[str, list[Finding]] = {}
    disputed: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.service is None:
            continue
        if finding.rule.stops_start and not finding.violation.starts:
            for name in finding.violation.stops or same_build(finding.service):
                stopped.setdefault(name, []).append(finding)
        if finding.rule.settles_port and not finding.violation.keeps_port:
            disputed.setdefault(finding.service, []).append(finding)
    if stopped or disputed:
        findings = [_on_disputed_port(_held(finding, stopped, scope), disputed, scope)
                    for finding in findings]
    return _yielding(_safe_after(_following(findings, scope), scope), unsafe, scope)


def _safe_after(findings: list[Finding], scope: Scope) -> list[Finding]:
    """Each unsafe fix that the safe fixes of others make safe (`Violation.safe_after`),
    waiting while every one of them is there: `fixer fix` makes it after them."""
    if not any(f.violation.safe_after for f in findings):
        return findings
    settled = _settled(findings, scope)
    return [_safe_once(f) if f.violation.safe_after and f.safety is Safety.UNSAFE and
            _all_settled(f.violation.safe_after, f, settled, scope) else f for f in findings]


def _safe_once(finding: Finding) -> Finding:
    violation = finding.violation
    follows = violation.safe_after
    are = "are" if len(follows) > 1 else "is"
    reason = (f"{violation.reason or ''}; once the {_named(follows)} {are} in, nothing is "
              f"left in doubt: `fixer fix` makes this change after {_them(follows)}")
    return Finding(finding.rule, replace(violation, reason=reason, waits=True))


def _them(follows: tuple[tuple[str, str], ...]) -> str:
    return "them" if len(follows) > 1 else "it"


def _of_stack(candidates: list[Finding], finding: Finding, scope: Scope) -> list[Finding]:
    """The candidates about a service of the finding's stack."""
    return [c for c in candidates if meet(scope, c, finding)]


def _yielding(findings: list[Finding], unsafe: bool, scope: Scope) -> list[Finding]:
    """Each fix another fix leaves nothing to do for (`Violation.yields_to`), held while that
    one is there with a fix the run makes: one run made both (`--unsafe-fixes` added a
    second health route beside the one C004's healthcheck probes, which then counts as the
    app's). A fix the run does not make leaves it as it is: it is no person's job."""
    if not any(f.violation.yields_to for f in findings):
        return findings
    fixes = fixes_made(findings, unsafe)
    later = fixes_made(findings, True) if not unsafe else {}
    return [_yield(f, fixes, scope, later) if f.violation.yields_to and f.fixable else f
            for f in findings]


def fixes_made(findings: Iterable[Finding], unsafe: bool) -> dict[Key, list[Finding]]:
    """The findings whose fixes a run makes (safe ones; unsafe ones too with `unsafe`), by
    (code, service)."""
    made = (Safety.SAFE, Safety.UNSAFE) if unsafe else (Safety.SAFE,)
    return _by_key(f for f in findings if f.safety in made)


def yielded_to(finding: Finding, fixes: dict[Key, list[Finding]],
               scope: Scope) -> Finding | None:
    """The finding of `fixes` (`fixes_made`) whose fix goes first and leaves nothing for
    this one's to do: the first of its `yields_to` about a service of its stack."""
    return next((fix for key in finding.violation.yields_to
                 for fix in _of_stack(fixes.get(key, []), finding, scope)), None)


def _by_key(findings: Iterable[Finding]) -> dict[Key, list[Finding]]:
    found: dict[Key, list[Finding]] = {}
    for f in findings:
        found.setdefault((f.code, f.service), []).append(f)
    return found


def _yield(finding: Finding, fixes: dict[Key, list[Finding]], scope: Scope,
           later: dict[Key, list[Finding]] | None = None) -> Finding:
    """`later`: the fixes `--unsafe-fixes` makes, in a run without it. An unsafe fix that
    one of them would leave nothing to do for says so in its title: `fixer fix
    --unsafe-fixes` makes that one instead of it."""
    first = yielded_to(finding, fixes, scope)
    if first is None and later and finding.safety is Safety.UNSAFE and \
            finding.violation.fix is not None:
        instead = yielded_to(finding, later, scope)
        if instead is not None:
            fix = finding.violation.fix
            title = (f"{fix.title}; with --unsafe-fixes, {_named_fix(instead)} goes first "
                     "and leaves nothing to fix here")
            return Finding(finding.rule, replace(finding.violation,
                                                 fix=replace(fix, title=title)))
    if first is None:
        return finding
    reason = f"{_named_fix(first)} goes first, and leaves nothing to fix here"
    return Finding(finding.rule, replace(finding.violation, fix=None, reason=reason, held=True,
                                         waits=True, yielded=first.fingerprint))


def _named_fix(first: Finding) -> str:
    return f"the {first.code} fix of {first.service} ({first.path}:{first.line})"


def after_failures(findings: list[Finding], failed: Iterable[Finding]) -> list[Finding]:
    """The findings a fix run leaves, where one held for a fix that went first (`_yield`)
    and then failed verification says so: that fix is not coming, and the reason named it
    as what settles this finding."""
    failed_by = {f.fingerprint: f for f in failed}
    out: list[Finding] = []
    for finding in findings:
        first = failed_by.get(finding.violation.yielded) if finding.violation.yielded else None
        out.append(finding if first is None else _unsettled(finding, first))
    return out


def _unsettled(finding: Finding, first: Finding) -> Finding:
    reason = f"{_named_fix(first)}, which would leave nothing to fix here, failed verification"
    return Finding(finding.rule, replace(finding.violation, reason=reason))


def _following(findings: list[Finding], scope: Scope) -> list[Finding]:
    """Each display-only finding that follows others' fixes waits while every one of them is
    there with a safe fix, or waits in turn: plain `fixer fix` fixes it after them. Else it
    is a person's job (`blocked` where its rule said it waits, or where every fix it
    follows is there but one is unsafe), and the reason names an unsafe fix it waits for:
    another rule not run, suppressed, or with no fix never comes."""
    if not any(f.violation.follows for f in findings):
        return findings
    settled = _settled(findings, scope)
    with_unsafe = _settled(findings, scope, Safety.UNSAFE)
    fixes = _by_key(f for f in findings if f.fixable)
    unfixed = _by_key(f for f in findings if not f.fixable)
    return [_follow(f, settled, fixes, with_unsafe, scope, unfixed)
            if f.violation.follows and not f.fixable else f for f in findings]


def _nearest(candidates: list[Finding], finding: Finding) -> Finding:
    """Of the fixes of one code and service name, the one of the finding's own file, else
    of its folder: a dev and a prod compose file each define `cache`, and the C005 fix a
    C003 entry of the dev file waits for is the dev file's."""
    folder = posixpath.dirname(finding.path)
    return next((c for c in candidates if c.path == finding.path), None) or \
        next((c for c in candidates if posixpath.dirname(c.path) == folder), candidates[0])


Key = tuple[str, str | None]
# a finding's (code, service) in one of its stacks ("" for one with none)
Placed = tuple[str, str | None, str]


def _placed(finding: Finding, scope: Scope) -> set[Placed]:
    return {(finding.code, finding.service, stack) for stack in scope(finding) or {""}}


def _all_settled(follows: Iterable[Key], finding: Finding, settled: set[Placed],
                 scope: Scope) -> bool:
    """Every fix the finding follows is settled in one of its stacks."""
    return any(all((code, service, stack) in settled or (code, service, "") in settled
                   for code, service in follows) for stack in scope(finding) or {""})


def _settled(findings: list[Finding], scope: Scope, least: Safety = Safety.SAFE) -> set[Placed]:
    """The (code, service, stack) of the findings plain `fixer fix` fixes (with `least`
    UNSAFE: `fixer fix --unsafe-fixes`): those with such a fix, then those that follow only
    such (C001 waits for C005's probe, which waits for C004's healthcheck), until none is
    added. A cycle of waits settles none of them."""
    allowed = (Safety.SAFE,) if least is Safety.SAFE else (Safety.SAFE, Safety.UNSAFE)
    settled: set[Placed] = {key for f in findings if f.safety in allowed
                            for key in _placed(f, scope)}
    pending = [f for f in findings if f.violation.follows and not f.fixable and
               not f.violation.blocked]
    while True:
        added = {(f.code, f.service, stack) for f in pending for stack in scope(f) or {""}
                 if (f.code, f.service, stack) not in settled and
                 all((code, service, stack) in settled or (code, service, "") in settled
                     for code, service in f.violation.follows)}
        if not added:
            return settled
        settled |= added


def _follow(finding: Finding, settled: set[Placed], fixes: dict[Key, list[Finding]],
            with_unsafe: set[Placed], scope: Scope,
            unfixed: dict[Key, list[Finding]] | None = None) -> Finding:
    """The finding waiting, waiting for `--unsafe-fixes`, or a person's job. `unfixed`: the
    findings with no fix, by code and service: one it waits for says why no fix comes."""
    violation = finding.violation
    if violation.blocked:
        return finding
    follows = violation.follows
    if _all_settled(follows, finding, settled, scope):
        if violation.then_doubt:   # its own fix is unsafe once they are in
            are = "are" if len(follows) > 1 else "is"
            then = (f"{violation.reason or ''}; once the {_named(follows)} {are} in, "
                    f"{violation.then_doubt}: `fixer fix --unsafe-fixes` makes this change")
            return Finding(finding.rule, replace(violation, waits=False, blocked=True,
                                                 reason=then, after_unsafe=True))
        # a rule that said it waits gave its reason; one that did not (C003 on a healthcheck
        # D003 or P001 repairs) is told here what it follows
        reason = violation.reason if violation.waits else \
            f"{violation.reason or ''}; `fixer fix` makes this change after the {_named(follows)}"
        return Finding(finding.rule, replace(violation, waits=True, reason=reason))
    # the next step of other changes all the same (its rule said a list waits, or each fix
    # it follows is there): a fix that makes it appear did not make it (verify.py)
    mine = {key: ours for key in follows
            if (ours := _of_stack(fixes.get(key, []), finding, scope))}
    claimed = violation.waits or all(key in mine for key in follows)
    nearest = [_nearest(mine[key], finding) for key in follows if key in mine]
    unsafe = [fix for fix in nearest if fix.safety is Safety.UNSAFE]
    reason = violation.reason
    manual = [_nearest(found, finding) for key in follows if key not in mine
              and (found := _of_stack((unfixed or {}).get(key, []), finding, scope))]
    if unsafe:
        first = unsafe[0]
        reason = (f"{reason}; the {first.code} fix of {first.service} it waits for is unsafe "
                  f"({first.path}:{first.line}): `fixer fix` applies it only with "
                  "`--unsafe-fixes`")
    elif manual:   # what it waits for is a person's change too
        first = manual[0]
        reason = (f"{reason}; the {first.code} finding of {first.service} it waits for has no "
                  f"automatic fix ({first.path}:{first.line})")
    return Finding(finding.rule, replace(violation, waits=False, blocked=claimed,
                                         reason=reason,
                                         after_unsafe=_all_settled(follows, finding,
                                                                   with_unsafe, scope)))


def _named(follows: tuple[tuple[str, str], ...]) -> str:
    """`D003 and P001 fixes of auth`: the fixes a finding follows."""
    codes = sorted({code for code, _service in follows})
    services = sorted({service for _code, service in follows})
    return (" and ".join(codes) + (" fixes" if len(follows) > 1 else " fix") + " of " +
            " and ".join(services))


def _on_disputed_port(finding: Finding, disputed: dict[str, list[Finding]],
                      scope: Scope) -> Finding:
    """A healthcheck or EXPOSE written on the port the app listens on now, while a finding
    says compose expects another (P001): its fix, or the author's, may move the app, and
    this fix would then probe or document the port it left. It waits for P001's fix, and
    is written on the port that settles (a check's and SARIF's fixes of one finding each
    would otherwise disagree with what `fixer fix` writes)."""
    names = finding.violation.port_services or (finding.service or "",)
    blocker = next((found for name in names
                    for found in _of_stack(disputed.get(name, []), finding, scope)), None)
    if blocker is None or not finding.fixable or not finding.violation.writes_port:
        return finding
    # the service the dispute is about: another one that builds the same image, for EXPOSE
    whose = blocker.service or finding.service
    if blocker.safety is Safety.SAFE:
        reason = (f"it follows the {blocker.code} fix ({blocker.path}:{blocker.line}), which "
                  f"settles the port {whose} listens on")
    else:
        reason = (f"the fix writes the port {whose} listens on now, which "
                  f"{blocker.code} disputes ({blocker.path}:{blocker.line}): settle the port "
                  "first")
    # its own fix is unsafe (what it doubts holds on either port): `fixer fix` never makes
    # it, the `--unsafe-fixes` run does once the port is settled
    own = finding.reason if finding.safety is Safety.UNSAFE else None
    if own and blocker.safety is Safety.SAFE:
        reason = f"{reason}; once it is in, {own}: `fixer fix --unsafe-fixes` makes this change"
    waits = blocker.safety is Safety.SAFE and blocker.fixable and not own
    # an unsafe blocker or fix: the `--unsafe-fixes` run settles the port, then makes this
    # fix; a blocker with no fix leaves it a person's job
    return Finding(finding.rule, replace(finding.violation, fix=None, reason=reason, held=True,
                                         waits=waits, after_unsafe=blocker.fixable and not waits))


def _surely_of(scope: Scope, blocker: Finding, finding: Finding) -> bool:
    """Whether the stop is surely of the finding's own service: every stack it may be about
    is one of the finding's. A Dockerfile that two stacks build from different contexts is
    both stacks' (`engine/scopes.py`), and only one of them may stop: there a healthcheck
    of the other is not held."""
    theirs, mine = scope(blocker), scope(finding)
    return not theirs or not mine or theirs <= mine


def _held(finding: Finding, stopped: dict[str, list[Finding]], scope: Scope) -> Finding:
    # a stop reported under another service that builds the same files stops this one in
    # every stack; one under this service's own name, in the stacks it is about
    violation = finding.violation
    own = (finding.service,) if violation.probes_itself and finding.service else ()
    held = [(name, blocker) for name in (*own, *violation.relies_on)
            for blocker in stopped.get(name, [])
            if (_surely_of(scope, blocker, finding) if name in own else
                blocker.service != name or meet(scope, blocker, finding))]
    if not finding.fixable or not held:
        return finding
    name, first = held[0]
    shared = f", which {first.service} builds too" if first.service != name else ""
    # a stop whose message says the image cannot be built (I003's COPY out of the context)
    stops = "cannot be built" if "the build fails" in first.message else first.rule.stop_wording
    # the rule's wording says how sure the stop is (C009's "may"): the consequence follows it
    where = f"({first.code} at {first.path}:{first.line}{shared})"
    never = "may never pass" if stops.startswith("may ") else "would never pass"
    reason = (f"{name} {stops} {where}: the healthcheck {never}" if name in own else
              f"the fix makes services wait for {name} to be healthy, and {name} {stops} "
              f"{where}: then they would not start at all")
    blockers = [blocker for _name, blocker in held]
    # waits: the stop is fixable in turn, and this fix follows once it is in
    return Finding(finding.rule, replace(violation, fix=None, reason=reason, held=True,
                                         waits=any(b.fixable for b in blockers)))
