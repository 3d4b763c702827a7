"""What `fixer fix` does with the audited findings, read from a fix run, so that the report's
counts are the fixes the diff makes: one fix may settle several findings (one C003 fix, two
`depends_on` entries), a display-only finding may be fixed once the fixes it waits on are in,
a fix may fail verification, and a fix may reveal a finding nobody could see before it (a
Dockerfile that S001 writes has no curl for the healthcheck: D003). Which fix settled a finding
besides its own is said only where the fix declares it (`settled_with`): its commit, the pull
request and "revealed by" name every finding it settles."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from fixer.core.config import Config
from fixer.core.derived import Memo
from fixer.core.edits import Edit
from fixer.core.wording import names
from fixer.core.lazyre import lazy_compile
from fixer.engine import AppliedFix, FailedFix, FixResult
from fixer.engine.scopes import Scope, meet, stack_scope
from fixer.formats.findings import after_unsafe_fixes
from fixer.model.rule import Finding, Rule, Safety
from fixer.model.workspace import Workspace


@dataclass(frozen=True)
class FixLine:
    """One fix `fixer fix` made (or could not make) on the way to the reported tree."""

    code: str
    service: str | None
    text: str                 # the fix title, or why it failed
    revealed_by: FixLine | None = None  # the fix that made its finding appear
    # the services of the other findings the fix settles (`settled_with`), besides its own
    also: tuple[str, ...] = ()
    # the finding's own (`Finding.fingerprint`): which of two same-named services of different
    # stacks its fix is for
    fingerprint: str = ""
    # as `revealed_by`: the services of the other fixes of its code that the revealed fix
    # waits for too (C003's list of a, b and c, once C004's fixes of all three are in)
    along: tuple[str, ...] = ()
    # as `revealed_by`: (code, service) of the fixes of other codes that write a
    # healthcheck the revealed fix waits for too (C004's of app beside C005's of db)
    others: tuple[tuple[str, str], ...] = ()

    @property
    def services(self) -> list[str]:
        """Every service the fix settles a finding of, its own finding's first."""
        return list(dict.fromkeys([*filter(None, [self.service]), *self.also]))

    @property
    def revealing(self) -> tuple[str, list[str]]:
        """As the fix that revealed a finding: `fix` or `fixes`, and the services named."""
        named = list(dict.fromkeys([*self.services, *self.along]))
        return ("fixes" if self.along else "fix"), named

    def revealing_fixes(self, shown: Callable[[str], str] = str, nobody: str = "-") -> str:
        """As the fix that revealed a finding, with those beside it: `the C005 fix of db and
        the C004 fix of app`; `nobody` stands for a fix of no service."""
        fixes, services = self.revealing
        by_code: dict[str, list[str]] = {}
        for code, service in self.others:
            by_code.setdefault(code, []).append(service)
        parts = [f"the {self.code} {fixes} of {names([shown(s) for s in services] or [nobody])}",
                 *(f"the {code} fix{'es' if len(of) > 1 else ''} of "
                   f"{names([shown(s) for s in of])}" for code, of in by_code.items())]
        return names(parts)


