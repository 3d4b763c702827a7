"""The report's finding-type sections: critical issues (errors, those that break the most
services first), minor issues (warnings), and recommendations."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from fixer.formats.findings import after_unsafe_fixes
from fixer.formats.report.impact import doc_impact
from fixer.formats.report.fixrun import FixLine, LeftRevealed, Revealed, settling
from fixer.formats.report.model import Audit
from fixer.formats.report.text import inline
from fixer.model.rule import Finding, Rule, Safety, Severity

# Headings that name the defect as a reader of the report knows it; a rule not listed here
# gets its name as a title.
HEADINGS = {
    "S001": "Missing Dockerfiles",
    "S002": "Missing Package Markers (`__init__.py`)",
    "S003": "Missing Server Dependencies",
    "D001": "Duplicate Dockerfiles",
    "D002": "Shell-Form CMD or ENTRYPOINT",
    "D003": "Healthcheck Tools Missing from Images",
    "I001": "Relative Imports in Scripts",
    "I002": "Relative Imports",
    "H001": "Missing Health Endpoints",
    "P001": "Port Mismatches in Docker Compose",
    "P002": "EXPOSE Mismatches",
    "C001": "Missing Database Service",
    "C002": "Unknown Dependencies",
    "C003": "Dependencies Not Awaited Until Healthy",
    "C004": "Missing Healthchecks",
}
CRITICAL, MINOR = "Critical Issues Found", "Minor Issues"


def heading(rule: Rule) -> str:
    return HEADINGS.get(rule.code) or rule.name.replace("-", " ").title()


def message(finding: Finding) -> str:
    """The message without a leading `service: `, which the report already shows."""
    text = finding.message.rstrip(".")
    prefix = f"{finding.service}: "
    if finding.service and text.startswith(prefix):
        text = text[len(prefix):]
    return inline(text)


def who(finding: Finding, audit: Audit | None = None) -> str:
    """The service a finding is about, as the report shows it: with its folder where
    services of one name are built from different folders (`web (one/)`)."""
    shown = audit.shown_as.get(finding.fingerprint) if audit is not None else None
    name = shown or finding.service
    return f"`{name}`" if name else "(no service)"


def _counted_against(finding: Finding, audit: Audit) -> str:
    """The services the report counts a finding against, as the heading counts them: the
    apps that wait on a database C005 is about, the replicas of one image; else the
    service it is about (`who`)."""
    listed = [s.name for s in audit.services if any(f is finding for f in s.findings)]
    if len(listed) < 2 and (not listed or listed == [finding.service]):
        return who(finding, audit)
    return ", ".join(f"`{name}`" for name in listed)


def fix_title(finding: Finding) -> str:
    return inline(finding.fix_title or finding.rule.summary)


def where(finding: Finding) -> str:
    return f"`{finding.path}:{finding.line}`"


def critical_issues(audit: Audit) -> Iterator[str]:
    """Errors: what breaks the stack, the finding types that break the most services first."""
    yield f"## {CRITICAL}"
    yield ""
    if not audit.findings:
        yield "None: no rule found anything."
        yield ""
    elif not audit.by_impact(Severity.ERROR):
        # not "nothing breaks the stack": a warning may say what stops it (C006's .env)
        yield f"None: no finding is an error (see {MINOR})."
        yield ""
    yield from _issue_groups(audit, Severity.ERROR, "breaks")


def minor_issues(audit: Audit) -> Iterator[str]:
    """Warnings: hardening, hygiene and the audit's policy; the stack runs."""
    groups = audit.by_impact(Severity.WARNING)
    if not groups:
        return
    yield f"## {MINOR}"
    yield ""
    yield ("Warnings: hardening, hygiene and the audit's policy; each says below what it "
           "costs.")
    yield ""
    yield from _issue_groups(audit, Severity.WARNING, "in")


def _issue_groups(audit: Audit, severity: Severity, verb: str) -> Iterator[str]:
    for number, (rule, findings) in enumerate(audit.by_impact(severity), 1):
        count = audit.broken.get(rule.code, 0)
        # a count beyond the services the findings are about: those it stops too (a service
        # waiting for one that never becomes healthy), which the lists below do not name
        ids = {id(finding) for finding in findings}
        listed = [s for s in audit.services if any(id(f) in ids for f in s.findings)]
        unlisted = {f.service for f in findings
                    if not any(f in s.findings for s in listed)}   # not built by fixer
        own = len(listed) + len(unlisted)
        beyond = f" ({own} with the finding, {count - own} it stops too: see Impact)" \
            if count > own else ""
        yield (f"### {number}. **{heading(rule)}** ({rule.code} {rule.name}): {verb} "
               f"{count} service{'s' * (count != 1)}{beyond}")
        yield ""
        yield f"**Issue**: {inline(rule.summary)}"
        yield ""
        yield "**Affected Services**:"
        for finding in findings:
            yield f"- {_counted_against(finding, audit)}: {message(finding)} ({where(finding)})"
        yield ""
        yield f"**Impact**: {audit.impacts.get(rule.code) or inline(doc_impact(rule))}"
        yield ""


def recommendations(audit: Audit) -> Iterator[str]:
    yield "## Recommendations"
    yield ""
    yield from _fix_list("### Fixed by `fixer fix` (safe)", audit, Safety.SAFE,
                         lambda f: _offered(f, audit))
    yield from _fix_list("### Fixed by `fixer fix --unsafe-fixes` (unsafe: review the diff)",
                         audit, Safety.UNSAFE, lambda f: _offered(f, audit))
    yield from _fix_list("### Needs a Person", audit, Safety.DISPLAY,
                         lambda f: _by_hand(f, audit))


