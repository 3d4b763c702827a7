"""The audit report as markdown: summary, services, stack diagram, issues, recommendations
and scores, in the order a reviewer reads them. Deterministic: no dates, no machine paths,
only repository-relative ones, so a golden file can pin it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fixer.core.errors import RuleCrash
from fixer.formats.findings import after_unsafe_fixes
from fixer.formats.report.issues import (
    critical_issues,
    fix_line,
    fix_title,
    message,
    minor_issues,
    recommendations,
    revealed_line,
    where,
)
from fixer.formats.report.mermaid import Diagram
from fixer.formats.report.fixrun import FixSummary, settling
from fixer.formats.report.model import NO_DOCKERFILE, Audit, ServiceAudit
from fixer.formats.report.scores import (
    APP_ONLY,
    CATEGORIES,
    FORMULA,
    READS_APP_CODE,
    badge,
    percent,
)
from fixer.formats.report.summary import plural, summary
from fixer.formats.report.text import inline
from fixer.model.rule import Category, Finding, Severity

TITLE = "# FastAPI Microservices Audit Report"


def render(audit: Audit, diagram: Diagram) -> str:
    """The whole report; `diagram` is the Mermaid flowchart of the stack."""
    parts = [
        _title(audit), summary(audit), _errors(audit), _fixes_made(audit.after),
        _services(audit), _diagram(diagram), critical_issues(audit), minor_issues(audit),
        _details(audit), recommendations(audit), _scores(audit),
    ]
    lines = [line for part in parts for line in part]
    return "\n".join(lines).rstrip("\n") + "\n"


def _title(audit: Audit) -> Iterator[str]:
    yield TITLE + (" (after `fixer fix`)" if audit.after else "")
    yield ""
    if audit.after:
        applied, failed = len(audit.after.applied), len(audit.after.failed)
        made = f"{plural(applied, 'fix', 'fixes')} applied" + (f", {failed} failed" * bool(failed))
        yield f"> The tree as `fixer fix` would leave it: {made}. Nothing was written."
        yield ""


def _errors(audit: Audit) -> Iterator[str]:
    inputs = [e for e in audit.errors if not isinstance(e, RuleCrash)]
    crashes = [e for e in audit.errors if isinstance(e, RuleCrash)]
    if inputs:
        yield "## Input Errors"
        yield ""
        yield "fixer could not use these files as written; the findings below leave out " \
            "what they define."
        yield ""
        for error in inputs:
            yield f"- `{error.path}:{error.line}`: {inline(error.message)}"
        yield ""
    if crashes:
        yield "## Rules That Crashed"
        yield ""
        yield "A bug in fixer, not in this repository: these rules' findings are missing."
        yield ""
        for crash in crashes:
            yield f"- {crash.code} ({crash.stage}): {inline(crash.exception)}"
        yield ""


def _fixes_made(after: FixSummary | None) -> Iterator[str]:
    if after is None:
        return
    yield "## Fixes Applied"
    yield ""
    if not after.applied:
        yield "None."
    for number, line in enumerate(after.applied, 1):
        yield f"{number}. {fix_line(line)}"
    for line in after.failed:
        yield f"- ❌ {line.code} `{line.service or '-'}` failed: {inline(line.text)}"
    for problem in after.problems:
        yield f"- ❌ {inline(problem)}"
    yield ""


def _services(audit: Audit) -> Iterator[str]:
    yield "## Target Services Audited"
    yield ""
    if not audit.services:
        yield "No service: no compose file fixer read builds one."
    for number, service in enumerate(audit.services, 1):
        yield f"{number}. {_mark(service)} **{inline(service.name)}** - {_service_state(service)}"
    yield ""


def _mark(service: ServiceAudit) -> str:
    if service.compliant and service.unread is not None:
        return "➖"   # not checked: neither compliant nor not
    return "✅" if service.compliant else "❌"


def _service_state(service: ServiceAudit) -> str:
    """A service with warnings only is compliant (with minor issues); an error makes it not;
    one whose build context fixer does not read was not checked, whatever else is found."""
    if service.unread is not None:
        found = f"; {_issues(service)}" if service.findings else ""
        return f"Not checked: {inline(service.unread)}{found}"
    if not service.findings and service.unchecked is not None:
        return "Compliant: no findings (its app checks not run: see below)"
    if not service.findings and service.undecided:
        return f"Compliant: no findings (not checked: {', '.join(service.undecided)}; see below)"
    if not service.findings:
        return "Compliant: no findings"
    if service.compliant:
        return f"Compliant with minor issues: {_issues(service)}"
    return _issues(service)


def _issues(service: ServiceAudit) -> str:
    """`1 critical issue (Structure); 2 minor issues (Dockerfile)`: what a service has."""
    minor = _counted(service.warnings, "minor issue")
    if service.compliant:
        return minor
    critical = _counted(service.errors, "critical issue")
    return critical + (f"; {minor}" if service.warnings else "")


def _counted(findings: list[Finding], word: str) -> str:
    categories = [c.value for c in CATEGORIES if any(f.rule.category is c for f in findings)]
    return f"{plural(len(findings), word)} ({', '.join(categories)})"


def _diagram(diagram: Diagram) -> Iterator[str]:
    yield "## Stack Diagram"
    yield ""
    if diagram.note:
        yield diagram.note
        yield ""
    yield "```mermaid"
    yield diagram.text.rstrip("\n")
    yield "```"
    yield ""


def _details(audit: Audit) -> Iterator[str]:
    yield "## Detailed Findings by Service"
    yield ""
    checked = {category: sorted(r.code for r in audit.rules if r.category is category)
               for category in CATEGORIES}
    app_only = frozenset(r.code for r in audit.rules if r.app_only)
    if not audit.services:
        yield "No service."
        yield ""
    for service in audit.services:
        yield f"### {_mark(service)} {inline(service.name)}"
        for category in CATEGORIES:
            yield (f"- **{category.value}**: "
                   f"{_category_state(service, category, checked, app_only)}")
        yield "- **Issues**:" + (" None" if not service.findings else "")
        yield from _issue_lines(service.findings, audit)
        yield ""
    yield from _unbuilt(audit)


def _issue_lines(findings: Sequence[Finding], audit: Audit) -> Iterator[str]:
    for finding in findings:
        yield (f"  - {_severity_mark(finding)} {finding.code} {where(finding)}: "
               f"{message(finding)}. {_fix_text(finding, audit)}")
        for revealed in audit.revealed_by(finding):
            yield f"    - {revealed_line(revealed)}"


def _unbuilt(audit: Audit) -> Iterator[str]:
    """The findings about services fixer does not build (C006 on a database image's
    `${VAR}`), under their services: counted in the totals, so listed too, but not scored."""
    listed = {id(f) for service in audit.services for f in service.findings}
    by_service: dict[tuple[str, str], list[Finding]] = {}
    for finding in audit.findings:
        if id(finding) not in listed:
            by_service.setdefault((finding.service or "-", finding.path), []).append(finding)
    for (name, path), findings in by_service.items():
        yield f"### ➖ {inline(name)} (`{path}`: not built by fixer, not scored)"
        yield "- **Issues**:"
        yield from _issue_lines(findings, audit)
        yield ""


def _severity_mark(finding: Finding) -> str:
    return "❌" if finding.rule.severity is Severity.ERROR else "⚠️"


def _fix_text(finding: Finding, audit: Audit) -> str:
    later = audit.fixed_later.get(finding.fingerprint)
    settled = audit.settled_by.get(finding.fingerprint)
    if later is not None and settled is not None:
        return f"Settled by {settled}: {inline(later)}; no fix of its own"
    if later is not None:
        return (f"Fix (safe, once the fixes it waits on are in): {inline(later)}; until then: "
                f"{inline(finding.reason or '')}")
    failure = audit.failure_of(finding)
    if failure is not None:
        return f"Fix ({finding.safety.value}) failed verification: {inline(failure)}"
    first = audit.yields_unsafe.get(finding.fingerprint)
    if first is not None:
        return (f"Settled with `--unsafe-fixes` by {settling(first)}: {fix_title(first)}; "
                "no fix of its own")
    if finding.fixable:
        return f"Fix ({finding.safety.value}): {fix_title(finding)}"
    if after_unsafe_fixes(finding):   # `--unsafe-fixes` fixes it after those it waits on
        return (f"Fix (with `--unsafe-fixes`, after the unsafe fixes it waits on): "
                f"{inline(finding.reason or '')}")
    return f"No automatic fix: {inline(finding.reason or 'none offered')}"


def _category_state(service: ServiceAudit, category: Category,
                    checked: dict[Category, list[str]], app_only: frozenset[str]) -> str:
    """❌ with an error of the category, ⚠️ with warnings only, ✅ with neither. Of a service
    that is no app service, "No findings" names only the rules that judged it."""
    if not checked[category]:
        return "Not checked"
    found = service.in_category(category)
    # the image's categories: compose's rules still judge the service's compose entries
    if service.unread is not None and not found and category in _IMAGE_CATEGORIES:
        return f"Not checked ({inline(service.unread)})"
    if not service.app and category in APP_ONLY and not found:
        return _not_app(service)
    if service.module_unknown and category in READS_APP_CODE and not found:
        return f"Not checked ({inline(service.module_unknown)})"
    if service.no_dockerfile and category is Category.DOCKERFILE and not found:
        return f"Not checked ({NO_DOCKERFILE})"
    if not found:
        judged = [c for c in checked[category] if service.app or c not in app_only]
        unjudged = [c for c in checked[category] if c not in judged]
        if not judged:
            return _not_app(service)
        # a service fixer cannot tell serves no app: the app's rules were not run on it
        unknown = service.unchecked is not None or service.unread is not None
        rest = f"; not checked: {', '.join(unjudged)}" if unjudged and unknown else ""
        undecided = [f"{code} ({inline(service.undecided[code])})" for code in judged
                     if code in service.undecided]
        judged = [code for code in judged if code not in service.undecided]
        if not judged:
            return f"Not checked: {', '.join(undecided)}"
        rest += f"; not checked: {', '.join(undecided)}" if undecided else ""
        return f"✅ No findings ({', '.join(judged)}){rest}"
    codes = dict.fromkeys(f"{f.code} {f.rule.name}" for f in found)
    mark = "❌" if any(f.rule.severity is Severity.ERROR for f in found) else "⚠️"
    return f"{mark} " + ", ".join(codes)


# the categories whose rules read the image a service builds, and the code in it
_IMAGE_CATEGORIES = frozenset({Category.STRUCTURE, Category.DOCKERFILE, Category.IMPORTS,
                               Category.HEALTH, Category.PORTS})


def _not_app(service: ServiceAudit) -> str:
    """An app-only category of a service that is no app service: not applicable, with what
    it runs where fixer knows; not checked where fixer cannot tell that it serves no app."""
    if service.runs is not None:
        return f"Not applicable (it runs {inline(service.runs)}, not a FastAPI server)"
    if service.unchecked is not None:
        return f"Not checked ({inline(service.unchecked)})"
    return "Not applicable (no FastAPI app)"


def _scores(audit: Audit) -> Iterator[str]:
    yield "## Compliance Score"
    yield ""
    for score in audit.scores:
        name = f"- **{score.category.value}**:"
        if score.share is None:
            yield f"{name} {'not checked' if not score.checked else 'no service to score'}"
            continue
        failing = [f"{score.total - score.error_free} with errors",
                   f"{score.total - score.warning_free} with warnings"]
        extra = ", ".join(text for text in failing if not text.startswith("0 "))
        extra = f"; {extra}" if extra else ""
        yield (f"{name} {percent(score.share)}% {badge(score.share)} "
               f"({score.passing} of {plural(score.total, 'service')}{extra})")
    yield ""
    yield f"**Overall Compliance**: {_verdict(audit)}"
    yield ""
    yield f"How the scores are computed: {FORMULA}"


def _verdict(audit: Audit) -> str:
    share = audit.overall
    if share is None:
        return "not scored (no service audited, or no category checked)"
    if audit.errors:
        verdict = "Incomplete: some files could not be used"
    elif any(not s.compliant for s in audit.services):
        verdict = "Requires fixes before production deployment"
    elif any(s.findings for s in audit.services) or audit.findings:
        # a finding on a service the score leaves out (an image's C006) is still one
        verdict = "Compliant with minor issues"
    else:
        # fixer reads configuration; it has not seen the stack run
        verdict = "No finding in what fixer checks"
    return f"{percent(share)}% - {verdict}"