@dataclass(frozen=True)
class FixSummary:
    applied: tuple[FixLine, ...] = ()
    failed: tuple[FixLine, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Revealed:
    """A finding that appears only once another fix is in, and that the same run fixes."""

    finding: Finding
    fix: FixLine              # its fix, with `revealed_by` set


@dataclass(frozen=True)
class LeftRevealed:
    """A finding that appears only once another fix is in, and that the run leaves to a
    person (no fix of its own, none after the fixes it waits on)."""

    finding: Finding
    revealed_by: FixLine | None   # the fix that made it appear; None when none can be named


@dataclass(frozen=True)
class FixRun:
    """What `fixer fix` does with the tree the report is about (before the fixes)."""

    fixes: int = 0            # the fixes the diff makes (one commit each in branch mode)
    unsafe: bool = False      # the run applies unsafe fixes too
    # display-only findings that the run still fixes once the fixes they wait on are in (a
    # dependency's healthcheck that its own D003/P001 fixes make passable): fingerprint ->
    # the title of the fix it makes
    fixed_later: Mapping[str, str] = field(default_factory=dict)
    failed: tuple[FixLine, ...] = ()
    revealed: tuple[Revealed, ...] = ()
    # those of them no fix of their own removes: fingerprint -> the other finding's fix that
    # settles them (`the C004 fix of api`), which `fixed_later` gives the title of
    settled_by: Mapping[str, str] = field(default_factory=dict)
    # findings the run's fixes reveal and leave to a person: `fixer fix` counts them "to fix
    # by hand", and the report lists them under Needs a Person
    left: tuple[LeftRevealed, ...] = ()
    # those of `fixed_later` whose fix (their own, or the one that settles them) is unsafe,
    # or that wait on an unsafe fix (C004 on a port P001's unsafe fix settles): only `fixer
    # fix --unsafe-fixes` makes it
    later_unsafe: frozenset[str] = frozenset()


def fix_run(findings: Sequence[Finding], result: FixResult, config: Config) -> FixRun:
    """The run `result` seen from the audited `findings` of the tree it started from."""
    fixers = _fixed_later(findings, result)
    later = [(f, fixers[f.fingerprint]) for f in findings if f.fingerprint in fixers]
    # settled by another finding's fix: not its own, nor the one of its list (the fix of a
    # C003 entry revealed beside it, which converts the whole `depends_on` list)
    by = {f.fingerprint: fixer for f, fixer in later
          if fixer is not None and not _of_its_own(fixer, f)}
    return FixRun(
        fixes=len(result.applied), unsafe=config.unsafe_fixes,
        fixed_later={f.fingerprint: title(fixer) if fixer is not None else f.rule.summary
                     for f, fixer in later},
        failed=tuple(_failed_line(f) for f in result.failed),
        revealed=tuple(revealed(result, config)),
        left=tuple(left_revealed(result, config)),
        settled_by={p: settling(f) for p, f in by.items()},
        later_unsafe=frozenset(p for p, fixer in fixers.items()
                               if fixer is not None and fixer.safety is Safety.UNSAFE) |
        {f.fingerprint for f, _fixer in later if after_unsafe_fixes(f)})


def _of_its_own(fixer: Finding, finding: Finding) -> bool:
    """The fix of `fixer` is `finding`'s own, or one of the same rule on the same service in
    the same file."""
    return fixer.fingerprint == finding.fingerprint or \
        (fixer.code, fixer.service, fixer.path) == (finding.code, finding.service, finding.path)


def _failed_line(failed: FailedFix) -> FixLine:
    """A fix that failed verification, with why, for its own finding only."""
    finding = failed.finding
    return FixLine(finding.code, finding.service, failed.reason,
                   fingerprint=finding.fingerprint)


def settling(finding: Finding) -> str:
    """How the report names the fix of `finding` that settles another: `the C004 fix of
    api`."""
    return f"the {finding.code} fix of {finding.service or 'the stack'}"


def summary(_findings: Sequence[Finding], result: FixResult, config: Config) -> FixSummary:
    """The fixes made, for the report of the tree after them; revealed ones say by what.
    (Which findings were revealed is judged by the run's own first check, `result.initial`,
    not by the audited findings, which a `--severity` may have filtered.)"""
    by = {r.finding.fingerprint: r.fix.revealed_by for r in revealed(result, config)}
    return FixSummary(
        applied=tuple(FixLine(a.finding.code, a.finding.service, title(a.finding),
                              by.get(a.finding.fingerprint)) for a in result.applied),
        failed=tuple(_failed_line(f) for f in result.failed),
        problems=tuple(result.problems))


def title(finding: Finding) -> str:
    return finding.fix_title or finding.rule.summary


def _fixed_later(findings: Sequence[Finding], result: FixResult) -> dict[str, Finding | None]:
    """Display-only findings of the tree that the fix run removed, after the fixes they wait
    on: fingerprint -> the finding whose fix removed it (None where none can be named). That
    is its own fix, else the fix `settled_with` gives it to (one C003 fix settles two
    entries), else a fix of the same rule on the same service in its file; never one in
    another file: a C003 finding of `docker-compose.test.yml` is not settled by the fix of
    `docker-compose.yml`'s list, which waits for other services."""
    remaining = {f.fingerprint for f in result.remaining}
    made = {a.finding.fingerprint: a.finding for a in result.applied}
    settlers = {f.fingerprint: result.applied[index].finding
                for index, settled in settled_with(result).items() for f in settled}
    beside: dict[tuple[str, str | None, str], Finding] = {}
    for applied in result.applied:
        finding = applied.finding
        beside.setdefault((finding.code, finding.service, finding.path), finding)
    return {f.fingerprint: made.get(f.fingerprint) or settlers.get(f.fingerprint)
            or beside.get((f.code, f.service, f.path))
            for f in findings if not f.fixable and f.fingerprint not in remaining}


def settled_by_others(result: FixResult) -> list[Finding]:
    """Findings of the run's first check that no fix of their own removed, though the run
    removed them: another finding's fix settled them (one C003 fix rewrites two
    `depends_on` entries). A finding with a like one left (same code, file and service) is
    not counted: a fix may have moved it rather than settled it."""
    return _gone_without_a_fix(result, result.initial)


def _gone_without_a_fix(result: FixResult, findings: Sequence[Finding]) -> list[Finding]:
    own = {a.finding.fingerprint for a in result.applied}
    own |= {f.finding.fingerprint for f in result.failed}
    left = {f.fingerprint for f in result.remaining}
    left_kinds = {(f.code, f.path, f.service) for f in result.remaining}
    return [f for f in findings
            if f.fingerprint not in own and f.fingerprint not in left
            and (f.code, f.path, f.service) not in left_kinds]


def settled_with(result: FixResult) -> dict[int, tuple[Finding, ...]]:
    """Index (in `result.applied`) of each fix that settles findings besides its own -> those
    findings: the ones `settled_by_others` counts, and those a later check had that went
    the same way, whose (code, service) the fix declares (`Violation.settles`) in a file it
    edits, or that declare they yield to the fix (`Violation.yields_to`: H001 beside the
    C004 healthcheck that probes its route), each given to the first such fix made after
    it appeared. A finding no fix declares stays counted, not attributed: nothing is
    guessed from titles."""
    # indexed by what a fix declares and by what it fixes, so that each finding looks only
    # at the fixes that could settle it (a fix run on 1,000 services makes 2,700 fixes)
    declaring: dict[tuple[str, str | None], list[int]] = {}
    fixing: dict[tuple[str, str], list[int]] = {}
    for i, applied in enumerate(result.applied):
        for key in set(applied.finding.violation.settles):
            declaring.setdefault(key, []).append(i)
        fixing.setdefault(_key(applied.finding), []).append(i)
    appeared = {f.fingerprint: made for made, f in result.appeared}
    later = _gone_without_a_fix(result, [f for _made, f in result.appeared])
    found: dict[int, list[Finding]] = {}
    for finding in [*settled_by_others(result), *later]:
        since = appeared.get(finding.fingerprint, 0)
        editing = (i for i in declaring.get((finding.code, finding.service), ())
                   if i >= since and finding.path in {e.path for e in result.applied[i].edits})
        # declared from its side: in any file (H001's route beside C004's healthcheck), one
        # that edits the finding's own file first (a dev and a prod file each with a db)
        yielding = [i for key in set(finding.violation.yields_to)
                    for i in fixing.get(key, ()) if i >= since]
        beside = [i for i in yielding
                  if finding.path in {e.path for e in result.applied[i].edits}]
        index = min((next(editing, None), *(beside or yielding)), key=_none_last)
        if index is not None:
            found.setdefault(index, []).append(finding)
    return {index: tuple(findings) for index, findings in found.items()}


def _none_last(index: int | None) -> float:
    return float("inf") if index is None else index


def built_on(result: FixResult, config: Config) -> dict[int, tuple[int, ...]]:
    """Index (in `result.applied`) of each fix made on top of earlier ones -> theirs, each
    of which reverted would leave it short: the fix that revealed its finding, or one it
    settles (C003's fix of a list writes the entries C004 and C005 fixes gave healthchecks
    to); and the fixes that edit files its finding's fix on the run's first check edited
    and it no longer does (the C004 fix that finds curl installed by another service's
    C004 fix adds only the healthcheck)."""
    first: dict[str, list[Finding]] = {}
    for finding in result.initial:   # looked up once per fix: a scan each time is quadratic
        first.setdefault(finding.fingerprint, []).append(finding)
    settled = settled_with(result)
    loaded: dict[int, Workspace] = {}
    found: dict[int, tuple[int, ...]] = {}
    healing = _healing(result)
    windows = _windows(result)
    scope: Scope | None = None   # made once, where a fix asks
    for index, applied in enumerate(result.applied):
        revealed_here = [f for f in (applied.finding, *settled.get(index, ()))
                         if f.fingerprint not in first]
        earlier = {by for f in revealed_here
                   if (by := _revealer(result.applied, index, config, loaded, f, first,
                                       windows)) is not None}
        earlier.update(_taken_over(result, index, first))
        earlier.update(_released_by(result, index, first))
        if applied.finding.violation.relies_on:
            scope = scope or _scope(result, config, loaded)
            earlier.update(_health_made_by(result, index, healing, scope))
        if applied.finding.code in _PROBING_CODES and _route_fix_before(result, index, healing):
            scope = scope or _scope(result, config, loaded)
            earlier.update(_route_made_by(result, index, healing, scope))
        if earlier:
            found[index] = tuple(sorted(earlier))
    return found


# the fixes that make a service's healthcheck pass or its app start: what a fix that makes
# others wait for that service's health relies on (not D001's stray copy, P002's EXPOSE)
_HEALTH_CODES = frozenset({"P001", "D003", "C004", "H001", "H002", "S001", "S003",
                           "I001", "I002", "I003"})
# the fixes that write a healthcheck: what reveals a wait on a service's health (C003)
_HEALTHCHECK_CODES = frozenset({"C001", "C004", "C005"})


def _healing(result: FixResult, codes: Collection[str] = _HEALTH_CODES
             ) -> dict[str, list[int]]:
    """Service name -> the places of the fixes of it that may make it healthy: those of
    `codes`."""
    found: dict[str, list[int]] = {}
    for index, applied in enumerate(result.applied):
        if applied.finding.code in codes and applied.finding.service is not None:
            found.setdefault(applied.finding.service, []).append(index)
    return found


def _health_made_by(result: FixResult, index: int, healing: Mapping[str, list[int]],
                    scope: Scope) -> list[int]:
    """The earlier fixes that make the services whose health this fix waits for healthy
    (`Violation.relies_on`), in its stack: C003's gate of web on orders and users relies
    on the P001 fixes of both, and on H001's route that a healthcheck probes."""
    finding = result.applied[index].finding
    return [j for name in finding.violation.relies_on for j in healing.get(name, ())
            if j < index and meet(scope, result.applied[j].finding, finding)]


# the fixes that write a healthcheck probing the app's health route, and those that add it
_PROBING_CODES = frozenset({"C004"})
_ROUTE_CODES = frozenset({"H001"})


def _route_fix_before(result: FixResult, index: int, healing: Mapping[str, list[int]]) -> bool:
    """Whether an H001 fix of the fix's service comes before it: only then is the stack
    scope worth making."""
    return any(j < index and result.applied[j].finding.code in _ROUTE_CODES
               for j in healing.get(result.applied[index].finding.service or "", ()))


def _route_made_by(result: FixResult, index: int, healing: Mapping[str, list[int]],
                   scope: Scope) -> list[int]:
    """The earlier fixes that add the health route this fix's healthcheck probes: H001's of
    the same service in its stack (the route a C004 fix made after it probes), whether or
    not the first check held this fix for another one (P001's port)."""
    finding = result.applied[index].finding
    return [j for j in healing.get(finding.service or "", ())
            if j < index and result.applied[j].finding.code in _ROUTE_CODES
            and meet(scope, result.applied[j].finding, finding)]


def _scope(result: FixResult, config: Config, loaded: dict[int, Workspace]) -> Scope:
    """The stacks of findings, as the tree after the run's last fix has them (a workspace
    `_revealer` may have loaded already)."""
    last = len(result.applied) - 1
    if last not in loaded:
        loaded[last] = Workspace.load(result.applied[last].after, config)
    return stack_scope(loaded[last])


def _released_by(result: FixResult, index: int,
                 initial: Mapping[str, list[Finding]]) -> list[int]:
    """The earlier fixes the first check held this fix's finding for: those it follows
    (`Violation.follows`: C003's wait on a healthcheck C004 adds), and, for a fix that
    writes the port the service listens on (P002's EXPOSE, C004's probe), the fixes that
    settled that port (P001's)."""
    applied = result.applied[index]
    was = next((f for f in initial.get(applied.finding.fingerprint, ()) if not f.fixable), None)
    if was is None:
        return []
    follows = set(was.violation.follows) if not was.violation.follows_for_order else set()
    port = was.violation.writes_port
    return [j for j, earlier in enumerate(result.applied[:index])
            if _key(earlier.finding) in follows or port and earlier.finding.rule.settles_port
            and earlier.finding.service == applied.finding.service]


def _taken_over(result: FixResult, index: int,
                initial: Mapping[str, list[Finding]]) -> list[int]:
    """The earlier fixes that edit files the first check's fix of this fix's finding edited
    and this fix no longer does (its title changed since that check)."""
    applied = result.applied[index]
    was = next((f for f in initial.get(applied.finding.fingerprint, ()) if f.fixable), None)
    if was is None or was.fix_title == applied.finding.fix_title:
        return []
    try:
        before = list(was.edits())
    except Exception:   # the first check's fix no longer builds: nothing to compare
        return []
    dropped = {e.path for e in before} - {e.path for e in applied.edits}
    # what it would have written there (`apt-get install … curl`): an earlier fix took it
    # over only where it writes some of it (D003's curl, not P002's EXPOSE in the same file)
    wanted = _words(e for e in before if e.path in dropped)
    return [j for j in range(index)
            if wanted & _words(e for e in result.applied[j].edits if e.path in dropped)]


# the words of an edit's text that say what it adds (`curl`, `apt-get`), not its numbers
_WORD = lazy_compile(r"[A-Za-z][\w.-]{2,}")


def _words(edits: Iterable[Edit]) -> set[str]:
    return {word for edit in edits for word in _WORD.findall(getattr(edit, "text", ""))}


def _key(finding: Finding) -> tuple[str, str]:
    return finding.code, finding.service or ""


def revealed(result: FixResult, config: Config) -> list[Revealed]:
    """The fixes of the run whose finding its first check did not have, each with the
    earlier fix that made it appear (`_revealing`). For `fix` output and the PR body too."""
    found = []
    settled = settled_with(result)
    loaded: dict[int, Workspace] = {}
    healing = _healing(result, _HEALTH_CODES | _HEALTHCHECK_CODES)
    for index, by in revealers(result, config).items():
        finding = result.applied[index].finding
        along, others = _along(result, index, by, healing,
                               lambda: _scope(result, config, loaded))
        line = FixLine(finding.code, finding.service, title(finding),
                       _with_along(_revealing(result, by, settled), along, others))
        found.append(Revealed(finding, line))
    return found


def _along(result: FixResult, index: int, by: int | None, healing: Mapping[str, list[int]],
           scope: Callable[[], Scope]) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The earlier fixes, in the stack of the fix at `index`, that make healthy a service
    its finding waits for (`Violation.relies_on`), the revealing fix's own left out: the
    services of those of the revealing fix's code, and (code, service) of those of other
    codes that write a healthcheck (C004's of app beside C005's of db). The stacks
    (`scope`: a workspace load) are asked only where there is such a fix."""
    finding = result.applied[index].finding
    if by is None or not finding.violation.relies_on:
        return (), ()
    code = result.applied[by].finding.code
    wanted = {code, *_HEALTHCHECK_CODES}
    candidates = {name: [j for j in healing.get(name, ()) if j < index and j != by
                         and result.applied[j].finding.code in wanted]
                  for name in finding.violation.relies_on}
    if not any(candidates.values()):
        return (), ()
    made = [result.applied[j].finding for j in sorted(_health_made_by(
        result, index, candidates, scope()))]
    along = tuple(dict.fromkeys(f.service for f in made
                                if f.code == code and f.service is not None))
    others = tuple(dict.fromkeys((f.code, f.service) for f in made
                                 if f.code != code and f.service is not None))
    return along, others


def _with_along(line: FixLine | None, along: tuple[str, ...],
                others: tuple[tuple[str, str], ...] = ()) -> FixLine | None:
    if line is None or not (along or others):
        return line
    return replace(line, along=tuple(s for s in along if s not in line.services),
                   others=others)


def left_revealed(result: FixResult, config: Config) -> list[LeftRevealed]:
    """The findings of the run's last check that its first did not have and that no run of
    fixer fixes as things are: neither a fix of their own nor one after the unsafe fixes
    they follow (`fixer fix` lists them "no automatic fix"), each with the fix that made it
    appear."""
    known = {f.fingerprint for f in result.initial}
    left = [f for f in result.remaining if f.fingerprint not in known and not f.fixable
            and not after_unsafe_fixes(f)]
    if not left:
        return []
    settled = settled_with(result)
    loaded: dict[int, Workspace] = {}
    end = len(result.applied)
    windows = _windows(result)
    return [LeftRevealed(f, _revealing(result, _revealer(result.applied, end, config, loaded,
                                                         f, known, windows) if end else None,
                                       settled))
            for f in left]


def _revealing(result: FixResult, by: int | None,
               settled: Mapping[int, Sequence[Finding]]) -> FixLine | None:
    """The fix at `by` in `result.applied`, naming every service it settles a finding of its
    own code of (`the C005 fix of db and cache`; not a service whose C003 entry it rewrites,
    which has no C005 fix)."""
    if by is None:
        return None
    fixing = result.applied[by].finding
    return line_of(fixing, [f for f in settled.get(by, ()) if f.code == fixing.code])


def revealers(result: FixResult, config: Config) -> dict[int, int | None]:
    """Index (in `result.applied`) of each fix whose finding the run's first check did not
    have -> index of the earlier fix that revealed it (None when none can be named)."""
    known = {f.fingerprint for f in result.initial}
    loaded: dict[int, Workspace] = {}  # by index: fixes revealing several findings load once
    windows = _windows(result)
    return {index: _revealer(result.applied, index, config, loaded, None, known, windows)
            for index, applied in enumerate(result.applied)
            if applied.finding.fingerprint not in known}


def line_of(finding: Finding, settles: Sequence[Finding] = ()) -> FixLine:
    """The fix of `finding`, which also settles the findings `settles` (`settled_with`)."""
    also = tuple(f.service for f in settles if f.service is not None)
    return FixLine(finding.code, finding.service, title(finding), also=also,
                   fingerprint=finding.fingerprint)


# Trees re-checked in order where a finding is gone again before its own fix (each costs
# a workspace load and one rule); past this, the latest fix on its service or file is named
_SCAN_LIMIT = 12


def _windows(result: FixResult) -> dict[str, tuple[int, int]]:
    """Fingerprint of each finding a later round's check had first -> the first and last
    fix (indices in `result.applied`) of the round after which it had it: the fix that
    revealed it is one of them. Searching all the fixes before a finding's own for each of
    a thousand findings one healthcheck revealed (every list naming `auth`) loaded a
    workspace a dozen times for each, each at another fix."""
    steps = result.applied[0].history.steps if result.applied else []
    starts: list[int] = []   # by fix: the first fix of its round
    for index, (_round, position) in enumerate(steps[:len(result.applied)]):
        starts.append(index - position)
    return {finding.fingerprint: (starts[made - 1], made - 1)
            for made, finding in result.appeared if 0 < made <= len(starts)}


def _revealer(applied: Sequence[AppliedFix], index: int, config: Config,
              loaded: dict[int, Workspace], finding: Finding | None = None,
              initial: Collection[str] = (),
              windows: Mapping[str, tuple[int, int]] | None = None) -> int | None:
    """The first fix before `index` after which its finding (or `finding`, one it settles)
    is there. The trees after the fixes are cumulative and a finding, once revealed, stays
    until its own fix: the first one is found by halves, whichever fix touched its file or
    service (C005's probe in an override file may sit beside a C003 entry that C004's
    healthcheck of the API revealed). Where that is the fix of a sibling finding (the same
    code and service: the override file's entry, reported first) that was revealed itself,
    what revealed the sibling revealed this one too (`initial`: the first check's
    fingerprints)."""
    finding = finding or applied[index].finding
    if index < 2:  # no other fix to tell it from: nothing to re-check
        return index - 1 if index else None
    low, high = 0, index - 1
    window = (windows or {}).get(finding.fingerprint)
    if window is not None and window[1] <= high:   # absent before its round, there after
        low, high = window
    if not _present_after(applied, high, finding, config, loaded):
        # gone again before its fix (a fix of its round settled it too): the first tree
        # that has it, among the first few
        low = next((k for k in range(min(high, _SCAN_LIMIT))
                    if _present_after(applied, k, finding, config, loaded)), -1)
        if low < 0:
            owners = [i for i in range(index) if applied[i].finding.service == finding.service
                      or finding.path in {e.path for e in applied[i].edits}]
            return owners[-1] if owners else high
        high = low
    while low < high:
        middle = (low + high) // 2
        if _present_after(applied, middle, finding, config, loaded):
            high = middle
        else:
            low = middle + 1
    sibling = applied[low].finding
    if _key(sibling) == _key(finding) and sibling.fingerprint not in initial:
        return _revealer(applied, low, config, loaded, None, initial, windows)
    return low


def _present_after(applied: Sequence[AppliedFix], earlier: int, finding: Finding,
                   config: Config, loaded: dict[int, Workspace]) -> bool:
    if earlier not in loaded:
        loaded[earlier] = Workspace.load(applied[earlier].after, config)
    return _present(loaded[earlier], finding)


def _present(ws: Workspace, finding: Finding) -> bool:
    return finding.fingerprint in ws.derived.keyed(_FOUND_BY, finding.rule.code,
                                                   lambda: _found(ws, finding.rule))


def _found(ws: Workspace, rule: Rule) -> frozenset[str]:
    """The fingerprints of what the rule finds on the workspace."""
    try:
        return frozenset(f.fingerprint for f in rule.detect(ws))
    except Exception:  # a rule that cannot read the tree proves nothing here
        return frozenset()


# per workspace of a tree after a fix: what each rule finds there, by its code. The search
# for the fix that revealed each finding asks one tree of one rule for several findings
# (a C003 finding on each list a C004 healthcheck revealed)
_FOUND_BY: Memo[dict[str, frozenset[str]]] = Memo("fingerprints each rule finds")