def _offered(finding: Finding, audit: Audit) -> str:
    later = audit.fixed_later.get(finding.fingerprint)
    settled = audit.settled_by.get(finding.fingerprint)
    if later is not None and settled is not None:
        return f"{who(finding, audit)}: settled by {settled} ({inline(later)})"
    if later is not None:
        return f"{who(finding, audit)}: {inline(later)} (once the fixes it waits on are in)"
    first = audit.yields_unsafe.get(finding.fingerprint)
    if first is not None:   # the `--unsafe-fixes` run makes that fix, not this one's
        return f"{who(finding, audit)}: settled by {settling(first)} ({fix_title(first)})"
    if after_unsafe_fixes(finding) and finding.reason:
        # no fix of its own until the unsafe one it waits on is in: what it waits for
        return (f"{who(finding, audit)}: {message(finding)}; fixed after the unsafe fix it "
                f"waits on ({inline(finding.reason)})")
    return f"{who(finding, audit)}: {fix_title(finding)}"


def _by_hand(finding: Finding, audit: Audit) -> str:
    failure = audit.failure_of(finding)
    reason = f"its fix failed verification: {failure}" if failure else finding.reason
    why = f" Why no automatic fix: {inline(reason.rstrip('.'))}." if reason else ""
    return f"{who(finding, audit)}: {message(finding)} ({where(finding)}).{why}"


def revealed_line(revealed: Revealed) -> str:
    """A fix of the run for a finding that only appears once another fix is in."""
    finding, by = revealed.finding, revealed.fix.revealed_by
    after = _fix_of(by) if by else "an earlier fix"
    return (f"then, revealed once {after} {_are(by)} in: {finding.code} {who(finding)}: "
            f"{message(finding)}. Fixed in the same run: {inline(revealed.fix.text)}")


def _fix_list(title: str, audit: Audit, safety: Safety,
              line: Callable[[Finding], str]) -> Iterator[str]:
    """Findings grouped by rule under a title, one line each, and under a fix the findings
    it reveals that the same run fixes; "None." when there are none."""
    findings = audit.with_safety(safety)
    groups = audit.ranked(findings)
    yield title
    yield ""
    shown: set[str] = set()
    for number, (rule, group) in enumerate(groups, 1):
        yield f"{number}. **{heading(rule)}** ({rule.code})"
        # one line per fix: a fix that settles several findings (two `depends_on` entries of
        # one service) is listed once, so the lines are the fixes the diff makes; the same
        # words for another file (a service of one name in two compose files) name the file
        files: dict[str, set[str]] = {}
        for finding in group:
            files.setdefault(line(finding), set()).add(finding.path)
        for finding in group:
            said = line(finding)
            text = f"   - {said}" + (f" (in `{finding.path}`)" if len(files[said]) > 1 else "")
            if text in shown:
                continue
            shown.add(text)
            yield text
            for revealed in audit.revealed_by(finding):
                if revealed.finding.fingerprint not in shown:
                    shown.add(revealed.finding.fingerprint)
                    yield f"     - {revealed_line(revealed)}"
    rest = _unplaced(audit, shown) if safety is Safety.SAFE else []
    if rest:
        yield f"{len(groups) + 1}. **Revealed by other fixes**"
        yield from (f"   - {revealed_line(r)}" for r in rest)
    left = audit.run.left if safety is Safety.DISPLAY and audit.after is None else ()
    if left:
        yield f"{len(groups) + 1}. **Revealed by the fixes of `fixer fix`**"
        yield from (f"   - {_left_line(item)}" for item in left)
    if not findings and not rest and not left:
        yield "None."
    yield ""


def _left_line(item: LeftRevealed) -> str:
    """A finding a fix of the run reveals and leaves to a person, with why."""
    finding, by = item.finding, item.revealed_by
    after = _fix_of(by) if by else "an earlier fix"
    why = f" Why no automatic fix: {inline(finding.reason.rstrip('.'))}." \
        if finding.reason else ""
    return (f"{finding.code} `{finding.service or '-'}`, once {after} {_are(by)} in: "
            f"{message(finding)} (`{finding.path}`).{why}")


def _unplaced(audit: Audit, shown: set[str]) -> Sequence[Revealed]:
    """Revealed findings whose revealing fix is not one of the audit's findings (it was
    itself revealed): listed on their own, still with what reveals them."""
    placed = {r.finding.fingerprint for f in audit.findings for r in audit.revealed_by(f)}
    return [r for r in audit.run.revealed
            if r.finding.fingerprint not in placed | shown]


def fix_line(line: FixLine) -> str:
    """A fix made, for the report of the tree after the fixes."""
    by = line.revealed_by
    revealed = f" (revealed by {_fix_of(by)})" if by else ""
    return f"{line.code} `{line.service or '-'}`: {inline(line.text)}{revealed}"


def _are(line: FixLine | None) -> str:
    """`is` after one fix, `are` after the fixes a revealing fix names (`FixLine.along`)."""
    return "are" if line is not None and (line.along or line.others) else "is"


def _fix_of(line: FixLine) -> str:
    """`the C005 fix of `mq` and `db``: every service the fix settles a finding of (and, as
    the fix that revealed a finding, those of the fixes beside it: `FixLine.revealing`)."""
    return line.revealing_fixes(lambda service: f"`{service}`", "`-`")
