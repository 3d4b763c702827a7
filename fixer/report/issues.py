"""The report's finding-type sections: critical issues and recommendations."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from fixer.report.model import Audit, group_by_rule
from fixer.report.text import inline
from fixer.rule import Finding, Rule, Safety

# Headings in the seed report's words; a rule not listed here gets its name as a title.
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


def heading(rule: Rule) -> str:
    return HEADINGS.get(rule.code) or rule.name.replace("-", " ").title()


def impact(rule: Rule) -> str:
    """The first paragraph of the rule's "Why is this bad?", on one line."""
    section = rule.doc_section("Why is this bad?") or ""
    return inline(" ".join(section.split("\n\n")[0].split()))


def message(finding: Finding) -> str:
    """The message without a leading `service: `, which the report already shows."""
    text = finding.report.message.rstrip(".")
    prefix = f"{finding.report.service}: "
    if finding.report.service and text.startswith(prefix):
        text = text[len(prefix):]
    return inline(text)


def who(finding: Finding) -> str:
    return f"`{finding.report.service}`" if finding.report.service else "(no service)"


def fix_title(finding: Finding) -> str:
    return inline(finding.report.fix_title or finding.rule.summary)


def where(finding: Finding) -> str:
    return f"`{finding.report.path}:{finding.report.line}`"


def critical_issues(audit: Audit) -> Iterator[str]:
    yield "## Critical Issues Found"
    yield ""
    groups = audit.by_rule()
    if not groups:
        yield "None: no rule found anything."
        yield ""
    for number, (rule, findings) in enumerate(groups, 1):
        yield f"### {number}. **{heading(rule)}** ({rule.code} {rule.name})"
        yield ""
        yield f"**Issue**: {inline(rule.summary)}"
        yield ""
        yield "**Affected Services**:"
        for finding in findings:
            yield f"- {who(finding)}: {message(finding)} ({where(finding)})"
        yield ""
        yield f"**Impact**: {impact(rule)}"
        yield ""


def recommendations(audit: Audit) -> Iterator[str]:
    yield "## Recommendations"
    yield ""
    yield from _fix_list("### Fixed by `fixer fix` (safe)", audit.with_safety(Safety.SAFE),
                         lambda f: _offered(f, audit))
    yield from _fix_list("### Fixed by `fixer fix --unsafe-fixes` (unsafe: review the diff)",
                         audit.with_safety(Safety.UNSAFE))
    yield from _fix_list("### Needs a Person", audit.with_safety(Safety.DISPLAY),
                         lambda f: _by_hand(f, audit))


def _offered(finding: Finding, audit: Audit | None = None) -> str:
    later = audit.fixed_later.get(finding.fingerprint) if audit is not None else None
    if later is not None:
        return f"{who(finding)}: {inline(later)} (once the fixes it waits on are in)"
    return f"{who(finding)}: {fix_title(finding)}"


def _by_hand(finding: Finding, audit: Audit) -> str:
    failure = audit.failure_of(finding)
    reason = f"its fix failed verification: {failure}" if failure else finding.report.reason
    why = f" Why no automatic fix: {inline(reason.rstrip('.'))}." if reason else ""
    return f"{who(finding)}: {message(finding)} ({where(finding)}).{why}"


def _fix_list(title: str, findings: Sequence[Finding],
              line: Callable[[Finding], str] = _offered) -> Iterator[str]:
    """Findings grouped by rule under a title, one line each; "None." when there are none."""
    yield title
    yield ""
    if not findings:
        yield "None."
        yield ""
        return
    for number, (rule, group) in enumerate(group_by_rule(findings), 1):
        yield f"{number}. **{heading(rule)}** ({rule.code})"
        for finding in group:
            yield f"   - {line(finding)}"
    yield ""
